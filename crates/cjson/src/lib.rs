//! Canonical JSON byte-identical to securesystemslib's `encode_canonical`, a
//! strict JSON reader, and a writer that reproduces Python's `json.dumps`.
//!
//! in-toto signs the *canonical* form of metadata (OLPC canonical JSON as
//! securesystemslib implements it): keys sorted by code point, no whitespace,
//! only `"` and `\` escaped, every other character emitted raw as UTF-8, and
//! no floating-point numbers. Files on disk, however, are written by Python's
//! `json.dumps(..., sort_keys=True)` with ASCII escaping; [`to_python_json`]
//! reproduces those bytes so that files written here are identical to the
//! reference's.
//!
//! ```
//! use intoto_cjson::{Value, to_canonical};
//!
//! let mut map = intoto_cjson::Map::new();
//! map.insert("b".into(), Value::from(1));
//! map.insert("a".into(), Value::from("x\ny"));
//! assert_eq!(to_canonical(&Value::Object(map)).unwrap(), b"{\"a\":\"x\ny\",\"b\":1}");
//! ```

mod canonical;
mod error;
mod value;

pub use canonical::{to_canonical, write_canonical};
pub use error::Error;
pub use value::{Map, Number, Value};
