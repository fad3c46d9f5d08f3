//! DigestSet (digest_set.md): algorithm name to digest value.

use std::collections::BTreeMap;

use intoto_cjson::Value;

use crate::error::{DigestError, DigestProblem, Error, Result};
use crate::fields::join;

/// How a known algorithm's value is written: lower-case hex of one of these
/// lengths (in hex digits), or of any even length in a range for
/// variable-length functions.
#[derive(Clone, Copy)]
enum Shape {
    Fixed(&'static [usize]),
    Variable { max: Option<usize> },
}

/// The algorithms digest_set.md names, with their value shapes.
///
/// * Fixed-size hashes: their NIST lengths.
/// * `shake128`/`shake256`: extendable output, so any even length.
/// * `blake2b` (up to 64 bytes) and `blake2s` (up to 32 bytes): variable.
/// * `gost`: GOST R 34.11-94 or Streebog, 256 or 512 bits.
/// * `gitCommit`, `gitTree`, `gitBlob`, `gitTag`: SHA-1 or SHA-256 object ids.
/// * `dirHash`: the Go module dirhash (a SHA-256) in hex. The
///   specification's own example writes it under `dirHash1`, so that name
///   is treated the same way.
const KNOWN: &[(&str, Shape)] = &[
    ("sha256", Shape::Fixed(&[64])),
    ("sha224", Shape::Fixed(&[56])),
    ("sha384", Shape::Fixed(&[96])),
    ("sha512", Shape::Fixed(&[128])),
    ("sha512_224", Shape::Fixed(&[56])),
    ("sha512_256", Shape::Fixed(&[64])),
    ("sha3_224", Shape::Fixed(&[56])),
    ("sha3_256", Shape::Fixed(&[64])),
    ("sha3_384", Shape::Fixed(&[96])),
    ("sha3_512", Shape::Fixed(&[128])),
    ("shake128", Shape::Variable { max: None }),
    ("shake256", Shape::Variable { max: None }),
    ("blake2b", Shape::Variable { max: Some(128) }),
    ("blake2s", Shape::Variable { max: Some(64) }),
    ("ripemd160", Shape::Fixed(&[40])),
    ("sm3", Shape::Fixed(&[64])),
    ("gost", Shape::Fixed(&[64, 128])),
    ("sha1", Shape::Fixed(&[40])),
    ("md5", Shape::Fixed(&[32])),
    ("dirHash", Shape::Fixed(&[64])),
    ("dirHash1", Shape::Fixed(&[64])),
    ("gitCommit", Shape::Fixed(&[40, 64])),
    ("gitTree", Shape::Fixed(&[40, 64])),
    ("gitBlob", Shape::Fixed(&[40, 64])),
    ("gitTag", Shape::Fixed(&[40, 64])),
];

/// The algorithm names whose values this crate checks (lower-case hex of
/// the algorithm's length). Any other name is allowed with any non-empty
/// value, as the specification allows (e.g. `{"arn": "arn:aws:..."}`).
pub fn known_algorithms() -> impl Iterator<Item = &'static str> {
    KNOWN.iter().map(|(name, _)| *name)
}

/// Known algorithms that resist collisions, for [`DigestSet::matches`]
/// callers that have no policy of their own: the SHA-2 and SHA-3 families,
/// SHAKE, BLAKE2, SM3 and the SHA-256 based `dirHash`. Left out: `md5`,
/// `sha1`, `ripemd160`, `gost` (ambiguous) and the `git*` ids (which may
/// be SHA-1).
pub const COLLISION_RESISTANT: &[&str] = &[
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha512_224",
    "sha512_256",
    "sha3_224",
    "sha3_256",
    "sha3_384",
    "sha3_512",
    "shake128",
    "shake256",
    "blake2b",
    "blake2s",
    "sm3",
    "dirHash",
    "dirHash1",
];

/// Checks one digest against the specification's rules.
pub fn check_digest(algorithm: &str, value: &str) -> Result<(), DigestError> {
    let fail = |problem| {
        Err(DigestError {
            algorithm: algorithm.to_owned(),
            problem,
        })
    };
    if algorithm.is_empty() {
        return fail(DigestProblem::EmptyAlgorithm);
    }
    if value.is_empty() {
        return fail(DigestProblem::EmptyValue);
    }
    let Some((_, shape)) = KNOWN.iter().find(|(name, _)| *name == algorithm) else {
        return Ok(());
    };
    if !value
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return fail(DigestProblem::NotLowerHex {
            value: value.to_owned(),
        });
    }
    let len = value.len();
    let (ok, expected) = match shape {
        Shape::Fixed(lengths) => (
            lengths.contains(&len),
            lengths
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(" or "),
        ),
        Shape::Variable { max } => (
            len.is_multiple_of(2) && max.is_none_or(|m| len <= m),
            match max {
                Some(m) => format!("an even number up to {m}"),
                None => "an even number".to_owned(),
            },
        ),
    };
    if ok {
        Ok(())
    } else {
        fail(DigestProblem::Length {
            value: value.to_owned(),
            found: len,
            expected,
        })
    }
}

/// A set of digests of one artifact: algorithm name to value, every entry
/// checked by [`check_digest`]. May be empty (a ResourceDescriptor then
/// counts as having no digest).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DigestSet(BTreeMap<String, String>);

impl DigestSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set from a map (such as a classic link's artifact digests),
    /// checking every entry.
    pub fn from_map(map: BTreeMap<String, String>) -> Result<Self, DigestError> {
        for (algorithm, value) in &map {
            check_digest(algorithm, value)?;
        }
        Ok(Self(map))
    }

    /// Adds (or replaces) a digest after checking it.
    pub fn insert(
        &mut self,
        algorithm: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<(), DigestError> {
        let (algorithm, value) = (algorithm.into(), value.into());
        check_digest(&algorithm, &value)?;
        self.0.insert(algorithm, value);
        Ok(())
    }

    /// A set with one SHA-256 digest given as 32 bytes.
    pub fn sha256(digest: &[u8; 32]) -> Self {
        let mut map = BTreeMap::new();
        map.insert("sha256".to_owned(), intoto_crypto::digest::to_hex(digest));
        Self(map)
    }

    /// The value for `algorithm`.
    pub fn get(&self, algorithm: &str) -> Option<&str> {
        self.0.get(algorithm).map(String::as_str)
    }

    /// The digests, sorted by algorithm name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The number of digests.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The digests as a map.
    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// The digests as a map, by value.
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }

    /// Whether two sets identify the same artifact, considering only the
    /// `accepted` algorithms (the specification leaves the choice to the
    /// consumer; [`COLLISION_RESISTANT`] is a sound default): at least one
    /// accepted algorithm is in both sets, and every accepted algorithm in
    /// both has the same value in both. The second condition is stricter
    /// than the specification's "any field matches": sets that agree on
    /// one digest and disagree on another describe no single artifact.
    pub fn matches(&self, other: &DigestSet, accepted: &[&str]) -> bool {
        let mut any = false;
        for algorithm in accepted {
            if let (Some(a), Some(b)) = (self.get(algorithm), other.get(algorithm)) {
                if a != b {
                    return false;
                }
                any = true;
            }
        }
        any
    }

    /// The set as a JSON object.
    pub fn to_value(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect(),
        )
    }

    /// Reads a DigestSet at `field`.
    pub(crate) fn read(value: &Value, field: &str) -> Result<Self> {
        let Value::Object(map) = value else {
            return Err(Error::wrong_type(field, "an object", value));
        };
        let mut out = BTreeMap::new();
        for (algorithm, v) in map {
            let Value::String(s) = v else {
                return Err(Error::wrong_type(&join(field, algorithm), "a string", v));
            };
            check_digest(algorithm, s).map_err(|source| Error::Digest {
                field: field.to_owned(),
                source,
            })?;
            out.insert(algorithm.clone(), s.clone());
        }
        Ok(Self(out))
    }
}

impl TryFrom<BTreeMap<String, String>> for DigestSet {
    type Error = DigestError;

    fn try_from(map: BTreeMap<String, String>) -> Result<Self, DigestError> {
        Self::from_map(map)
    }
}

impl From<DigestSet> for BTreeMap<String, String> {
    fn from(set: DigestSet) -> Self {
        set.0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn problem(algorithm: &str, value: &str) -> Option<String> {
        check_digest(algorithm, value).err().map(|e| e.to_string())
    }

    #[test]
    fn known_lengths() {
        let hex = |n: usize| "a".repeat(n);
        for (alg, n) in [
            ("sha256", 64),
            ("sha224", 56),
            ("sha384", 96),
            ("sha512", 128),
            ("sha512_224", 56),
            ("sha512_256", 64),
            ("sha3_224", 56),
            ("sha3_256", 64),
            ("sha3_384", 96),
            ("sha3_512", 128),
            ("sha1", 40),
            ("md5", 32),
            ("ripemd160", 40),
            ("sm3", 64),
            ("dirHash", 64),
            ("gitCommit", 40),
            ("gitCommit", 64),
            ("gitTree", 64),
            ("gitBlob", 40),
            ("gitTag", 40),
            ("gost", 128),
            ("shake256", 2),
            ("shake128", 1000),
            ("blake2b", 128),
            ("blake2s", 64),
        ] {
            assert_eq!(problem(alg, &hex(n)), None, "{alg} {n}");
        }
        assert_eq!(
            problem("sha256", &hex(63)).unwrap(),
            format!(
                "digest 'sha256': '{}' has 63 hex digits, expected 64",
                hex(63)
            )
        );
        assert_eq!(
            problem("gitCommit", &hex(50)).unwrap(),
            format!(
                "digest 'gitCommit': '{}' has 50 hex digits, expected 40 or 64",
                hex(50)
            )
        );
        assert!(problem("blake2s", &hex(66)).is_some());
        assert!(problem("shake128", &hex(3)).is_some());
    }

    #[test]
    fn lower_hex_only_for_known_algorithms() {
        let upper = "A".repeat(64);
        assert_eq!(
            problem("sha256", &upper).unwrap(),
            format!("digest 'sha256': '{upper}' is not lower-case hex")
        );
        assert!(problem("sha256", &format!("{}g", "a".repeat(63))).is_some());
        // Other algorithms take any non-empty value.
        assert_eq!(problem("SHA256", &upper), None);
        assert_eq!(
            problem("arn", "arn:aws:ec2:region:123:image/ami-123abcd"),
            None
        );
        assert_eq!(problem("somecoolhash", "abcd"), None);
        assert_eq!(
            problem("arn", "").unwrap(),
            "digest 'arn': the value is empty"
        );
        assert_eq!(
            problem("", "abcd").unwrap(),
            "digest '': the algorithm name is empty"
        );
    }

    #[test]
    fn matching() {
        let set = |pairs: &[(&str, &str)]| {
            let mut s = DigestSet::new();
            for (a, v) in pairs {
                s.insert(*a, *v).unwrap();
            }
            s
        };
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        let c = "c".repeat(128);
        let both = set(&[("sha256", &a), ("sha512", &c)]);
        // The specification's examples.
        assert!(both.matches(&set(&[("sha256", &a)]), COLLISION_RESISTANT));
        assert!(
            !set(&[("sha256", &a)])
                .matches(&set(&[("sha256", &b), ("sha512", &c)]), COLLISION_RESISTANT)
        );
        // Disagreeing on one accepted algorithm is no match.
        assert!(!both.matches(&set(&[("sha256", &b), ("sha512", &c)]), COLLISION_RESISTANT));
        // Unaccepted algorithms are ignored.
        let md5 = "d".repeat(32);
        assert!(!set(&[("md5", &md5)]).matches(&set(&[("md5", &md5)]), COLLISION_RESISTANT));
        assert!(set(&[("md5", &md5)]).matches(&set(&[("md5", &md5)]), &["md5"]));
        assert!(!DigestSet::new().matches(&DigestSet::new(), COLLISION_RESISTANT));
    }
}
