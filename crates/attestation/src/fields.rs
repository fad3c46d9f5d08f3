//! Strict readers for JSON objects that name the failing field by path.
//!
//! Unset and `null` are the same (the attestation specifications and the
//! protobuf JSON mapping both say so); unknown members are collected, never
//! refused.

use std::collections::BTreeMap;

use intoto_cjson::{Map, Value};

use crate::error::{Error, Result};

/// Joins a path and a member name.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Joins a path and an index.
pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// An object being read, and its path.
pub(crate) struct Obj<'v> {
    map: &'v Map,
    path: String,
}

impl<'v> Obj<'v> {
    /// `value` as an object at `path`.
    pub(crate) fn new(value: &'v Value, path: &str) -> Result<Self> {
        match value {
            Value::Object(map) => Ok(Self {
                map,
                path: path.to_owned(),
            }),
            other => Err(Error::wrong_type(
                if path.is_empty() { "<root>" } else { path },
                "an object",
                other,
            )),
        }
    }

    /// The path of member `key`.
    pub(crate) fn field(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Member `key`, with `null` read as unset.
    pub(crate) fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A required member.
    pub(crate) fn req(&self, key: &str) -> Result<&'v Value> {
        self.get(key).ok_or_else(|| Error::Missing {
            field: self.field(key),
        })
    }

    /// An optional string.
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<&'v str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(Error::wrong_type(&self.field(key), "a string", other)),
        }
    }

    /// A required, non-empty string.
    pub(crate) fn req_str(&self, key: &str) -> Result<&'v str> {
        match self.opt_str(key)? {
            None => Err(Error::Missing {
                field: self.field(key),
            }),
            Some("") => Err(Error::Empty {
                field: self.field(key),
            }),
            Some(s) => Ok(s),
        }
    }

    /// An optional object.
    pub(crate) fn opt_object(&self, key: &str) -> Result<Option<&'v Map>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(other) => Err(Error::wrong_type(&self.field(key), "an object", other)),
        }
    }

    /// An optional array.
    pub(crate) fn opt_array(&self, key: &str) -> Result<Option<&'v [Value]>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(other) => Err(Error::wrong_type(&self.field(key), "an array", other)),
        }
    }

    /// An optional array of strings.
    pub(crate) fn opt_strings(&self, key: &str) -> Result<Option<Vec<String>>> {
        let Some(items) = self.opt_array(key)? else {
            return Ok(None);
        };
        let field = self.field(key);
        items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(Error::wrong_type(&index(&field, i), "a string", other)),
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    /// An optional map of strings to strings.
    pub(crate) fn opt_string_map(&self, key: &str) -> Result<Option<BTreeMap<String, String>>> {
        let Some(map) = self.opt_object(key)? else {
            return Ok(None);
        };
        let field = self.field(key);
        map.iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(Error::wrong_type(&join(&field, k), "a string", other)),
            })
            .collect::<Result<BTreeMap<_, _>>>()
            .map(Some)
    }

    /// The members not in `known`: extension fields, kept for writing back.
    pub(crate) fn extensions(&self, known: &[&str]) -> Map {
        self.map
            .iter()
            .filter(|(k, _)| !known.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// Writes a map of strings as a JSON object.
pub(crate) fn string_map_value(map: &BTreeMap<String, String>) -> Value {
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect(),
    )
}

/// Writes strings as a JSON array.
pub(crate) fn strings_value(items: &[String]) -> Value {
    items.iter().map(String::as_str).collect()
}

/// Adds extension members to an object being written. Members the
/// specification defines win over extensions of the same name.
pub(crate) fn with_extensions(mut map: Map, extensions: &Map) -> Value {
    for (k, v) in extensions {
        map.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(map)
}
