//! Rule evaluation for one item (step or inspection) and one artifact kind.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, btree_map};
use std::hash::BuildHasher;
use std::iter::Peekable;
use std::ops::Bound;

use super::report::{
    AmbiguousPath, ItemRuleReport, NOT_CONSUMED, NearMiss, NotConsumed, Offender, Problem,
    RuleViolation,
};
use crate::model::artifact::{Artifacts, DigestSet};
use crate::model::rule::{ArtifactKind, ArtifactPattern, ArtifactRule, MatchRule, RuleKind};

/// The materials and products of one link, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct ItemArtifacts<'a> {
    /// The link's materials.
    pub materials: &'a Artifacts,
    /// The link's products.
    pub products: &'a Artifacts,
}

impl<'a> ItemArtifacts<'a> {
    /// Borrows a link's materials and products.
    pub fn new(materials: &'a Artifacts, products: &'a Artifacts) -> Self {
        Self {
            materials,
            products,
        }
    }

    /// The materials or the products.
    pub fn get(self, kind: ArtifactKind) -> &'a Artifacts {
        match kind {
            ArtifactKind::Materials => self.materials,
            ArtifactKind::Products => self.products,
        }
    }
}

/// The materials and products of one link, owned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkArtifacts {
    /// The link's materials.
    pub materials: Artifacts,
    /// The link's products.
    pub products: Artifacts,
}

impl LinkArtifacts {
    /// Borrows both sets.
    pub fn as_item(&self) -> ItemArtifacts<'_> {
        ItemArtifacts::new(&self.materials, &self.products)
    }
}

/// Finds the link of a step or inspection by name, for `MATCH ... FROM <name>`.
///
/// Implemented for maps from names to [`LinkArtifacts`] or [`ItemArtifacts`];
/// the verifier implements it for its own link collection.
pub trait LinkLookup {
    /// The artifacts of the link recorded for `name`, if there is one.
    fn item_artifacts(&self, name: &str) -> Option<ItemArtifacts<'_>>;
}

impl<T: LinkLookup + ?Sized> LinkLookup for &T {
    fn item_artifacts(&self, name: &str) -> Option<ItemArtifacts<'_>> {
        (**self).item_artifacts(name)
    }
}

impl LinkLookup for BTreeMap<String, LinkArtifacts> {
    fn item_artifacts(&self, name: &str) -> Option<ItemArtifacts<'_>> {
        self.get(name).map(LinkArtifacts::as_item)
    }
}

impl<S: BuildHasher> LinkLookup for HashMap<String, LinkArtifacts, S> {
    fn item_artifacts(&self, name: &str) -> Option<ItemArtifacts<'_>> {
        self.get(name).map(LinkArtifacts::as_item)
    }
}

impl LinkLookup for BTreeMap<String, ItemArtifacts<'_>> {
    fn item_artifacts(&self, name: &str) -> Option<ItemArtifacts<'_>> {
        self.get(name).copied()
    }
}

impl<S: BuildHasher> LinkLookup for HashMap<String, ItemArtifacts<'_>, S> {
    fn item_artifacts(&self, name: &str) -> Option<ItemArtifacts<'_>> {
        self.get(name).copied()
    }
}

/// Applies `rules` (the item's `expected_materials` when `kind` is
/// materials, its `expected_products` otherwise) to the item's own
/// artifacts `own`, looking up other links for `MATCH` in `links`.
///
/// As in the reference, `links` is expected to hold every link including
/// the item's own, so that `MATCH ... FROM <item>` compares with itself; if
/// `links` has no entry for `item`, `own` is used for it. A `MATCH` naming a
/// step without a link consumes nothing and is no error.
///
/// Every rule is evaluated; see [`ItemRuleReport`] for the result.
pub fn verify_item_rules<'a, L: LinkLookup + ?Sized>(
    item: &'a str,
    kind: ArtifactKind,
    rules: &'a [ArtifactRule],
    own: ItemArtifacts<'a>,
    links: &'a L,
) -> ItemRuleReport<'a> {
    let source = own.get(kind);
    let entries: Vec<(&'a str, &'a DigestSet)> =
        source.iter().map(|(p, d)| (p.as_str(), d)).collect();
    let mut ctx = Ctx {
        kind,
        rules,
        own,
        entries,
        counterpart: None,
        prepared: Vec::new(),
    };
    // Resolve every MATCH rule's prefixes and destination once.
    ctx.prepared = rules
        .iter()
        .map(|rule| match rule.kind() {
            RuleKind::Match(m) => Some(PreparedMatch::new(m, item, own, links)),
            _ => None,
        })
        .collect();
    let n = ctx.entries.len();
    // Indices into `entries`, in path order.
    let mut queue: Vec<usize> = (0..n).collect();
    let mut consumed_at = vec![NOT_CONSUMED; n];
    let mut violations = Vec::new();
    let mut consumed: Vec<usize> = Vec::new();
    let mut buf = String::new();

    for (index, rule) in rules.iter().enumerate() {
        consumed.clear();
        match rule.kind() {
            RuleKind::Create(p) => {
                // Only products that are not materials can be created.
                if kind == ArtifactKind::Products {
                    ctx.ensure_counterpart();
                    for &i in ctx.candidates(&queue, p, "") {
                        if ctx.counterpart_of(i).is_none() && p.matches(ctx.path(i)) {
                            consumed.push(i);
                        }
                    }
                }
            }
            RuleKind::Delete(p) => {
                // Only materials that are not products can be deleted.
                if kind == ArtifactKind::Materials {
                    ctx.ensure_counterpart();
                    for &i in ctx.candidates(&queue, p, "") {
                        if ctx.counterpart_of(i).is_none() && p.matches(ctx.path(i)) {
                            consumed.push(i);
                        }
                    }
                }
            }
            RuleKind::Modify(p) => {
                ctx.ensure_counterpart();
                for &i in ctx.candidates(&queue, p, "") {
                    let (path, digests) = ctx.entries[i];
                    if ctx.counterpart_of(i).is_some_and(|other| other != digests)
                        && p.matches(path)
                    {
                        consumed.push(i);
                    }
                }
            }
            RuleKind::Allow(p) => {
                for &i in ctx.candidates(&queue, p, "") {
                    if p.matches(ctx.path(i)) {
                        consumed.push(i);
                    }
                }
            }
            RuleKind::Disallow(p) => {
                let matched: Vec<usize> = ctx
                    .candidates(&queue, p, "")
                    .iter()
                    .copied()
                    .filter(|&i| p.matches(ctx.path(i)))
                    .collect();
                if !matched.is_empty() {
                    let explain_modify = rules[..index]
                        .iter()
                        .any(|r| matches!(r.kind(), RuleKind::Modify(_)));
                    if explain_modify {
                        ctx.ensure_counterpart();
                    }
                    let artifacts = matched
                        .iter()
                        .map(|&i| ctx.offender(i, index, &mut buf))
                        .collect();
                    violations.push(RuleViolation {
                        rule_index: index,
                        rule,
                        problem: Problem::Disallowed { artifacts },
                    });
                }
            }
            RuleKind::Require(path) => {
                let queued = queue
                    .binary_search_by(|&i| ctx.path(i).cmp(path.as_str()))
                    .is_ok();
                if !queued {
                    let consumed_by = ctx
                        .entries
                        .binary_search_by(|(p, _)| (*p).cmp(path.as_str()))
                        .ok()
                        .and_then(|i| consumed_at.get(i).copied())
                        .filter(|&r| r != NOT_CONSUMED);
                    violations.push(RuleViolation {
                        rule_index: index,
                        rule,
                        problem: Problem::RequiredMissing { path, consumed_by },
                    });
                }
            }
            RuleKind::Match(m) => {
                let Some(Some(prepared)) = ctx.prepared.get(index) else {
                    continue;
                };
                let mut cursor = DestCursor::new(prepared.dest);
                let mut ambiguous = Vec::new();
                let scope = prepared.source_prefix.as_deref().unwrap_or("");
                for &i in ctx.candidates(&queue, &m.pattern, scope) {
                    let (path, digests) = ctx.entries[i];
                    match prepared.check(path, digests, &mut buf, &mut cursor) {
                        Check::Consumed => consumed.push(i),
                        Check::Ambiguous(looked_up) => {
                            ambiguous.push(AmbiguousPath {
                                path,
                                looked_up: looked_up.into_owned(),
                            });
                        }
                        _ => {}
                    }
                }
                if !ambiguous.is_empty() {
                    violations.push(RuleViolation {
                        rule_index: index,
                        rule,
                        problem: Problem::AmbiguousMatchPath {
                            artifacts: ambiguous,
                        },
                    });
                }
            }
        }
        if !consumed.is_empty() {
            for &i in &consumed {
                consumed_at[i] = index;
            }
            queue.retain(|&i| consumed_at[i] == NOT_CONSUMED);
        }
    }

    ItemRuleReport::new(item, kind, rules, own, ctx.entries, consumed_at, violations)
}

/// What a MATCH rule makes of one queued artifact.
enum Check<'a, 'b> {
    /// The pattern does not apply to the path (or the prefix does not).
    NotCandidate,
    /// The counterpart exists with identical digests: consumed.
    Consumed,
    /// There is no link for the destination step.
    NoLink,
    /// No counterpart at this destination path.
    NotFound(Cow<'b, str>),
    /// The counterpart's digests differ.
    Differs(Cow<'b, str>, &'a DigestSet),
    /// The reference would look this other path up in the item's own
    /// artifacts (a remainder below the source prefix that starts with `/`
    /// or contains a backslash); we refuse.
    Ambiguous(Cow<'b, str>),
}

/// Looks up destination paths that mostly arrive in sorted order: walks a
/// range iterator forward for a few steps, and only searches the tree
/// again when a key jumps far ahead or goes backwards.
struct DestCursor<'a> {
    map: Option<&'a Artifacts>,
    iter: Option<Peekable<btree_map::Range<'a, String, DigestSet>>>,
    /// The last key looked up: every entry before `iter` is smaller.
    last: String,
}

impl<'a> DestCursor<'a> {
    /// How far to walk before searching the tree instead.
    const WALK: usize = 8;

    fn new(map: Option<&'a Artifacts>) -> Self {
        Self {
            map,
            iter: None,
            last: String::new(),
        }
    }

    fn get(&mut self, key: &str) -> Option<&'a DigestSet> {
        let map = self.map?;
        let mut found = false;
        if let Some(iter) = self.iter.as_mut().filter(|_| key >= self.last.as_str()) {
            for _ in 0..Self::WALK {
                match iter.peek() {
                    Some((k, _)) if k.as_str() < key => {
                        iter.next();
                    }
                    _ => {
                        found = true;
                        break;
                    }
                }
            }
        }
        if !found {
            self.iter = Some(
                map.range::<str, _>((Bound::Included(key), Bound::Unbounded))
                    .peekable(),
            );
        }
        self.last.clear();
        self.last.push_str(key);
        match self.iter.as_mut()?.peek() {
            Some((k, d)) if k.as_str() == key => Some(*d),
            _ => None,
        }
    }
}

/// A MATCH rule with its prefixes normalised and its destination resolved.
struct PreparedMatch<'a> {
    rule: &'a MatchRule,
    /// `os.path.join(source_prefix, "")` with `\` turned into `/`.
    source_prefix: Option<String>,
    /// The destination link's materials or products; `None` when the step
    /// has no link.
    dest: Option<&'a Artifacts>,
}

/// Python's `os.path.join(prefix, tail).replace("\\", "/")` for a non-empty
/// prefix, written into `buf`.
fn join_into<'b>(buf: &'b mut String, prefix: &str, tail: &str) -> &'b str {
    buf.clear();
    if !tail.starts_with('/') {
        buf.push_str(prefix);
        if !prefix.ends_with('/') {
            buf.push('/');
        }
    }
    buf.push_str(tail);
    if buf.contains('\\') {
        *buf = buf.replace('\\', "/");
    }
    buf
}

impl<'a> PreparedMatch<'a> {
    fn new<L: LinkLookup + ?Sized>(
        rule: &'a MatchRule,
        item: &str,
        own: ItemArtifacts<'a>,
        links: &'a L,
    ) -> Self {
        let source_prefix = rule.source_prefix.as_deref().map(|p| {
            let mut s = String::new();
            join_into(&mut s, p, "");
            s
        });
        let dest_link = match links.item_artifacts(&rule.dest_step) {
            Some(found) => Some(found),
            None if rule.dest_step == item => Some(own),
            None => None,
        };
        let dest = dest_link.map(|l| l.get(rule.dest_type));
        Self {
            rule,
            source_prefix,
            dest,
        }
    }

    /// Evaluates the rule for one queued artifact.
    fn check<'b>(
        &self,
        path: &'b str,
        digests: &DigestSet,
        buf: &'b mut String,
        cursor: &mut DestCursor<'a>,
    ) -> Check<'a, 'b> {
        let m = match &self.source_prefix {
            Some(prefix) => match path.strip_prefix(prefix.as_str()) {
                Some(rest) => rest,
                None => return Check::NotCandidate,
            },
            None => path,
        };
        if !self.rule.pattern.matches(m) {
            return Check::NotCandidate;
        }
        if self.source_prefix.is_some() && (m.starts_with('/') || m.contains('\\')) {
            let prefix = self.rule.source_prefix.as_deref().unwrap_or("");
            return Check::Ambiguous(Cow::Owned(join_into(buf, prefix, m).to_owned()));
        }
        if self.dest.is_none() {
            return Check::NoLink;
        }
        let key: &'b str = match &self.rule.dest_prefix {
            Some(prefix) => join_into(buf, prefix, m),
            None => m,
        };
        match cursor.get(key) {
            None => Check::NotFound(Cow::Borrowed(key)),
            Some(there) if there == digests => Check::Consumed,
            Some(there) => Check::Differs(Cow::Borrowed(key), there),
        }
    }
}

struct Ctx<'a> {
    kind: ArtifactKind,
    rules: &'a [ArtifactRule],
    own: ItemArtifacts<'a>,
    /// The queue's artifacts (the item's materials or products), sorted.
    entries: Vec<(&'a str, &'a DigestSet)>,
    /// For each entry, the same path's digests on the other side (products
    /// for a materials queue and vice versa); computed on first use.
    counterpart: Option<Vec<Option<&'a DigestSet>>>,
    /// For each rule, its prepared form if it is a MATCH rule.
    prepared: Vec<Option<PreparedMatch<'a>>>,
}

impl<'a> Ctx<'a> {
    fn path(&self, i: usize) -> &'a str {
        self.entries[i].0
    }

    /// The same path's digests on the other side, once
    /// [`Ctx::ensure_counterpart`] has run.
    fn counterpart_of(&self, i: usize) -> Option<&'a DigestSet> {
        self.counterpart
            .as_ref()
            .and_then(|c| c.get(i).copied().flatten())
    }

    /// Builds the counterpart table by a single merge of two sorted maps.
    fn ensure_counterpart(&mut self) {
        let entries = &self.entries;
        let other = self.own.get(self.kind.other());
        self.counterpart.get_or_insert_with(|| {
            let mut out = Vec::with_capacity(entries.len());
            let mut it = other.iter().peekable();
            for (path, _) in entries {
                while it.next_if(|(p, _)| p.as_str() < *path).is_some() {}
                out.push(it.next_if(|(p, _)| p.as_str() == *path).map(|(_, d)| d));
            }
            out
        });
    }

    /// The part of the (sorted) queue whose paths start with `scope` followed
    /// by the pattern's literal prefix: the only paths the pattern can match.
    fn candidates<'q>(
        &self,
        queue: &'q [usize],
        pattern: &ArtifactPattern,
        scope: &str,
    ) -> &'q [usize] {
        let literal = pattern.literal_prefix();
        let joined;
        let prefix = if scope.is_empty() {
            literal
        } else if literal.is_empty() {
            scope
        } else {
            joined = format!("{scope}{literal}");
            &joined
        };
        if prefix.is_empty() {
            return queue;
        }
        let start = queue.partition_point(|&i| self.path(i) < prefix);
        let rest = queue.get(start..).unwrap_or_default();
        let len = rest.partition_point(|&i| self.path(i).starts_with(prefix));
        rest.get(..len).unwrap_or_default()
    }

    /// Describes an artifact that a failing rule found in the queue, with
    /// every earlier rule that looked at it and did not consume it.
    fn offender(&self, i: usize, upto: usize, buf: &mut String) -> Offender<'a> {
        let (path, digests) = self.entries[i];
        let mut not_consumed = Vec::new();
        for (index, rule) in self.rules.iter().enumerate().take(upto) {
            let reason = match rule.kind() {
                RuleKind::Create(p) if p.matches(path) => Some(NotConsumed::AlsoInMaterials),
                RuleKind::Delete(p) if p.matches(path) => Some(NotConsumed::StillInProducts),
                RuleKind::Modify(p) if p.matches(path) => match self.counterpart_of(i) {
                    None => Some(NotConsumed::MissingFrom(self.kind.other())),
                    Some(other) if other == digests => Some(NotConsumed::Unchanged),
                    Some(_) => None,
                },
                RuleKind::Match(m) => match self.prepared.get(index) {
                    Some(Some(prepared)) => {
                        let mut cursor = DestCursor::new(prepared.dest);
                        match_reason(
                            m,
                            prepared.check(path, digests, buf, &mut cursor),
                            path,
                            digests,
                        )
                    }
                    _ => None,
                },
                _ => None,
            };
            if let Some(reason) = reason {
                not_consumed.push(NearMiss {
                    rule_index: index,
                    rule,
                    reason,
                });
            }
        }
        Offender {
            path,
            digests,
            not_consumed,
        }
    }
}

/// Turns a MATCH check of an artifact that stayed queued into a reason.
fn match_reason<'a>(
    m: &'a MatchRule,
    check: Check<'a, '_>,
    path: &str,
    here: &'a DigestSet,
) -> Option<NotConsumed<'a>> {
    let step = m.dest_step.as_str();
    let dest_type = m.dest_type;
    let renamed = |key: Cow<'_, str>| (key != path).then(|| key.into_owned());
    match check {
        Check::NotCandidate | Check::Consumed => None,
        Check::NoLink => Some(NotConsumed::NoLinkForStep { step }),
        Check::NotFound(key) => Some(NotConsumed::NotFound {
            step,
            dest_type,
            dest_path: renamed(key),
        }),
        Check::Differs(key, there) => Some(NotConsumed::DigestsDiffer {
            step,
            dest_type,
            dest_path: renamed(key),
            here,
            there,
        }),
        Check::Ambiguous(looked_up) => Some(NotConsumed::AmbiguousPath {
            looked_up: looked_up.into_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::{DestCursor, join_into};
    use crate::model::artifact::{Artifacts, DigestSet};

    #[test]
    fn join_is_python_os_path_join_with_slashes() {
        let mut buf = String::new();
        assert_eq!(join_into(&mut buf, "sub", ""), "sub/");
        assert_eq!(join_into(&mut buf, "sub/", ""), "sub/");
        assert_eq!(join_into(&mut buf, "sub", "x"), "sub/x");
        assert_eq!(join_into(&mut buf, "sub/", "x"), "sub/x");
        assert_eq!(join_into(&mut buf, "sub", "/x"), "/x");
        assert_eq!(join_into(&mut buf, "a\\b", "c\\d"), "a/b/c/d");
        assert_eq!(join_into(&mut buf, "a\\", "c"), "a//c");
    }

    /// The cursor answers like `BTreeMap::get` for keys in any order.
    #[test]
    fn cursor_agrees_with_get() {
        let map: Artifacts = (0..200)
            .filter(|i| i % 3 != 0)
            .map(|i| (format!("k{i:03}"), DigestSet::new()))
            .collect();
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        for run in 0..50 {
            let mut cursor = DestCursor::new(Some(&map));
            let mut key = 0usize;
            for _ in 0..300 {
                // Mostly small steps forward, sometimes jumps either way.
                key = match next() % 10 {
                    0 => next() % 210,
                    1 if run % 2 == 0 => key.saturating_sub(next() % 5),
                    _ => key + next() % 3,
                };
                let k = format!("k{key:03}");
                assert_eq!(cursor.get(&k).is_some(), map.contains_key(&k), "{k}");
            }
        }
        assert!(DestCursor::new(None).get("k001").is_none());
    }
}
