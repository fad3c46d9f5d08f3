//! What the verification page shows, gathered from the report and the
//! layout: the supply chain's items with their outcomes and rules, and the
//! artifact flow between them.

use std::collections::BTreeMap;

use intoto::model::rule::{ArtifactKind, RuleKind};
use intoto::model::{ArtifactRule, Layout};
use intoto::verify::{
    Failure, FailureKind, InspectionReport, InspectionStatus, NotConsumedReason, RuleProblem,
    RulesReport, Stage, StepReport, VerificationReport,
};

/// How an item (or a rule) came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Checked and fine.
    Passed,
    /// Something about it failed.
    Failed,
    /// Not (fully) checked: earlier failures stopped verification, or the
    /// inspection was not run.
    NotChecked,
}

impl Outcome {
    pub(crate) fn class(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::NotChecked => "unchecked",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::NotChecked => "not checked",
        }
    }

    pub(crate) fn mark(self) -> &'static str {
        match self {
            Self::Passed => "\u{2713}",
            Self::Failed => "\u{2717}",
            Self::NotChecked => "\u{2013}",
        }
    }
}

/// A step or an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemKind {
    Step,
    Inspection,
}

/// One rule as the page shows it.
#[derive(Debug)]
pub(crate) struct RuleRow<'a> {
    pub(crate) index: usize,
    pub(crate) tokens: &'a [String],
    /// `None`: not evaluated.
    pub(crate) passed: Option<bool>,
    pub(crate) consumed: &'a [String],
    /// The failures of this rule.
    pub(crate) failures: Vec<&'a Failure>,
}

/// The rules of one item for one artifact kind.
#[derive(Debug)]
pub(crate) struct RuleList<'a> {
    pub(crate) kind: ArtifactKind,
    pub(crate) rows: Vec<RuleRow<'a>>,
    /// Artifacts no rule consumed, when the rules were evaluated.
    pub(crate) unconsumed: Option<&'a [String]>,
}

/// One step or inspection of the supply chain.
#[derive(Debug)]
pub(crate) struct Item<'a> {
    pub(crate) kind: ItemKind,
    pub(crate) name: &'a str,
    /// A number unique in the page, for its anchor.
    pub(crate) anchor: usize,
    pub(crate) outcome: Outcome,
    pub(crate) step: Option<&'a StepReport>,
    pub(crate) inspection: Option<&'a InspectionReport>,
    /// From the layout: the expected command of a step, the command of an
    /// inspection.
    pub(crate) command: Option<&'a [String]>,
    pub(crate) rules: Vec<RuleList<'a>>,
    /// Every failure about this item.
    pub(crate) failures: Vec<&'a Failure>,
}

/// An arrow of the artifact flow: `to` has MATCH rules against `from`.
#[derive(Debug)]
pub(crate) struct Flow {
    /// The item whose link holds the counterpart (an index into the items,
    /// or `None` when no item has that name).
    pub(crate) from: Option<usize>,
    /// The name the rules give (`FROM <name>`).
    pub(crate) from_name: String,
    pub(crate) to: usize,
    /// One label per MATCH rule: `demo-project/* (products → materials)`.
    pub(crate) labels: Vec<String>,
    /// Whether a MATCH rule of this flow left an artifact unconsumed
    /// because the counterpart differs or is missing.
    pub(crate) broken: bool,
}

/// Everything one report page shows about a supply chain.
#[derive(Debug)]
pub(crate) struct Chain<'a> {
    pub(crate) items: Vec<Item<'a>>,
    pub(crate) flows: Vec<Flow>,
}

/// Whether `failure` concerns the item `name` of `kind`.
fn concerns(failure: &Failure, kind: ItemKind, name: &str) -> bool {
    if failure.item() != Some(name) {
        return false;
    }
    let inspection = matches!(failure.kind, FailureKind::Inspection { .. })
        || failure.stage == Stage::InspectionRules
        || failure.stage == Stage::Inspections;
    (kind == ItemKind::Inspection) == inspection
}

fn rule_lists<'a>(
    traces: &'a [RulesReport],
    layout_rules: [Option<&'a [ArtifactRule]>; 2],
    failures: &[&'a Failure],
) -> Vec<RuleList<'a>> {
    let mut lists = Vec::new();
    for (kind, from_layout) in [ArtifactKind::Materials, ArtifactKind::Products]
        .into_iter()
        .zip(layout_rules)
    {
        let rule_failures = |index: usize| -> Vec<&'a Failure> {
            failures
                .iter()
                .copied()
                .filter(|f| {
                    matches!(&f.kind, FailureKind::Rule { kind: k, rule_index, .. }
                        if *k == kind && *rule_index == index)
                })
                .collect()
        };
        if let Some(trace) = traces.iter().find(|t| t.kind == kind) {
            lists.push(RuleList {
                kind,
                rows: trace
                    .rules
                    .iter()
                    .map(|r| RuleRow {
                        index: r.index,
                        tokens: &r.rule,
                        passed: Some(r.passed),
                        consumed: &r.consumed,
                        failures: rule_failures(r.index),
                    })
                    .collect(),
                unconsumed: Some(&trace.unconsumed),
            });
        } else if let Some(rules) = from_layout {
            lists.push(RuleList {
                kind,
                rows: rules
                    .iter()
                    .enumerate()
                    .map(|(index, r)| RuleRow {
                        index,
                        tokens: r.tokens(),
                        passed: None,
                        consumed: &[],
                        failures: rule_failures(index),
                    })
                    .collect(),
                unconsumed: None,
            });
        }
    }
    lists
}

fn step_outcome(step: Option<&StepReport>, failures: &[&Failure]) -> Outcome {
    if !failures.is_empty() {
        return Outcome::Failed;
    }
    match step {
        Some(s)
            if !s.rules.is_empty()
                && i64::try_from(s.signers.len()).unwrap_or(i64::MAX) >= s.threshold =>
        {
            Outcome::Passed
        }
        _ => Outcome::NotChecked,
    }
}

fn inspection_outcome(inspection: Option<&InspectionReport>, failures: &[&Failure]) -> Outcome {
    if !failures.is_empty() {
        return Outcome::Failed;
    }
    match inspection.map(|i| i.status) {
        Some(InspectionStatus::Failed) => Outcome::Failed,
        Some(InspectionStatus::Passed) if inspection.is_some_and(|i| !i.rules.is_empty()) => {
            Outcome::Passed
        }
        _ => Outcome::NotChecked,
    }
}

/// Whether a MATCH rule (index `rule_index` of `kind`) is named by a near
/// miss in `failures` that says its counterpart differs or is missing.
fn match_broken(failures: &[&Failure], kind: ArtifactKind, rule_index: usize) -> bool {
    failures.iter().any(|f| match &f.kind {
        FailureKind::Rule {
            kind: k,
            problem: RuleProblem::Disallowed { artifacts },
            ..
        } if *k == kind => artifacts.iter().any(|a| {
            a.not_consumed.iter().any(|m| {
                m.rule_index == rule_index
                    && matches!(
                        m.reason,
                        NotConsumedReason::DigestsDiffer { .. }
                            | NotConsumedReason::NotFound { .. }
                            | NotConsumedReason::NoLinkForStep { .. }
                            | NotConsumedReason::AmbiguousPath { .. }
                    )
            })
        }),
        _ => false,
    })
}

impl<'a> Chain<'a> {
    /// Gathers the items of `report` (and `layout`, which fills in what the
    /// report does not carry: commands, and rules that were not evaluated).
    /// Anchors are numbered from `first_anchor`.
    pub(crate) fn new(
        report: &'a VerificationReport,
        layout: Option<&'a Layout>,
        first_anchor: usize,
    ) -> Self {
        let mut items = Vec::new();
        let step_count = layout.map_or(report.steps.len(), |l| l.steps.len());
        for i in 0..step_count {
            let layout_step = layout.and_then(|l| l.steps.get(i));
            let step = report.steps.get(i);
            let Some(name) = step
                .map(|s| s.name.as_str())
                .or(layout_step.map(|s| s.name.as_str()))
            else {
                continue;
            };
            let failures: Vec<&Failure> = report
                .failures
                .iter()
                .filter(|f| concerns(f, ItemKind::Step, name))
                .collect();
            items.push(Item {
                kind: ItemKind::Step,
                name,
                anchor: first_anchor + items.len(),
                outcome: step_outcome(step, &failures),
                step,
                inspection: None,
                command: layout_step.map(|s| s.expected_command.as_slice()),
                rules: rule_lists(
                    step.map_or(&[], |s| s.rules.as_slice()),
                    [
                        layout_step.map(|s| s.expected_materials.as_slice()),
                        layout_step.map(|s| s.expected_products.as_slice()),
                    ],
                    &failures,
                ),
                failures,
            });
        }
        let inspection_count = layout.map_or(report.inspections.len(), |l| l.inspect.len());
        for i in 0..inspection_count {
            let layout_insp = layout.and_then(|l| l.inspect.get(i));
            let insp = report.inspections.get(i);
            let Some(name) = insp
                .map(|s| s.name.as_str())
                .or(layout_insp.map(|s| s.name.as_str()))
            else {
                continue;
            };
            let failures: Vec<&Failure> = report
                .failures
                .iter()
                .filter(|f| concerns(f, ItemKind::Inspection, name))
                .collect();
            items.push(Item {
                kind: ItemKind::Inspection,
                name,
                anchor: first_anchor + items.len(),
                outcome: inspection_outcome(insp, &failures),
                step: None,
                inspection: insp,
                command: insp
                    .map(|i| i.run.as_slice())
                    .or(layout_insp.map(|i| i.run.as_slice())),
                rules: rule_lists(
                    insp.map_or(&[], |s| s.rules.as_slice()),
                    [
                        layout_insp.map(|s| s.expected_materials.as_slice()),
                        layout_insp.map(|s| s.expected_products.as_slice()),
                    ],
                    &failures,
                ),
                failures,
            });
        }
        let flows = flows(&items);
        Self { items, flows }
    }

    /// The item a failure concerns, if it is one of ours.
    pub(crate) fn item_of(&self, failure: &Failure) -> Option<&Item<'a>> {
        self.items
            .iter()
            .find(|i| i.failures.iter().any(|f| std::ptr::eq(*f, failure)))
    }
}

/// The MATCH rules of every item, as arrows from the item they match
/// against to the item that has them.
fn flows(items: &[Item<'_>]) -> Vec<Flow> {
    let mut by_pair: BTreeMap<(Option<usize>, String, usize), Flow> = BTreeMap::new();
    for (to, item) in items.iter().enumerate() {
        for list in &item.rules {
            for row in &list.rows {
                let Ok(rule) = ArtifactRule::from_list(row.tokens) else {
                    continue;
                };
                let RuleKind::Match(m) = rule.kind() else {
                    continue;
                };
                // Steps first: MATCH rules name steps (or inspections).
                let from = items
                    .iter()
                    .position(|i| i.kind == ItemKind::Step && i.name == m.dest_step)
                    .or_else(|| items.iter().position(|i| i.name == m.dest_step));
                let mut label = String::new();
                if let Some(prefix) = &m.source_prefix {
                    label.push_str(prefix);
                    label.push('/');
                }
                label.push_str(m.pattern.as_str());
                label.push_str(" (");
                label.push_str(m.dest_type.as_str());
                label.push_str(" \u{2192} ");
                label.push_str(list.kind.as_str());
                label.push(')');
                let broken = match_broken(&item.failures, list.kind, row.index);
                let flow = by_pair
                    .entry((from, m.dest_step.clone(), to))
                    .or_insert_with(|| Flow {
                        from,
                        from_name: m.dest_step.clone(),
                        to,
                        labels: Vec::new(),
                        broken: false,
                    });
                flow.labels.push(label);
                flow.broken |= broken;
            }
        }
    }
    by_pair.into_values().collect()
}
