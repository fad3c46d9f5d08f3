//! A writer that reproduces CPython 3.11's
//! `json.dumps(value, sort_keys=True, ensure_ascii=True, ...)` byte for byte.

use std::fmt::Write as _;

use crate::value::{Number, Value};

/// The `json.dumps` layouts in-toto uses. All of them sort keys, escape
/// every non-ASCII character and end without a newline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Style {
    /// `indent=1, separators=(",", ": ")`: one member per line, one space of
    /// indentation per level, empty containers as `{}` and `[]`. The layout
    /// of Metablock files (`*.link`, `*.layout`).
    Indent1,
    /// The default separators `", "` and `": "` on one line: DSSE envelopes
    /// and the payloads inside them.
    Spaced,
    /// `separators=(",", ":")`: one line without spaces.
    Compact,
}

impl Style {
    fn item_separator(self) -> &'static str {
        match self {
            Self::Indent1 | Self::Compact => ",",
            Self::Spaced => ", ",
        }
    }

    fn key_separator(self) -> &'static str {
        match self {
            Self::Indent1 | Self::Spaced => ": ",
            Self::Compact => ":",
        }
    }
}

/// Writes `value` as CPython 3.11's `json.dumps(value, sort_keys=True)` with
/// the given [`Style`] does.
///
/// Strings are ASCII-escaped (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other
/// characters below U+0020 and U+007F as `\u00XX`, non-ASCII as lowercase
/// `\uXXXX`, astral characters as surrogate pairs; `/` is left alone).
/// Integers are written as Python prints the `int` it read (any size),
/// fractions and exponents as Python's `repr` of the nearest `float`
/// (`1E5` as `100000.0`, `1e16` as `1e+16`, too large as `Infinity`).
///
/// ```
/// use intoto_cjson::{Style, from_slice, to_python_json};
///
/// let v = from_slice(r#"{"b": [], "a": "é\n", "n": 1E5}"#.as_bytes()).unwrap();
/// assert_eq!(to_python_json(&v, Style::Spaced), r#"{"a": "\u00e9\n", "b": [], "n": 100000.0}"#);
/// assert_eq!(to_python_json(&v, Style::Compact), r#"{"a":"\u00e9\n","b":[],"n":100000.0}"#);
/// assert_eq!(
///     to_python_json(&v, Style::Indent1),
///     "{\n \"a\": \"\\u00e9\\n\",\n \"b\": [],\n \"n\": 100000.0\n}"
/// );
/// ```
pub fn to_python_json(value: &Value, style: Style) -> String {
    let mut out = String::new();
    write_python_json(value, style, &mut out);
    out
}

/// Appends what [`to_python_json`] returns to `out`.
pub fn write_python_json(value: &Value, style: Style, out: &mut String) {
    write_value(value, style, 0, out);
}

/// Writes the object whose members are `members` (in any order; each key
/// once) as [`to_python_json`] writes that object, without the members
/// having to be moved or copied into one [`Value`]: for writing a
/// container (a Metablock's `signatures` and `signed`) from its parts.
///
/// ```
/// use intoto_cjson::{Style, Value, members_to_python_json, to_python_json};
///
/// let (a, b) = (Value::from(1), Value::from("x"));
/// let whole: Value = intoto_cjson::Map::from([("a".to_owned(), a.clone()), ("b".to_owned(), b.clone())]).into();
/// assert_eq!(
///     members_to_python_json(&[("b", &b), ("a", &a)], Style::Indent1),
///     to_python_json(&whole, Style::Indent1)
/// );
/// ```
pub fn members_to_python_json(members: &[(&str, &Value)], style: Style) -> String {
    let mut sorted = members.to_vec();
    sorted.sort_by(|x, y| x.0.cmp(y.0));
    let mut out = String::new();
    write_members(sorted.iter().map(|&(k, v)| (k, v)), style, 0, &mut out);
    out
}

fn write_members<'v>(
    members: impl ExactSizeIterator<Item = (&'v str, &'v Value)>,
    style: Style,
    depth: usize,
    out: &mut String,
) {
    if members.len() == 0 {
        out.push_str("{}");
        return;
    }
    out.push('{');
    for (i, (key, item)) in members.enumerate() {
        if i > 0 {
            out.push_str(style.item_separator());
        }
        newline(style, depth + 1, out);
        write_string(key, out);
        out.push_str(style.key_separator());
        write_value(item, style, depth + 1, out);
    }
    newline(style, depth, out);
    out.push('}');
}

fn newline(style: Style, depth: usize, out: &mut String) {
    if style == Style::Indent1 {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', depth));
    }
}

fn write_value(value: &Value, style: Style, depth: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(style.item_separator());
                }
                newline(style, depth + 1, out);
                write_value(item, style, depth + 1, out);
            }
            newline(style, depth, out);
            out.push(']');
        }
        Value::Object(map) => {
            write_members(map.iter().map(|(k, v)| (k.as_str(), v)), style, depth, out);
        }
    }
}

/// A string as `json.dumps` writes it with `ensure_ascii=True`.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    // Printable ASCII other than `"` and `\` is copied as it is, in runs.
    let special = |b: u8| !(b' '..=b'~').contains(&b) || b == b'"' || b == b'\\';
    let mut run = 0;
    while let Some(i) = s
        .as_bytes()
        .get(run..)
        .and_then(|rest| rest.iter().position(|&b| special(b)))
        .map(|n| run + n)
    {
        // `i` is a character boundary: continuation bytes are skipped
        // with the character they belong to.
        let Some(c) = s.get(i..).and_then(|t| t.chars().next()) else {
            break;
        };
        out.push_str(&s[run..i]);
        run = i + c.len_utf8();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    // Writing to a String cannot fail.
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// A number as Python prints the `int` or `float` that `json.loads` makes of it.
fn write_number(n: &Number, out: &mut String) {
    let text = n.as_str();
    if n.is_integer() {
        out.push_str(if text == "-0" { "0" } else { text });
        return;
    }
    match text.parse::<f64>() {
        Ok(f) => write_float(f, out),
        // Unreachable for text that is JSON number syntax.
        Err(_) => out.push_str(text),
    }
}

/// The digits and decimal exponent (`d.ddd × 10^exponent`) of CPython's
/// repr of a finite, non-negative `f`: the fewest digits that read back as
/// `f`, and among those the nearest to `f`, ties to an even last digit.
fn repr_digits(f: f64) -> (String, i32) {
    // Rust's `{:e}` gives the fewest digits that read back as `f`; on an
    // exact tie between two such strings it may pick the odd one. `{:.Ne}`
    // rounds the exact value half-to-even, as CPython does, so prefer it
    // when it reads back as `f` with the same number of digits.
    let shortest = format!("{f:e}");
    let (digits, exponent) = split_scientific(&shortest);
    if digits.len() > 1 {
        let rounded = format!("{:.*e}", digits.len() - 1, f);
        if rounded.parse::<f64>() == Ok(f) {
            let (r_digits, r_exponent) = split_scientific(&rounded);
            if r_digits.len() == digits.len() {
                return (r_digits, r_exponent);
            }
        }
    }
    (digits, exponent)
}

/// Splits Rust's `d.ddde<exp>` into the digits (without trailing zeros,
/// at least one) and the exponent.
fn split_scientific(text: &str) -> (String, i32) {
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (digits, exponent.parse().unwrap_or(0))
}

/// `float.__repr__` (CPython's "short" repr), as `json.dumps` uses it, with
/// `Infinity`, `-Infinity` and `NaN` for the non-finite values.
fn write_float(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("NaN");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    let (sign, magnitude) = if f.is_sign_negative() {
        ("-", -f)
    } else {
        ("", f)
    };
    let (digits, exponent) = repr_digits(magnitude);
    // With the value written as 0.DIGITS × 10^decpt (dtoa's convention),
    // repr uses an exponent outside 1e-4 <= |f| < 1e16.
    let decpt = exponent + 1;
    out.push_str(sign);
    if decpt <= -4 || decpt > 16 {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let e = decpt - 1;
        let _ = write!(
            out,
            "e{}{:02}",
            if e < 0 { '-' } else { '+' },
            e.unsigned_abs()
        );
    } else if decpt <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', decpt.unsigned_abs() as usize));
        out.push_str(&digits);
    } else {
        let decpt = decpt as usize;
        if digits.len() <= decpt {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', decpt - digits.len()));
            out.push_str(".0");
        } else {
            let (int, frac) = digits.split_at(decpt);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(f: f64) -> String {
        let mut s = String::new();
        write_float(f, &mut s);
        s
    }

    #[test]
    fn float_repr_matches_python() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (1e5, "100000.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e300, "1.5e+300"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e-7, "1e-07"),
            (5e-324, "5e-324"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1.2345678901234568e29, "1.2345678901234568e+29"),
            (-2.5, "-2.5"),
            (123.456, "123.456"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (f64::NAN, "NaN"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (1e23, "1e+23"),
            (8.5e-5, "8.5e-05"),
            (9007199254740993.0, "9007199254740992.0"),
            // Exact ties between two shortest candidates go to the even digit.
            (1502938617522281.0 + 0.25, "1502938617522281.2"),
            (622837637606940.0 + 0.25, "622837637606940.2"),
        ];
        for (f, want) in cases {
            assert_eq!(repr(*f), *want, "repr of {f:e}");
        }
    }

    #[test]
    fn escapes_like_ensure_ascii() {
        let mut s = String::new();
        write_string("a\"b\\c/\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}é€😀~ ", &mut s);
        assert_eq!(
            s,
            r#""a\"b\\c/\n\r\t\b\f\u0000\u001f\u007f\u00e9\u20ac\ud83d\ude00~ ""#
        );
    }
}

#[cfg(test)]
mod layout_tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::from_slice;

    const DOC: &str = r#"{"z": [1, [], {}, {"k": [true, null]}], "a": {}, "m": "x"}"#;

    #[test]
    fn indent1() {
        let v = from_slice(DOC.as_bytes()).unwrap();
        assert_eq!(
            to_python_json(&v, Style::Indent1),
            "{\n \"a\": {},\n \"m\": \"x\",\n \"z\": [\n  1,\n  [],\n  {},\n  {\n   \"k\": [\n    true,\n    null\n   ]\n  }\n ]\n}"
        );
    }

    #[test]
    fn spaced_and_compact() {
        let v = from_slice(DOC.as_bytes()).unwrap();
        assert_eq!(
            to_python_json(&v, Style::Spaced),
            r#"{"a": {}, "m": "x", "z": [1, [], {}, {"k": [true, null]}]}"#
        );
        assert_eq!(
            to_python_json(&v, Style::Compact),
            r#"{"a":{},"m":"x","z":[1,[],{},{"k":[true,null]}]}"#
        );
    }

    #[test]
    fn scalars_at_top_level_and_numbers() {
        let v =
            from_slice(b"[-0, -0.0, 1E5, 1e16, 0.1, 12345678901234567890, 1e400, -1e400]").unwrap();
        assert_eq!(
            to_python_json(&v, Style::Compact),
            "[0,-0.0,100000.0,1e+16,0.1,12345678901234567890,Infinity,-Infinity]"
        );
        assert_eq!(to_python_json(&Value::Null, Style::Indent1), "null");
        assert_eq!(to_python_json(&Value::from("/"), Style::Indent1), "\"/\"");
        assert_eq!(to_python_json(&Value::Array(vec![]), Style::Indent1), "[]");
    }

    #[test]
    fn write_appends() {
        let mut out = String::from("x=");
        write_python_json(&Value::from(1), Style::Spaced, &mut out);
        assert_eq!(out, "x=1");
    }
}
