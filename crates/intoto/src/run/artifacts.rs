//! A compact form of recorded artifacts.
//!
//! [`Artifacts`] (a map of maps of strings) costs about 800 bytes per
//! artifact; a link over a `node_modules` tree has 100,000 of them. While a
//! step runs, artifacts are kept as a sorted list of names and raw SHA-256
//! digests instead (about 100 bytes each), and the link is written from it
//! directly.

use intoto_cjson::Value;

use crate::model::{Artifacts, DigestSet};

/// The digests of one artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Digests {
    /// Exactly `{"sha256": "<64 lowercase hex digits>"}`, as recording makes.
    Sha256([u8; 32]),
    /// Anything else (read from an unfinished link made elsewhere), kept as is.
    Other(Box<DigestSet>),
}

impl Digests {
    /// From a digest set: compact when it is a single lowercase SHA-256.
    pub fn from_set(set: &DigestSet) -> Self {
        if set.len() == 1
            && let Some(hex) = set.get("sha256")
            && let Some(raw) = decode_lower_hex(hex)
        {
            return Self::Sha256(raw);
        }
        Self::Other(Box::new(set.clone()))
    }

    /// As a digest set.
    pub fn to_set(&self) -> DigestSet {
        match self {
            Self::Sha256(raw) => {
                let mut set = DigestSet::new();
                set.insert("sha256".to_owned(), intoto_crypto::digest::to_hex(raw));
                set
            }
            Self::Other(set) => (**set).clone(),
        }
    }

    /// As the JSON object a link holds.
    pub fn to_value(&self) -> Value {
        Value::Object(
            self.to_set()
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        )
    }
}

/// Artifacts sorted by name (code point order, as JSON keys are sorted),
/// each name once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArtifactList {
    entries: Vec<(String, Digests)>,
}

impl ArtifactList {
    /// No artifacts.
    pub fn new() -> Self {
        Self::default()
    }

    /// From `(name, digests)` pairs in any order; of equal names the last wins.
    pub fn from_entries(mut entries: Vec<(String, Digests)>) -> Self {
        // Stable: equal names keep their order, so the last is the latest.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut unique: Vec<(String, Digests)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match unique.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => unique.push(entry),
            }
        }
        Self { entries: unique }
    }

    /// From recorded `(name, SHA-256)` pairs (see
    /// [`record_artifact_digests`](crate::record::record_artifact_digests)).
    pub fn from_sha256(entries: Vec<(String, [u8; 32])>) -> Self {
        Self::from_entries(
            entries
                .into_iter()
                .map(|(name, raw)| (name, Digests::Sha256(raw)))
                .collect(),
        )
    }

    /// From the map form.
    pub fn from_artifacts(artifacts: &Artifacts) -> Self {
        Self {
            entries: artifacts
                .iter()
                .map(|(name, set)| (name.clone(), Digests::from_set(set)))
                .collect(),
        }
    }

    /// The map form (about eight times larger).
    pub fn to_artifacts(&self) -> Artifacts {
        self.entries
            .iter()
            .map(|(name, d)| (name.clone(), d.to_set()))
            .collect()
    }

    /// The artifacts, sorted by name.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Digests)> {
        self.entries.iter().map(|(n, d)| (n.as_str(), d))
    }

    /// How many artifacts.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl From<Artifacts> for ArtifactList {
    fn from(artifacts: Artifacts) -> Self {
        Self {
            entries: artifacts
                .into_iter()
                .map(|(name, set)| {
                    let d = Digests::from_set(&set);
                    (name, d)
                })
                .collect(),
        }
    }
}

/// 64 lowercase hex digits as 32 bytes.
fn decode_lower_hex(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let nibble = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, slot) in out.iter_mut().enumerate() {
        let hi = nibble(*bytes.get(2 * i)?)?;
        let lo = nibble(*bytes.get(2 * i + 1)?)?;
        *slot = hi << 4 | lo;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> DigestSet {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn compact_only_for_a_single_lowercase_sha256() {
        let hex = "ab".repeat(32);
        assert_eq!(
            Digests::from_set(&set(&[("sha256", &hex)])),
            Digests::Sha256([0xab; 32])
        );
        for odd in [
            set(&[("sha256", &"AB".repeat(32))]),
            set(&[("sha256", "abc")]),
            set(&[("sha256", &hex), ("sha512", "00")]),
            set(&[("md5", &hex)]),
            set(&[]),
        ] {
            let d = Digests::from_set(&odd);
            assert!(matches!(d, Digests::Other(_)), "{odd:?}");
            assert_eq!(d.to_set(), odd);
        }
    }

    #[test]
    fn sorted_unique_last_wins_and_round_trips() {
        let list = ArtifactList::from_entries(vec![
            ("b".into(), Digests::Sha256([1; 32])),
            ("a".into(), Digests::Sha256([2; 32])),
            ("b".into(), Digests::Sha256([3; 32])),
            ("\u{e9}".into(), Digests::Sha256([4; 32])),
            ("Z".into(), Digests::Sha256([5; 32])),
        ]);
        let names: Vec<&str> = list.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["Z", "a", "b", "\u{e9}"]);
        assert_eq!(
            list.iter().nth(2).map(|(_, d)| d.clone()),
            Some(Digests::Sha256([3; 32]))
        );
        let map = list.to_artifacts();
        assert_eq!(ArtifactList::from_artifacts(&map), list);
        assert_eq!(ArtifactList::from(map), list);
    }
}
