//! What rule evaluation found: consumption per rule, and every violation
//! with its explanation.

use std::fmt::{self, Write};

use super::engine::ItemArtifacts;
use super::pyrepr;
use crate::model::artifact::DigestSet;
use crate::model::rule::{ArtifactKind, ArtifactRule};

/// Marks an artifact that no rule consumed.
pub(super) const NOT_CONSUMED: usize = usize::MAX;

/// The outcome of [`verify_item_rules`](super::verify_item_rules) for one
/// item and one artifact kind. It borrows the rules and artifacts it was
/// computed from.
///
/// `Display` prints a human-readable account of every violation;
/// [`ItemRuleReport::reference_message`] renders one violation the way the
/// reference words its `RuleVerificationError`.
#[derive(Clone, Debug)]
pub struct ItemRuleReport<'a> {
    item: &'a str,
    kind: ArtifactKind,
    rules: &'a [ArtifactRule],
    own: ItemArtifacts<'a>,
    entries: Vec<(&'a str, &'a DigestSet)>,
    consumed_at: Vec<usize>,
    violations: Vec<RuleViolation<'a>>,
}

/// One failed rule: a `DISALLOW` that found artifacts, a `REQUIRE` that did
/// not find its file, or a `MATCH` that met a path it cannot evaluate.
#[derive(Clone, Debug)]
pub struct RuleViolation<'a> {
    /// The position of the rule in the item's rule list, from 0.
    pub rule_index: usize,
    /// The rule as written.
    pub rule: &'a ArtifactRule,
    /// What went wrong.
    pub problem: Problem<'a>,
}

/// What went wrong in a [`RuleViolation`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Problem<'a> {
    /// `DISALLOW`: these artifacts were still queued and match the pattern
    /// (sorted by path).
    Disallowed {
        /// The offending artifacts.
        artifacts: Vec<Offender<'a>>,
    },
    /// `REQUIRE`: the file was not queued.
    RequiredMissing {
        /// The required path.
        path: &'a str,
        /// The rule (index from 0) that consumed it earlier, or `None` when
        /// the item never had such an artifact.
        consumed_by: Option<usize>,
    },
    /// `MATCH ... IN <prefix>`: the path below the prefix starts with `/` or
    /// contains a backslash, so the reference would look up a different
    /// artifact than the one queued (and usually crash with a `KeyError`).
    /// We fail instead: this is stricter than the reference.
    AmbiguousMatchPath {
        /// The affected artifacts.
        artifacts: Vec<AmbiguousPath<'a>>,
    },
}

/// An artifact a `DISALLOW` rule found, with the reasons earlier rules did
/// not consume it.
#[derive(Clone, Debug)]
pub struct Offender<'a> {
    /// The artifact's path.
    pub path: &'a str,
    /// Its digests in the item's link.
    pub digests: &'a DigestSet,
    /// Every earlier rule whose pattern matched the artifact but which did
    /// not consume it, in rule order. Empty when no rule looked at it.
    pub not_consumed: Vec<NearMiss<'a>>,
}

/// An earlier rule that looked at an artifact and did not consume it.
#[derive(Clone, Debug)]
pub struct NearMiss<'a> {
    /// The rule's position, from 0.
    pub rule_index: usize,
    /// The rule as written.
    pub rule: &'a ArtifactRule,
    /// Why it did not consume the artifact.
    pub reason: NotConsumed<'a>,
}

/// Why a rule whose pattern matched an artifact did not consume it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotConsumed<'a> {
    /// `CREATE`: the artifact is also a material, so it was not created.
    AlsoInMaterials,
    /// `DELETE`: the artifact is also a product, so it was not deleted.
    StillInProducts,
    /// `MODIFY`: materials and products have the same digests.
    Unchanged,
    /// `MODIFY`: the artifact is missing from the materials or products.
    MissingFrom(ArtifactKind),
    /// `MATCH`: there is no link for the destination step.
    NoLinkForStep {
        /// The destination step.
        step: &'a str,
    },
    /// `MATCH`: the destination link has no such artifact.
    NotFound {
        /// The destination step.
        step: &'a str,
        /// Its materials or products.
        dest_type: ArtifactKind,
        /// The path looked up, when prefixes made it differ from the
        /// artifact's own path.
        dest_path: Option<String>,
    },
    /// `MATCH`: the destination artifact has different digests.
    DigestsDiffer {
        /// The destination step.
        step: &'a str,
        /// Its materials or products.
        dest_type: ArtifactKind,
        /// The path looked up, when prefixes made it differ from the
        /// artifact's own path.
        dest_path: Option<String>,
        /// The artifact's digests in this item's link.
        here: &'a DigestSet,
        /// The digests in the destination link.
        there: &'a DigestSet,
    },
    /// `MATCH`: the path below the source prefix cannot be evaluated (see
    /// [`Problem::AmbiguousMatchPath`]).
    AmbiguousPath {
        /// The path the reference would look up instead.
        looked_up: String,
    },
}

/// An artifact a `MATCH` rule could not evaluate; see
/// [`Problem::AmbiguousMatchPath`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmbiguousPath<'a> {
    /// The queued artifact.
    pub path: &'a str,
    /// The path the reference would look up in its place.
    pub looked_up: String,
}

impl<'a> ItemRuleReport<'a> {
    pub(super) fn new(
        item: &'a str,
        kind: ArtifactKind,
        rules: &'a [ArtifactRule],
        own: ItemArtifacts<'a>,
        entries: Vec<(&'a str, &'a DigestSet)>,
        consumed_at: Vec<usize>,
        violations: Vec<RuleViolation<'a>>,
    ) -> Self {
        Self {
            item,
            kind,
            rules,
            own,
            entries,
            consumed_at,
            violations,
        }
    }

    /// The step or inspection the rules belong to.
    pub fn item(&self) -> &'a str {
        self.item
    }

    /// Whether these were material or product rules.
    pub fn kind(&self) -> ArtifactKind {
        self.kind
    }

    /// The rules that were applied.
    pub fn rules(&self) -> &'a [ArtifactRule] {
        self.rules
    }

    /// Whether no rule failed.
    pub fn passed(&self) -> bool {
        self.violations.is_empty()
    }

    /// Every failed rule, in rule order.
    pub fn violations(&self) -> &[RuleViolation<'a>] {
        &self.violations
    }

    /// The artifacts (sorted) that the rule at `rule_index` consumed.
    pub fn consumed_by(&self, rule_index: usize) -> impl Iterator<Item = &'a str> + '_ {
        self.entries
            .iter()
            .zip(&self.consumed_at)
            .filter(move |(_, at)| **at == rule_index)
            .map(|((p, _), _)| *p)
    }

    /// The rule (index from 0) that consumed `path`, if any did.
    pub fn consumer_of(&self, path: &str) -> Option<usize> {
        let i = self
            .entries
            .binary_search_by(|(p, _)| (*p).cmp(path))
            .ok()?;
        self.consumed_at
            .get(i)
            .copied()
            .filter(|&r| r != NOT_CONSUMED)
    }

    /// The artifacts (sorted) still queued after the rule at `rule_index`.
    pub fn queue_after(&self, rule_index: usize) -> impl Iterator<Item = &'a str> + '_ {
        self.entries
            .iter()
            .zip(&self.consumed_at)
            .filter(move |(_, at)| **at == NOT_CONSUMED || **at > rule_index)
            .map(|((p, _), _)| *p)
    }

    /// The artifacts (sorted) no rule consumed; they are implicitly allowed.
    pub fn unconsumed(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.entries
            .iter()
            .zip(&self.consumed_at)
            .filter(|(_, at)| **at == NOT_CONSUMED)
            .map(|((p, _), _)| *p)
    }

    /// The queue the rule at `rule_index` saw.
    fn queue_before(&self, rule_index: usize) -> impl Iterator<Item = &'a str> + '_ {
        self.entries
            .iter()
            .zip(&self.consumed_at)
            .filter(move |(_, at)| **at == NOT_CONSUMED || **at >= rule_index)
            .map(|((p, _), _)| *p)
    }

    /// The reference's `Full trace ...` block for a failure at `rule_index`,
    /// with every list sorted (the reference prints set order, which varies
    /// from run to run).
    pub fn reference_trace(&self, rule_index: usize) -> String {
        let mut out = format!(
            "Full trace for 'expected_{}' of item '{}':\n",
            self.kind.as_str(),
            self.item
        );
        for kind in [ArtifactKind::Materials, ArtifactKind::Products] {
            let used = if kind == self.kind {
                " (used for queue)"
            } else {
                ""
            };
            let list = pyrepr::list_repr(self.own.get(kind).keys().map(String::as_str));
            let _ = writeln!(out, "Available {}{used}:\n{list}", kind.as_str());
        }
        for (index, rule) in self.rules.iter().enumerate().take(rule_index) {
            let list = pyrepr::list_repr(self.queue_after(index));
            let _ = writeln!(out, "Queue after '{rule}':\n{list}");
        }
        out
    }

    /// The reference's `RuleVerificationError` message for `violation`
    /// (one of this report's), lists sorted. For
    /// [`Problem::AmbiguousMatchPath`] it is the reference's `KeyError`
    /// text: the quoted path it would look up.
    pub fn reference_message(&self, violation: &RuleViolation<'_>) -> String {
        let trace = || self.reference_trace(violation.rule_index);
        match &violation.problem {
            Problem::Disallowed { artifacts } => format!(
                "'DISALLOW {}' matched the following artifacts: {}\n{}",
                violation.rule.pattern_str(),
                pyrepr::list_repr(artifacts.iter().map(|a| a.path)),
                trace()
            ),
            Problem::RequiredMissing { path, .. } => format!(
                "'REQUIRE {path}' did not find {path} in: {}\n{}",
                pyrepr::set_repr(self.queue_before(violation.rule_index)),
                trace()
            ),
            Problem::AmbiguousMatchPath { artifacts } => artifacts
                .first()
                .map(|a| pyrepr::str_repr(&a.looked_up))
                .unwrap_or_default(),
        }
    }
}

/// `{sha256: ab12..., sha512: ...}`
struct Digests<'d>(&'d DigestSet);

impl fmt::Display for Digests<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (algo, hex)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{algo}: {hex}")?;
        }
        f.write_str("}")
    }
}

/// The destination of a MATCH: `build products` or `build products 'sub/x'`.
struct Dest<'d> {
    step: &'d str,
    dest_type: ArtifactKind,
    dest_path: &'d Option<String>,
}

impl fmt::Display for Dest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.step, self.dest_type)?;
        if let Some(path) = self.dest_path {
            write!(f, " {}", pyrepr::str_repr(path))?;
        }
        Ok(())
    }
}

impl fmt::Display for NotConsumed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlsoInMaterials => f.write_str("already in materials"),
            Self::StillInProducts => f.write_str("still in products"),
            Self::Unchanged => f.write_str("unchanged"),
            Self::MissingFrom(kind) => write!(f, "not in {kind}"),
            Self::NoLinkForStep { step } => {
                write!(f, "no link for step {}", pyrepr::str_repr(step))
            }
            Self::NotFound {
                step,
                dest_type,
                dest_path,
            } => {
                write!(
                    f,
                    "not found in {}",
                    Dest {
                        step,
                        dest_type: *dest_type,
                        dest_path
                    }
                )
            }
            Self::DigestsDiffer {
                step,
                dest_type,
                dest_path,
                here,
                there,
            } => write!(
                f,
                "digests differ: here {}, {} {}",
                Digests(here),
                Dest {
                    step,
                    dest_type: *dest_type,
                    dest_path
                },
                Digests(there)
            ),
            Self::AmbiguousPath { looked_up } => {
                write!(
                    f,
                    "ambiguous path below the source prefix (the reference would look up {})",
                    pyrepr::str_repr(looked_up)
                )
            }
        }
    }
}

impl fmt::Display for RuleViolation<'_> {
    /// Rules are numbered from 1 in text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = pyrepr::str_repr(&self.rule.to_string());
        let number = self.rule_index + 1;
        match &self.problem {
            Problem::Disallowed { artifacts } => {
                let n = artifacts.len();
                let plural = if n == 1 { "" } else { "s" };
                write!(f, "rule {number} {rule} matched {n} artifact{plural}:")?;
                for a in artifacts {
                    write!(f, "\n  {}", pyrepr::str_repr(a.path))?;
                    if a.not_consumed.is_empty() {
                        f.write_str(" (no earlier rule matched it)")?;
                    }
                    for miss in &a.not_consumed {
                        write!(
                            f,
                            "\n    not consumed by rule {} {}: {}",
                            miss.rule_index + 1,
                            pyrepr::str_repr(&miss.rule.to_string()),
                            miss.reason
                        )?;
                    }
                }
                Ok(())
            }
            Problem::RequiredMissing { path, consumed_by } => {
                let path = pyrepr::str_repr(path);
                write!(f, "rule {number} {rule} did not find {path}: ")?;
                match consumed_by {
                    Some(i) => write!(f, "it was consumed by rule {}", i + 1),
                    None => f.write_str("there is no such artifact"),
                }
            }
            Problem::AmbiguousMatchPath { artifacts } => {
                write!(
                    f,
                    "rule {number} {rule} cannot evaluate artifacts below its source prefix:"
                )?;
                for a in artifacts {
                    write!(
                        f,
                        "\n  {}: the reference would look up {}",
                        pyrepr::str_repr(a.path),
                        pyrepr::str_repr(&a.looked_up)
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for ItemRuleReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected_{} of {}: ",
            self.kind,
            pyrepr::str_repr(self.item)
        )?;
        if self.violations.is_empty() {
            return f.write_str("passed");
        }
        let n = self.violations.len();
        write!(f, "{n} failed rule{}", if n == 1 { "" } else { "s" })?;
        for v in &self.violations {
            write!(f, "\n{v}")?;
        }
        Ok(())
    }
}
