//! Exclude patterns: gitignore-style ("gitwildmatch") patterns with the
//! exact semantics of the reference's matcher, pathspec 1.1.1
//! `GitIgnoreSpec`.
//!
//! pathspec translates each pattern to a Python regular expression and
//! searches the path with it. We compile each pattern once into a small
//! token program and run it with a backtracking matcher that explores the
//! alternatives in the same order as Python's regex engine. The order
//! matters: whether the match went through the "directory marker" (the
//! pattern matched a parent directory of the path) decides its priority
//! when negated patterns are involved.
//!
//! The rules are documented on [`ExcludeSet`].

use std::fmt;

/// The exclude patterns the reference uses when none are given.
pub const DEFAULT_EXCLUDE_PATTERNS: [&str; 4] = ["*.link*", ".git", "*.pyc", "*~"];

/// An exclude pattern that cannot be compiled. The reference fails on the
/// same patterns (with pathspec's `GitIgnorePatternError` or Python's
/// `re.error`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExcludePatternError {
    /// A lone `!` negates nothing.
    #[error("invalid exclude pattern {pattern:?}: '!' must be followed by a pattern")]
    EmptyNegation {
        /// The pattern as given.
        pattern: String,
    },
    /// The pattern ends in a backslash that escapes nothing.
    #[error("invalid exclude pattern {pattern:?}: it ends with an escaping backslash")]
    TrailingBackslash {
        /// The pattern as given.
        pattern: String,
    },
    /// A range in a `[...]` class runs backwards, like `[z-a]`.
    #[error("invalid exclude pattern {pattern:?}: bad character range {from}-{to}")]
    BadRange {
        /// The pattern as given.
        pattern: String,
        /// The start of the range.
        from: char,
        /// The end of the range (smaller than the start).
        to: char,
    },
}

/// One compiled exclude pattern (see [`ExcludeSet`] for the rules).
#[derive(Clone)]
pub struct ExcludePattern {
    source: String,
    negated: bool,
    program: Program,
}

#[derive(Debug, Clone)]
enum Program {
    /// pathspec's special case `.`: any path with a character other than
    /// a newline.
    AnyChar,
    /// pathspec's special cases `/` and `(?P<ps_d>/)`: any path with a `/`.
    ContainsSlash { dir_mark: bool },
    /// A token sequence anchored at the start of the path.
    Seq(Seq),
}

#[derive(Debug, Clone)]
struct Seq {
    toks: Vec<Tok>,
    tail: Tail,
    /// A literal every match contains, to reject most paths quickly.
    needle: Option<String>,
}

#[derive(Debug, Clone)]
enum Tok {
    /// Literal text (including `/` separators).
    Lit(String),
    /// `[^/]`: one character other than `/`.
    Any,
    /// `[^/]*`
    Star,
    /// `[^/]+` (a whole `*` component)
    Plus,
    /// `[...]`: one character of a class.
    Class(CharClass),
    /// `(?:.+/)?` at the start (a leading `**/`).
    OptPrefix,
    /// `(?:/.+)?` (an inner `/**`); always followed by a `/` literal.
    OptMid,
}

#[derive(Debug, Clone, Copy)]
enum Tail {
    /// `(?:(?P<ps_d>/)|$)`: the end of the path, or a `/` below which the
    /// rest of the path lies (the directory marker).
    DirOrEnd,
    /// A `/` after which anything may follow; `dir_mark` tells whether
    /// pathspec captures it as the directory marker.
    Slash { dir_mark: bool },
}

#[derive(Debug, Clone)]
struct CharClass {
    negated: bool,
    ranges: Vec<(char, char)>,
}

impl CharClass {
    fn matches(&self, c: char) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negated
    }
}

/// Python's `str.isspace`, which `str.rstrip()` strips.
fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Why a glob segment did not translate.
enum GlobError {
    /// An unterminated `[`: pathspec discards the whole pattern.
    Discard,
    Invalid(ExcludePatternError),
}

impl ExcludePattern {
    /// Compiles one pattern line. Returns `Ok(None)` for lines that are no
    /// pattern: blank ones, comments (`#...`), a lone `/`, and patterns with
    /// an unterminated `[` (which git and pathspec discard).
    pub fn parse(line: &str) -> Result<Option<ExcludePattern>, ExcludePatternError> {
        let mut text = line;
        if !text.ends_with("\\ ") {
            text = text.trim_end_matches(py_isspace);
        }
        if text.is_empty() || text.starts_with('#') || text == "/" {
            return Ok(None);
        }
        let (negated, body) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut segs: Vec<&str> = body.split('/').collect();
        let is_dir_pattern = segs.last().is_some_and(|s| s.is_empty());

        if segs.first().is_some_and(|s| s.is_empty()) {
            // A leading slash anchors the pattern at the root.
            segs.remove(0);
        } else if (segs.len() == 1 || (segs.len() == 2 && segs[1].is_empty())) && segs[0] != "**" {
            // A single component matches at any depth.
            segs.insert(0, "**");
        }
        if segs.is_empty() {
            return Err(ExcludePatternError::EmptyNegation {
                pattern: line.to_owned(),
            });
        }
        if let Some(last) = segs.last_mut()
            && last.is_empty()
        {
            *last = "**";
        }
        segs.dedup_by(|b, a| *a == "**" && *b == "**");

        let program = match segs.as_slice() {
            ["**"] if is_dir_pattern => Program::ContainsSlash { dir_mark: true },
            ["**"] | ["**", "*"] => Program::AnyChar,
            ["**", "*", "**"] => Program::ContainsSlash {
                dir_mark: is_dir_pattern,
            },
            _ => match translate(&segs, is_dir_pattern) {
                Ok(seq) => Program::Seq(seq),
                Err(GlobError::Discard) => return Ok(None),
                Err(GlobError::Invalid(e)) => {
                    return Err(with_pattern(e, line));
                }
            },
        };
        Ok(Some(ExcludePattern {
            source: line.to_owned(),
            negated,
            program,
        }))
    }

    /// The pattern as given.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern starts with `!` (it re-includes what it matches).
    pub fn is_negated(&self) -> bool {
        self.negated
    }

    /// Matches the already normalised path `path` (relative, `/`-separated).
    /// `None` if the pattern does not match; otherwise whether it matched
    /// through the directory marker, i.e. only a parent directory of
    /// `path` (pathspec's lower-priority match).
    fn match_dir_mark(&self, path: &str) -> Option<bool> {
        match &self.program {
            Program::AnyChar => path.bytes().any(|b| b != b'\n').then_some(false),
            Program::ContainsSlash { dir_mark } => path.contains('/').then_some(*dir_mark),
            Program::Seq(seq) => {
                if let Some(needle) = &seq.needle
                    && !path.contains(needle.as_str())
                {
                    return None;
                }
                seq.run(path, 0, 0)
            }
        }
    }

    /// Whether this pattern, on its own, matches `path` (regardless of
    /// negation). `path` is normalised like pathspec does: one leading `/`
    /// or `./` is removed.
    pub fn matches(&self, path: &str) -> bool {
        self.match_dir_mark(normalize_file(path)).is_some()
    }
}

impl fmt::Debug for ExcludePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ExcludePattern").field(&self.source).finish()
    }
}

fn with_pattern(e: ExcludePatternError, line: &str) -> ExcludePatternError {
    let pattern = line.to_owned();
    match e {
        ExcludePatternError::EmptyNegation { .. } => ExcludePatternError::EmptyNegation { pattern },
        ExcludePatternError::TrailingBackslash { .. } => {
            ExcludePatternError::TrailingBackslash { pattern }
        }
        ExcludePatternError::BadRange { from, to, .. } => {
            ExcludePatternError::BadRange { pattern, from, to }
        }
    }
}

/// pathspec's `normalize_file` on POSIX: drop one leading `/`, or else a
/// leading `./`.
fn normalize_file(path: &str) -> &str {
    if let Some(rest) = path.strip_prefix('/') {
        rest
    } else if let Some(rest) = path.strip_prefix("./") {
        rest
    } else {
        path
    }
}

/// Translates normalised segments into a token program, like pathspec's
/// `__translate_segments`.
///
/// pathspec only builds the regex text here; a backwards range surfaces
/// when the whole regex is compiled, so an unterminated `[` anywhere in the
/// pattern (which discards it) wins over a bad range before it.
fn translate(segs: &[&str], is_dir_pattern: bool) -> Result<Seq, GlobError> {
    let mut toks = Vec::new();
    let mut bad_range = None;
    let mut tail = Tail::DirOrEnd;
    let mut need_slash = false;
    let end = segs.len() - 1;
    for (i, seg) in segs.iter().enumerate() {
        if *seg == "**" {
            if i == 0 {
                toks.push(Tok::OptPrefix);
            } else if i < end {
                toks.push(Tok::OptMid);
                need_slash = true;
            } else {
                tail = Tail::Slash {
                    dir_mark: is_dir_pattern,
                };
            }
        } else {
            if need_slash {
                push_lit(&mut toks, '/');
            }
            if *seg == "*" {
                toks.push(Tok::Plus);
            } else {
                translate_glob(seg, &mut toks, &mut bad_range)?;
            }
            if i == end {
                tail = Tail::DirOrEnd;
            }
            need_slash = true;
        }
    }
    if let Some((from, to)) = bad_range {
        return Err(GlobError::Invalid(ExcludePatternError::BadRange {
            pattern: String::new(),
            from,
            to,
        }));
    }
    let needle = toks
        .iter()
        .filter_map(|t| match t {
            Tok::Lit(s) => Some(s),
            _ => None,
        })
        .max_by_key(|s| s.len())
        .cloned();
    Ok(Seq { toks, tail, needle })
}

fn push_lit(toks: &mut Vec<Tok>, c: char) {
    if let Some(Tok::Lit(s)) = toks.last_mut() {
        s.push(c);
    } else {
        toks.push(Tok::Lit(c.to_string()));
    }
}

/// Translates one path component glob, like pathspec's
/// `_translate_segment_glob` with `range_error='raise'`. The first
/// backwards range is noted in `bad_range`.
fn translate_glob(
    seg: &str,
    toks: &mut Vec<Tok>,
    bad_range: &mut Option<(char, char)>,
) -> Result<(), GlobError> {
    let chars: Vec<char> = seg.chars().collect();
    let end = chars.len();
    let mut escape = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if escape {
            escape = false;
            push_lit(toks, c);
        } else if c == '\\' {
            escape = true;
        } else if c == '*' {
            // `**` inside a component is two stars, which match like one.
            if !matches!(toks.last(), Some(Tok::Star)) {
                toks.push(Tok::Star);
            }
        } else if c == '?' {
            toks.push(Tok::Any);
        } else if c == '[' {
            let mut j = i;
            if matches!(chars.get(j), Some('!' | '^')) {
                j += 1;
            }
            if chars.get(j) == Some(&']') {
                j += 1;
            }
            while j < end && chars[j] != ']' {
                j += 1;
            }
            if j >= end {
                return Err(GlobError::Discard);
            }
            j += 1;
            let negated = matches!(chars.get(i), Some('!' | '^'));
            if negated {
                i += 1;
            }
            let (class, bad) = parse_class(chars.get(i..j).unwrap_or_default(), negated);
            if bad_range.is_none() {
                *bad_range = bad;
            }
            toks.push(Tok::Class(class));
            i = j;
        } else {
            push_lit(toks, c);
        }
    }
    if escape {
        return Err(GlobError::Invalid(ExcludePatternError::TrailingBackslash {
            pattern: String::new(),
        }));
    }
    Ok(())
}

/// Parses the body of a bracket expression (up to and including its
/// closing `]`) the way Python's regex parser reads the set pathspec builds
/// from it. pathspec doubles every backslash, so a backslash is a literal.
/// Also returns the first backwards range, which Python rejects.
fn parse_class(body: &[char], negated: bool) -> (CharClass, Option<(char, char)>) {
    let mut bad = None;
    let mut ranges: Vec<(char, char)> = Vec::new();
    let mut it = body.iter().copied().peekable();
    while let Some(this) = it.next() {
        if this == ']' && !ranges.is_empty() {
            break;
        }
        if it.peek() == Some(&'-') {
            it.next();
            match it.next() {
                Some(']') | None => {
                    ranges.push((this, this));
                    ranges.push(('-', '-'));
                    break;
                }
                Some(that) => {
                    if that < this && bad.is_none() {
                        bad = Some((this, that));
                    }
                    ranges.push((this, that));
                }
            }
        } else {
            ranges.push((this, this));
        }
    }
    (CharClass { negated, ranges }, bad)
}

impl Seq {
    /// Runs the program from token `i` at byte offset `p`, trying the
    /// alternatives in the order of Python's backtracking regex engine.
    /// Returns the first success with its directory-marker flag.
    fn run(&self, s: &str, i: usize, p: usize) -> Option<bool> {
        let bytes = s.as_bytes();
        let Some(tok) = self.toks.get(i) else {
            return match self.tail {
                Tail::DirOrEnd => match bytes.get(p) {
                    Some(b'/') => Some(true),
                    None => Some(false),
                    // `$` also matches before a final newline.
                    Some(b'\n') if p + 1 == bytes.len() => Some(false),
                    Some(_) => None,
                },
                Tail::Slash { dir_mark } => (bytes.get(p) == Some(&b'/')).then_some(dir_mark),
            };
        };
        match tok {
            Tok::Lit(lit) => {
                if bytes.get(p..)?.starts_with(lit.as_bytes()) {
                    self.run(s, i + 1, p + lit.len())
                } else {
                    None
                }
            }
            Tok::Any => {
                let c = s.get(p..)?.chars().next()?;
                if c == '/' {
                    None
                } else {
                    self.run(s, i + 1, p + c.len_utf8())
                }
            }
            Tok::Class(class) => {
                let c = s.get(p..)?.chars().next()?;
                if class.matches(c) {
                    self.run(s, i + 1, p + c.len_utf8())
                } else {
                    None
                }
            }
            Tok::Star | Tok::Plus => {
                let rest = bytes.get(p..)?;
                let run_end = p + rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
                let min = if matches!(tok, Tok::Plus) { p + 1 } else { p };
                (min..=run_end)
                    .rev()
                    .filter(|&e| s.is_char_boundary(e))
                    .find_map(|e| self.run(s, i + 1, e))
            }
            Tok::OptPrefix => {
                // `(?:.+/)?`: the longest prefix ending in `/` first (`.`
                // does not match a newline), then none.
                let rest = bytes.get(p..)?;
                let limit = p + rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                (p + 1..limit)
                    .rev()
                    .filter(|&k| bytes[k] == b'/')
                    .find_map(|k| self.run(s, i + 1, k + 1))
                    .or_else(|| self.run(s, i + 1, p))
            }
            Tok::OptMid => {
                // `(?:/.+)?`: a `/` and the longest run of non-newlines
                // first, then none.
                let with = if bytes.get(p) == Some(&b'/') {
                    let rest = bytes.get(p + 1..)?;
                    let limit = p + 1 + rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                    (p + 2..=limit)
                        .rev()
                        .filter(|&e| s.is_char_boundary(e))
                        .find_map(|e| self.run(s, i + 1, e))
                } else {
                    None
                };
                with.or_else(|| self.run(s, i + 1, p))
            }
        }
    }
}

/// A compiled list of exclude patterns with the semantics of pathspec
/// 1.1.1 `GitIgnoreSpec` (the reference's matcher). Compile once, match
/// many paths; matching is allocation-free.
///
/// * A blank line or one starting with `#` is no pattern; trailing
///   whitespace is removed unless the pattern ends in `\ `.
/// * `!` negates; the last matching pattern wins, except that a pattern
///   matching the path itself beats one matching only a parent directory.
/// * A pattern without an inner `/` matches at any depth; with one (or a
///   leading `/`) it is anchored at the root of the walk.
/// * A trailing `/` matches only the contents of a directory.
/// * `*` and `?` do not match `/`; `**` as a whole component matches any
///   number of components; `[...]` is a class (`!` or `^` negates it, and a
///   negated class also matches `/`); `\` escapes the next character.
/// * Matching is case-sensitive.
/// * A directory that is excluded is not walked, so nothing below it can be
///   re-included.
#[derive(Debug, Clone, Default)]
pub struct ExcludeSet {
    patterns: Vec<ExcludePattern>,
    any_negated: bool,
}

impl ExcludeSet {
    /// Compiles the pattern lines, in order. Lines that are no pattern
    /// (blank, comments) are ignored, so `[""]` excludes nothing.
    pub fn new<I, S>(lines: I) -> Result<Self, ExcludePatternError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut patterns = Vec::new();
        for line in lines {
            if let Some(p) = ExcludePattern::parse(line.as_ref())? {
                patterns.push(p);
            }
        }
        let any_negated = patterns.iter().any(|p| p.negated);
        Ok(Self {
            patterns,
            any_negated,
        })
    }

    /// The reference's default patterns, [`DEFAULT_EXCLUDE_PATTERNS`].
    pub fn reference_defaults() -> Self {
        // The defaults are valid patterns; an empty set is the fallback
        // that can never be reached.
        Self::new(DEFAULT_EXCLUDE_PATTERNS).unwrap_or_default()
    }

    /// The compiled patterns, in order.
    pub fn patterns(&self) -> &[ExcludePattern] {
        &self.patterns
    }

    /// Whether `path` (relative to the root of the walk, `/`-separated and
    /// normalised like `os.path.normpath`) is excluded. One leading `/` or
    /// `./` is ignored, as pathspec does.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = normalize_file(path);
        if !self.any_negated {
            return self
                .patterns
                .iter()
                .any(|p| p.match_dir_mark(path).is_some());
        }
        // pathspec checks the patterns from last to first: the first that
        // matches the path itself decides; failing that, the first that
        // matched through the directory marker.
        let mut dir_match = None;
        for p in self.patterns.iter().rev() {
            match p.match_dir_mark(path) {
                Some(false) => return !p.negated,
                Some(true) if dir_match.is_none() => dir_match = Some(!p.negated),
                _ => {}
            }
        }
        dir_match.unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(lines: &[&str]) -> ExcludeSet {
        ExcludeSet::new(lines).unwrap()
    }

    fn excluded(lines: &[&str], path: &str) -> bool {
        set(lines).is_excluded(path)
    }

    #[test]
    fn spec_table() {
        // The observed table of python-reference.md section 4, on single
        // paths.
        assert!(excluded(&["*.txt"], "a/b/c/z.txt"));
        assert!(excluded(&["a"], "a"));
        assert!(excluded(&["/a"], "a"));
        assert!(!excluded(&["a/"], "a"));
        assert!(excluded(&["a/"], "a/x.txt"));
        assert!(excluded(&["b"], "a/b"));
        assert!(excluded(&["a/b"], "a/b"));
        assert!(!excluded(&["a/b"], "x/a/b"));
        assert!(excluded(&["**/c"], "a/b/c"));
        assert!(excluded(&["a/**"], "a/x"));
        assert!(!excluded(&["a/**"], "a"));
        assert!(excluded(&["a/**/z.txt"], "a/b/c/z.txt"));
        assert!(excluded(&["a/**/z.txt"], "a/z.txt"));
        assert!(excluded(&["*/x.txt"], "a/x.txt"));
        assert!(!excluded(&["*/x.txt"], "a/b/x.txt"));
        assert!(!excluded(&["/x.txt"], "a/x.txt"));
        assert!(excluded(&["/top.txt"], "top.txt"));
        assert!(!excluded(&["*.txt", "!top.txt"], "top.txt"));
        assert!(excluded(&["*.txt", "!top.txt"], "a/top2.txt"));
        assert!(excluded(&["a", "!a/x.txt"], "a"));
        assert!(excluded(&["a/*", "!a/x.txt"], "a/.hidden"));
        assert!(!excluded(&["a/*", "!a/x.txt"], "a/x.txt"));
        assert!(excluded(&["[ad]"], "d"));
        assert!(excluded(&["*.TXT"], "A.TXT"));
        assert!(!excluded(&["*.TXT"], "a.txt"));
        assert!(excluded(&["sp\\ ace"], "sp ace"));
        assert!(!excluded(&["#top.txt"], "top.txt"));
        assert!(excluded(&["\\#x"], "#x"));
        assert!(excluded(&["top.txt "], "top.txt"));
        assert!(!excluded(&["top.txt/"], "top.txt"));
        for p in ["*", "**"] {
            assert!(excluded(&[p], "."));
            assert!(excluded(&[p], "a/b"));
        }
        assert!(excluded(&[".*"], "."));
        assert!(excluded(&["."], "."));
        assert!(!excluded(&["."], "a"));
        assert!(!excluded(&["!*"], "a"));
        assert!(!excluded(&[""], "a"));
    }

    #[test]
    fn defaults() {
        let d = ExcludeSet::reference_defaults();
        for p in [
            "a.pyc",
            "b~",
            "c.link",
            "d.link-unfinished",
            ".git",
            "x/a.link",
            ".git/HEAD",
        ] {
            assert!(d.is_excluded(p), "{p}");
        }
        for p in ["a.LINK", "src/main.rs", "git", "a.py"] {
            assert!(!d.is_excluded(p), "{p}");
        }
    }

    #[test]
    fn dir_marker_priority() {
        // A file match beats a later directory-marker match.
        assert!(!excluded(&["!a/x", "a/"], "a/x"));
        // Among directory-marker matches the last one wins.
        assert!(!excluded(&["a/", "!a/"], "a/x"));
        assert!(excluded(&["!a/", "a/"], "a/x"));
    }

    #[test]
    fn leading_slash_and_dot_slash_are_ignored() {
        assert!(excluded(&["/tmp"], "/tmp"));
        assert!(excluded(&["a"], "./a"));
        assert!(!excluded(&["/a"], "//a"));
    }

    #[test]
    fn classes() {
        assert!(excluded(&["a[!x]b"], "a/b"));
        assert!(excluded(&["[]]"], "]"));
        assert!(excluded(&["[a-]"], "-"));
        assert!(excluded(&["[\\]"], "\\"));
        assert!(!excluded(&["[]"], "]"));
        assert!(ExcludePattern::parse("[z-a]").is_err());
        assert!(ExcludePattern::parse("x\\").is_err());
        assert!(ExcludePattern::parse("!").is_err());
        assert!(ExcludePattern::parse("[abc").unwrap().is_none());
        // An unterminated class discards the pattern before Python would
        // compile (and reject) the bad range.
        assert!(ExcludePattern::parse("[z-a][").unwrap().is_none());
        assert!(ExcludePattern::parse("[z-a]/[").unwrap().is_none());
        assert!(matches!(
            ExcludePattern::parse("[z-a]/x\\"),
            Err(ExcludePatternError::TrailingBackslash { .. })
        ));
    }

    #[test]
    fn python_whitespace() {
        // `[c for c in range(0x110000) if chr(c).isspace()]` in CPython 3.11.
        let mut py: Vec<u32> = vec![
            0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0,
        ];
        py.extend([0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);
        py.extend(0x2000..=0x200a);
        py.sort_unstable();
        let ours: Vec<u32> = (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| py_isspace(c))
            .map(u32::from)
            .collect();
        assert_eq!(ours, py);
    }

    #[test]
    fn newline_semantics() {
        // `$` matches before a final newline; `.` does not match one.
        assert!(excluded(&["foo"], "foo\n"));
        assert!(!excluded(&["foo"], "foo\nx"));
        assert!(!excluded(&["**"], "\n"));
    }
}
