//! Redacting secrets from recorded output before it is signed.
//!
//! The reference only advises not to record streams that carry secrets. We
//! let the functionary strip them: every match of a pattern in the recorded
//! `stdout` and `stderr` is replaced by [`REDACTED`] before the link is
//! signed. When a pattern has a capture group named `secret`, only that
//! group is replaced, so context such as `Authorization: Bearer` stays
//! readable; otherwise the whole match is.
//!
//! [`DEFAULT_PATTERNS`] is a built-in set for common token shapes (see its
//! documentation). Only what goes into the link is redacted: the live copy
//! of the streams on the terminal is shown as the command wrote it, and the
//! command line itself is recorded unchanged.

use std::borrow::Cow;

use regex::{Captures, Regex};

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// The built-in patterns (`--redact-defaults`), as `(name, regex)` pairs.
///
/// * `aws-access-key-id`: AWS access key ids (`AKIA…`, `ASIA…` and the other
///   four-letter prefixes AWS uses, followed by 16 upper-case letters or digits).
/// * `aws-secret`: the value of `aws_secret_access_key` or `aws_session_token`
///   assignments (`=` or `:`, quoted or not).
/// * `github-token`: GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`
///   and fine-grained `github_pat_`).
/// * `gitlab-token`: GitLab tokens (`glpat-`, `gldt-`, `glrt-`, `glptt-`, …).
/// * `slack-token`: Slack tokens (`xoxb-`, `xoxp-`, …).
/// * `npm-token`: npm access tokens (`npm_…`).
/// * `google-api-key`: Google API keys (`AIza…`).
/// * `jwt`: JSON Web Tokens (three base64url parts, the first two starting `eyJ`).
/// * `bearer`: the token after `Bearer` (as in an `Authorization` header).
/// * `url-password`: the password in `scheme://user:password@host`.
/// * `private-key`: PEM private key blocks (`-----BEGIN … PRIVATE KEY-----`
///   to the matching `END` line, or to the end of the output if it is cut off).
/// * `assignment`: the value of assignments to names that end in `password`,
///   `passwd`, `secret`, `token`, `api_key`/`apikey`/`api-key` or
///   `access_key` (any case, any prefix such as `DB_PASSWORD` or `NPM_TOKEN`),
///   with `=` or `:`, quoted or not.
pub const DEFAULT_PATTERNS: &[(&str, &str)] = &[
    (
        "private-key",
        r"(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|.*)",
    ),
    (
        "aws-access-key-id",
        r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b",
    ),
    (
        "aws-secret",
        r#"(?i)\b(?:aws_secret_access_key|aws_session_token)["']?\s*[:=]\s*["']?(?P<secret>[A-Za-z0-9/+=]{16,})"#,
    ),
    (
        "github-token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b",
    ),
    (
        "gitlab-token",
        r"\bgl(?:pat|dt|rt|ptt|ft|imt|agent|oas|cbt|soat|ffct)-[A-Za-z0-9_\-]{20,}",
    ),
    ("slack-token", r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"),
    ("npm-token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("google-api-key", r"\bAIza[0-9A-Za-z_\-]{35}"),
    (
        "jwt",
        r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
    ),
    (
        "bearer",
        r"(?i)\bbearer\s+(?P<secret>[A-Za-z0-9\-._~+/]+=*)",
    ),
    (
        "url-password",
        r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]+:(?P<secret>[^\s@/]+)@",
    ),
    (
        "assignment",
        r#"(?i)[A-Za-z0-9_.\-]*(?:password|passwd|secret|token|api[_\-]?key|access[_\-]?key)["']?\s*[:=]\s*(?P<secret>"[^"\r\n]*"|'[^'\r\n]*'|[^\s"'&;,]+)"#,
    ),
];

/// A pattern given by the user does not compile.
#[derive(Debug, thiserror::Error)]
#[error("invalid redaction pattern '{pattern}': {reason}")]
pub struct RedactPatternError {
    /// The pattern.
    pub pattern: String,
    /// Why it does not compile (the regex error, on one line).
    pub reason: String,
}

/// A compiled set of redaction patterns. The default value redacts nothing.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    patterns: Vec<Regex>,
}

impl Redactor {
    /// Compiles `patterns` (Rust `regex` syntax), preceded by
    /// [`DEFAULT_PATTERNS`] when `defaults` is set.
    pub fn new<S: AsRef<str>>(patterns: &[S], defaults: bool) -> Result<Self, RedactPatternError> {
        let mut compiled = Vec::new();
        if defaults {
            for (_, p) in DEFAULT_PATTERNS {
                compiled.push(compile(p)?);
            }
        }
        for p in patterns {
            compiled.push(compile(p.as_ref())?);
        }
        Ok(Self { patterns: compiled })
    }

    /// Whether there is nothing to redact.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// `text` with every match replaced by [`REDACTED`] (only the `secret`
    /// group of a pattern that has one), pattern by pattern in order.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for re in &self.patterns {
            if !re.is_match(&out) {
                continue;
            }
            let replaced = if re.capture_names().any(|n| n == Some("secret")) {
                re.replace_all(&out, |c: &Captures<'_>| replace_secret(c))
                    .into_owned()
            } else {
                re.replace_all(&out, REDACTED).into_owned()
            };
            out = Cow::Owned(replaced);
        }
        out
    }
}

fn compile(pattern: &str) -> Result<Regex, RedactPatternError> {
    Regex::new(pattern).map_err(|e| RedactPatternError {
        pattern: pattern.to_owned(),
        reason: e
            .to_string()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    })
}

/// The whole match with only its `secret` group replaced.
fn replace_secret(c: &Captures<'_>) -> String {
    let (Some(whole), Some(secret)) = (c.get(0), c.name("secret")) else {
        return c.get(0).map_or_else(String::new, |m| m.as_str().to_owned());
    };
    let text = whole.as_str();
    let start = secret.start() - whole.start();
    let end = secret.end() - whole.start();
    format!(
        "{}{REDACTED}{}",
        text.get(..start).unwrap_or_default(),
        text.get(end..).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Redactor {
        Redactor::new::<&str>(&[], true).unwrap()
    }

    #[test]
    fn default_patterns_cover_common_token_shapes() {
        let r = defaults();
        for (input, expected) in [
            ("key AKIAIOSFODNN7EXAMPLE here", "key [REDACTED] here"),
            (
                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "aws_secret_access_key = [REDACTED]",
            ),
            (
                "token ghp_0123456789abcdefghijABCDEFGHIJ012345 used",
                "token [REDACTED] used",
            ),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
                "[REDACTED]",
            ),
            ("glpat-abcdefghij0123456789 ok", "[REDACTED] ok"),
            ("xoxb-1234567890-abcdefghij", "[REDACTED]"),
            ("npm_abcdefghijklmnopqrstuvwxyz0123456789", "[REDACTED]"),
            ("AIzaSyA-abcdefghijklmnopqrstuvwxyz01234", "[REDACTED]"),
            (
                "Authorization: Bearer abc.def-ghi~jkl+mno/pqr==",
                "Authorization: Bearer [REDACTED]",
            ),
            (
                "cloning https://user:hunter2@example.com/repo.git",
                "cloning https://user:[REDACTED]@example.com/repo.git",
            ),
            ("DB_PASSWORD=hunter2 next", "DB_PASSWORD=[REDACTED] next"),
            ("password: 'a b c'", "password: [REDACTED]"),
            (r#"{"api_key": "abc"}"#, r#"{"api_key": [REDACTED]}"#),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "[REDACTED]",
            ),
        ] {
            assert_eq!(r.redact(input), expected, "{input}");
        }
    }

    #[test]
    fn private_key_blocks_are_removed_whole_even_when_cut_off() {
        let r = defaults();
        let text = "before\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\nAAAA\n-----END OPENSSH PRIVATE KEY-----\nafter\n";
        assert_eq!(r.redact(text), "before\n[REDACTED]\nafter\n");
        let cut = "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n";
        assert_eq!(r.redact(cut), "x\n[REDACTED]");
        let public = "-----BEGIN PUBLIC KEY-----\nMCow\n-----END PUBLIC KEY-----\n";
        assert_eq!(r.redact(public), public);
    }

    #[test]
    fn ordinary_output_is_untouched() {
        let r = defaults();
        for text in [
            "Compiling intoto v0.1.0\n",
            "test result: ok. 3 passed; 0 failed\n",
            "the token bucket is full\n",
            "",
        ] {
            assert!(matches!(r.redact(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn user_patterns_and_secret_groups() {
        let r = Redactor::new(&["s[e3]cr[e3]t", "id=(?P<secret>[0-9]+)"], false).unwrap();
        assert_eq!(
            r.redact("a s3cr3t and a secret"),
            "a [REDACTED] and a [REDACTED]"
        );
        assert_eq!(r.redact("user id=1234!"), "user id=[REDACTED]!");
        assert!(Redactor::default().is_empty());
        assert_eq!(Redactor::default().redact("x"), "x");
    }

    #[test]
    fn bad_pattern_names_itself() {
        let err = Redactor::new(&["ok", "(unclosed"], false).unwrap_err();
        assert_eq!(err.pattern, "(unclosed");
        let msg = err.to_string();
        assert!(
            msg.starts_with("invalid redaction pattern '(unclosed': "),
            "{msg}"
        );
        assert!(!msg.contains('\n'), "{msg}");
    }
}
