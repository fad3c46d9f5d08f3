//! Writing metadata strings for people: shell quoting (so commands and
//! rules can be pasted back), and escaping of control characters (so a
//! hostile layout cannot drive the terminal).

/// Quotes a word so that Python's `shlex.split` (POSIX mode, as the
/// reference's `*_from_string` helpers use it) reads it back unchanged. Words
/// without whitespace, quotes or backslashes stay as they are (glob
/// characters such as `*` need no quoting for `shlex`); others are put in
/// single quotes (a `'` inside becomes `'"'"'`), and the empty word is `''`.
pub fn quote_word(word: &str) -> String {
    let plain = |c: char| !matches!(c, ' ' | '\t' | '\r' | '\n' | '\'' | '"' | '\\');
    if !word.is_empty() && word.chars().all(plain) {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', "'\"'\"'"))
}

/// Joins words (a command, or a rule's tokens) into one line that
/// `shlex.split` splits back into the same words, e.g. `ALLOW src/*` or
/// `MATCH 'my dir/*' WITH PRODUCTS FROM build`.
pub fn join_words<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| quote_word(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Replaces control characters (newlines included) with visible escapes
/// (`\n`, `\t`, `\u{1b}`), for output on a terminal.
pub fn escape_control(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// Unicode bidirectional controls, which can make text display in another
/// order than it is read ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// Escapes a string for a double-quoted Graphviz DOT string: `"` and `\`
/// are escaped, a newline becomes DOT's `\n` line break, and other control
/// characters are shown as text (`\u{1b}`).
pub fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::shlex::split;

    #[test]
    fn quoting_round_trips_through_shlex() {
        for words in [
            vec!["python", "-m", "build"],
            vec!["tar", "--exclude", ".git", "-zcvf", "x.tar.gz", "x"],
            vec!["sh", "-c", "echo 'hi' \"there\"; rm -rf $HOME"],
            vec!["", "a b", "it's", "\\", "\n"],
        ] {
            let line = join_words(&words);
            assert_eq!(split(&line).unwrap(), words, "{line}");
        }
        assert_eq!(join_words(&["ALLOW", "src/*"]), "ALLOW src/*");
        assert_eq!(
            join_words(&["MATCH", "my dir/*", "WITH"]),
            "MATCH 'my dir/*' WITH"
        );
        assert_eq!(quote_word("it's"), "'it'\"'\"'s'");
    }

    #[test]
    fn control_characters_are_made_visible() {
        assert_eq!(
            escape_control("a\nb\t\u{1b}[31mred"),
            "a\\nb\\t\\u{1b}[31mred"
        );
        assert_eq!(
            escape_control("caf\u{e9} \u{202e}x"),
            "caf\u{e9} \\u{202e}x"
        );
        assert_eq!(dot_escape("a\"b\\c\nd\u{7}"), "a\\\"b\\\\c\\nd\\\\u{7}");
    }
}
