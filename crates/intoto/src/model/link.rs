//! Links: the signed evidence a functionary produces for one step.

use intoto_cjson::{Map, Value};

use super::artifact::Artifacts;
use super::error::{ModelError, Result};
use super::fields::{artifacts_value, object_owned, strings_value};

/// Link metadata (`"_type": "link"`): what one step consumed, produced and ran.
///
/// The seven members are exactly the reference's. Reading is lenient in the
/// same way (missing members take their defaults), but a signature is always
/// checked over the JSON as received, so members added after signing are
/// never trusted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Link {
    /// The step (or inspection) this link is evidence for.
    pub name: String,
    /// Artifacts recorded before the command ran.
    pub materials: Artifacts,
    /// Artifacts recorded after the command ran.
    pub products: Artifacts,
    /// Results of the command: `return-value`, `stdout`, `stderr` (or `{}`).
    pub byproducts: Map,
    /// The command that was run, as an argument vector (`[]` for none).
    pub command: Vec<String>,
    /// Environment information (always `{}` from the command-line tools).
    pub environment: Map,
}

impl TryFrom<Value> for Link {
    type Error = ModelError;

    /// [`Link::from_value_owned`].
    fn try_from(value: Value) -> Result<Self> {
        Self::from_value_owned(value)
    }
}

impl Link {
    /// A link with the given step name and nothing else.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// File name of a link signed by a key: `<step>.<keyid[:8]>.link`.
    pub fn file_name(step: &str, keyid: &str) -> String {
        format!("{step}.{}.link", keyid_prefix(keyid))
    }

    /// File name of an unsigned link (mock runs, inspections): `<name>.link`.
    pub fn unsigned_file_name(step: &str) -> String {
        format!("{step}.link")
    }

    /// File name of an unfinished `in-toto-record` link:
    /// `.<step>.<keyid[:8]>.link-unfinished`.
    pub fn unfinished_file_name(step: &str, keyid: &str) -> String {
        format!(".{step}.{}.link-unfinished", keyid_prefix(keyid))
    }

    /// Reads a link from the JSON value of its `signed` member (or DSSE
    /// payload). To read a large link, prefer [`Link::from_value_owned`],
    /// which does not copy the value.
    pub fn from_value(value: &Value) -> Result<Self> {
        Self::from_value_owned(value.clone())
    }

    /// Reads a link from the JSON value of its `signed` member (or DSSE
    /// payload), consuming it: paths, digests and other strings are moved
    /// into the link, not copied.
    pub fn from_value_owned(value: Value) -> Result<Self> {
        let mut f = object_owned(value, "")?;
        let kind = f.string_or("_type", "")?;
        if kind != "link" {
            return Err(ModelError::WrongKind {
                expected: "link",
                found: kind,
            });
        }
        Ok(Self {
            name: f.string_or("name", "")?,
            materials: f.artifacts("materials")?,
            products: f.artifacts("products")?,
            byproducts: f.object_or_empty("byproducts")?,
            command: f.strings_or_empty("command")?,
            environment: f.object_or_empty("environment")?,
        })
    }

    /// The link as the JSON object the reference writes (all seven members).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("_type".into(), "link".into());
        m.insert("name".into(), self.name.as_str().into());
        m.insert("materials".into(), artifacts_value(&self.materials));
        m.insert("products".into(), artifacts_value(&self.products));
        m.insert("byproducts".into(), Value::Object(self.byproducts.clone()));
        m.insert("command".into(), strings_value(&self.command));
        m.insert(
            "environment".into(),
            Value::Object(self.environment.clone()),
        );
        Value::Object(m)
    }

    /// The command's return value from the byproducts, if recorded as an integer.
    pub fn return_value(&self) -> Option<i64> {
        self.byproducts.get("return-value").and_then(Value::as_i64)
    }
}

/// The first eight characters of a key id (fewer if it is shorter), as used
/// in link file names and sublayout directories.
pub fn keyid_prefix(keyid: &str) -> &str {
    keyid.get(..8).unwrap_or(keyid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_round_trip() {
        let v = intoto_cjson::from_slice(br#"{"_type":"link","name":"s"}"#).unwrap();
        let link = Link::from_value(&v).unwrap();
        assert_eq!(link, Link::new("s"));
        let full = link.to_value();
        assert_eq!(Link::from_value(&full).unwrap(), link);
        assert_eq!(
            intoto_cjson::to_canonical(&full).unwrap(),
            br#"{"_type":"link","byproducts":{},"command":[],"environment":{},"materials":{},"name":"s","products":{}}"#
        );
    }

    #[test]
    fn rejects_bad_members() {
        for (doc, needle) in [
            (r#"{"_type":"layout"}"#, "expected link"),
            (
                r#"{"_type":"link","materials":[]}"#,
                "'materials' must be an object",
            ),
            (
                r#"{"_type":"link","products":{"a":{"sha256":"xyz"}}}"#,
                "hex",
            ),
            (
                r#"{"_type":"link","command":"ls"}"#,
                "'command' must be an array",
            ),
            (r#"{"_type":"link","command":[1]}"#, "command[0]"),
        ] {
            let v = intoto_cjson::from_slice(doc.as_bytes()).unwrap();
            let err = Link::from_value(&v).unwrap_err().to_string();
            assert!(err.contains(needle), "{doc}: {err}");
        }
    }

    #[test]
    fn owned_reading_moves_everything_and_names_bad_members() {
        let doc = br#"{"_type":"link","name":"s","command":["make","all"],
            "materials":{"a/b":{"sha256":"ab","sha512":"CD"}},
            "products":{"c":{"sha256":"01"}},"byproducts":{"return-value":0},"environment":{"x":[1]}}"#;
        let v = intoto_cjson::from_slice(doc).unwrap();
        let link = Link::try_from(v.clone()).unwrap();
        assert_eq!(link, Link::from_value(&v).unwrap());
        assert_eq!(link.materials["a/b"].len(), 2);
        assert_eq!(link.command, ["make", "all"]);
        assert_eq!(link.return_value(), Some(0));
        assert_eq!(Link::from_value_owned(link.to_value()).unwrap(), link);
        for (doc, needle) in [
            (
                r#"{"_type":"link","products":{"a":{"sha256":"xyz"}}}"#,
                r#"products["a"].sha256"#,
            ),
            (
                r#"{"_type":"link","materials":{"a":{"sha256":1}}}"#,
                r#"materials["a"].sha256"#,
            ),
            (
                r#"{"_type":"link","materials":{"a":[]}}"#,
                r#"materials["a"]"#,
            ),
            (r#"{"_type":"link","name":1}"#, "'name' must be a string"),
            (
                r#"{"_type":"link","byproducts":[]}"#,
                "'byproducts' must be an object",
            ),
            (r#"{"_type":"link","environment":1}"#, "'environment'"),
            (r#"[]"#, "must be an object"),
        ] {
            let v = intoto_cjson::from_slice(doc.as_bytes()).unwrap();
            let err = Link::from_value_owned(v).unwrap_err().to_string();
            assert!(err.contains(needle), "{doc}: {err}");
        }
    }

    #[test]
    fn file_names() {
        assert_eq!(
            Link::file_name("build", "a8007901c02a96e7"),
            "build.a8007901.link"
        );
        assert_eq!(
            Link::unfinished_file_name("b", "abc"),
            ".b.abc.link-unfinished"
        );
    }
}
