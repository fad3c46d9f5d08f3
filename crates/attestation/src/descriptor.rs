//! ResourceDescriptor (resource_descriptor.md).

use intoto_cjson::{Map, Value};
use intoto_dsse::{decode_base64, encode_base64};

use crate::digest::DigestSet;
use crate::error::{Error, Result};
use crate::fields::{Obj, index, with_extensions};
use crate::uri;

const FIELDS: &[&str] = &[
    "name",
    "uri",
    "digest",
    "content",
    "downloadLocation",
    "mediaType",
    "annotations",
];

/// A description of one artifact or resource.
///
/// Every field is optional, but a descriptor must have at least one of
/// `uri`, `digest` or `content` (set and non-empty); contexts add their own
/// requirements (a Statement subject needs `digest`, a link material needs
/// `name` and `digest`). `uri` and `downloadLocation` must be
/// case-normalised absolute URIs; digests are checked as
/// [`check_digest`](crate::check_digest) says. Unknown members are kept in
/// `extensions` and written back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceDescriptor {
    /// A machine-readable identifier, such as a file name.
    pub name: Option<String>,
    /// A URI that identifies the resource.
    pub uri: Option<String>,
    /// Digests of the resource's content.
    pub digest: Option<DigestSet>,
    /// The resource's content (base64 in JSON).
    pub content: Option<Vec<u8>>,
    /// Where to download the resource, if not `uri`.
    pub download_location: Option<String>,
    /// The resource's media type.
    pub media_type: Option<String>,
    /// Arbitrary JSON annotations.
    pub annotations: Option<Map>,
    /// Members this crate does not know, kept as read.
    pub extensions: Map,
}

impl ResourceDescriptor {
    /// A descriptor with a name and digests: the shape of Statement subjects
    /// and link materials.
    pub fn named(name: impl Into<String>, digest: DigestSet) -> Self {
        Self {
            name: Some(name.into()),
            digest: Some(digest),
            ..Self::default()
        }
    }

    /// A descriptor with a URI and, optionally, digests.
    pub fn for_uri(uri: impl Into<String>, digest: Option<DigestSet>) -> Self {
        Self {
            uri: Some(uri.into()),
            digest,
            ..Self::default()
        }
    }

    /// The name, if set and not empty.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref().filter(|n| !n.is_empty())
    }

    /// The URI, if set and not empty.
    pub fn uri(&self) -> Option<&str> {
        self.uri.as_deref().filter(|n| !n.is_empty())
    }

    /// The digests, if set and not empty.
    pub fn digest(&self) -> Option<&DigestSet> {
        self.digest.as_ref().filter(|d| !d.is_empty())
    }

    /// The content, if set and not empty.
    pub fn content(&self) -> Option<&[u8]> {
        self.content.as_deref().filter(|c| !c.is_empty())
    }

    /// Reads a descriptor from JSON and checks it.
    pub fn from_value(value: &Value) -> Result<Self> {
        Self::read(value, "")
    }

    /// Reads a descriptor at `path` and checks it.
    pub(crate) fn read(value: &Value, path: &str) -> Result<Self> {
        let o = Obj::new(value, path)?;
        let uri_field = |key: &str| -> Result<Option<String>> {
            let v = o.opt_str(key)?;
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                uri::check(&o.field(key), v)?;
            }
            Ok(v.map(str::to_owned))
        };
        let rd = Self {
            name: o.opt_str("name")?.map(str::to_owned),
            uri: uri_field("uri")?,
            digest: o
                .get("digest")
                .map(|d| DigestSet::read(d, &o.field("digest")))
                .transpose()?,
            content: o
                .opt_str("content")?
                .map(|c| {
                    decode_base64(c).map_err(|reason| Error::Base64 {
                        field: o.field("content"),
                        reason,
                    })
                })
                .transpose()?,
            download_location: uri_field("downloadLocation")?,
            media_type: o.opt_str("mediaType")?.map(str::to_owned),
            annotations: o.opt_object("annotations")?.cloned(),
            extensions: o.extensions(FIELDS),
        };
        if rd.uri().is_none() && rd.digest().is_none() && rd.content().is_none() {
            return Err(Error::EmptyDescriptor {
                field: if path.is_empty() {
                    "<root>".to_owned()
                } else {
                    path.to_owned()
                },
            });
        }
        Ok(rd)
    }

    /// Reads an optional array of descriptors at `obj.key`.
    pub(crate) fn read_list(obj: &Obj<'_>, key: &str) -> Result<Option<Vec<Self>>> {
        let Some(items) = obj.opt_array(key)? else {
            return Ok(None);
        };
        let field = obj.field(key);
        items
            .iter()
            .enumerate()
            .map(|(i, v)| Self::read(v, &index(&field, i)))
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    /// The descriptor as JSON (members that are set, content in standard
    /// base64 with padding, extensions after the known members).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.to_owned(), v);
            }
        };
        put("name", self.name.as_deref().map(Value::from));
        put("uri", self.uri.as_deref().map(Value::from));
        put("digest", self.digest.as_ref().map(DigestSet::to_value));
        put(
            "content",
            self.content
                .as_deref()
                .map(|c| Value::from(encode_base64(c))),
        );
        put(
            "downloadLocation",
            self.download_location.as_deref().map(Value::from),
        );
        put("mediaType", self.media_type.as_deref().map(Value::from));
        put("annotations", self.annotations.clone().map(Value::Object));
        with_extensions(m, &self.extensions)
    }
}

/// Writes descriptors as a JSON array.
pub(crate) fn list_value(items: &[ResourceDescriptor]) -> Value {
    items.iter().map(ResourceDescriptor::to_value).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn read(json: &str) -> Result<ResourceDescriptor> {
        ResourceDescriptor::from_value(&intoto_cjson::from_slice(json.as_bytes()).unwrap())
    }

    #[test]
    fn one_of_uri_digest_content() {
        let sha = "a".repeat(64);
        assert!(read(r#"{"uri": "https://example.com/x"}"#).is_ok());
        assert!(read(&format!(r#"{{"digest": {{"sha256": "{sha}"}}}}"#)).is_ok());
        assert!(read(r#"{"content": "aGk="}"#).is_ok());
        for json in [
            r#"{"name": "only a name"}"#,
            r#"{}"#,
            r#"{"uri": "", "digest": {}, "content": "", "name": "x", "mediaType": "text/plain"}"#,
            r#"{"uri": null, "digest": null, "content": null}"#,
        ] {
            assert_eq!(
                read(json).unwrap_err().to_string(),
                "'<root>': a ResourceDescriptor needs at least one of 'uri', 'digest' or 'content'",
                "{json}"
            );
        }
    }

    #[test]
    fn field_errors() {
        for (json, message) in [
            (r#"{"uri": 1}"#, "'uri' must be a string, found number"),
            (
                r#"{"uri": "Https://x"}"#,
                "'uri': 'Https://x' is not a valid URI: the scheme is not in lower case",
            ),
            (
                r#"{"uri": "x:y", "downloadLocation": "relative/path"}"#,
                "'downloadLocation': 'relative/path' is not a valid URI: it has no scheme",
            ),
            (
                r#"{"digest": []}"#,
                "'digest' must be an object, found array",
            ),
            (
                r#"{"digest": {"sha256": 1}}"#,
                "'digest.sha256' must be a string, found number",
            ),
            (
                r#"{"digest": {"sha256": "AB"}}"#,
                "'digest': digest 'sha256': 'AB' is not lower-case hex",
            ),
            (
                r#"{"content": "a"}"#,
                "'content': invalid base64: invalid length",
            ),
            (
                r#"{"uri": "x:y", "annotations": []}"#,
                "'annotations' must be an object, found array",
            ),
            (
                r#"{"uri": "x:y", "name": false}"#,
                "'name' must be a string, found boolean",
            ),
            (r#"[]"#, "'<root>' must be an object, found array"),
        ] {
            assert_eq!(read(json).unwrap_err().to_string(), message, "{json}");
        }
    }

    #[test]
    fn round_trip_keeps_everything() {
        let json = r#"{"annotations": {"a": [1, null]}, "content": "aGk=", "digest": {"arn": "x", "sha256": "0000000000000000000000000000000000000000000000000000000000000000"}, "downloadLocation": "https://example.com/d", "mediaType": "text/plain", "name": "n", "uri": "pkg:x/y", "vendor_extra": {"k": true}}"#;
        let rd = read(json).unwrap();
        assert_eq!(rd.content(), Some(&b"hi"[..]));
        assert_eq!(rd.extensions.len(), 1);
        assert_eq!(
            intoto_cjson::to_python_json(&rd.to_value(), intoto_cjson::Style::Spaced),
            json
        );
        // URL-safe content is read and written back in the standard alphabet.
        let rd = read(r#"{"content": "-_8"}"#).unwrap();
        assert_eq!(rd.content(), Some(&[0xfb, 0xff][..]));
        assert_eq!(rd.to_value().get("content").unwrap().as_str(), Some("+/8="));
    }
}
