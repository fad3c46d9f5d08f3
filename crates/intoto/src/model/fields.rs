//! Typed access to the members of a JSON object, with errors that name the member.

use intoto_cjson::{Map, Value};

use super::artifact::{Artifacts, DigestSet};
use super::error::{ModelError, Result};

pub(crate) struct Fields<'a> {
    map: &'a Map,
    prefix: String,
}

pub(crate) fn object<'a>(value: &'a Value, field: &str) -> Result<Fields<'a>> {
    match value {
        Value::Object(map) => Ok(Fields {
            map,
            prefix: field.to_owned(),
        }),
        other => Err(type_error(field, "an object", other)),
    }
}

pub(crate) fn type_error(field: &str, expected: &'static str, found: &Value) -> ModelError {
    ModelError::Type {
        field: field.to_owned(),
        expected,
        found: found.type_name(),
    }
}

impl<'a> Fields<'a> {
    pub(crate) fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    pub(crate) fn require(&self, key: &str) -> Result<&'a Value> {
        self.map.get(key).ok_or_else(|| ModelError::Missing {
            field: self.path(key),
        })
    }

    pub(crate) fn str_or(&self, key: &str, default: &'a str) -> Result<&'a str> {
        match self.map.get(key) {
            None => Ok(default),
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(type_error(&self.path(key), "a string", other)),
        }
    }

    pub(crate) fn string(&self, key: &str) -> Result<&'a str> {
        match self.require(key)? {
            Value::String(s) => Ok(s),
            other => Err(type_error(&self.path(key), "a string", other)),
        }
    }

    pub(crate) fn array(&self, key: &str) -> Result<&'a [Value]> {
        match self.require(key)? {
            Value::Array(a) => Ok(a),
            other => Err(type_error(&self.path(key), "an array", other)),
        }
    }

    pub(crate) fn array_or_empty(&self, key: &str) -> Result<&'a [Value]> {
        match self.map.get(key) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(other) => Err(type_error(&self.path(key), "an array", other)),
        }
    }

    pub(crate) fn strings_or_empty(&self, key: &str) -> Result<Vec<String>> {
        let field = self.path(key);
        strings(self.array_or_empty(key)?, &field)
    }
}

/// Typed access to the members of a JSON object that is consumed: each
/// member is taken out (moved, not copied) as it is read.
pub(crate) struct OwnedFields {
    map: Map,
    prefix: String,
}

pub(crate) fn object_owned(value: Value, field: &str) -> Result<OwnedFields> {
    match value {
        Value::Object(map) => Ok(OwnedFields {
            map,
            prefix: field.to_owned(),
        }),
        other => Err(type_error(field, "an object", &other)),
    }
}

impl OwnedFields {
    fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    pub(crate) fn string_or(&mut self, key: &str, default: &str) -> Result<String> {
        match self.map.remove(key) {
            None => Ok(default.to_owned()),
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(type_error(&self.path(key), "a string", &other)),
        }
    }

    pub(crate) fn object_or_empty(&mut self, key: &str) -> Result<Map> {
        match self.map.remove(key) {
            None => Ok(Map::new()),
            Some(Value::Object(m)) => Ok(m),
            Some(other) => Err(type_error(&self.path(key), "an object", &other)),
        }
    }

    pub(crate) fn strings_or_empty(&mut self, key: &str) -> Result<Vec<String>> {
        match self.map.remove(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                let field = self.path(key);
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| match v {
                        Value::String(s) => Ok(s),
                        other => Err(type_error(&format!("{field}[{i}]"), "a string", &other)),
                    })
                    .collect()
            }
            Some(other) => Err(type_error(&self.path(key), "an array", &other)),
        }
    }

    /// An artifact map (`{path: {algorithm: hex}}`), taken apart in place.
    pub(crate) fn artifacts(&mut self, key: &str) -> Result<Artifacts> {
        match self.map.remove(key) {
            None => Ok(Artifacts::new()),
            Some(Value::Object(m)) => {
                let field = self.path(key);
                m.into_iter()
                    .map(|(path, digests)| {
                        let set = digest_set_owned(digests, || format!("{field}[{path:?}]"))?;
                        Ok((path, set))
                    })
                    .collect()
            }
            Some(other) => Err(type_error(&self.path(key), "an object", &other)),
        }
    }
}

pub(crate) fn strings(items: &[Value], field: &str) -> Result<Vec<String>> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(type_error(&format!("{field}[{i}]"), "a string", other)),
        })
        .collect()
}

/// A digest set (`{algorithm: hex}`), consumed; `field` names it in errors
/// (made only when there is one).
pub(crate) fn digest_set_owned(value: Value, field: impl Fn() -> String) -> Result<DigestSet> {
    let Value::Object(m) = value else {
        return Err(type_error(&field(), "an object of digests", &value));
    };
    let mut out = DigestSet::new();
    for (algo, hex) in m {
        let Value::String(hex) = hex else {
            return Err(type_error(
                &format!("{}.{algo}", field()),
                "a hex string",
                &hex,
            ));
        };
        if !is_hex(&hex) {
            return Err(ModelError::Hex {
                field: format!("{}.{algo}", field()),
                value: hex,
            });
        }
        out.insert(algo, hex);
    }
    Ok(out)
}

/// Whether `s` is a non-empty string of hex digits (either case), as
/// securesystemslib's `HEX_SCHEMA` requires.
pub(crate) fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(crate) fn artifacts_value(artifacts: &Artifacts) -> Value {
    Value::Object(
        artifacts
            .iter()
            .map(|(path, digests)| {
                let d = digests
                    .iter()
                    .map(|(a, h)| (a.clone(), Value::from(h.as_str())))
                    .collect::<Map>();
                (path.clone(), Value::Object(d))
            })
            .collect(),
    )
}

pub(crate) fn strings_value(items: &[String]) -> Value {
    items.iter().map(|s| Value::from(s.as_str())).collect()
}
