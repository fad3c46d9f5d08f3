//! A seeded generator of JSON documents that stress the corners where
//! canonical JSON, Python's `json` and naive readers disagree.

use std::collections::BTreeSet;

pub(crate) use intoto_testkit::Rng;

/// Characters that matter for escaping, sorting and normalisation.
const SPECIAL_CHARS: &[char] = &[
    '"',
    '\\',
    '/',
    '\n',
    '\r',
    '\t',
    '\u{8}',
    '\u{c}',
    '\0',
    '\u{1}',
    '\u{1f}',
    '\u{7f}',
    ' ',
    '~',
    'e',
    'E',
    '\u{301}',
    '\u{e9}',
    '\u{ff}',
    '\u{100}',
    '\u{2028}',
    '\u{feff}',
    '\u{fffd}',
    '\u{ffff}',
    '\u{e000}',
    '\u{10000}',
    '\u{1f600}',
    '\u{10ffff}',
    '\u{20ac}',
    '\u{4e2d}',
    'Z',
];

/// Keys whose code-point order differs from UTF-16 order, or that are
/// canonically equivalent but different strings.
const SPECIAL_KEYS: &[&str] = &[
    "",
    "a",
    "A",
    "_",
    "a b",
    "aa",
    "signed",
    "e\u{301}",
    "\u{e9}",
    "\u{ffff}",
    "\u{e000}",
    "\u{1f600}",
    "\u{10000}",
    "\u{ff61}",
    "\u{7f}",
    "\n",
    "\u{0}",
];

pub(crate) struct Options {
    /// Whether numbers with a fraction or an exponent may appear.
    pub(crate) floats: bool,
    /// The deepest nesting of the ordinary shape.
    pub(crate) max_depth: usize,
    /// The most members of one container.
    pub(crate) max_len: usize,
    /// Short strings and keys from a handful (for mutation tests, where
    /// duplicate keys should be easy to make).
    pub(crate) small: bool,
}

/// Generates one valid JSON document (no duplicate keys, no lone surrogates).
pub(crate) fn document(rng: &mut Rng, options: &Options) -> String {
    let mut out = String::new();
    ws(rng, &mut out);
    if rng.chance(5) {
        // A deep chain around an ordinary value, below the default limit of 128.
        let levels = 60 + rng.below(60);
        let mut closers = Vec::new();
        for _ in 0..levels {
            if rng.chance(50) {
                out.push('[');
                closers.push(']');
            } else {
                out.push_str("{\"k\":");
                closers.push('}');
            }
        }
        value(rng, options, options.max_depth.min(3), &mut out);
        while let Some(c) = closers.pop() {
            out.push(c);
        }
    } else if options.small && options.max_depth > 0 {
        // Mutation tests: a container at the top, where mutations matter.
        if rng.chance(50) {
            array(rng, options, options.max_depth, &mut out);
        } else {
            object(rng, options, options.max_depth, &mut out);
        }
    } else {
        value(rng, options, options.max_depth, &mut out);
    }
    ws(rng, &mut out);
    out
}

fn ws(rng: &mut Rng, out: &mut String) {
    if rng.chance(70) {
        return;
    }
    out.push_str(rng.pick::<&str>(&[" ", "\n", "\t", "\r\n", "  ", " \n\t\r "]));
}

fn value(rng: &mut Rng, options: &Options, depth: usize, out: &mut String) {
    // Mutation tests want containers (where keys can repeat) more often.
    let containers = if depth == 0 {
        0
    } else if options.small {
        6
    } else {
        2
    };
    match rng.below(4 + containers) {
        0 => out.push_str(rng.pick::<&str>(&["null", "true", "false"])),
        1 => number(rng, options, out),
        2 | 3 => {
            let s = random_string(rng, if options.small { 4 } else { 12 });
            string(rng, &s, out);
        }
        k if k % 2 == 0 => array(rng, options, depth, out),
        _ => object(rng, options, depth, out),
    }
}

fn array(rng: &mut Rng, options: &Options, depth: usize, out: &mut String) {
    out.push('[');
    let n = rng.below(options.max_len + 1);
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        ws(rng, out);
        value(rng, options, depth - 1, out);
        ws(rng, out);
    }
    if n == 0 {
        ws(rng, out);
    }
    out.push(']');
}

fn object(rng: &mut Rng, options: &Options, depth: usize, out: &mut String) {
    out.push('{');
    let n = rng.below(options.max_len + 1);
    let mut keys = BTreeSet::new();
    for _ in 0..n {
        let key = if options.small {
            (*rng.pick(&["a", "k", "signed", ""])).to_owned()
        } else if rng.chance(60) {
            (*rng.pick(SPECIAL_KEYS)).to_owned()
        } else {
            random_string(rng, 12)
        };
        if !keys.insert(key.clone()) {
            continue;
        }
        if keys.len() > 1 {
            out.push(',');
        }
        ws(rng, out);
        string(rng, &key, out);
        ws(rng, out);
        out.push(':');
        ws(rng, out);
        value(rng, options, depth - 1, out);
        ws(rng, out);
    }
    if keys.is_empty() {
        ws(rng, out);
    }
    out.push('}');
}

fn digits(rng: &mut Rng, n: usize, out: &mut String) {
    for _ in 0..n {
        out.push(char::from(b'0' + rng.below(10) as u8));
    }
}

fn number(rng: &mut Rng, options: &Options, out: &mut String) {
    if options.floats && rng.chance(35) {
        if rng.chance(30) {
            out.push_str(rng.pick::<&str>(&[
                "1E5",
                "1e16",
                "1e15",
                "0.1",
                "-0.0",
                "0e0",
                "1e400",
                "-1e400",
                "5e-324",
                "1e-400",
                "1e22",
                "123456789012345678.0",
                "0.0001",
                "0.00001",
                "1.7976931348623157e308",
                "2.2250738585072014e-308",
                "9007199254740993.0",
                "0.30000000000000004",
                "100.0",
                "1.5E-7",
            ]));
            return;
        }
        if rng.chance(30) {
            out.push('-');
        }
        if rng.chance(30) {
            out.push('0');
        } else {
            out.push(char::from(b'1' + rng.below(9) as u8));
            let n = rng.below(20);
            digits(rng, n, out);
        }
        let fraction = rng.chance(70);
        if fraction {
            out.push('.');
            let n = 1 + rng.below(20);
            digits(rng, n, out);
        }
        if !fraction || rng.chance(40) {
            out.push(*rng.pick(&['e', 'E']));
            out.push_str(rng.pick::<&str>(&["", "+", "-"]));
            let n = 1 + rng.below(3);
            digits(rng, n, out);
        }
        return;
    }
    match rng.below(6) {
        0 => out.push_str(rng.pick::<&str>(&[
            "0",
            "-0",
            "1",
            "-1",
            "9223372036854775807",
            "-9223372036854775808",
            "18446744073709551616",
        ])),
        1 | 2 => {
            if rng.chance(40) {
                out.push('-');
            }
            out.push(char::from(b'1' + rng.below(9) as u8));
            let n = rng.below(60);
            digits(rng, n, out);
        }
        _ => out.push_str(&(rng.next_u64() % 2000).to_string()),
    }
}

fn random_char(rng: &mut Rng) -> char {
    match rng.below(10) {
        0..=3 => char::from(b' ' + rng.below(95) as u8),
        4..=6 => *rng.pick(SPECIAL_CHARS),
        7 => char::from(rng.below(0x20) as u8),
        8 => loop {
            // Any BMP character that is not a surrogate.
            if let Some(c) = char::from_u32(0x80 + rng.below(0xFF80) as u32) {
                break c;
            }
        },
        _ => char::from_u32(0x10000 + rng.below(0x100000) as u32).unwrap_or('x'),
    }
}

fn random_string(rng: &mut Rng, max_len: usize) -> String {
    let n = rng.below(max_len + 1);
    (0..n).map(|_| random_char(rng)).collect()
}

/// Writes `s` as a JSON string, choosing freely among the ways to escape
/// each character (raw, short escape, `\u` in either case, surrogate pairs).
pub(crate) fn string(rng: &mut Rng, s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '/' => Some("\\/"),
            _ => None,
        };
        let must_escape = c < ' ' || c == '"' || c == '\\';
        if !must_escape && rng.chance(70) {
            out.push(c);
        } else if let Some(esc) = short.filter(|_| rng.chance(70)) {
            out.push_str(esc);
        } else {
            let upper = rng.chance(50);
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                if upper {
                    out.push_str(&format!("\\u{unit:04X}"));
                } else {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

#[test]
fn generator_is_deterministic_and_valid() {
    let options = Options {
        floats: true,
        max_depth: 4,
        max_len: 5,
        small: false,
    };
    let a: Vec<String> = {
        let mut rng = Rng::new(7);
        (0..50).map(|_| document(&mut rng, &options)).collect()
    };
    let b: Vec<String> = {
        let mut rng = Rng::new(7);
        (0..50).map(|_| document(&mut rng, &options)).collect()
    };
    assert_eq!(a, b);
    for doc in &a {
        intoto_cjson::from_slice(doc.as_bytes()).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
    }
}
