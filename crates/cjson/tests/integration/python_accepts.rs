//! Inputs that Python's `json.loads` accepts and that we refuse on purpose,
//! one named test each. Each test first shows (with the oracle) that Python
//! really accepts the input, so the list stays honest.

use intoto_cjson::{ParseErrorKind, from_slice};
use intoto_testkit::python;

/// What plain `json.loads(bytes)` makes of `doc` (its `repr`), as Python
/// reads a document given as bytes.
fn python_loads(doc: &[u8]) -> String {
    let script = "import sys, json\nsys.stdout.write(repr(json.loads(sys.stdin.buffer.read())))";
    String::from_utf8(python(script, doc, &std::env::temp_dir())).unwrap()
}

fn our_error(doc: &[u8]) -> ParseErrorKind {
    match from_slice(doc) {
        Ok(v) => panic!("{doc:?} was accepted as {v:?}"),
        Err(e) => e.kind().clone(),
    }
}

#[test]
fn duplicate_keys_python_keeps_the_last() {
    let doc = br#"{"signed": {"_type": "link"}, "signed": {"_type": "layout"}}"#;
    assert_eq!(python_loads(doc), "{'signed': {'_type': 'layout'}}");
    assert_eq!(
        our_error(doc),
        ParseErrorKind::DuplicateKey {
            key: "signed".to_owned()
        }
    );
}

#[test]
fn nan() {
    assert_eq!(python_loads(b"[NaN]"), "[nan]");
    assert_eq!(
        our_error(b"[NaN]"),
        ParseErrorKind::NonFiniteNumber { literal: "NaN" }
    );
}

#[test]
fn infinity() {
    assert_eq!(python_loads(b"[Infinity, -Infinity]"), "[inf, -inf]");
    assert_eq!(
        our_error(b"[Infinity]"),
        ParseErrorKind::NonFiniteNumber {
            literal: "Infinity"
        }
    );
    assert_eq!(
        our_error(b"[-Infinity]"),
        ParseErrorKind::NonFiniteNumber {
            literal: "-Infinity"
        }
    );
}

#[test]
fn lone_surrogate_escape() {
    assert_eq!(python_loads(br#""\ud800""#), r"'\ud800'");
    assert_eq!(python_loads(br#""\udc00\ud83d""#), r"'\udc00\ud83d'");
    assert_eq!(
        our_error(br#""\ud800""#),
        ParseErrorKind::LoneSurrogate { code: 0xd800 }
    );
    assert_eq!(
        our_error(br#""\udc00\ud83d""#),
        ParseErrorKind::LoneSurrogate { code: 0xdc00 }
    );
}

#[test]
fn byte_order_mark() {
    // json.loads(bytes) detects and skips a UTF-8 BOM (in-toto's file
    // loading does not: it opens the file as "utf8" text).
    assert_eq!(python_loads(b"\xef\xbb\xbf{\"a\": 1}"), "{'a': 1}");
    assert_eq!(
        our_error(b"\xef\xbb\xbf{\"a\": 1}"),
        ParseErrorKind::ByteOrderMark
    );
}

#[test]
fn utf8_encoded_surrogate() {
    // json.loads(bytes) decodes with "surrogatepass", so CESU-style
    // surrogate bytes become a lone surrogate.
    assert_eq!(python_loads(b"\"\xed\xa0\x80\""), r"'\ud800'");
    assert_eq!(our_error(b"\"\xed\xa0\x80\""), ParseErrorKind::InvalidUtf8);
}
