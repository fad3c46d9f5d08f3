//! ResourceURI and TypeURI checks (field_types.md): an RFC 3986 URI with a
//! scheme, case-normalised (scheme and authority in lower case).
//!
//! The check is deliberately about the shape the specification makes
//! normative, not a full RFC 3986 grammar: a scheme (`ALPHA *( ALPHA /
//! DIGIT / "+" / "-" / "." ) ":"`), no upper-case letters in the scheme or
//! in the authority (after `//`, up to the next `/`, `?` or `#`), and no
//! spaces or control characters anywhere.

use crate::error::{Error, Result};

/// Why a URI was refused.
fn problem(uri: &str) -> Option<&'static str> {
    if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it contains whitespace or a control character");
    }
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Some("it has no scheme");
    };
    let mut chars = scheme.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Some("it has no valid scheme");
    }
    if scheme.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("the scheme is not in lower case");
    }
    if let Some(after) = rest.strip_prefix("//") {
        let authority = after.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.chars().any(|c| c.is_ascii_uppercase()) {
            return Some("the authority is not in lower case");
        }
    }
    None
}

/// Checks a URI field's value.
pub(crate) fn check(field: &str, value: &str) -> Result<()> {
    match problem(value) {
        None => Ok(()),
        Some(reason) => Err(Error::Uri {
            field: field.to_owned(),
            value: value.to_owned(),
            reason,
        }),
    }
}

/// Whether `value` is a case-normalised absolute URI as the attestation
/// specification requires of TypeURIs and ResourceURIs.
pub fn is_valid_uri(value: &str) -> bool {
    problem(value).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted() {
        for uri in [
            "https://in-toto.io/Statement/v1",
            "https://slsa.dev/provenance/v1",
            "pkg:deb/debian/stunnel@5.50-3?arch=amd64",
            "git+https://github.com/Octo/Hello@refs/heads/Main#Path",
            "https://example.com/Path?Q=A",
            "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
            "file:///tmp/X",
        ] {
            assert!(is_valid_uri(uri), "{uri}");
        }
    }

    #[test]
    fn refused() {
        for (uri, reason) in [
            ("", "it has no scheme"),
            ("foo.txt", "it has no scheme"),
            ("HTTPS://example.com/", "the scheme is not in lower case"),
            (
                "https://Example.com/x",
                "the authority is not in lower case",
            ),
            ("1http://x", "it has no valid scheme"),
            ("://x", "it has no valid scheme"),
            (
                "https://x/a b",
                "it contains whitespace or a control character",
            ),
            (
                "https://x/\n",
                "it contains whitespace or a control character",
            ),
        ] {
            assert_eq!(problem(uri), Some(reason), "{uri}");
        }
    }
}
