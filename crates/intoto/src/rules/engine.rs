//! Rule evaluation for one item (step or inspection) and one artifact kind.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

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
        item,
        kind,
        rules,
        own,
        links,
        entries,
        counterpart: None,
    };
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
                let prepared = ctx.prepare_match(m);
                let mut ambiguous = Vec::new();
                let scope = prepared.source_prefix.as_deref().unwrap_or("");
                for &i in ctx.candidates(&queue, &m.pattern, scope) {
                    let (path, digests) = ctx.entries[i];
                    match prepared.check(path, digests, &mut buf) {
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
pub(super) enum Check<'a, 'b> {
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

/// A MATCH rule with its prefixes normalised and its destination resolved.
pub(super) struct PreparedMatch<'a, 'r> {
    rule: &'r MatchRule,
    /// `os.path.join(source_prefix, "")` with `\` turned into `/`.
    source_prefix: Option<String>,
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

impl<'a> PreparedMatch<'a, '_> {
    /// Evaluates the rule for one queued artifact.
    pub(super) fn check<'b>(
        &self,
        path: &'b str,
        digests: &DigestSet,
        buf: &'b mut String,
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
        let Some(dest) = self.dest else {
            return Check::NoLink;
        };
        let key: &'b str = match &self.rule.dest_prefix {
            Some(prefix) => join_into(buf, prefix, m),
            None => m,
        };
        match dest.get(key) {
            None => Check::NotFound(Cow::Borrowed(key)),
            Some(there) if there == digests => Check::Consumed,
            Some(there) => Check::Differs(Cow::Borrowed(key), there),
        }
    }
}

struct Ctx<'a, L: ?Sized> {
    item: &'a str,
    kind: ArtifactKind,
    rules: &'a [ArtifactRule],
    own: ItemArtifacts<'a>,
    links: &'a L,
    /// The queue's artifacts (the item's materials or products), sorted.
    entries: Vec<(&'a str, &'a DigestSet)>,
    /// For each entry, the same path's digests on the other side (products
    /// for a materials queue and vice versa); computed on first use.
    counterpart: Option<Vec<Option<&'a DigestSet>>>,
}

impl<'a, L: LinkLookup + ?Sized> Ctx<'a, L> {
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

    fn prepare_match<'r>(&self, rule: &'r MatchRule) -> PreparedMatch<'a, 'r> {
        let source_prefix = rule.source_prefix.as_deref().map(|p| {
            let mut s = String::new();
            join_into(&mut s, p, "");
            s
        });
        let links: &'a L = self.links;
        let dest_link = match links.item_artifacts(&rule.dest_step) {
            Some(found) => Some(found),
            None if rule.dest_step == self.item => Some(self.own),
            None => None,
        };
        let dest = dest_link.map(|l| l.get(rule.dest_type));
        PreparedMatch {
            rule,
            source_prefix,
            dest,
        }
    }

    /// Describes an artifact that a failing rule found in the queue, with
    /// every earlier rule that looked at it and did not consume it.
    fn offender(&mut self, i: usize, upto: usize, buf: &mut String) -> Offender<'a> {
        self.ensure_counterpart();
        let (path, digests) = self.entries[i];
        let mut not_consumed = Vec::new();
        let rules = self.rules;
        for (index, rule) in rules.iter().enumerate().take(upto) {
            let reason = match rule.kind() {
                RuleKind::Create(p) if p.matches(path) => Some(NotConsumed::AlsoInMaterials),
                RuleKind::Delete(p) if p.matches(path) => Some(NotConsumed::StillInProducts),
                RuleKind::Modify(p) if p.matches(path) => match self.counterpart_of(i) {
                    None => Some(NotConsumed::MissingFrom(self.kind.other())),
                    Some(other) if other == digests => Some(NotConsumed::Unchanged),
                    Some(_) => None,
                },
                RuleKind::Match(m) => {
                    let prepared = self.prepare_match(m);
                    let step = m.dest_step.as_str();
                    let dest_type = m.dest_type;
                    let renamed = |key: Cow<'_, str>| (key != path).then(|| key.into_owned());
                    match prepared.check(path, digests, buf) {
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
                            here: digests,
                            there,
                        }),
                        Check::Ambiguous(looked_up) => Some(NotConsumed::AmbiguousPath {
                            looked_up: looked_up.into_owned(),
                        }),
                    }
                }
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
