//! JSON for in-toto, byte-compatible with the Python reference: a strict
//! reader, canonical JSON identical to securesystemslib's `encode_canonical`,
//! and a writer that reproduces Python's `json.dumps`.
//!
//! # Two encodings
//!
//! in-toto uses two different serialisations of the same [`Value`]:
//!
//! * **Canonical JSON** ([`to_canonical`]) is what gets *signed* (the
//!   `signed` member of a Metablock) and hashed (key ids). It is OLPC
//!   canonical JSON as securesystemslib writes it: keys sorted by code point,
//!   no whitespace, only `"` and `\` escaped, every other character (control
//!   characters and newlines included) emitted raw as UTF-8, integers of any
//!   size, and no floating-point numbers ([`Error::Float`]). No Unicode
//!   normalisation is applied: `"e\u{301}"` and `"\u{e9}"` stay different.
//! * **Python JSON** ([`to_python_json`]) is what gets *written to files*:
//!   CPython 3.11's `json.dumps(..., sort_keys=True)` with ASCII escaping
//!   (`\u00e9`, surrogate pairs for astral characters) and no trailing
//!   newline. [`Style::Indent1`] is the Metablock file layout,
//!   [`Style::Spaced`] the DSSE envelope and payload layout. Files written
//!   this way are byte-identical to the reference's.
//!
//! # A strict reader
//!
//! [`from_slice`] accepts exactly RFC 8259 JSON and, beyond the RFC, rejects
//! what would let one document be read two ways: duplicate object keys
//! (Python keeps the last one, other readers the first), `\u` escapes of
//! lone surrogates (not representable in a Rust string), invalid UTF-8 and a
//! byte order mark. `NaN` and `Infinity`, which Python accepts, are errors
//! too. Errors are [`ParseError`]s with a [`ParseErrorKind`], a line and a
//! column. Nesting depth and document size are bounded by [`Limits`], and
//! the reader does not recurse, so hostile input cannot exhaust the stack.
//!
//! Numbers keep their decimal text in a [`Number`]: integers of any size
//! survive a round trip exactly. Numbers with a fraction or an exponent are
//! read, but canonical JSON refuses them, as securesystemslib does.
//!
//! ```
//! use intoto_cjson::{ParseErrorKind, Style, from_slice, to_canonical, to_python_json};
//!
//! let doc = b"{\"signed\": {\"b\": 1, \"a\": \"caf\\u00e9\\n\"}, \"big\": 123456789012345678901234567890}";
//! let value = from_slice(doc).unwrap();
//!
//! // Signed bytes: raw UTF-8, raw newline, sorted keys, no spaces.
//! let signed = value.get("signed").unwrap();
//! assert_eq!(to_canonical(signed).unwrap(), "{\"a\":\"café\n\",\"b\":1}".as_bytes());
//!
//! // File bytes: what Python's json.dumps(indent=1, separators=(",", ": "), sort_keys=True) writes.
//! assert_eq!(
//!     to_python_json(&value, Style::Indent1),
//!     "{\n \"big\": 123456789012345678901234567890,\n \"signed\": {\n  \"a\": \"caf\\u00e9\\n\",\n  \"b\": 1\n }\n}"
//! );
//!
//! // Duplicate keys are refused, with their place.
//! let err = from_slice(b"{\n \"signed\": 1,\n \"signed\": 2\n}").unwrap_err();
//! assert!(matches!(err.kind(), ParseErrorKind::DuplicateKey { key } if key == "signed"));
//! assert_eq!(err.to_string(), "duplicate key \"signed\" at line 3 column 2");
//! ```

mod canonical;
mod error;
pub mod map;
mod parse;
mod python;
mod value;

pub use canonical::{to_canonical, write_canonical};
pub use error::Error;
pub use map::Map;
pub use parse::{Limits, ParseError, ParseErrorKind, from_slice, from_slice_with_limits};
pub use python::{Style, members_to_python_json, to_python_json, write_python_json};
pub use value::{Number, Value};
