//! Helpers shared by the tests.

use std::path::PathBuf;

use intoto_cjson::{Map, Value};

/// Converts a `serde_json` value (the tests' JSON reader) into ours.
pub(crate) fn to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::Number(n) => Value::from(n.as_i64().expect("integer")),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::Array(a.iter().map(to_value).collect()),
        serde_json::Value::Object(o) => {
            let m: Map = o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect();
            Value::Object(m)
        }
    }
}

/// Converts our value into a `serde_json` value (to hand it to Python).
pub(crate) fn from_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::Value::from(n.as_i64().expect("integer")),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Array(a) => serde_json::Value::Array(a.iter().map(from_value).collect()),
        Value::Object(o) => {
            serde_json::Value::Object(o.iter().map(|(k, v)| (k.clone(), from_value(v))).collect())
        }
        _ => panic!("unexpected JSON value"),
    }
}

/// Parses JSON text into our value.
pub(crate) fn parse_json(bytes: &[u8]) -> Value {
    to_value(&serde_json::from_slice(bytes).expect("valid JSON"))
}

/// A file of the reference's samples.
pub(crate) fn sample(name: &str) -> Vec<u8> {
    std::fs::read(intoto_testkit::ref_samples().join(name)).expect("read sample")
}

/// A file of this crate's fixtures (`tests/data`).
pub(crate) fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    intoto_crypto::digest::to_hex(bytes)
}

/// Decodes hex.
pub(crate) fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// `bytes` with bit `bit` (counted from the start) flipped.
pub(crate) fn flip_bit(bytes: &[u8], bit: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[bit / 8] ^= 1 << (bit % 8);
    out
}
