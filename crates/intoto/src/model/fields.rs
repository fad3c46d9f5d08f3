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

    pub(crate) fn object_or_empty(&self, key: &str) -> Result<Map> {
        match self.map.get(key) {
            None => Ok(Map::new()),
            Some(Value::Object(m)) => Ok(m.clone()),
            Some(other) => Err(type_error(&self.path(key), "an object", other)),
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

    pub(crate) fn artifacts(&self, key: &str) -> Result<Artifacts> {
        let field = self.path(key);
        match self.map.get(key) {
            None => Ok(Artifacts::new()),
            Some(Value::Object(m)) => {
                let mut out = Artifacts::new();
                for (path, digests) in m {
                    let dfield = format!("{field}[{path:?}]");
                    out.insert(path.clone(), digest_set(digests, &dfield)?);
                }
                Ok(out)
            }
            Some(other) => Err(type_error(&field, "an object", other)),
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

pub(crate) fn digest_set(value: &Value, field: &str) -> Result<DigestSet> {
    let Value::Object(m) = value else {
        return Err(type_error(field, "an object of digests", value));
    };
    let mut out = DigestSet::new();
    for (algo, hex) in m {
        let Value::String(hex) = hex else {
            return Err(type_error(&format!("{field}.{algo}"), "a hex string", hex));
        };
        if !is_hex(hex) {
            return Err(ModelError::Hex {
                field: format!("{field}.{algo}"),
                value: hex.clone(),
            });
        }
        out.insert(algo.clone(), hex.clone());
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
