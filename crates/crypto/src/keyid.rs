//! Key ids: the hex strings that name keys in metadata.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use crate::error::KeyError;

/// A key id: a non-empty string of hex digits.
///
/// Key ids computed by this crate are the lowercase hex SHA-256 of the key's
/// canonical JSON (see [`crate::PublicKey::computed_keyid`]). Key ids read
/// from metadata are kept exactly as written (the reference compares them as
/// strings and never recomputes them), so an uppercase id stays uppercase.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(String);

impl KeyId {
    /// Checks that `id` is a non-empty string of ASCII hex digits.
    pub fn new(id: impl Into<String>) -> Result<Self, KeyError> {
        let id = id.into();
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Self(id))
        } else {
            Err(KeyError::InvalidKeyId {
                value: truncate_for_message(&id),
            })
        }
    }

    /// Wraps an id this crate computed as lowercase hex.
    pub(crate) fn from_hex_unchecked(id: String) -> Self {
        Self(id)
    }

    /// The key id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 8 characters, as used in link file names
    /// (`<step>.<short>.link`); the whole id when it is shorter.
    pub fn short(&self) -> &str {
        self.0.get(..8).unwrap_or(&self.0)
    }

    /// The key id as a `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

fn truncate_for_message(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.0)
    }
}

impl FromStr for KeyId {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for KeyId {
    type Error = KeyError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<&str> for KeyId {
    type Error = KeyError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<KeyId> for String {
    fn from(id: KeyId) -> Self {
        id.0
    }
}

impl AsRef<str> for KeyId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for KeyId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hex_and_keeps_it_verbatim() {
        let id = KeyId::new("63d00ee3cf4f5c61").unwrap();
        assert_eq!(id.as_str(), "63d00ee3cf4f5c61");
        assert_eq!(id.short(), "63d00ee3");
        assert_eq!(id.to_string(), "63d00ee3cf4f5c61");
        let upper: KeyId = "ABCDEF0123".parse().unwrap();
        assert_eq!(upper.as_str(), "ABCDEF0123");
        assert_ne!(upper, KeyId::new("abcdef0123").unwrap());
    }

    #[test]
    fn short_of_a_short_id_is_the_whole_id() {
        assert_eq!(KeyId::new("abc").unwrap().short(), "abc");
    }

    #[test]
    fn rejects_empty_and_non_hex() {
        for bad in ["", "xyz", "12 34", "abcg", "é1", "0x12"] {
            let err = KeyId::new(bad).unwrap_err();
            assert!(matches!(err, KeyError::InvalidKeyId { .. }), "{bad}: {err}");
        }
    }

    #[test]
    fn long_bad_ids_are_truncated_in_messages() {
        let bad = "z".repeat(500);
        let msg = KeyId::new(bad).unwrap_err().to_string();
        assert!(msg.len() < 200, "{msg}");
    }

    #[test]
    fn ordering_is_by_string() {
        let mut ids = vec![KeyId::new("b1").unwrap(), KeyId::new("a2").unwrap()];
        ids.sort();
        assert_eq!(ids[0].as_str(), "a2");
        let set: std::collections::HashSet<KeyId> = ids.into_iter().collect();
        assert!(set.contains("a2"));
    }
}
