//! [`Map`], the members of a JSON object: a vector sorted by key.

use std::borrow::Borrow;
use std::fmt;

use crate::value::Value;

/// A JSON object: its members sorted by key in code point order (UTF-8
/// byte order), which is the order both canonical JSON and Python's
/// `sort_keys=True` use; each key at most once.
///
/// The API is that of a `BTreeMap<String, Value>`, but the members are one
/// sorted vector. in-toto metadata has many small objects (a digest set per
/// artifact) and a few very large ones (a link's artifacts), and both are
/// almost always written with sorted keys: a vector costs one small
/// allocation for the first kind and reads the second in one pass. Lookups
/// are binary searches. Inserting keys in ascending order appends; inserting
/// or removing in the middle moves the members after it, so build large
/// maps in key order or with [`FromIterator`] (which sorts once).
///
/// ```
/// use intoto_cjson::{Map, Value};
///
/// let mut m = Map::new();
/// m.insert("b".to_owned(), Value::from(2));
/// m.insert("a".to_owned(), Value::from(1));
/// assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b"]);
/// assert_eq!(m.get("b"), Some(&Value::from(2)));
/// assert_eq!(m.insert("a".to_owned(), Value::Null), Some(Value::from(1)));
/// assert_eq!(m.len(), 2);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Map {
    /// Sorted by key, keys unique.
    entries: Vec<(String, Value)>,
}

/// Iterator over `(&key, &value)` in key order.
pub type Iter<'a> = std::iter::Map<
    std::slice::Iter<'a, (String, Value)>,
    fn(&'a (String, Value)) -> (&'a String, &'a Value),
>;

/// Iterator over `(&key, &mut value)` in key order.
pub type IterMut<'a> = std::iter::Map<
    std::slice::IterMut<'a, (String, Value)>,
    fn(&'a mut (String, Value)) -> (&'a String, &'a mut Value),
>;

/// Iterator over `(key, value)` in key order, consuming the map.
pub type IntoIter = std::vec::IntoIter<(String, Value)>;

fn pair_ref(e: &(String, Value)) -> (&String, &Value) {
    (&e.0, &e.1)
}

fn pair_mut(e: &mut (String, Value)) -> (&String, &mut Value) {
    (&e.0, &mut e.1)
}

impl Map {
    /// An empty map.
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// An empty map with room for `capacity` members.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// A map of members already sorted by key, without duplicates (the
    /// reader's path; not checked).
    pub(crate) fn from_sorted_unique(entries: Vec<(String, Value)>) -> Self {
        debug_assert!(entries.is_sorted_by(|a, b| a.0 < b.0));
        Self { entries }
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        String: Borrow<Q>,
    {
        // Keys usually arrive in order: check the end first.
        match self.entries.last() {
            Some((last, _)) if last.borrow() < key => Err(self.entries.len()),
            _ => self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key)),
        }
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no member.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every member.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The value of member `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&Value>
    where
        String: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// The key and value of member `key`.
    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&String, &Value)>
    where
        String: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(pair_ref)
    }

    /// The value of member `key`, mutably.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut Value>
    where
        String: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    /// Whether there is a member `key`.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        String: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets member `key`; returns the value it replaces.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.find(key.as_str()) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, old)| std::mem::replace(old, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes member `key`, returning its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<Value>
    where
        String: Borrow<Q>,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    /// Removes member `key`, returning its key and value.
    pub fn remove_entry<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<(String, Value)>
    where
        String: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i))
    }

    /// Keeps only the members for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// The member `key`, for in-place insertion.
    pub fn entry(&mut self, key: String) -> Entry<'_> {
        match self.find(key.as_str()) {
            Ok(index) => Entry::Occupied(OccupiedEntry {
                member: &mut self.entries[index],
            }),
            Err(index) => Entry::Vacant(VacantEntry {
                map: self,
                index,
                key,
            }),
        }
    }

    /// `(&key, &value)` in key order.
    pub fn iter(&self) -> Iter<'_> {
        self.entries.iter().map(pair_ref)
    }

    /// `(&key, &mut value)` in key order.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        self.entries.iter_mut().map(pair_mut)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values, in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values, mutably, in key order.
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The keys, in order, consuming the map.
    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = String> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }

    /// The values, in key order, consuming the map.
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = Value> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }
}

/// A member of a [`Map`], present or not; from [`Map::entry`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Entry<'a> {
    /// The member is present.
    Occupied(OccupiedEntry<'a>),
    /// The member is absent.
    Vacant(VacantEntry<'a>),
}

/// A present member; see [`Entry`].
#[derive(Debug)]
pub struct OccupiedEntry<'a> {
    member: &'a mut (String, Value),
}

/// An absent member and the key it would have; see [`Entry`].
#[derive(Debug)]
pub struct VacantEntry<'a> {
    map: &'a mut Map,
    /// Where the member goes (from a search of the map, which is borrowed
    /// until then).
    index: usize,
    key: String,
}

impl<'a> OccupiedEntry<'a> {
    /// The member's key.
    pub fn key(&self) -> &str {
        &self.member.0
    }

    /// The member's value, mutably, for as long as the map is borrowed.
    pub fn into_mut(self) -> &'a mut Value {
        &mut self.member.1
    }
}

impl<'a> VacantEntry<'a> {
    /// The key the member would have.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Inserts the member, returning its value.
    pub fn insert(self, value: Value) -> &'a mut Value {
        let entries = &mut self.map.entries;
        entries.insert(self.index, (self.key, value));
        &mut entries[self.index].1
    }
}

impl<'a> Entry<'a> {
    /// The value, inserting `default` first if the member is absent.
    pub fn or_insert(self, default: Value) -> &'a mut Value {
        match self {
            Self::Occupied(e) => e.into_mut(),
            Self::Vacant(e) => e.insert(default),
        }
    }

    /// The value, inserting the result of `default` first if the member is
    /// absent.
    pub fn or_insert_with(self, default: impl FnOnce() -> Value) -> &'a mut Value {
        match self {
            Self::Occupied(e) => e.into_mut(),
            Self::Vacant(e) => e.insert(default()),
        }
    }

    /// The value, inserting `null` first if the member is absent.
    pub fn or_default(self) -> &'a mut Value {
        self.or_insert(Value::Null)
    }

    /// The member's key.
    pub fn key(&self) -> &str {
        match self {
            Self::Occupied(e) => e.key(),
            Self::Vacant(e) => e.key(),
        }
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl FromIterator<(String, Value)> for Map {
    /// Collects members; of two members with the same key the later wins
    /// (as with a `BTreeMap`). Sorts once, unless already sorted.
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut entries: Vec<(String, Value)> = iter.into_iter().collect();
        if entries.is_sorted_by(|a, b| a.0 < b.0) {
            return Self { entries };
        }
        // Stable: equal keys keep their input order, and the last one wins.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, Value)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match out.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => out.push(entry),
            }
        }
        Self { entries: out }
    }
}

impl Extend<(String, Value)> for Map {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<const N: usize> From<[(String, Value); N]> for Map {
    fn from(members: [(String, Value); N]) -> Self {
        members.into_iter().collect()
    }
}

impl From<std::collections::BTreeMap<String, Value>> for Map {
    fn from(map: std::collections::BTreeMap<String, Value>) -> Self {
        Self {
            entries: map.into_iter().collect(),
        }
    }
}

impl From<Map> for std::collections::BTreeMap<String, Value> {
    fn from(map: Map) -> Self {
        map.entries.into_iter().collect()
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = IntoIter;

    /// `(key, value)` in key order.
    fn into_iter(self) -> IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = IterMut<'a>;

    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn v(n: i64) -> Value {
        Value::from(n)
    }

    #[test]
    fn behaves_like_a_sorted_map() {
        let mut m = Map::new();
        for (k, n) in [("m", 1), ("z", 2), ("a", 3), ("q", 4)] {
            assert_eq!(m.insert(k.to_owned(), v(n)), None);
        }
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "m", "q", "z"]);
        assert_eq!(m.insert("m".to_owned(), v(5)), Some(v(1)));
        assert_eq!(m.get("m"), Some(&v(5)));
        assert_eq!(m.get_key_value("q"), Some((&"q".to_owned(), &v(4))));
        assert!(m.contains_key("z") && !m.contains_key("b"));
        *m.get_mut("z").unwrap() = v(6);
        assert_eq!(m.remove("z"), Some(v(6)));
        assert_eq!(m.remove("z"), None);
        assert_eq!(m.remove_entry("a"), Some(("a".to_owned(), v(3))));
        assert_eq!(m.len(), 2);
        m.retain(|k, _| k != "q");
        assert_eq!(m.values().collect::<Vec<_>>(), [&v(5)]);
        for val in m.values_mut() {
            *val = v(7);
        }
        for (_, val) in &mut m {
            *val = Value::from(8);
        }
        assert_eq!(m.iter().collect::<Vec<_>>(), [(&"m".to_owned(), &v(8))]);
        assert_eq!(format!("{m:?}"), "{\"m\": Number(8)}");
        m.clear();
        assert!(m.is_empty());
    }

    #[test]
    fn collecting_sorts_and_keeps_the_last_duplicate() {
        let m: Map = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)]
            .into_iter()
            .map(|(k, n)| (k.to_owned(), v(n)))
            .collect();
        let pairs: Vec<(String, Value)> = m.clone().into_iter().collect();
        assert_eq!(
            pairs,
            [("a", 5), ("b", 3), ("c", 4)].map(|(k, n)| (k.to_owned(), v(n)))
        );
        let tree = std::collections::BTreeMap::from(m.clone());
        assert_eq!(Map::from(tree), m);
        assert_eq!(
            Map::from([("x".to_owned(), v(1)), ("x".to_owned(), v(2))]).get("x"),
            Some(&v(2))
        );
        let mut e = Map::with_capacity(2);
        e.extend([("y".to_owned(), v(1)), ("x".to_owned(), v(2))]);
        assert_eq!(e.into_keys().collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(m.into_values().collect::<Vec<_>>(), [v(5), v(3), v(4)]);
    }

    #[test]
    fn entries() {
        let mut m = Map::new();
        *m.entry("b".to_owned()).or_insert(v(1)) = v(2);
        assert_eq!(m.entry("b".to_owned()).or_insert_with(|| v(9)), &v(2));
        assert_eq!(m.entry("a".to_owned()).key(), "a");
        assert_eq!(m.entry("a".to_owned()).or_default(), &Value::Null);
        assert_eq!(m.entry("b".to_owned()).key(), "b");
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(m.get("b"), Some(&v(2)));
    }

    #[test]
    fn many_keys_in_any_order() {
        let n = 2000;
        let mut ascending = Map::new();
        let mut descending = Map::new();
        for i in 0..n {
            ascending.insert(format!("k{i:05}"), v(i));
            descending.insert(format!("k{:05}", n - 1 - i), v(n - 1 - i));
        }
        assert_eq!(ascending, descending);
        assert!(ascending.keys().is_sorted());
        for i in (0..n).step_by(7) {
            assert_eq!(ascending.get(format!("k{i:05}").as_str()), Some(&v(i)));
        }
    }
}
