//! OLPC canonical JSON as securesystemslib's `encode_canonical` writes it.

use crate::{Error, Value};

/// Encodes `value` as canonical JSON, byte for byte what
/// `securesystemslib.formats.encode_canonical(value).encode("utf-8")` gives:
/// keys sorted by code point, no whitespace, only `"` and `\` escaped, raw
/// UTF-8 for everything else (control characters included), integers of any
/// size in decimal. Fails with [`Error::Float`] on a number with a fraction
/// or an exponent, as securesystemslib refuses floats.
pub fn to_canonical(value: &Value) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    write_canonical(value, &mut out)?;
    Ok(out)
}

/// Appends the canonical encoding of `value` to `out`. On error, `out` may
/// hold a prefix of the encoding.
pub fn write_canonical(value: &Value, out: &mut Vec<u8>) -> Result<(), Error> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if !n.is_integer() {
                return Err(Error::Float(n.as_str().to_owned()));
            }
            // securesystemslib prints the Python int, and `int("-0")` is 0.
            let text = n.as_str();
            out.extend_from_slice(if text == "-0" { b"0" } else { text.as_bytes() });
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_canonical(item, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    // Copy runs between the bytes that need a backslash (usually the
    // whole string at once).
    let mut rest = s.as_bytes();
    while let Some(i) = rest.iter().position(|&b| b == b'"' || b == b'\\') {
        let (run, tail) = rest.split_at(i);
        out.extend_from_slice(run);
        out.push(b'\\');
        out.extend_from_slice(tail.get(..1).unwrap_or_default());
        rest = tail.get(1..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::from_slice;

    fn canon(doc: &str) -> Result<String, Error> {
        let bytes = to_canonical(&from_slice(doc.as_bytes()).unwrap())?;
        Ok(String::from_utf8(bytes).unwrap())
    }

    #[test]
    fn only_quote_and_backslash_are_escaped() {
        assert_eq!(
            canon(r#""q\" b\\ n\n t\t c\u0001 d\u007f e\u00e9 s\/ a\ud83d\ude00""#).unwrap(),
            "\"q\\\" b\\\\ n\n t\t c\u{1} d\u{7f} e\u{e9} s/ a\u{1f600}\""
        );
    }

    #[test]
    fn sorted_keys_no_whitespace() {
        assert_eq!(
            canon("{ \"b\" : [ 1 , { } ] , \"a\" : null , \"\u{ffff}\": 1, \"\u{1f600}\": 2 }")
                .unwrap(),
            "{\"a\":null,\"b\":[1,{}],\"\u{ffff}\":1,\"\u{1f600}\":2}"
        );
    }

    #[test]
    fn integers_as_python_prints_them() {
        assert_eq!(
            canon("[-0, 0, -1, 123456789012345678901234567890]").unwrap(),
            "[0,0,-1,123456789012345678901234567890]"
        );
        assert_eq!(canon("[true, false, null]").unwrap(), "[true,false,null]");
    }

    #[test]
    fn floats_are_refused() {
        for doc in ["1.5", "[1E5]", "{\"a\": -0.0}", "1e400"] {
            let want = doc.trim_matches(|c| "[]{}\"a: ".contains(c)).to_owned();
            assert_eq!(canon(doc), Err(Error::Float(want)), "{doc}");
        }
        assert_eq!(
            Error::Float("1.5".into()).to_string(),
            "cannot encode the non-integer number 1.5 in canonical JSON"
        );
    }
}
