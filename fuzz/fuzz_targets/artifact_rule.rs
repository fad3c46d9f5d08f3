//! Artifact rules (as one string and as a token list) and path patterns.
//!
//! The input is read three ways at once (it must be UTF-8):
//!
//! 1. the whole text as a rule string (`ArtifactRule::from_str`, shell-like
//!    splitting);
//! 2. its lines as a token list (`ArtifactRule::from_list`);
//! 3. split at NUL bytes: a pattern, then paths to match it against.
//!
//! Properties: a rule read either way reads back from its own tokens, from
//! its shell-quoted text (`join_words`) and, when no token needs quoting,
//! from its `Display` text, as the same rule; its keyword and pattern agree
//! with its tokens; a MATCH rule rebuilt from its parts has the same
//! meaning. Pattern matching agrees with an independent model of Python's
//! `fnmatch.fnmatchcase`, and with the pattern's literal prefix and literal.

#![no_main]

use intoto::authoring::text::join_words;
use intoto::model::ArtifactRule;
use intoto::model::rule::{ArtifactPattern, RuleKind};
use intoto_fuzz::fnmatch_oracle::fnmatchcase;
use libfuzzer_sys::fuzz_target;

/// Bound on pattern length times path length for the quadratic oracle.
const ORACLE_BUDGET: usize = 1 << 16;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    match text.parse::<ArtifactRule>() {
        Ok(rule) => check_rule(&rule),
        Err(e) => {
            let _ = e.to_string();
        }
    }

    let lines: Vec<&str> = text.split('\n').collect();
    match ArtifactRule::from_list(&lines) {
        Ok(rule) => {
            assert_eq!(rule.tokens(), lines.as_slice());
            check_rule(&rule);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }

    let mut parts = text.split('\0');
    let pattern_text = parts.next().unwrap_or_default();
    let pattern = ArtifactPattern::new(pattern_text);
    assert_eq!(pattern.as_str(), pattern_text);
    let prefix = pattern.literal_prefix();
    assert!(pattern_text.starts_with(prefix));
    if let Some(literal) = pattern.literal() {
        assert!(
            pattern.matches(literal),
            "a literal pattern must match itself"
        );
    }
    for path in parts {
        let matched = pattern.matches(path);
        if matched {
            assert!(
                path.starts_with(prefix),
                "{pattern_text:?} matched {path:?}"
            );
        }
        if let Some(literal) = pattern.literal() {
            assert_eq!(matched, path == literal);
        }
        let cost = pattern_text.chars().count().max(1) * path.chars().count().max(1);
        if cost <= ORACLE_BUDGET
            && let Some(expected) = fnmatchcase(pattern_text, path)
        {
            assert_eq!(
                matched, expected,
                "fnmatchcase({path:?}, {pattern_text:?}) is {expected}"
            );
        }
    }
});

fn check_rule(rule: &ArtifactRule) {
    let tokens = rule.tokens();
    assert!(rule.keyword().eq_ignore_ascii_case(&tokens[0]));
    assert_eq!(rule.pattern_str(), tokens[1]);

    let again = ArtifactRule::from_list(tokens).expect("a rule reads from its own tokens");
    assert_eq!(&again, rule);
    assert_eq!(again.kind(), rule.kind());

    let quoted = join_words(tokens);
    let from_quoted: ArtifactRule = quoted.parse().expect("quoted rule text reads back");
    assert_eq!(&from_quoted, rule, "via {quoted:?}");
    assert_eq!(from_quoted.kind(), rule.kind());

    let plain = |t: &String| !t.is_empty() && !t.contains([' ', '\t', '\r', '\n', '\'', '"', '\\']);
    if tokens.iter().all(plain) {
        let shown = rule.to_string();
        let from_shown: ArtifactRule = shown.parse().expect("displayed rule reads back");
        assert_eq!(&from_shown, rule, "via {shown:?}");
    }

    if let RuleKind::Match(m) = rule.kind() {
        match ArtifactRule::from_match(m) {
            Ok(rebuilt) => assert_eq!(rebuilt.kind(), rule.kind()),
            Err(_) => assert!(m.dest_step.is_empty()),
        }
    }
}
