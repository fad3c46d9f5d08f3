//! The TOML layout format (see `docs/layout-toml.md`): reading, checking,
//! and building the [`Layout`] it describes.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::error::{Location, Problem, TomlLayoutError};
use super::expiry::{Expiry, check_range};
use crate::files::read_regular_file;
use crate::model::rule::{ArtifactKind, ArtifactRule};
use crate::model::{Inspection, Layout, Step};
use crate::time::Clock;

/// TOML layouts are small; anything larger is refused unread.
const MAX_TOML_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayout {
    readme: Option<String>,
    expires: Option<Spanned<toml::Value>>,
    #[serde(default)]
    functionaries: BTreeMap<Spanned<String>, Spanned<RawKey>>,
    #[serde(default)]
    steps: Vec<RawStep>,
    #[serde(default)]
    inspections: Vec<RawInspection>,
}

/// A functionary's key: a public key file, or a GnuPG key in a keyring.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawKey {
    File(String),
    Gpg(RawGpgKey),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGpgKey {
    gpg: String,
    gpg_home: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    name: Spanned<String>,
    #[serde(default)]
    functionaries: Vec<Spanned<String>>,
    threshold: Option<Spanned<i64>>,
    expected_command: Option<Spanned<toml::Value>>,
    #[serde(default)]
    materials: Vec<Spanned<String>>,
    #[serde(default)]
    products: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInspection {
    name: Spanned<String>,
    run: Spanned<toml::Value>,
    #[serde(default)]
    materials: Vec<Spanned<String>>,
    #[serde(default)]
    products: Vec<Spanned<String>>,
}

/// A functionary of a TOML layout: a name for a public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Functionary {
    /// The name used in the file.
    pub name: String,
    /// Where the key came from.
    pub key: FunctionaryKey,
    /// The key's id.
    pub keyid: String,
}

/// Where a functionary's public key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FunctionaryKey {
    /// A public key file, resolved against the TOML file's directory.
    File(PathBuf),
    /// A GnuPG key exported from a keyring (the reference's
    /// `add_functionary_key_from_gpg_keyid`).
    Gpg {
        /// The key id asked for, as written.
        keyid: String,
        /// The GnuPG home, resolved against the TOML file's directory, or
        /// GnuPG's default home.
        home: Option<PathBuf>,
    },
}

impl std::fmt::Display for FunctionaryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(p) => write!(f, "{}", p.display()),
            Self::Gpg { keyid, home: None } => write!(f, "gpg {keyid}"),
            Self::Gpg {
                keyid,
                home: Some(h),
            } => write!(f, "gpg {keyid} in {}", h.display()),
        }
    }
}

/// Where the parts of a TOML layout were written, so that messages about
/// the layout (lint warnings) can point into the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    expires: Option<Location>,
    keys: BTreeMap<String, Location>,
    items: BTreeMap<String, ItemSource>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct ItemSource {
    name: Option<Location>,
    materials: Vec<Location>,
    products: Vec<Location>,
}

impl SourceMap {
    /// Where `expires` was written.
    pub fn expires(&self) -> Option<Location> {
        self.expires
    }

    /// Where the functionary with this key id was defined.
    pub fn key(&self, keyid: &str) -> Option<Location> {
        self.keys.get(keyid).copied()
    }

    /// Where the step or inspection with this name was named.
    pub fn item(&self, name: &str) -> Option<Location> {
        self.items.get(name).and_then(|i| i.name)
    }

    /// Where rule `index` (from 0) of an item's materials or products was written.
    pub fn rule(&self, name: &str, list: ArtifactKind, index: usize) -> Option<Location> {
        let item = self.items.get(name)?;
        match list {
            ArtifactKind::Materials => item.materials.get(index).copied(),
            ArtifactKind::Products => item.products.get(index).copied(),
        }
    }
}

/// A layout read from a TOML file, with its functionaries' names and where
/// everything was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlLayout {
    /// The layout (unsigned).
    pub layout: Layout,
    /// The functionaries, in the order the file defines them.
    pub functionaries: Vec<Functionary>,
    /// Where the parts were written.
    pub source_map: SourceMap,
}

impl TomlLayout {
    /// Names for the layout's key ids: the functionary names, with the key file.
    pub fn key_names(&self) -> BTreeMap<String, String> {
        self.functionaries
            .iter()
            .map(|f| (f.keyid.clone(), format!("{} ({})", f.name, f.key)))
            .collect()
    }
}

/// Reads a TOML layout file; key files are found relative to its directory.
pub fn read_toml_layout(path: &Path, clock: &dyn Clock) -> Result<TomlLayout, TomlLayoutError> {
    let bytes = read_regular_file(path, MAX_TOML_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|_| TomlLayoutError::Encoding {
        path: path.to_path_buf(),
    })?;
    // An empty parent (a bare file name) joins to paths relative to the
    // working directory, which is where such a file is.
    let base = path.parent().unwrap_or(Path::new(""));
    parse_toml_layout(&text, path, base, clock)
}

/// Reads a TOML layout from `text`. `path` names the file in messages;
/// key files are found relative to `base_dir`. The whole file is checked
/// before anything is built: unknown keys, missing or unusable key files,
/// bad rules or commands, duplicate names, unknown functionaries and an
/// expiry that is not in the future are errors that name the line.
pub fn parse_toml_layout(
    text: &str,
    path: &Path,
    base_dir: &Path,
    clock: &dyn Clock,
) -> Result<TomlLayout, TomlLayoutError> {
    let here = Here { text, path };
    let at = |span: Range<usize>, problem: Problem| here.at(span, Box::new(problem));
    let raw: RawLayout = toml::from_str(text).map_err(|e| TomlLayoutError::At {
        path: path.to_path_buf(),
        location: e
            .span()
            .map_or(Location::START, |s| Location::of_offset(text, s.start)),
        problem: Box::new(Problem::Toml(e.message().trim().to_owned())),
    })?;
    let mut map = SourceMap::default();
    let now = clock.now();
    let mut layout = Layout::new(clock);

    let Some(expires) = raw.expires else {
        return Err(at(0..0, Problem::MissingExpires));
    };
    let expires_span = expires.span();
    map.expires = Some(Location::of_offset(text, expires_span.start));
    let written = match expires.get_ref() {
        toml::Value::Datetime(dt) => Expiry::from_datetime(dt).map_err(|r| (dt.to_string(), r)),
        toml::Value::String(s) => Expiry::from_text(s).map_err(|r| (s.clone(), r)),
        other => Err((
            format!("<{}>", other.type_str()),
            format!(
                "expected a date or a string such as \"4 months\", found a {}",
                other.type_str()
            ),
        )),
    };
    let expiry = written
        .map_err(|(text, reason)| at(expires_span.clone(), Problem::Expires { text, reason }))?
        .resolve(now);
    check_range(expiry).map_err(|reason| {
        at(
            expires_span.clone(),
            Problem::Expires {
                text: expiry.to_string(),
                reason,
            },
        )
    })?;
    if expiry <= now {
        return Err(at(
            expires_span,
            Problem::Expired {
                expires: expiry,
                now,
            },
        ));
    }
    layout.expires = expiry;
    layout.readme = raw.readme.unwrap_or_default();

    // Functionaries, in file order.
    let mut defined: Vec<(Spanned<String>, Spanned<RawKey>)> =
        raw.functionaries.into_iter().collect();
    defined.sort_by_key(|(name, _)| name.span().start);
    let mut functionaries: Vec<Functionary> = Vec::new();
    for (name, file) in &defined {
        let (key, source) = match file.get_ref() {
            RawKey::File(f) => {
                let key_path = base_dir.join(f);
                let key = crate::keys::load_public_key(&key_path).map_err(|source| {
                    at(
                        file.span(),
                        Problem::KeyFile {
                            name: name.get_ref().clone(),
                            path: key_path.clone(),
                            source,
                        },
                    )
                })?;
                (key, FunctionaryKey::File(key_path))
            }
            RawKey::Gpg(g) => {
                let source = FunctionaryKey::Gpg {
                    keyid: g.gpg.clone(),
                    home: g.gpg_home.as_ref().map(|h| base_dir.join(h)),
                };
                let bad = |source: crate::Error| {
                    at(
                        file.span(),
                        Problem::GpgKey {
                            name: name.get_ref().clone(),
                            keyid: g.gpg.clone(),
                            source,
                        },
                    )
                };
                // Hex only, as the reference's _check_hex: not a user id
                // or any other gpg search string.
                if g.gpg.is_empty() || !g.gpg.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(at(
                        file.span(),
                        Problem::GpgKeyId {
                            name: name.get_ref().clone(),
                            keyid: g.gpg.clone(),
                        },
                    ));
                }
                let home = match &source {
                    FunctionaryKey::Gpg { home, .. } => home.clone(),
                    FunctionaryKey::File(_) => None,
                };
                let key = crate::keys::export_gpg_key(&g.gpg, home.as_deref()).map_err(bad)?;
                (key, source)
            }
        };
        let keyid = key.keyid().as_str().to_owned();
        if let Some(other) = functionaries.iter().find(|f| f.keyid == keyid) {
            return Err(at(
                file.span(),
                Problem::SameKey {
                    name: name.get_ref().clone(),
                    other: other.name.clone(),
                    keyid,
                },
            ));
        }
        map.keys
            .insert(keyid.clone(), Location::of_offset(text, name.span().start));
        layout.add_functionary_key(key);
        functionaries.push(Functionary {
            name: name.get_ref().clone(),
            key: source,
            keyid,
        });
    }
    let known: Vec<String> = functionaries.iter().map(|f| f.name.clone()).collect();

    // Names are unique across steps and inspections.
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let mut claim = |kind: &str, name: &Spanned<String>| -> Result<String, TomlLayoutError> {
        let n = name.get_ref();
        let item = format!("{kind} '{n}'");
        if n.is_empty() || n == "." || n == ".." || n.contains(['/', '\\', '\0']) {
            return Err(at(
                name.span(),
                Problem::UnsafeName {
                    item: kind.to_owned(),
                    name: n.clone(),
                },
            ));
        }
        let line = Location::of_offset(text, name.span().start).line;
        if let Some(first_line) = names.get(n) {
            return Err(at(
                name.span(),
                Problem::DuplicateName {
                    item,
                    name: n.clone(),
                    first_line: *first_line,
                },
            ));
        }
        names.insert(n.clone(), line);
        Ok(item)
    };

    for raw_step in &raw.steps {
        let item = claim("step", &raw_step.name)?;
        let mut step = Step::new(raw_step.name.get_ref().clone());
        let mut listed: Vec<&str> = Vec::new();
        for f in &raw_step.functionaries {
            let name = f.get_ref().as_str();
            let Some(func) = functionaries.iter().find(|d| d.name == name) else {
                return Err(at(
                    f.span(),
                    Problem::UnknownFunctionary {
                        item,
                        name: name.to_owned(),
                        known,
                    },
                ));
            };
            if listed.contains(&name) {
                return Err(at(
                    f.span(),
                    Problem::RepeatedFunctionary {
                        item,
                        name: name.to_owned(),
                    },
                ));
            }
            listed.push(name);
            step.pubkeys.push(func.keyid.clone());
        }
        if let Some(t) = &raw_step.threshold {
            if *t.get_ref() < 1 {
                return Err(at(
                    t.span(),
                    Problem::Threshold {
                        item,
                        value: *t.get_ref(),
                    },
                ));
            }
            step.threshold = *t.get_ref();
        }
        if let Some(cmd) = &raw_step.expected_command {
            step.expected_command =
                command(cmd, &item, "expected_command").map_err(|p| here.at(cmd.span(), p))?;
        }
        let mut source = item_source(text, &raw_step.name);
        step.expected_materials = rules(
            text,
            &raw_step.materials,
            &item,
            ArtifactKind::Materials,
            &mut source,
        )
        .map_err(|(span, p)| here.at(span, p))?;
        step.expected_products = rules(
            text,
            &raw_step.products,
            &item,
            ArtifactKind::Products,
            &mut source,
        )
        .map_err(|(span, p)| here.at(span, p))?;
        map.items.insert(step.name.clone(), source);
        layout.steps.push(step);
    }

    for raw_insp in &raw.inspections {
        let item = claim("inspection", &raw_insp.name)?;
        let mut insp = Inspection::new(raw_insp.name.get_ref().clone());
        insp.run =
            command(&raw_insp.run, &item, "run").map_err(|p| here.at(raw_insp.run.span(), p))?;
        if insp.run.is_empty() {
            return Err(at(
                raw_insp.run.span(),
                Problem::Command {
                    item,
                    key: "run",
                    reason: "an inspection needs a command to run".into(),
                },
            ));
        }
        let mut source = item_source(text, &raw_insp.name);
        insp.expected_materials = rules(
            text,
            &raw_insp.materials,
            &item,
            ArtifactKind::Materials,
            &mut source,
        )
        .map_err(|(span, p)| here.at(span, p))?;
        insp.expected_products = rules(
            text,
            &raw_insp.products,
            &item,
            ArtifactKind::Products,
            &mut source,
        )
        .map_err(|(span, p)| here.at(span, p))?;
        map.items.insert(insp.name.clone(), source);
        layout.inspect.push(insp);
    }

    // The checks of the metadata model itself, as a reader of the signed
    // layout will make them.
    let layout = Layout::from_value(&layout.to_value()).map_err(|e| at(0..0, Problem::Model(e)))?;
    Ok(TomlLayout {
        layout,
        functionaries,
        source_map: map,
    })
}

/// Turns problems into errors at a place in the file.
struct Here<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Here<'_> {
    fn at(&self, span: Range<usize>, problem: Box<Problem>) -> TomlLayoutError {
        TomlLayoutError::At {
            path: self.path.to_path_buf(),
            location: Location::of_offset(self.text, span.start),
            problem,
        }
    }
}

fn item_source(text: &str, name: &Spanned<String>) -> ItemSource {
    ItemSource {
        name: Some(Location::of_offset(text, name.span().start)),
        ..ItemSource::default()
    }
}

fn rules(
    text: &str,
    written: &[Spanned<String>],
    item: &str,
    list: ArtifactKind,
    source: &mut ItemSource,
) -> Result<Vec<ArtifactRule>, (Range<usize>, Box<Problem>)> {
    let mut out = Vec::with_capacity(written.len());
    for r in written {
        let rule = r.get_ref().parse::<ArtifactRule>().map_err(|source| {
            (
                r.span(),
                Box::new(Problem::Rule {
                    item: item.to_owned(),
                    list: list.as_str(),
                    rule: r.get_ref().clone(),
                    source,
                }),
            )
        })?;
        let loc = Location::of_offset(text, r.span().start);
        match list {
            ArtifactKind::Materials => source.materials.push(loc),
            ArtifactKind::Products => source.products.push(loc),
        }
        out.push(rule);
    }
    Ok(out)
}

/// A command written as one string (split like `shlex.split`) or as an
/// array of strings (taken as is).
fn command(
    value: &Spanned<toml::Value>,
    item: &str,
    key: &'static str,
) -> Result<Vec<String>, Box<Problem>> {
    let problem = |reason: String| {
        Box::new(Problem::Command {
            item: item.to_owned(),
            key,
            reason,
        })
    };
    match value.get_ref() {
        toml::Value::String(s) => crate::rules::shlex::split(s)
            .map_err(|e| problem(format!("cannot split {s:?}: {}", e.message()))),
        toml::Value::Array(words) => words
            .iter()
            .enumerate()
            .map(|(i, w)| match w {
                toml::Value::String(s) => Ok(s.clone()),
                other => Err(problem(format!(
                    "word {} is a {}, but every word must be a string",
                    i + 1,
                    other.type_str()
                ))),
            })
            .collect(),
        other => Err(problem(format!(
            "expected a string (split like a shell command line) or an array of strings, found a {}",
            other.type_str()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{FixedClock, Timestamp};
    use intoto_crypto::{KeySpec, PrivateKey};
    use intoto_testkit::TempDir;

    fn clock() -> FixedClock {
        FixedClock(Timestamp::parse("2026-01-31T10:00:00Z").unwrap())
    }

    /// A directory with public keys `alice.pub` and `bob.pub`; returns their key ids.
    fn keys(dir: &TempDir) -> (String, String) {
        let mut ids = Vec::new();
        for name in ["alice", "bob"] {
            let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
            std::fs::write(
                dir.join(format!("{name}.pub")),
                key.public_key().to_pem().unwrap(),
            )
            .unwrap();
            ids.push(key.public_key().keyid().as_str().to_owned());
        }
        (ids.remove(0), ids.remove(0))
    }

    fn parse(dir: &TempDir, text: &str) -> Result<TomlLayout, TomlLayoutError> {
        parse_toml_layout(text, Path::new("layout.toml"), dir.path(), &clock())
    }

    const FULL: &str = r#"# a comment
readme = "two steps"
expires = "4 months"

[functionaries]
bob = "bob.pub"
alice = "alice.pub"

[[steps]]
name = "build"
functionaries = ["alice", "bob"]
threshold = 2
expected_command = "python -m build"
materials = ["ALLOW pyproject.toml", "allow 'src dir/*'", "DISALLOW *"]
products = ["CREATE dist/*", "DISALLOW *"]

[[steps]]
name = "sign"
functionaries = ["bob"]
expected_command = ["gpg", "--sign", "a b"]

[[inspections]]
name = "check-dist"
run = "test -d dist"
materials = ["MATCH dist/* WITH PRODUCTS FROM build"]
"#;

    #[test]
    fn a_full_layout_builds_what_it_says() {
        let dir = TempDir::new("toml-full");
        let (alice, bob) = keys(&dir);
        let t = parse(&dir, FULL).unwrap();
        let l = &t.layout;
        assert_eq!(l.expires.to_string(), "2026-05-31T10:00:00Z");
        assert_eq!(l.readme, "two steps");
        assert_eq!(l.keys.len(), 2);
        let build = &l.steps[0];
        assert_eq!(build.pubkeys, [alice.clone(), bob.clone()]);
        assert_eq!(build.threshold, 2);
        assert_eq!(build.expected_command, ["python", "-m", "build"]);
        let tokens: Vec<&[String]> = build
            .expected_materials
            .iter()
            .map(|r| r.tokens())
            .collect();
        assert_eq!(
            tokens,
            [
                &["ALLOW".to_owned(), "pyproject.toml".to_owned()][..],
                &["allow".to_owned(), "src dir/*".to_owned()][..],
                &["DISALLOW".to_owned(), "*".to_owned()][..],
            ]
        );
        assert_eq!(l.steps[1].threshold, 1);
        assert_eq!(l.steps[1].expected_command, ["gpg", "--sign", "a b"]);
        assert!(l.steps[1].expected_materials.is_empty());
        assert_eq!(l.inspect[0].run, ["test", "-d", "dist"]);
        // Functionaries keep file order; the source map points into the file.
        let names: Vec<&str> = t.functionaries.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["bob", "alice"]);
        let m = &t.source_map;
        assert_eq!(
            m.expires(),
            Some(Location {
                line: 3,
                column: 11
            })
        );
        assert_eq!(m.key(&bob), Some(Location { line: 6, column: 1 }));
        assert_eq!(m.key(&alice).map(|l| l.line), Some(7));
        assert_eq!(
            m.item("build"),
            Some(Location {
                line: 10,
                column: 8
            })
        );
        assert_eq!(
            m.rule("build", ArtifactKind::Materials, 1),
            Some(Location {
                line: 14,
                column: 38
            })
        );
        assert_eq!(
            m.rule("build", ArtifactKind::Products, 1).map(|l| l.line),
            Some(15)
        );
        assert_eq!(
            m.rule("check-dist", ArtifactKind::Materials, 0)
                .map(|l| l.line),
            Some(25)
        );
        assert_eq!(m.rule("build", ArtifactKind::Products, 2), None);
        assert!(t.key_names()[&alice].starts_with("alice ("));
    }

    #[test]
    fn dates_in_toml_syntax_and_as_strings() {
        let dir = TempDir::new("toml-dates");
        for (written, expected) in [
            ("2027-01-01", "2027-01-01T00:00:00Z"),
            ("2027-01-01T08:00:00+01:00", "2027-01-01T07:00:00Z"),
            ("\"2027-01-01T00:00:00Z\"", "2027-01-01T00:00:00Z"),
            ("\"1 year 2 months\"", "2027-03-31T10:00:00Z"),
            ("\"30 days\"", "2026-03-02T10:00:00Z"),
        ] {
            let t = parse(&dir, &format!("expires = {written}\n")).unwrap();
            assert_eq!(t.layout.expires.to_string(), expected, "{written}");
        }
    }

    fn problem_at(dir: &TempDir, text: &str) -> (Location, Problem, String) {
        let err = parse(dir, text).unwrap_err();
        let msg = err.to_string();
        match err {
            TomlLayoutError::At {
                location, problem, ..
            } => (location, *problem, msg),
            other => panic!("expected a located error, got {other}"),
        }
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let dir = TempDir::new("toml-errors");
        keys(&dir);
        let (loc, p, msg) = problem_at(
            &dir,
            "expires = \"1 year\"\n[functionaries]\nalice = \"alice.pub\"\n[[steps]]\nname = \"a\"\nfunctionaries = [\"alice\", \"carol\"]\n",
        );
        assert_eq!(
            loc,
            Location {
                line: 6,
                column: 27
            }
        );
        assert!(matches!(p, Problem::UnknownFunctionary { ref name, .. } if name == "carol"));
        assert!(
            msg.starts_with("layout.toml:6:27: step 'a' names functionary 'carol'"),
            "{msg}"
        );
        assert!(msg.contains("(defined: alice)"), "{msg}");

        let (loc, p, msg) = problem_at(&dir, "expires = \"1 year\"\ncolour = \"blue\"\n");
        assert_eq!(loc.line, 2);
        assert!(matches!(p, Problem::Toml(_)));
        assert!(msg.contains("unknown field `colour`"), "{msg}");

        let (loc, p, _) = problem_at(&dir, "readme = \"x\"\n");
        assert_eq!(loc, Location::START);
        assert!(matches!(p, Problem::MissingExpires));

        let (loc, p, _) = problem_at(&dir, "\n\nexpires = 2020-01-01\n");
        assert_eq!(
            loc,
            Location {
                line: 3,
                column: 11
            }
        );
        assert!(matches!(p, Problem::Expired { .. }));

        let (loc, p, msg) = problem_at(
            &dir,
            "expires = \"1 year\"\n[[steps]]\nname = \"a\"\n[[inspections]]\nname = \"a\"\nrun = \"true\"\n",
        );
        assert_eq!(loc.line, 5);
        assert!(
            matches!(p, Problem::DuplicateName { first_line: 3, .. }),
            "{msg}"
        );
    }
}
