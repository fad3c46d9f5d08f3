//! The strict JSON reader and both writers.
//!
//! Properties: parsing never panics; a parsed value writes as canonical
//! JSON exactly when it has no non-integer number, and that canonical text
//! reads back as the same value (unless a string holds a raw control
//! character, which canonical JSON leaves unescaped); every Python-style
//! rendering is ASCII and reads back as an equivalent value (non-integers
//! may change spelling, never value), unless a number overflows to
//! `Infinity`; tighter limits only ever refuse, never change, a document.

#![no_main]

use intoto_cjson::{
    Limits, ParseErrorKind, Style, Value, from_slice, from_slice_with_limits, to_canonical,
    to_python_json,
};
use intoto_fuzz::{depth, equivalent, has_control_char, has_infinite, has_non_integer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = from_slice(data);
    let value = match parsed {
        Ok(v) => v,
        Err(e) => {
            // Messages and positions are computed without panicking.
            let _ = (e.to_string(), e.line(), e.column(), e.offset());
            assert!(e.offset() <= data.len(), "offset past the end: {e:?}");
            return;
        }
    };
    check_numbers(&value);

    // Tighter limits: the same value or a limit error, never another value.
    let limits = Limits {
        max_depth: 3,
        max_bytes: data.len(),
    };
    match from_slice_with_limits(data, limits) {
        Ok(v) => assert_eq!(v, value),
        Err(e) => {
            assert!(
                matches!(e.kind(), ParseErrorKind::TooDeep { .. }),
                "only the depth limit may refuse: {e:?}"
            );
            assert!(depth(&value) > 3);
        }
    }

    match to_canonical(&value) {
        Ok(bytes) => {
            assert!(!has_non_integer(&value));
            assert!(std::str::from_utf8(&bytes).is_ok());
            if !has_control_char(&value) {
                let back = from_slice(&bytes).expect("canonical JSON reads back");
                assert_eq!(back, value);
                // Canonical JSON is a fixed point.
                assert_eq!(to_canonical(&back).expect("canonical again"), bytes);
            }
        }
        Err(_) => assert!(has_non_integer(&value)),
    }

    for style in [Style::Indent1, Style::Spaced, Style::Compact] {
        let text = to_python_json(&value, style);
        assert!(text.is_ascii(), "{style:?} output is not ASCII");
        match from_slice(text.as_bytes()) {
            Ok(back) => {
                assert!(
                    equivalent(&value, &back),
                    "{style:?} round trip changed the value:\n{value:?}\n{back:?}"
                );
                // Writing what was read back gives the same text.
                assert_eq!(to_python_json(&back, style), text);
                if !has_non_integer(&value) {
                    assert_eq!(back, value);
                }
            }
            Err(e) => assert!(
                has_infinite(&value),
                "{style:?} output does not read back: {e}\n{text}"
            ),
        }
    }
});

/// Number accessors agree with each other and never panic.
fn check_numbers(v: &Value) {
    match v {
        Value::Number(n) => {
            let _ = n.as_f64();
            if let Some(i) = n.as_i64() {
                assert!(n.is_integer());
                assert_eq!(i.to_string(), n.as_str());
            }
            if let Some(u) = n.as_u64() {
                assert!(n.is_integer());
                assert_eq!(u.to_string(), n.as_str());
            }
        }
        Value::Array(a) => a.iter().for_each(check_numbers),
        Value::Object(m) => m.values().for_each(check_numbers),
        _ => {}
    }
}
