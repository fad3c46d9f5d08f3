//! Python `repr()` of strings, lists and sets of strings, for messages that
//! reproduce the reference's text.

use std::fmt::Write;

/// Whether Python's `str.isprintable()` is false for a non-ASCII character.
///
/// Covers the C1 controls, the separators (Zs, Zl, Zp), the format
/// characters (Cf), private use (Co) and the noncharacters. Other
/// unassigned code points are treated as printable: this only affects how
/// an exotic file name is quoted in a message.
fn non_ascii_unprintable(c: char) -> bool {
    matches!(
        u32::from(c),
        0x80..=0xA0
            | 0xAD
            | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x890..=0x891
            | 0x8E2
            | 0x1680
            | 0x180E
            | 0x2000..=0x200F
            | 0x2028..=0x202F
            | 0x205F..=0x2064
            | 0x2066..=0x206F
            | 0x3000
            | 0xE000..=0xF8FF
            | 0xFDD0..=0xFDEF
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
            | 0xF0000..=0x10FFFF
    ) || (u32::from(c) & 0xFFFE) == 0xFFFE
}

/// Appends Python's `repr(s)` for a `str`.
pub(crate) fn write_str(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c < ' ' || c == '\x7f' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if c.is_ascii() || !non_ascii_unprintable(c) => out.push(c),
            c => {
                let code = u32::from(c);
                let _ = if code <= 0xFF {
                    write!(out, "\\x{code:02x}")
                } else if code <= 0xFFFF {
                    write!(out, "\\u{code:04x}")
                } else {
                    write!(out, "\\U{code:08x}")
                };
            }
        }
    }
    out.push(quote);
}

/// Python's `repr(s)`.
pub(crate) fn str_repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_str(&mut out, s);
    out
}

/// Python's `repr()` of a list of strings: `['a', 'b']`.
pub(crate) fn list_repr<'s>(items: impl IntoIterator<Item = &'s str>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_str(&mut out, item);
    }
    out.push(']');
    out
}

/// Python's `repr()` of a set of strings: `{'a', 'b'}`, or `set()`.
pub(crate) fn set_repr<'s>(items: impl IntoIterator<Item = &'s str>) -> String {
    let list = list_repr(items);
    if list == "[]" {
        return "set()".to_owned();
    }
    format!("{{{}}}", &list[1..list.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::{list_repr, set_repr, str_repr};

    #[test]
    fn strings() {
        assert_eq!(str_repr("foo"), "'foo'");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("'\""), "'\\'\"'");
        assert_eq!(
            str_repr("a\\b\n\t\r\x01\x7f"),
            "'a\\\\b\\n\\t\\r\\x01\\x7f'"
        );
        assert_eq!(
            str_repr("é\u{a0}\u{200b}\u{10ffff}"),
            "'é\\xa0\\u200b\\U0010ffff'"
        );
    }

    #[test]
    fn collections() {
        assert_eq!(list_repr(["a", "b"]), "['a', 'b']");
        assert_eq!(list_repr([]), "[]");
        assert_eq!(set_repr(["a", "b"]), "{'a', 'b'}");
        assert_eq!(set_repr([]), "set()");
    }
}
