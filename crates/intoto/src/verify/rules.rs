//! Applying the artifact rules of steps and inspections, and turning the
//! rule engine's borrowed report into owned report data with the source of
//! every digest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::VerifyLog;
use super::report::{
    CaughtArtifact, DigestSource, Failure, FailureKind, NearMiss, NotConsumedReason, RuleProblem,
    RuleTrace, RulesReport, SourcedDigest, Stage,
};
use crate::model::Link;
use crate::model::artifact::DigestSet;
use crate::model::rule::{ArtifactKind, ArtifactRule};
use crate::rules::{
    ItemArtifacts, ItemRuleReport, LinkLookup, NotConsumed, Problem, verify_item_rules,
};

/// The links rules may `MATCH` against, with the files they came from.
pub(super) struct Lookup<'a> {
    links: BTreeMap<&'a str, (&'a Link, Option<&'a Path>)>,
}

impl<'a> Lookup<'a> {
    pub(super) fn new(
        items: impl IntoIterator<Item = (&'a str, &'a Link, Option<&'a Path>)>,
    ) -> Self {
        Self {
            links: items.into_iter().map(|(n, l, f)| (n, (l, f))).collect(),
        }
    }

    fn file(&self, item: &str) -> Option<PathBuf> {
        self.links
            .get(item)
            .and_then(|(_, f)| f.map(Path::to_path_buf))
    }
}

impl LinkLookup for Lookup<'_> {
    fn item_artifacts(&self, name: &str) -> Option<ItemArtifacts<'_>> {
        self.links
            .get(name)
            .map(|(l, _)| ItemArtifacts::new(&l.materials, &l.products))
    }
}

/// A step or inspection with its rules and its (reduced) link.
pub(super) struct Item<'a> {
    pub(super) name: &'a str,
    pub(super) materials_rules: &'a [ArtifactRule],
    pub(super) products_rules: &'a [ArtifactRule],
    pub(super) link: &'a Link,
    pub(super) file: Option<&'a Path>,
}

/// Applies the item's material rules, then its product rules; returns the
/// traces and every failure (the reference's messages included).
pub(super) fn evaluate(
    item: &Item<'_>,
    lookup: &Lookup<'_>,
    log: &dyn VerifyLog,
) -> (Vec<RulesReport>, Vec<Failure>) {
    let own = ItemArtifacts::new(&item.link.materials, &item.link.products);
    let stage = if item.file.is_some() {
        Stage::StepRules
    } else {
        Stage::InspectionRules
    };
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for (kind, rules) in [
        (ArtifactKind::Materials, item.materials_rules),
        (ArtifactKind::Products, item.products_rules),
    ] {
        let which = match kind {
            ArtifactKind::Materials => "material",
            _ => "product",
        };
        log.info(&format!("Verifying {which} rules for '{}'...", item.name));
        for rule in rules {
            log.info(&format!("Verifying '{}'...", rule.tokens().join(" ")));
        }
        let result = verify_item_rules(item.name, kind, rules, own, lookup);
        reports.push(trace(&result));
        for v in result.violations() {
            failures.push(Failure {
                stage,
                kind: FailureKind::Rule {
                    item: item.name.to_owned(),
                    kind,
                    rule_index: v.rule_index,
                    rule: v.rule.tokens().to_vec(),
                    problem: problem(&v.problem, item, kind, lookup),
                },
                reference_kind: "RuleVerificationError".to_owned(),
                reference_message: result.reference_message(v),
            });
        }
    }
    (reports, failures)
}

fn trace(r: &ItemRuleReport<'_>) -> RulesReport {
    let failed: Vec<usize> = r.violations().iter().map(|v| v.rule_index).collect();
    RulesReport {
        kind: r.kind(),
        rules: r
            .rules()
            .iter()
            .enumerate()
            .map(|(index, rule)| RuleTrace {
                index,
                rule: rule.tokens().to_vec(),
                consumed: r.consumed_by(index).map(str::to_owned).collect(),
                passed: !failed.contains(&index),
            })
            .collect(),
        unconsumed: r.unconsumed().map(str::to_owned).collect(),
    }
}

fn sourced(
    digests: &DigestSet,
    item: &str,
    kind: ArtifactKind,
    path: &str,
    file: Option<PathBuf>,
) -> SourcedDigest {
    SourcedDigest {
        digests: digests.clone(),
        source: DigestSource {
            item: item.to_owned(),
            kind,
            path: path.to_owned(),
            file,
        },
    }
}

fn problem(
    p: &Problem<'_>,
    item: &Item<'_>,
    kind: ArtifactKind,
    lookup: &Lookup<'_>,
) -> RuleProblem {
    let own_file = || item.file.map(Path::to_path_buf);
    match p {
        Problem::Disallowed { artifacts } => RuleProblem::Disallowed {
            artifacts: artifacts
                .iter()
                .map(|a| CaughtArtifact {
                    artifact: sourced(a.digests, item.name, kind, a.path, own_file()),
                    not_consumed: a
                        .not_consumed
                        .iter()
                        .map(|m| NearMiss {
                            rule_index: m.rule_index,
                            rule: m.rule.tokens().to_vec(),
                            reason: reason(&m.reason, a.path, a.digests, item, kind, lookup),
                        })
                        .collect(),
                })
                .collect(),
        },
        Problem::RequiredMissing { path, consumed_by } => RuleProblem::RequiredMissing {
            path: (*path).to_owned(),
            consumed_by: *consumed_by,
        },
        Problem::AmbiguousMatchPath { artifacts } => RuleProblem::AmbiguousMatchPath {
            artifacts: artifacts
                .iter()
                .map(|a| (a.path.to_owned(), a.looked_up.clone()))
                .collect(),
        },
    }
}

fn reason(
    r: &NotConsumed<'_>,
    path: &str,
    digests: &DigestSet,
    item: &Item<'_>,
    kind: ArtifactKind,
    lookup: &Lookup<'_>,
) -> NotConsumedReason {
    let own_file = || item.file.map(Path::to_path_buf);
    match r {
        NotConsumed::AlsoInMaterials => NotConsumedReason::AlsoInMaterials,
        NotConsumed::StillInProducts => NotConsumedReason::StillInProducts,
        NotConsumed::Unchanged => {
            let other_kind = kind.other();
            let other = match other_kind {
                ArtifactKind::Materials => item.link.materials.get(path),
                _ => item.link.products.get(path),
            }
            .unwrap_or(digests);
            let here = sourced(digests, item.name, kind, path, own_file());
            let there = sourced(other, item.name, other_kind, path, own_file());
            let (material, product) = match kind {
                ArtifactKind::Materials => (here, there),
                _ => (there, here),
            };
            NotConsumedReason::Unchanged { material, product }
        }
        NotConsumed::MissingFrom(k) => NotConsumedReason::MissingFrom(*k),
        NotConsumed::NoLinkForStep { step } => NotConsumedReason::NoLinkForStep {
            step: (*step).to_owned(),
        },
        NotConsumed::NotFound {
            step,
            dest_type,
            dest_path,
        } => NotConsumedReason::NotFound {
            expected_at: DigestSource {
                item: (*step).to_owned(),
                kind: *dest_type,
                path: dest_path.clone().unwrap_or_else(|| path.to_owned()),
                file: lookup.file(step),
            },
        },
        NotConsumed::DigestsDiffer {
            step,
            dest_type,
            dest_path,
            here,
            there,
        } => NotConsumedReason::DigestsDiffer {
            expected: sourced(
                there,
                step,
                *dest_type,
                dest_path.as_deref().unwrap_or(path),
                lookup.file(step),
            ),
            found: sourced(here, item.name, kind, path, own_file()),
        },
        NotConsumed::AmbiguousPath { looked_up } => NotConsumedReason::AmbiguousPath {
            looked_up: looked_up.clone(),
        },
    }
}
