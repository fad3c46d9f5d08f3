//! A strict RFC 8259 JSON reader.
//!
//! Stricter than Python's `json.loads` on purpose: duplicate object keys,
//! `NaN`/`Infinity`, lone surrogates, a byte order mark and invalid UTF-8 are
//! errors, so that a signed document can only be read one way.

use std::collections::HashSet;

use crate::map::Map;
use crate::value::{Number, Value};

/// Resource limits for [`from_slice_with_limits`].
///
/// The defaults ([`Limits::DEFAULT_MAX_DEPTH`] and
/// [`Limits::DEFAULT_MAX_BYTES`]) are generous for in-toto metadata (a
/// Metablock nests about six levels deep; a link with 100 000 artifacts is
/// about 20 MB).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The deepest nesting of arrays and objects allowed: `[]` has depth 1,
    /// `[[]]` depth 2, a scalar depth 0. The reader itself never recurses,
    /// but dropping, cloning, comparing and writing a [`Value`] recurse once
    /// per level, so keep this in the hundreds or low thousands.
    pub max_depth: usize,
    /// The largest document accepted, in bytes.
    pub max_bytes: usize,
}

impl Limits {
    /// Default nesting limit: 128 levels.
    pub const DEFAULT_MAX_DEPTH: usize = 128;
    /// Default size limit: 64 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;
}

impl Default for Limits {
    /// 128 levels of nesting and 64 MiB.
    fn default() -> Self {
        Self {
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }
}

/// What is wrong with a JSON document; part of a [`ParseError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The document is larger than [`Limits::max_bytes`].
    #[error("the document is {len} bytes, more than the limit of {max} bytes")]
    TooLarge {
        /// Size of the document in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// Arrays and objects nest deeper than [`Limits::max_depth`].
    #[error("arrays and objects nest deeper than the limit of {max} levels")]
    TooDeep {
        /// The depth limit.
        max: usize,
    },
    /// The bytes are not valid UTF-8.
    #[error("invalid UTF-8")]
    InvalidUtf8,
    /// The document starts with a UTF-8 byte order mark.
    #[error("byte order mark (U+FEFF) is not allowed")]
    ByteOrderMark,
    /// The document (or a value in it) ended early.
    #[error("unexpected end of input, expected {expected}")]
    UnexpectedEnd {
        /// What the grammar needed next.
        expected: &'static str,
    },
    /// A character the grammar does not allow at this place.
    #[error("unexpected character {found:?}, expected {expected}")]
    UnexpectedCharacter {
        /// The character found.
        found: char,
        /// What the grammar needed instead.
        expected: &'static str,
    },
    /// Something other than whitespace follows the top-level value.
    #[error("unexpected data after the JSON value: {found:?}")]
    TrailingData {
        /// The first character after the value.
        found: char,
    },
    /// A word that is not `true`, `false` or `null`.
    #[error("invalid literal, expected true, false or null")]
    InvalidLiteral,
    /// `NaN`, `Infinity` or `-Infinity`, which Python accepts but JSON does not.
    #[error("{literal} is not a JSON number")]
    NonFiniteNumber {
        /// The literal as written.
        literal: &'static str,
    },
    /// A malformed number.
    #[error("invalid number: {reason}")]
    InvalidNumber {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A raw control character (below U+0020) inside a string.
    #[error("raw control character U+{code:04X} in a string (it must be escaped)")]
    ControlCharacter {
        /// The character's code.
        code: u8,
    },
    /// A string without its closing quote.
    #[error("unterminated string")]
    UnterminatedString,
    /// A backslash followed by a character that is not a JSON escape.
    #[error("invalid escape: backslash followed by {found:?}")]
    InvalidEscape {
        /// The character after the backslash.
        found: char,
    },
    /// `\u` not followed by four hexadecimal digits.
    #[error("invalid \\u escape, expected four hexadecimal digits")]
    InvalidUnicodeEscape,
    /// A `\u` escape of a surrogate that is not part of a valid pair.
    #[error("\\u{code:04x} is a lone surrogate")]
    LoneSurrogate {
        /// The surrogate code unit.
        code: u16,
    },
    /// An object has the same key twice (Python would keep the last one).
    #[error("duplicate key {key:?}")]
    DuplicateKey {
        /// The repeated key.
        key: String,
    },
}

/// A JSON document could not be read: what is wrong, and where.
///
/// Lines and columns count from 1, columns in characters, as in Python's
/// `json` messages. Displays on one line, e.g.
/// `duplicate key "signed" at line 3 column 2`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at line {line} column {column}")]
pub struct ParseError {
    kind: ParseErrorKind,
    line: usize,
    column: usize,
    offset: usize,
}

impl ParseError {
    fn at(kind: ParseErrorKind, bytes: &[u8], offset: usize) -> Self {
        let offset = offset.min(bytes.len());
        let before = bytes.get(..offset).unwrap_or(bytes);
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before
            .get(line_start..)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count()
            + 1;
        Self {
            kind,
            line,
            column,
            offset,
        }
    }

    /// What is wrong.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// The line of the problem, counting from 1.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column of the problem in characters, counting from 1.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The byte offset of the problem, counting from 0.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

/// Reads one JSON document with the default [`Limits`].
///
/// The grammar is RFC 8259 exactly (whitespace is only space, tab, line feed
/// and carriage return; no byte order mark, comments, `NaN`, `Infinity`,
/// leading zeros, `+` signs, raw control characters in strings or trailing
/// data), and in addition duplicate object keys, `\u` escapes of lone
/// surrogates and invalid UTF-8 are rejected. Numbers keep their text, so
/// integers of any size survive; `-0` is read as `0`, as Python does.
///
/// ```
/// let v = intoto_cjson::from_slice(br#"{"a": [1, 2.5e3, "\u00e9"]}"#).unwrap();
/// assert_eq!(v.get("a").unwrap().as_array().unwrap()[2].as_str(), Some("é"));
///
/// let err = intoto_cjson::from_slice(b"{\"a\": 1,\n \"a\": 2}").unwrap_err();
/// assert_eq!(err.to_string(), "duplicate key \"a\" at line 2 column 2");
/// ```
pub fn from_slice(bytes: &[u8]) -> Result<Value, ParseError> {
    from_slice_with_limits(bytes, Limits::default())
}

/// Reads one JSON document like [`from_slice`], with explicit [`Limits`].
pub fn from_slice_with_limits(bytes: &[u8], limits: Limits) -> Result<Value, ParseError> {
    if bytes.len() > limits.max_bytes {
        return Err(ParseError::at(
            ParseErrorKind::TooLarge {
                len: bytes.len(),
                max: limits.max_bytes,
            },
            bytes,
            0,
        ));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(ParseError::at(ParseErrorKind::ByteOrderMark, bytes, 0));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Err(ParseError::at(
                ParseErrorKind::InvalidUtf8,
                bytes,
                e.valid_up_to(),
            ));
        }
    };
    let mut parser = Parser {
        text,
        bytes,
        pos: 0,
        max_depth: limits.max_depth,
    };
    parser
        .document()
        .map_err(|(kind, offset)| ParseError::at(kind, bytes, offset))
}

/// An error kind and the byte offset it belongs to; turned into a
/// [`ParseError`] (with line and column) only once, at the end.
type Fail = (ParseErrorKind, usize);

/// An array or object whose members are still being read.
enum Frame {
    Array(Vec<Value>),
    /// An object and the key whose value is being read.
    Object(Object, String),
}

/// The members of an object being read, in document order.
///
/// Keys almost always arrive sorted (every in-toto writer sorts them):
/// then a key is new exactly when it is greater than the last one, and the
/// members need no sorting. Once a key arrives out of order, every key read
/// so far goes into a hash set that detects duplicates from then on, and
/// the members are sorted when the object closes.
struct Object {
    members: Vec<(String, Value)>,
    /// The keys, once they stopped arriving in order.
    unsorted: Option<HashSet<String>>,
}

impl Object {
    /// Room for one member: most objects in in-toto metadata have exactly
    /// one (an artifact's digests), and a vector would otherwise start
    /// with room for four.
    fn new() -> Self {
        Self {
            members: Vec::with_capacity(1),
            unsorted: None,
        }
    }

    /// Whether `key` is not yet a member (and records it as one).
    fn admit(&mut self, key: &str) -> bool {
        if let Some(seen) = &mut self.unsorted {
            return seen.insert(key.to_owned());
        }
        match self.members.last() {
            None => true,
            Some((last, _)) if last.as_str() < key => true,
            Some(_) => {
                // Sorted so far: a binary search finds an earlier member.
                if self
                    .members
                    .binary_search_by(|(k, _)| k.as_str().cmp(key))
                    .is_ok()
                {
                    return false;
                }
                let mut seen: HashSet<String> =
                    self.members.iter().map(|(k, _)| k.clone()).collect();
                seen.insert(key.to_owned());
                self.unsorted = Some(seen);
                true
            }
        }
    }

    fn finish(mut self) -> Map {
        if self.unsorted.is_some() {
            // Keys are unique: an unstable sort gives the one order.
            self.members.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        }
        Map::from_sorted_unique(self.members)
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_depth: usize,
}

const EXPECT_VALUE: &str = "a JSON value";
const EXPECT_KEY: &str = "a string key";
const EXPECT_KEY_OR_END: &str = "a string key or '}'";
const EXPECT_COLON: &str = "':'";
const EXPECT_ARRAY_NEXT: &str = "',' or ']'";
const EXPECT_OBJECT_NEXT: &str = "',' or '}'";

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The character at byte offset `at` (always a character boundary).
    fn char_at(&self, at: usize) -> char {
        self.text
            .get(at..)
            .and_then(|s| s.chars().next())
            .unwrap_or(char::REPLACEMENT_CHARACTER)
    }

    /// The error for finding something other than `expected` at `pos`.
    fn unexpected(&self, expected: &'static str) -> Fail {
        let kind = match self.peek() {
            None => ParseErrorKind::UnexpectedEnd { expected },
            Some(_) => ParseErrorKind::UnexpectedCharacter {
                found: self.char_at(self.pos),
                expected,
            },
        };
        (kind, self.pos)
    }

    /// Reads the whole document: one value, optionally surrounded by whitespace.
    fn document(&mut self) -> Result<Value, Fail> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            self.skip_ws();
            let mut value = match self.peek() {
                Some(b'[') => {
                    self.open(stack.len())?;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Value::Array(Vec::new())
                    } else {
                        stack.push(Frame::Array(Vec::new()));
                        continue 'value;
                    }
                }
                Some(b'{') => {
                    self.open(stack.len())?;
                    self.skip_ws();
                    match self.peek() {
                        Some(b'}') => {
                            self.pos += 1;
                            Value::Object(Map::new())
                        }
                        Some(b'"') => {
                            let mut object = Object::new();
                            let key = self.key(&mut object)?;
                            stack.push(Frame::Object(object, key));
                            continue 'value;
                        }
                        _ => return Err(self.unexpected(EXPECT_KEY_OR_END)),
                    }
                }
                _ => self.scalar()?,
            };
            // A value is complete: hand it to the enclosing containers,
            // closing every container that ends right after it.
            loop {
                self.skip_ws();
                let Some(frame) = stack.pop() else {
                    return match self.peek() {
                        None => Ok(value),
                        Some(_) => Err((
                            ParseErrorKind::TrailingData {
                                found: self.char_at(self.pos),
                            },
                            self.pos,
                        )),
                    };
                };
                match frame {
                    Frame::Array(mut items) => {
                        items.push(value);
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                stack.push(Frame::Array(items));
                                continue 'value;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                value = Value::Array(items);
                            }
                            _ => return Err(self.unexpected(EXPECT_ARRAY_NEXT)),
                        }
                    }
                    Frame::Object(mut object, key) => {
                        object.members.push((key, value));
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                if self.peek() != Some(b'"') {
                                    return Err(self.unexpected(EXPECT_KEY));
                                }
                                let key = self.key(&mut object)?;
                                stack.push(Frame::Object(object, key));
                                continue 'value;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                value = Value::Object(object.finish());
                            }
                            _ => return Err(self.unexpected(EXPECT_OBJECT_NEXT)),
                        }
                    }
                }
            }
        }
    }

    /// Consumes the `[` or `{` at `pos`, checking that the container at
    /// nesting level `open + 1` is within the depth limit.
    fn open(&mut self, open: usize) -> Result<(), Fail> {
        if open >= self.max_depth {
            return Err((
                ParseErrorKind::TooDeep {
                    max: self.max_depth,
                },
                self.pos,
            ));
        }
        self.pos += 1;
        Ok(())
    }

    /// Reads `"key"` and the `:` after it; `pos` is at the opening quote.
    fn key(&mut self, object: &mut Object) -> Result<String, Fail> {
        let start = self.pos;
        let key = self.string()?;
        if !object.admit(&key) {
            return Err((ParseErrorKind::DuplicateKey { key }, start));
        }
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected(EXPECT_COLON));
        }
        self.pos += 1;
        Ok(key)
    }

    /// Reads a string, number or literal at `pos`.
    fn scalar(&mut self) -> Result<Value, Fail> {
        match self.peek() {
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'N') => self.non_finite("NaN", self.pos),
            Some(b'I') => self.non_finite("Infinity", self.pos),
            Some(b'+') => Err((
                ParseErrorKind::InvalidNumber {
                    reason: "a number cannot start with '+'",
                },
                self.pos,
            )),
            Some(b'.') => Err((
                ParseErrorKind::InvalidNumber {
                    reason: "a number cannot start with '.'",
                },
                self.pos,
            )),
            _ => Err(self.unexpected(EXPECT_VALUE)),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, Fail> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err((ParseErrorKind::InvalidLiteral, self.pos))
        }
    }

    /// The error for `NaN`, `Infinity` or `-Infinity` written at `start`
    /// (or for a misspelt word).
    fn non_finite(&self, literal: &'static str, start: usize) -> Result<Value, Fail> {
        if self.bytes[start..].starts_with(literal.as_bytes()) {
            Err((ParseErrorKind::NonFiniteNumber { literal }, start))
        } else {
            Err((ParseErrorKind::InvalidLiteral, start))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Reads a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<Value, Fail> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err((
                        ParseErrorKind::InvalidNumber {
                            reason: "leading zeros are not allowed",
                        },
                        start,
                    ));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            Some(b'I') => return self.non_finite("-Infinity", start),
            _ => {
                return Err((
                    ParseErrorKind::InvalidNumber {
                        reason: "a digit must follow '-'",
                    },
                    self.pos,
                ));
            }
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err((
                    ParseErrorKind::InvalidNumber {
                        reason: "a digit must follow '.'",
                    },
                    self.pos,
                ));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err((
                    ParseErrorKind::InvalidNumber {
                        reason: "the exponent needs digits",
                    },
                    self.pos,
                ));
            }
        }
        let text = &self.text[start..self.pos];
        // Python reads `-0` as the integer 0; keep integers in that form.
        let text = if text == "-0" { "0" } else { text };
        Ok(Value::Number(Number::from_text_unchecked(text.to_owned())))
    }

    /// Moves `pos` to the next byte that ends a run of plain string
    /// characters (a quote, a backslash or a control character) and
    /// returns it; `None` at the end of the input.
    fn skip_plain(&mut self) -> Option<u8> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let n = rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        self.pos += n;
        rest.get(n).copied()
    }

    /// Reads a string; `pos` is at the opening quote.
    fn string(&mut self) -> Result<String, Fail> {
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escapes, one allocation.
        match self.skip_plain() {
            None => return Err((ParseErrorKind::UnterminatedString, self.bytes.len())),
            Some(b'"') => {
                let s = self.text[start..self.pos].to_owned();
                self.pos += 1;
                return Ok(s);
            }
            Some(b'\\') => {}
            Some(b) => return Err((ParseErrorKind::ControlCharacter { code: b }, self.pos)),
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        let mut run = start;
        loop {
            match self.skip_plain() {
                None => return Err((ParseErrorKind::UnterminatedString, self.bytes.len())),
                Some(b'"') => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(&self.text[run..self.pos]);
                    out.push(self.escape()?);
                    run = self.pos;
                }
                Some(b) => return Err((ParseErrorKind::ControlCharacter { code: b }, self.pos)),
            }
        }
    }

    /// Reads one escape sequence; `pos` is at the backslash.
    fn escape(&mut self) -> Result<char, Fail> {
        let at = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            None => return Err((ParseErrorKind::UnterminatedString, self.bytes.len())),
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let unit = self.hex4(at)?;
                return match unit {
                    0xD800..=0xDBFF => {
                        let low_at = self.pos;
                        if self.bytes[self.pos..].starts_with(b"\\u") {
                            self.pos += 2;
                            let low = self.hex4(low_at)?;
                            if (0xDC00..=0xDFFF).contains(&low) {
                                let code = 0x10000
                                    + ((u32::from(unit) - 0xD800) << 10)
                                    + (u32::from(low) - 0xDC00);
                                return char::from_u32(code)
                                    .ok_or((ParseErrorKind::LoneSurrogate { code: unit }, at));
                            }
                        }
                        Err((ParseErrorKind::LoneSurrogate { code: unit }, at))
                    }
                    0xDC00..=0xDFFF => Err((ParseErrorKind::LoneSurrogate { code: unit }, at)),
                    _ => char::from_u32(u32::from(unit))
                        .ok_or((ParseErrorKind::LoneSurrogate { code: unit }, at)),
                };
            }
            Some(_) => {
                return Err((
                    ParseErrorKind::InvalidEscape {
                        found: self.char_at(self.pos),
                    },
                    at,
                ));
            }
        };
        self.pos += 1;
        Ok(c)
    }

    /// Reads the four hex digits of a `\u` escape that starts at `at`.
    fn hex4(&mut self, at: usize) -> Result<u16, Fail> {
        let mut unit: u16 = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err((ParseErrorKind::InvalidUnicodeEscape, at)),
            };
            unit = (unit << 4) | u16::from(digit);
            self.pos += 1;
        }
        Ok(unit)
    }
}

impl std::str::FromStr for Value {
    type Err = ParseError;

    /// Parses with [`from_slice`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        from_slice(s.as_bytes())
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
