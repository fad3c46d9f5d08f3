//! An independent, deliberately naive model of CPython 3.11's
//! `fnmatch.fnmatchcase`, to check `ArtifactPattern::matches` against.
//!
//! It follows the two steps Python takes: `fnmatch.translate` turns the
//! pattern into regular-expression text (character classes are built
//! exactly as `translate` builds them: empty ranges removed, backslashes,
//! hyphens and set operators escaped, `!` turned into `^`), and that class
//! text is then read the way `sre_parse` reads a `[...]` set. Matching is a
//! plain dynamic program over characters, with no cleverness to share
//! bugs with the real matcher.

/// One element of a translated pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// `*`: any run of characters, newlines included.
    Star,
    /// `?` and the `[!]`-style class Python turns into `.`: any one character.
    Any,
    /// An empty class, Python's `(?!)`: matches nothing.
    Never,
    /// One literal character.
    Lit(char),
    /// A character set.
    Set {
        negated: bool,
        /// Single characters are ranges with equal ends.
        ranges: Vec<(char, char)>,
    },
}

impl Tok {
    fn accepts(&self, c: char) -> bool {
        match self {
            Tok::Star | Tok::Any => true,
            Tok::Never => false,
            Tok::Lit(l) => *l == c,
            Tok::Set { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

/// Python's `re.escape`-free rendering of a class body, as `translate`
/// builds it from `pat[i..j]` (the text between `[` and the closing `]`).
/// Returns the regex text of the whole element: `(?!)`, `.`, or `[...]`.
fn translate_class(pat: &[char], mut i: usize, j: usize) -> String {
    let stuff_chars = &pat[i..j];
    let mut stuff: String = if !stuff_chars.contains(&'-') {
        stuff_chars.iter().collect::<String>().replace('\\', r"\\")
    } else {
        let mut chunks: Vec<String> = Vec::new();
        let mut k = if pat[i] == '!' { i + 2 } else { i + 1 };
        loop {
            // pat.find('-', k, j)
            let found = if k < j {
                (k..j).find(|&x| pat[x] == '-')
            } else {
                None
            };
            let Some(hit) = found else { break };
            chunks.push(pat[i..hit].iter().collect());
            i = hit + 1;
            k = hit + 3;
        }
        let chunk: String = pat[i..j].iter().collect();
        if chunk.is_empty() {
            if let Some(last) = chunks.last_mut() {
                last.push('-');
            }
        } else {
            chunks.push(chunk);
        }
        // Remove empty ranges.
        for k in (1..chunks.len()).rev() {
            let prev_last = chunks[k - 1].chars().last();
            let next_first = chunks[k].chars().next();
            if let (Some(a), Some(b)) = (prev_last, next_first)
                && a > b
            {
                let mut merged: String = {
                    let mut p: Vec<char> = chunks[k - 1].chars().collect();
                    p.pop();
                    p.into_iter().collect()
                };
                merged.extend(chunks[k].chars().skip(1));
                chunks[k - 1] = merged;
                chunks.remove(k);
            }
        }
        chunks
            .iter()
            .map(|s| s.replace('\\', r"\\").replace('-', r"\-"))
            .collect::<Vec<_>>()
            .join("-")
    };
    // Escape set operations (&&, ~~ and ||).
    stuff = stuff
        .chars()
        .flat_map(|c| {
            if matches!(c, '&' | '~' | '|') {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect();
    if stuff.is_empty() {
        "(?!)".to_owned()
    } else if stuff == "!" {
        ".".to_owned()
    } else {
        if let Some(rest) = stuff.strip_prefix('!') {
            stuff = format!("^{rest}");
        } else if stuff.starts_with(['^', '[']) {
            stuff = format!("\\{stuff}");
        }
        format!("[{stuff}]")
    }
}

/// Reads the regex text of one element as `sre_parse` would. `None` when
/// Python's `re` would refuse it (a reversed range) or when the text is not
/// one complete set (the oracle does not model that).
fn parse_element(text: &str) -> Option<Tok> {
    match text {
        "(?!)" => return Some(Tok::Never),
        "." => return Some(Tok::Any),
        _ => {}
    }
    let chars: Vec<char> = text.chars().collect();
    let mut pos = 1; // after '['
    let negated = chars.get(pos) == Some(&'^');
    if negated {
        pos += 1;
    }
    // One set item: (char, was_escape). Returns None at the end of the text.
    let get = |pos: &mut usize| -> Option<(char, bool)> {
        let c = *chars.get(*pos)?;
        if c == '\\' {
            let e = *chars.get(*pos + 1)?;
            // translate only ever puts a backslash before punctuation,
            // which sre reads as the literal character.
            if e.is_ascii_alphanumeric() {
                return None;
            }
            *pos += 2;
            Some((e, true))
        } else {
            *pos += 1;
            Some((c, false))
        }
    };
    let mut ranges = Vec::new();
    loop {
        let (this, escaped) = get(&mut pos)?;
        if this == ']' && !escaped && !ranges.is_empty() {
            break;
        }
        if chars.get(pos) == Some(&'-') {
            pos += 1;
            let (that, that_escaped) = get(&mut pos)?;
            if that == ']' && !that_escaped {
                ranges.push((this, this));
                ranges.push(('-', '-'));
                break;
            }
            if that < this {
                return None; // re.error: bad character range
            }
            ranges.push((this, that));
        } else {
            ranges.push((this, this));
        }
    }
    // The set must end exactly at the end of the element's text.
    if pos != chars.len() {
        return None;
    }
    Some(Tok::Set { negated, ranges })
}

/// Translates a pattern; `None` when Python would raise or the oracle
/// does not model the result.
fn translate(pattern: &str) -> Option<Vec<Tok>> {
    let pat: Vec<char> = pattern.chars().collect();
    let n = pat.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let c = pat[i];
        i += 1;
        match c {
            '*' => {
                if out.last() != Some(&Tok::Star) {
                    out.push(Tok::Star);
                }
            }
            '?' => out.push(Tok::Any),
            '[' => {
                let mut j = i;
                if j < n && pat[j] == '!' {
                    j += 1;
                }
                if j < n && pat[j] == ']' {
                    j += 1;
                }
                while j < n && pat[j] != ']' {
                    j += 1;
                }
                if j >= n {
                    out.push(Tok::Lit('['));
                } else {
                    out.push(parse_element(&translate_class(&pat, i, j))?);
                    i = j + 1;
                }
            }
            c => out.push(Tok::Lit(c)),
        }
    }
    Some(out)
}

/// Whether `path` matches `pattern` under Python's `fnmatchcase`; `None`
/// when Python would raise for the pattern or the oracle does not model it.
pub fn fnmatchcase(pattern: &str, path: &str) -> Option<bool> {
    let toks = translate(pattern)?;
    let s: Vec<char> = path.chars().collect();
    // reach[k] = the first `t` tokens can match exactly s[..k].
    let mut reach = vec![false; s.len() + 1];
    reach[0] = true;
    for tok in &toks {
        let mut next = vec![false; s.len() + 1];
        if *tok == Tok::Star {
            let mut any = false;
            for k in 0..=s.len() {
                any |= reach[k];
                next[k] = any;
            }
        } else {
            for k in 0..s.len() {
                if reach[k] && tok.accepts(s[k]) {
                    next[k + 1] = true;
                }
            }
        }
        reach = next;
    }
    Some(reach[s.len()])
}

#[cfg(test)]
mod tests {
    use super::fnmatchcase;

    #[test]
    fn known_cases() {
        // Expected values from CPython 3.11's fnmatch.fnmatchcase.
        let cases: &[(&str, &str, Option<bool>)] = &[
            ("*.py", "src/a.py", Some(true)),
            ("*.py", "a.PY", Some(false)),
            ("[!s]*", "public", Some(true)),
            ("[!s]*", "src", Some(false)),
            ("[]]", "]", Some(true)),
            ("[!]]", "]", Some(false)),
            ("[!]]", "a", Some(true)),
            ("[z-a]", "m", Some(false)),
            ("[!b-a]", "x", Some(true)),
            ("[a-]", "-", Some(true)),
            ("[-a]", "-", Some(true)),
            ("[^a]", "^", Some(true)),
            ("[^a]", "b", Some(false)),
            ("[", "[", Some(true)),
            ("a[b", "a[b", Some(true)),
            ("\\*", "\\x", Some(true)),
            ("?", "\n", Some(true)),
            ("[a-m-z]", "-", Some(true)),
            ("[a-m-z]", "q", Some(false)),
            ("[a-m-z]", "z", Some(true)),
        ];
        for (p, s, want) in cases {
            assert_eq!(fnmatchcase(p, s), *want, "{p:?} {s:?}");
        }
    }

    /// The oracle against CPython itself, on pseudo-random patterns over an
    /// alphabet of the characters that matter. Needs the Python oracle:
    /// `INTOTO_ORACLE_PYTHON=... cargo test --lib -- --ignored`
    /// (`FNMATCH_CASES` sets the number of cases, default 20 000).
    #[test]
    #[ignore = "needs INTOTO_ORACLE_PYTHON; run by hand when the oracle changes"]
    fn agrees_with_cpython() {
        use std::io::Write as _;
        use std::process::{Command, Stdio};

        let python = std::env::var("INTOTO_ORACLE_PYTHON")
            .expect("set INTOTO_ORACLE_PYTHON to the oracle venv's python");
        let count: usize = std::env::var("FNMATCH_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(20_000);
        let alphabet: Vec<char> = "ab-z![]^\\*?&~|/\n.\u{e9}".chars().collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).unwrap()
        };
        let word = |max: usize, next: &mut dyn FnMut(usize) -> usize| -> String {
            let len = next(max + 1);
            (0..len).map(|_| alphabet[next(alphabet.len())]).collect()
        };
        let mut cases = Vec::new();
        for _ in 0..count {
            let p = word(8, &mut next);
            let s = word(5, &mut next);
            cases.push((p, s));
        }
        let script = "import fnmatch, json, sys\n\
            out = []\n\
            for p, s in json.load(sys.stdin):\n\
            \x20   try:\n\
            \x20       out.append(fnmatch.fnmatchcase(s, p))\n\
            \x20   except Exception:\n\
            \x20       out.append(None)\n\
            json.dump(out, sys.stdout)\n";
        let input = intoto_cjson::Value::Array(
            cases
                .iter()
                .map(|(p, s)| {
                    intoto_cjson::Value::Array(vec![p.as_str().into(), s.as_str().into()])
                })
                .collect(),
        );
        let mut child = Command::new(python)
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(
                intoto_cjson::to_python_json(&input, intoto_cjson::Style::Compact).as_bytes(),
            )
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let answers = intoto_cjson::from_slice(&out.stdout).unwrap();
        let answers = answers.as_array().unwrap();
        let mut modelled = 0;
        for ((p, s), want) in cases.iter().zip(answers) {
            let got = fnmatchcase(p, s);
            if let Some(got) = got {
                modelled += 1;
                assert_eq!(Some(got), want.as_bool(), "pattern {p:?} path {s:?}");
            }
        }
        // Almost every pattern is modelled.
        assert!(
            modelled * 10 >= count * 9,
            "only {modelled} of {count} modelled"
        );
    }
}
