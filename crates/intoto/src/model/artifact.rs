//! Recorded artifacts: paths mapped to their digests.

use std::collections::BTreeMap;
use std::fmt;

/// Digests of one artifact, by algorithm name (`"sha256"` -> hex), sorted
/// by name, each name at most once: a small map.
///
/// Almost every artifact has exactly one digest, and a link may record
/// hundreds of thousands of artifacts, so this is a sorted list (one small
/// allocation) rather than a tree map (a node of several hundred bytes per
/// artifact). Two sets are equal when they map the same names to the same
/// strings, as Python's dicts are.
///
/// ```
/// use intoto::model::DigestSet;
///
/// let mut d = DigestSet::from([("sha512", "cd"), ("sha256", "ab")]);
/// assert_eq!(d.get("sha256"), Some("ab"));
/// assert_eq!(d.insert("sha256", "ef"), Some("ab".to_owned()));
/// assert_eq!(d.iter().collect::<Vec<_>>(), [("sha256", "ef"), ("sha512", "cd")]);
/// assert_eq!(d, [("sha512", "cd"), ("sha256", "ef")].into_iter().collect());
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DigestSet {
    /// Sorted by algorithm name, names unique.
    entries: Vec<(String, String)>,
}

impl DigestSet {
    /// An empty set.
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// A set of one digest (the common case), without any sorting.
    pub fn single(algorithm: impl Into<String>, hex: impl Into<String>) -> Self {
        Self {
            entries: vec![(algorithm.into(), hex.into())],
        }
    }

    fn find(&self, algorithm: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|(a, _)| a.as_str().cmp(algorithm))
    }

    /// Sets the digest for `algorithm`; returns the one it replaces.
    pub fn insert(
        &mut self,
        algorithm: impl Into<String>,
        hex: impl Into<String>,
    ) -> Option<String> {
        let algorithm = algorithm.into();
        let hex = hex.into();
        match self.find(&algorithm) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, old)| std::mem::replace(old, hex)),
            Err(i) => {
                self.entries.insert(i, (algorithm, hex));
                None
            }
        }
    }

    /// The digest for `algorithm`.
    pub fn get(&self, algorithm: &str) -> Option<&str> {
        let i = self.find(algorithm).ok()?;
        self.entries.get(i).map(|(_, hex)| hex.as_str())
    }

    /// Whether there is a digest for `algorithm`.
    pub fn contains_key(&self, algorithm: &str) -> bool {
        self.find(algorithm).is_ok()
    }

    /// Removes the digest for `algorithm`, returning it.
    pub fn remove(&mut self, algorithm: &str) -> Option<String> {
        let i = self.find(algorithm).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// The number of digests.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no digest.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `(algorithm, hex)` pairs, sorted by algorithm.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &str)> + ExactSizeIterator {
        self.entries.iter().map(|(a, h)| (a.as_str(), h.as_str()))
    }

    /// The algorithm names, sorted.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.entries.iter().map(|(a, _)| a.as_str())
    }

    /// The digests, sorted by algorithm.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.entries.iter().map(|(_, h)| h.as_str())
    }
}

impl fmt::Debug for DigestSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for DigestSet {
    /// Collects pairs; of two pairs with the same algorithm the later wins.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut entries: Vec<(String, String)> = iter
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        if entries.is_sorted_by(|a, b| a.0 < b.0) {
            return Self { entries };
        }
        // Stable: among equal names the input order stays, and the last wins.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, String)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match out.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => out.push(entry),
            }
        }
        Self { entries: out }
    }
}

impl<K: Into<String>, V: Into<String>> Extend<(K, V)> for DigestSet {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Into<String>, V: Into<String>, const N: usize> From<[(K, V); N]> for DigestSet {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl From<BTreeMap<String, String>> for DigestSet {
    fn from(map: BTreeMap<String, String>) -> Self {
        Self {
            entries: map.into_iter().collect(),
        }
    }
}

impl From<DigestSet> for BTreeMap<String, String> {
    fn from(set: DigestSet) -> Self {
        set.entries.into_iter().collect()
    }
}

impl IntoIterator for DigestSet {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;

    /// `(algorithm, hex)` pairs, sorted by algorithm.
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a DigestSet {
    type Item = (&'a str, &'a str);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a str, &'a str),
    >;

    /// `(algorithm, hex)` pairs, sorted by algorithm.
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(a, h)| (a.as_str(), h.as_str()))
    }
}

/// Artifacts of a link (its materials or its products), sorted by path.
pub type Artifacts = BTreeMap<String, DigestSet>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sorted_map_of_names() {
        let mut d = DigestSet::new();
        assert!(d.is_empty());
        assert_eq!(d.insert("sha512", "2"), None);
        assert_eq!(d.insert("md5", "1"), None);
        assert_eq!(d.insert("sha256", "3"), None);
        assert_eq!(d.keys().collect::<Vec<_>>(), ["md5", "sha256", "sha512"]);
        assert_eq!(d.values().collect::<Vec<_>>(), ["1", "3", "2"]);
        assert_eq!(d.len(), 3);
        assert!(d.contains_key("md5"));
        assert_eq!(d.remove("md5"), Some("1".to_owned()));
        assert_eq!(d.remove("md5"), None);
        assert_eq!(d.get("md5"), None);
        assert_eq!(format!("{d:?}"), r#"{"sha256": "3", "sha512": "2"}"#);
        let owned: Vec<(String, String)> = d.clone().into_iter().collect();
        assert_eq!(owned[0], ("sha256".to_owned(), "3".to_owned()));
        let map = BTreeMap::from(d.clone());
        assert_eq!(DigestSet::from(map), d);
        d.extend([("sha256", "4")]);
        assert_eq!(d.get("sha256"), Some("4"));
        assert_eq!(
            DigestSet::single("sha256", "ab"),
            DigestSet::from([("sha256", "ab")])
        );
    }

    #[test]
    fn collecting_keeps_the_last_of_equal_names() {
        let d: DigestSet = [("b", "1"), ("a", "2"), ("b", "3"), ("a", "4"), ("c", "5")]
            .into_iter()
            .collect();
        assert_eq!(
            d.iter().collect::<Vec<_>>(),
            [("a", "4"), ("b", "3"), ("c", "5")]
        );
        let d: DigestSet = [("a", "1"), ("a", "2")].into_iter().collect();
        assert_eq!(d.iter().collect::<Vec<_>>(), [("a", "2")]);
        // Equality does not depend on the order pairs were given in.
        assert_eq!(
            DigestSet::from([("x", "1"), ("y", "2")]),
            DigestSet::from([("y", "2"), ("x", "1")])
        );
        assert_ne!(
            DigestSet::from([("x", "1")]),
            DigestSet::from([("x", "1"), ("y", "2")])
        );
    }
}
