//! A compiled matcher with the semantics of Python's `fnmatch.fnmatchcase`
//! (CPython 3.11 `fnmatch.translate`), without regular expressions.
//!
//! Python turns a pattern into an anchored, `DOTALL` regular expression:
//! `*` becomes `.*` (runs of `*` collapse), `?` becomes `.`, a terminated
//! `[...]` becomes a character class (with its own rules for `!`, `]`, `-`
//! and empty ranges, reproduced in [`parse_class`]), an unterminated `[` is a
//! literal, and every other character (backslash included) is a literal.
//! Every token except `*` matches exactly one character, so the pattern is a
//! sequence of fixed-length pieces separated by stars; each piece between two
//! stars can be matched at its leftmost position without backtracking, which
//! is what Python's atomic groups do as well.

/// One token that matches exactly one character or a literal run.
#[derive(Clone, Debug)]
enum Tok {
    /// A run of literal characters, compared as UTF-8 bytes.
    Lit(Box<str>),
    /// `?`: any one character.
    Any,
    /// `[...]`: one character from a class.
    Class(Class),
}

/// A character class: ASCII members as a bitmap, all members as ranges.
#[derive(Clone, Debug)]
struct Class {
    negated: bool,
    ascii: u128,
    ranges: Box<[(char, char)]>,
}

impl Class {
    fn contains(&self, c: char) -> bool {
        let code = u32::from(c);
        let member = if code < 128 {
            (self.ascii >> code) & 1 == 1
        } else {
            self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi)
        };
        member != self.negated
    }
}

/// A sequence of tokens without `*`: matches a fixed number of characters.
#[derive(Clone, Debug, Default)]
struct Piece {
    toks: Vec<Tok>,
    /// Number of characters the piece matches.
    nchars: usize,
    /// The whole piece, when it is one literal run (the common case).
    literal: Option<Box<str>>,
}

impl Piece {
    fn push_char(&mut self, c: char) {
        if let Some(Tok::Lit(run)) = self.toks.last_mut() {
            let mut s = String::from(std::mem::take(run));
            s.push(c);
            *run = s.into_boxed_str();
        } else {
            self.toks.push(Tok::Lit(c.to_string().into_boxed_str()));
        }
        self.nchars += 1;
    }

    fn push_tok(&mut self, tok: Tok) {
        self.toks.push(tok);
        self.nchars += 1;
    }

    fn finish(&mut self) {
        self.literal = match self.toks.as_slice() {
            [] => Some("".into()),
            [Tok::Lit(run)] => Some(run.clone()),
            _ => None,
        };
    }

    /// Matches the piece at byte offset `at` (a char boundary); returns the
    /// end offset.
    fn match_at(&self, s: &str, mut at: usize) -> Option<usize> {
        for tok in &self.toks {
            let rest = s.get(at..)?;
            match tok {
                Tok::Lit(run) => {
                    if !rest.starts_with(&**run) {
                        return None;
                    }
                    at += run.len();
                }
                Tok::Any => at += rest.chars().next()?.len_utf8(),
                Tok::Class(class) => {
                    let c = rest.chars().next()?;
                    if !class.contains(c) {
                        return None;
                    }
                    at += c.len_utf8();
                }
            }
        }
        Some(at)
    }

    /// The leftmost match at or after `from`; returns the end offset.
    fn find(&self, s: &str, from: usize) -> Option<usize> {
        if let Some(lit) = &self.literal {
            let start = from + s.get(from..)?.find(&**lit)?;
            return Some(start + lit.len());
        }
        let rest = s.get(from..)?;
        if let Some(Tok::Lit(first)) = self.toks.first() {
            // Jump between occurrences of the leading literal.
            let mut search = 0;
            while let Some(hit) = rest.get(search..).and_then(|r| r.find(&**first)) {
                let start = from + search + hit;
                if let Some(end) = self.match_at(s, start) {
                    return Some(end);
                }
                // Step over the first character of the literal.
                search += hit + first.chars().next().map_or(1, char::len_utf8);
            }
            return None;
        }
        for (offset, _) in rest.char_indices() {
            if let Some(end) = self.match_at(s, from + offset) {
                return Some(end);
            }
        }
        None
    }

    /// Whether the piece matches exactly the last `nchars` characters of `s`,
    /// starting no earlier than `from`.
    fn matches_suffix(&self, s: &str, from: usize) -> bool {
        if let Some(lit) = &self.literal {
            return s.len() >= from + lit.len() && s.as_bytes().ends_with(lit.as_bytes());
        }
        let Some(rest) = s.get(from..) else {
            return false;
        };
        let Some((offset, _)) = rest.char_indices().rev().nth(self.nchars.saturating_sub(1)) else {
            return false;
        };
        self.match_at(s, from + offset) == Some(s.len())
    }
}

/// A compiled `fnmatch` pattern: `head (* middle)* [* tail]`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Matcher {
    head: Piece,
    /// Pieces between two stars; empty unless the pattern has two stars.
    middle: Vec<Piece>,
    /// The piece after the last star (empty when the pattern ends in `*`);
    /// `None` when the pattern has no star at all.
    tail: Option<Piece>,
}

impl Matcher {
    /// Compiles `pattern` with CPython 3.11 `fnmatch.translate` semantics.
    pub(crate) fn new(pattern: &str) -> Self {
        let p: Vec<char> = pattern.chars().collect();
        let n = p.len();
        let mut pieces: Vec<Piece> = vec![Piece::default()];
        let mut i = 0;
        while i < n {
            let c = p[i];
            i += 1;
            let Some(cur) = pieces.last_mut() else {
                break;
            };
            match c {
                '*' => {
                    // Consecutive stars collapse into one.
                    if !(cur.toks.is_empty() && pieces.len() > 1) {
                        pieces.push(Piece::default());
                    }
                }
                '?' => cur.push_tok(Tok::Any),
                '[' => {
                    let mut j = i;
                    if j < n && p[j] == '!' {
                        j += 1;
                    }
                    if j < n && p[j] == ']' {
                        j += 1;
                    }
                    while j < n && p[j] != ']' {
                        j += 1;
                    }
                    if j >= n {
                        cur.push_char('[');
                    } else {
                        cur.push_tok(Tok::Class(parse_class(&p[i..j])));
                        i = j + 1;
                    }
                }
                other => cur.push_char(other),
            }
        }
        for piece in &mut pieces {
            piece.finish();
        }
        let mut pieces = pieces.into_iter();
        let head = pieces.next().unwrap_or_default();
        let mut rest: Vec<Piece> = pieces.collect();
        let tail = rest.pop();
        Self {
            head,
            middle: rest,
            tail,
        }
    }

    /// Whether `name` matches the whole pattern.
    pub(crate) fn matches(&self, name: &str) -> bool {
        let Some(mut pos) = self.head.match_at(name, 0) else {
            return false;
        };
        let Some(tail) = &self.tail else {
            return pos == name.len();
        };
        for piece in &self.middle {
            match piece.find(name, pos) {
                Some(end) => pos = end,
                None => return false,
            }
        }
        tail.nchars == 0 || tail.matches_suffix(name, pos)
    }

    /// The literal text every match starts with (possibly empty).
    pub(crate) fn literal_prefix(&self) -> &str {
        match self.head.toks.first() {
            Some(Tok::Lit(run)) => run,
            _ => "",
        }
    }

    /// The pattern's only match, when it has no wildcard at all.
    pub(crate) fn literal(&self) -> Option<&str> {
        if self.tail.is_some() {
            return None;
        }
        self.head.literal.as_deref()
    }
}

/// Builds a class from the text between `[` and `]` exactly as CPython 3.11
/// `fnmatch.translate` and `re` read it: a leading `!` negates, a `-` right
/// after `[` or `[!` is literal, `a-z` is a range, a range whose start is
/// greater than its end is removed (taking its endpoints with it), and a
/// trailing `-` is literal. `^` and backslashes are ordinary characters.
fn parse_class(stuff: &[char]) -> Class {
    let chunks: Vec<Vec<char>> = if !stuff.contains(&'-') {
        vec![stuff.to_vec()]
    } else {
        let mut chunks: Vec<Vec<char>> = Vec::new();
        let mut i = 0;
        let mut k = if stuff.first() == Some(&'!') { 2 } else { 1 };
        while let Some(found) = (k..stuff.len()).find(|&x| stuff[x] == '-') {
            chunks.push(stuff[i..found].to_vec());
            i = found + 1;
            k = found + 3;
        }
        let last = &stuff[i.min(stuff.len())..];
        if !last.is_empty() {
            chunks.push(last.to_vec());
        } else if let Some(prev) = chunks.last_mut() {
            prev.push('-');
        }
        // Remove empty ranges, from the end, as Python does.
        for k in (1..chunks.len()).rev() {
            if let (Some(&a), Some(&b)) = (chunks[k - 1].last(), chunks[k].first())
                && a > b
            {
                let right = chunks.remove(k);
                let left = &mut chunks[k - 1];
                left.pop();
                left.extend_from_slice(&right[1..]);
            }
        }
        chunks
    };

    // Flatten into the character stream Python hands to `re`: chunk
    // characters are literals, the joins between chunks are range operators.
    #[derive(Clone, Copy, PartialEq)]
    enum SetTok {
        Char(char),
        Range,
    }
    let mut stream: Vec<SetTok> = Vec::new();
    for (idx, chunk) in chunks.iter().enumerate() {
        if idx > 0 {
            stream.push(SetTok::Range);
        }
        stream.extend(chunk.iter().map(|&c| SetTok::Char(c)));
    }
    let negated = stream.first() == Some(&SetTok::Char('!'));
    if negated {
        stream.remove(0);
    }

    // An empty class never matches; `[!]`-like leftovers match anything:
    // both fall out of the general rule below (no members, maybe negated).
    let mut ranges: Vec<(char, char)> = Vec::new();
    let mut idx = 0;
    while idx < stream.len() {
        let lo = match stream[idx] {
            SetTok::Char(c) => c,
            // A range operator that starts an item is a literal '-'.
            SetTok::Range => '-',
        };
        match (stream.get(idx + 1), stream.get(idx + 2)) {
            (Some(SetTok::Range), Some(&SetTok::Char(hi))) => {
                if lo <= hi {
                    ranges.push((lo, hi));
                }
                idx += 3;
            }
            _ => {
                ranges.push((lo, lo));
                idx += 1;
            }
        }
    }
    let mut ascii = 0u128;
    for &(lo, hi) in &ranges {
        let (lo, hi) = (u32::from(lo), u32::from(hi).min(127));
        for code in lo..=hi {
            ascii |= 1u128 << code;
        }
    }
    Class {
        negated,
        ascii,
        ranges: ranges.into_boxed_slice(),
    }
}

#[cfg(test)]
mod tests {
    use super::Matcher;

    fn m(p: &str, s: &str) -> bool {
        Matcher::new(p).matches(s)
    }

    #[test]
    fn stars_and_questions_cross_slashes_and_dots() {
        assert!(m("*", ""));
        assert!(m("*", "dir/x.py"));
        assert!(m("*", ".hidden"));
        assert!(m("*.py", "src/lib/foo.py"));
        assert!(m("a?b", "a/b"));
        assert!(!m("*.py", "Foo.PY"));
        assert!(m("**", "a/b/c"));
        assert!(m("a*b*c", "aXbYc"));
        assert!(m("a*b*c", "abbc"));
        assert!(!m("a*b*c", "acb"));
        assert!(m("*a*", "banana"));
        assert!(!m("a*a", "a"));
        assert!(m("a*a", "aa"));
        assert!(m("?", "é"));
        assert!(!m("??", "é"));
        assert!(m("*é", "café"));
        assert!(m("\n", "\n"));
        assert!(m("*", "line\nbreak"));
    }

    #[test]
    fn backslash_is_literal() {
        assert!(!m("foo\\.py", "foo.py"));
        assert!(m("foo\\.py", "foo\\.py"));
        assert!(m("[\\]", "\\"));
    }

    #[test]
    fn classes() {
        assert!(m("[!s]*", "public.txt"));
        assert!(!m("[!s]*", "secret.txt"));
        assert!(m("[^s]*", "^x"));
        assert!(m("[^s]*", "secret"));
        assert!(!m("[^s]*", "public.txt"));
        assert!(m("[]]", "]"));
        assert!(m("[!]]", "a"));
        assert!(!m("[!]]", "]"));
        assert!(m("[a-c]", "b"));
        assert!(!m("[a-c]", "d"));
        assert!(m("[a-]", "-"));
        assert!(m("[-a]", "-"));
        assert!(m("[!-a]", "b"));
        assert!(!m("[!-a]", "-"));
        // After a range, a further '-' is literal.
        assert!(m("[a-c-e]", "-"));
        assert!(m("[a-c-e]", "e"));
        assert!(!m("[a-c-e]", "d"));
        // Empty ranges disappear with their endpoints.
        assert!(!m("[z-a]", "z"));
        assert!(!m("[z-a]", "-"));
        assert!(m("[!z-a]", "q"));
        assert!(!m("[a--]", "a"));
        assert!(m("[a-zy-b]", "q"));
    }

    #[test]
    fn unterminated_bracket_is_literal() {
        assert!(m("[", "["));
        assert!(m("[abc", "[abc"));
        assert!(m("[!]", "[!]"));
        assert!(m("a[*", "a[xyz"));
    }

    #[test]
    fn literal_helpers() {
        assert_eq!(Matcher::new("dist/*.tar").literal_prefix(), "dist/");
        assert_eq!(Matcher::new("foo").literal(), Some("foo"));
        assert_eq!(Matcher::new("").literal(), Some(""));
        assert_eq!(Matcher::new("fo?").literal(), None);
        assert_eq!(Matcher::new("foo*").literal(), None);
        assert!(m("", ""));
        assert!(!m("", "a"));
    }
}
