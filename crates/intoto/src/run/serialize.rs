//! Writing a link straight from its compact artifact lists: the canonical
//! JSON a Metablock signature covers, the Metablock file, and the DSSE
//! payload, byte for byte as the model's writers (and the reference) make
//! them, without building a JSON tree of every artifact first.
//!
//! The artifacts are written here; every other member (and every string)
//! goes through `intoto-cjson`'s writers, so escaping has one definition.

use intoto_cjson::{Map, Style, Value, write_canonical, write_python_json};

use super::artifacts::{ArtifactList, Digests};

/// The members of a link, borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LinkView<'a> {
    pub(crate) name: &'a str,
    pub(crate) materials: &'a ArtifactList,
    pub(crate) products: &'a ArtifactList,
    pub(crate) byproducts: &'a Map,
    pub(crate) command: &'a [String],
    pub(crate) environment: &'a Map,
}

/// The two layouts of Python's `json.dumps` that links are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `indent=1` (Metablock files).
    Indent1,
    /// One line, `", "` and `": "` (DSSE payloads).
    Spaced,
}

impl Layout {
    fn style(self) -> Style {
        match self {
            Self::Indent1 => Style::Indent1,
            Self::Spaced => Style::Spaced,
        }
    }

    fn item_separator(self) -> &'static str {
        match self {
            Self::Indent1 => ",",
            Self::Spaced => ", ",
        }
    }

    fn newline(self, depth: usize, out: &mut String) {
        if self == Self::Indent1 {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', depth));
        }
    }
}

/// A reusable string value, so that writing a name allocates nothing.
struct Scratch(Value);

impl Scratch {
    fn new() -> Self {
        Self(Value::String(String::new()))
    }

    fn set(&mut self, s: &str) -> &Value {
        if let Value::String(buf) = &mut self.0 {
            buf.clear();
            buf.push_str(s);
        }
        &self.0
    }

    /// `s` as a Python JSON string. Printable ASCII without `"` and `\`
    /// (most paths) is written as it is; anything else goes through the
    /// cjson writer.
    fn python(&mut self, s: &str, out: &mut String) {
        if s.bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
        {
            out.push('"');
            out.push_str(s);
            out.push('"');
        } else {
            write_python_json(self.set(s), Style::Spaced, out);
        }
    }

    /// `s` as a canonical JSON string: only `"` and `\` are escaped, so
    /// a string without them is written as it is.
    fn canonical(&mut self, s: &str, out: &mut Vec<u8>) -> Result<(), intoto_cjson::Error> {
        if s.bytes().all(|b| b != b'"' && b != b'\\') {
            out.push(b'"');
            out.extend_from_slice(s.as_bytes());
            out.push(b'"');
            Ok(())
        } else {
            write_canonical(self.set(s), out)
        }
    }
}

/// `value` in Python's layout at nesting `depth` (a member of a member ...).
fn py_value(value: &Value, layout: Layout, depth: usize, out: &mut String) {
    let multiline = layout == Layout::Indent1
        && depth > 0
        && match value {
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
            _ => false,
        };
    if multiline {
        // Strings never hold a raw newline, so every newline is layout.
        let mut tmp = String::new();
        write_python_json(value, layout.style(), &mut tmp);
        let pad: String = std::iter::repeat_n(' ', depth).collect();
        out.push_str(&tmp.replace('\n', &format!("\n{pad}")));
    } else {
        write_python_json(value, layout.style(), out);
    }
}

/// An object whose members are written by `member(i, out)` after their keys.
fn py_object<'k>(
    keys: impl Iterator<Item = &'k str>,
    layout: Layout,
    depth: usize,
    scratch: &mut Scratch,
    out: &mut String,
    mut member: impl FnMut(usize, &mut Scratch, &mut String),
) {
    let mut empty = true;
    for (i, key) in keys.enumerate() {
        out.push_str(if i == 0 { "{" } else { layout.item_separator() });
        empty = false;
        layout.newline(depth + 1, out);
        scratch.python(key, out);
        out.push_str(": ");
        member(i, scratch, out);
    }
    if empty {
        out.push_str("{}");
    } else {
        layout.newline(depth, out);
        out.push('}');
    }
}

fn py_artifacts(list: &ArtifactList, layout: Layout, depth: usize, out: &mut String) {
    let mut scratch = Scratch::new();
    let digests: Vec<&Digests> = list.iter().map(|(_, d)| d).collect();
    py_object(
        list.iter().map(|(n, _)| n),
        layout,
        depth,
        &mut scratch,
        out,
        |i, _, out| match digests.get(i) {
            Some(Digests::Sha256(raw)) => {
                out.push('{');
                layout.newline(depth + 2, out);
                out.push_str("\"sha256\": \"");
                push_hex(raw, out);
                out.push('"');
                layout.newline(depth + 1, out);
                out.push('}');
            }
            Some(other @ Digests::Other(_)) => py_value(&other.to_value(), layout, depth + 1, out),
            None => {}
        },
    );
}

fn py_map(map: &Map, layout: Layout, depth: usize, out: &mut String) {
    let values: Vec<&Value> = map.values().collect();
    let mut scratch = Scratch::new();
    py_object(
        map.keys().map(String::as_str),
        layout,
        depth,
        &mut scratch,
        out,
        |i, _, out| {
            if let Some(v) = values.get(i) {
                py_value(v, layout, depth + 1, out);
            }
        },
    );
}

fn push_hex(raw: &[u8; 32], out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in raw {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
}

impl LinkView<'_> {
    /// About how many bytes the link takes when written (enough that the
    /// output buffer rarely grows, so it is not copied while it is large).
    fn size_hint(&self) -> usize {
        let per_artifact =
            |list: &ArtifactList| list.iter().map(|(n, _)| n.len() + 100).sum::<usize>();
        4096 + per_artifact(self.materials) + per_artifact(self.products)
    }

    /// The link as Python's `json.dumps(sort_keys=True)` writes it in
    /// `layout`, as a member at `depth`.
    fn python(&self, layout: Layout, depth: usize, out: &mut String) {
        let command = Value::Array(
            self.command
                .iter()
                .map(|c| Value::from(c.as_str()))
                .collect(),
        );
        let name = Value::from(self.name);
        let keys = [
            "_type",
            "byproducts",
            "command",
            "environment",
            "materials",
            "name",
            "products",
        ];
        let mut scratch = Scratch::new();
        py_object(
            keys.into_iter(),
            layout,
            depth,
            &mut scratch,
            out,
            |i, _, out| {
                let d = depth + 1;
                match i {
                    0 => out.push_str("\"link\""),
                    1 => py_map(self.byproducts, layout, d, out),
                    2 => py_value(&command, layout, d, out),
                    3 => py_map(self.environment, layout, d, out),
                    4 => py_artifacts(self.materials, layout, d, out),
                    5 => py_value(&name, layout, d, out),
                    _ => py_artifacts(self.products, layout, d, out),
                }
            },
        );
    }

    /// The canonical JSON a Metablock signature covers.
    pub(crate) fn canonical(&self) -> Result<Vec<u8>, intoto_cjson::Error> {
        let mut out = Vec::with_capacity(self.size_hint());
        let mut scratch = Scratch::new();
        out.extend_from_slice(b"{\"_type\":\"link\",\"byproducts\":");
        canonical_map(self.byproducts, &mut scratch, &mut out)?;
        out.extend_from_slice(b",\"command\":[");
        for (i, c) in self.command.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_canonical(scratch.set(c), &mut out)?;
        }
        out.extend_from_slice(b"],\"environment\":");
        canonical_map(self.environment, &mut scratch, &mut out)?;
        out.extend_from_slice(b",\"materials\":");
        canonical_artifacts(self.materials, &mut scratch, &mut out)?;
        out.extend_from_slice(b",\"name\":");
        write_canonical(scratch.set(self.name), &mut out)?;
        out.extend_from_slice(b",\"products\":");
        canonical_artifacts(self.products, &mut scratch, &mut out)?;
        out.push(b'}');
        Ok(out)
    }

    /// The DSSE payload: `json.dumps(link, sort_keys=True)`.
    pub(crate) fn dsse_payload(&self) -> Vec<u8> {
        let mut out = String::with_capacity(self.size_hint());
        self.python(Layout::Spaced, 0, &mut out);
        out.into_bytes()
    }

    /// The Metablock file: `json.dumps({"signatures": ..., "signed": link},
    /// indent=1, sort_keys=True)`, written into one buffer.
    pub(crate) fn metablock_file(&self, signatures: &[Value]) -> Vec<u8> {
        let mut out = String::with_capacity(self.size_hint() + 256 * (signatures.len() + 1));
        out.push_str("{\n \"signatures\": ");
        py_value(
            &Value::Array(signatures.to_vec()),
            Layout::Indent1,
            1,
            &mut out,
        );
        out.push_str(",\n \"signed\": ");
        self.python(Layout::Indent1, 1, &mut out);
        out.push_str("\n}");
        out.into_bytes()
    }
}

fn canonical_map(
    map: &Map,
    scratch: &mut Scratch,
    out: &mut Vec<u8>,
) -> Result<(), intoto_cjson::Error> {
    out.push(b'{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_canonical(scratch.set(k), out)?;
        out.push(b':');
        write_canonical(v, out)?;
    }
    out.push(b'}');
    Ok(())
}

fn canonical_artifacts(
    list: &ArtifactList,
    scratch: &mut Scratch,
    out: &mut Vec<u8>,
) -> Result<(), intoto_cjson::Error> {
    out.push(b'{');
    let mut hex = String::with_capacity(64);
    for (i, (name, digests)) in list.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        scratch.canonical(name, out)?;
        out.push(b':');
        match digests {
            Digests::Sha256(raw) => {
                hex.clear();
                push_hex(raw, &mut hex);
                out.extend_from_slice(b"{\"sha256\":\"");
                out.extend_from_slice(hex.as_bytes());
                out.extend_from_slice(b"\"}");
            }
            other @ Digests::Other(_) => write_canonical(&other.to_value(), out)?,
        }
    }
    out.push(b'}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use intoto_cjson::{Style, to_canonical, to_python_json};

    use super::*;
    use crate::model::{Link, Metablock, Metadata};

    /// A small fixed-seed generator (xorshift), so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap()
        }

        fn string(&mut self) -> String {
            const POOL: &[char] = &[
                'a',
                'Z',
                '0',
                '/',
                '.',
                ' ',
                '-',
                '"',
                '\\',
                '\n',
                '\r',
                '\t',
                '\u{0}',
                '\u{1f}',
                '\u{7f}',
                '\u{e9}',
                '\u{65e5}',
                '\u{ffff}',
                '\u{1f600}',
                ':',
                ',',
                '{',
            ];
            (0..self.below(12))
                .map(|_| POOL[self.below(POOL.len())])
                .collect()
        }

        fn artifacts(&mut self) -> ArtifactList {
            let entries = (0..self.below(6))
                .map(|_| {
                    let name = self.string();
                    let d = if self.below(5) == 0 {
                        let mut set = crate::model::DigestSet::new();
                        set.insert("sha512", "AB01");
                        set.insert("sha256", "00");
                        Digests::Other(Box::new(set))
                    } else {
                        let mut raw = [0u8; 32];
                        for b in &mut raw {
                            *b = (self.next() & 0xff) as u8;
                        }
                        Digests::Sha256(raw)
                    };
                    (name, d)
                })
                .collect();
            ArtifactList::from_entries(entries)
        }
    }

    fn cases() -> usize {
        std::env::var("INTOTO_TEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300)
    }

    /// The streaming writers give exactly the bytes of the model's writers
    /// (which are tested byte for byte against the reference).
    #[test]
    fn same_bytes_as_the_model_writers() {
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        for case in 0..cases() {
            let materials = rng.artifacts();
            let products = rng.artifacts();
            let mut byproducts = Map::new();
            if rng.below(3) > 0 {
                byproducts.insert(
                    "return-value".into(),
                    Value::from(rng.below(300) as i64 - 150),
                );
                byproducts.insert("stdout".into(), rng.string().into());
                byproducts.insert("stderr".into(), rng.string().into());
            }
            let mut environment = Map::new();
            if rng.below(3) == 0 {
                let nested: Map = [("a".to_owned(), Value::Null)].into_iter().collect();
                environment.insert(rng.string(), Value::Array(vec![1.into(), nested.into()]));
                environment.insert("t".into(), Value::Bool(true));
                environment.insert("e".into(), Value::Array(vec![]));
            }
            let command: Vec<String> = (0..rng.below(4)).map(|_| rng.string()).collect();
            let name = rng.string();
            let view = LinkView {
                name: &name,
                materials: &materials,
                products: &products,
                byproducts: &byproducts,
                command: &command,
                environment: &environment,
            };
            let mut link = Link::new(name.clone());
            link.materials = materials.to_artifacts();
            link.products = products.to_artifacts();
            link.byproducts = byproducts.clone();
            link.command = command.clone();
            link.environment = environment.clone();
            let value = link.to_value();

            assert_eq!(
                view.canonical().unwrap(),
                to_canonical(&value).unwrap(),
                "case {case}"
            );
            assert_eq!(
                view.dsse_payload(),
                to_python_json(&value, Style::Spaced).into_bytes(),
                "case {case}"
            );
            let signatures: Vec<Value> = (0..rng.below(3))
                .map(|i| {
                    let m: Map = [
                        ("keyid".to_owned(), Value::from(format!("k{i}"))),
                        ("sig".to_owned(), Value::from("00ff")),
                    ]
                    .into_iter()
                    .collect();
                    Value::Object(m)
                })
                .collect();
            let expected = Metadata::Metablock(Metablock {
                signed: value,
                signatures: signatures.clone(),
            })
            .to_bytes();
            assert_eq!(
                String::from_utf8(view.metablock_file(&signatures)).unwrap(),
                String::from_utf8(expected).unwrap(),
                "case {case}"
            );
        }
    }
}
