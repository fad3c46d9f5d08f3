//! Python's `shlex.split(s)` (POSIX mode, no comments), used to read rules
//! written as one string.

/// Why a string could not be split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SplitError {
    /// A quote was opened and never closed.
    NoClosingQuotation,
    /// The string ends with an unescaped backslash.
    NoEscapedCharacter,
}

impl SplitError {
    /// Python's message for the same problem.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::NoClosingQuotation => "No closing quotation",
            Self::NoEscapedCharacter => "No escaped character",
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    /// Between tokens.
    Between,
    /// Inside an unquoted word.
    Word,
    /// Inside single quotes.
    Single,
    /// Inside double quotes.
    Double,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Splits like `shlex.split(s)`: whitespace (` \t\r\n`) separates words,
/// single quotes keep everything literally, double quotes keep everything
/// but let a backslash escape `"` and `\`, an unquoted backslash escapes any
/// character, and quoted empty strings are words of their own.
pub(crate) fn split(s: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut state = State::Between;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match state {
            State::Between | State::Word => match c {
                c if is_space(c) => {
                    if state == State::Word {
                        words.push(std::mem::take(&mut word));
                    }
                    state = State::Between;
                }
                '\'' => state = State::Single,
                '"' => state = State::Double,
                '\\' => {
                    word.push(chars.next().ok_or(SplitError::NoEscapedCharacter)?);
                    state = State::Word;
                }
                c => {
                    word.push(c);
                    state = State::Word;
                }
            },
            State::Single => match c {
                '\'' => state = State::Word,
                c => word.push(c),
            },
            State::Double => match c {
                '"' => state = State::Word,
                '\\' => {
                    let next = chars.next().ok_or(SplitError::NoEscapedCharacter)?;
                    if next != '"' && next != '\\' {
                        word.push('\\');
                    }
                    word.push(next);
                }
                c => word.push(c),
            },
        }
    }
    match state {
        State::Single | State::Double => Err(SplitError::NoClosingQuotation),
        State::Word => {
            words.push(word);
            Ok(words)
        }
        State::Between => Ok(words),
    }
}

#[cfg(test)]
mod tests {
    use super::{SplitError, split};

    fn ok(s: &str) -> Vec<String> {
        split(s).unwrap()
    }

    #[test]
    fn words_and_quotes() {
        assert_eq!(
            ok("MATCH dist/* WITH PRODUCTS FROM build"),
            ["MATCH", "dist/*", "WITH", "PRODUCTS", "FROM", "build"]
        );
        assert_eq!(ok("  a\t b\n"), ["a", "b"]);
        assert_eq!(ok(""), Vec::<String>::new());
        assert_eq!(ok("a '' b"), ["a", "", "b"]);
        assert_eq!(ok("'a b'c\"d e\""), ["a bcd e"]);
        assert_eq!(ok(r"a\ b"), ["a b"]);
        assert_eq!(ok(r#""a\"b\\c\d""#), [r#"a"b\c\d"#]);
        assert_eq!(ok(r"'a\b'"), [r"a\b"]);
        assert_eq!(ok("# not a comment"), ["#", "not", "a", "comment"]);
    }

    #[test]
    fn errors() {
        assert_eq!(split("'abc"), Err(SplitError::NoClosingQuotation));
        assert_eq!(split("\"abc"), Err(SplitError::NoClosingQuotation));
        assert_eq!(split("\"abc\\"), Err(SplitError::NoEscapedCharacter));
        assert_eq!(split("abc\\"), Err(SplitError::NoEscapedCharacter));
    }
}
