//! Warnings about layouts that are valid but almost certainly not what
//! their author meant.
//!
//! Each check follows the reference's verification semantics (see
//! `spec/python-reference.md` 5.1 and 5.3): rules run in order over a queue
//! of artifacts, every rule except DISALLOW and REQUIRE may remove
//! ("consume") artifacts from it, REQUIRE looks for a literal path in what
//! is left, nothing is checked at the end, step rules can MATCH only step
//! links, and inspection rules can MATCH steps and inspections.

use std::collections::BTreeSet;
use std::fmt;

use crate::model::rule::{ArtifactKind, ArtifactRule, MatchRule, RuleKind};
use crate::model::{Layout, Step};
use crate::time::Timestamp;

use super::text::{escape_control, join_words};

/// Warn when a layout expires within this many days.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Whether an item is a step or an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ItemKind {
    /// A step (performed by functionaries, who sign links).
    Step,
    /// An inspection (run by the verifier).
    Inspection,
}

impl ItemKind {
    /// `step` or `inspection`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Step => "step",
            Self::Inspection => "inspection",
        }
    }
}

/// A step or inspection, by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemRef {
    /// Step or inspection.
    pub kind: ItemKind,
    /// Its name.
    pub name: String,
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} '{}'", self.kind.as_str(), escape_control(&self.name))
    }
}

/// What a warning is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Subject {
    /// The layout as a whole (its expiry).
    Layout,
    /// A functionary key of the layout.
    Key {
        /// The key id.
        keyid: String,
    },
    /// A step or inspection.
    Item(ItemRef),
    /// The materials or products rules of a step or inspection.
    List {
        /// The step or inspection.
        item: ItemRef,
        /// Which list.
        list: ArtifactKind,
    },
    /// One rule.
    Rule {
        /// The step or inspection.
        item: ItemRef,
        /// Which list.
        list: ArtifactKind,
        /// The rule's position in the list, from 0.
        index: usize,
        /// The rule as written (tokens joined, quoted where needed).
        rule: String,
    },
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Layout => f.write_str("layout"),
            Self::Key { keyid } => write!(f, "functionary key {}", escape_control(keyid)),
            Self::Item(item) => write!(f, "{item}"),
            Self::List { item, list } => write!(f, "{item}, {list}"),
            Self::Rule {
                item,
                list,
                index,
                rule,
            } => write!(
                f,
                "{item}, {list} rule {} '{}'",
                index + 1,
                escape_control(rule)
            ),
        }
    }
}

/// The kinds of mistakes lint looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum LintCode {
    /// The layout has expired.
    Expired,
    /// The layout expires within [`EXPIRY_WARNING_DAYS`] days.
    ExpiresSoon,
    /// A functionary key that no step authorises.
    UnusedKey,
    /// A step authorises a key id that is not among the layout's keys.
    UnknownKey,
    /// A threshold larger than the number of functionaries listed.
    ThresholdTooHigh,
    /// No later step and no inspection MATCHes a step's products.
    UnmatchedProducts,
    /// A step's rule list does not end with `DISALLOW *`.
    NoFinalDisallow,
    /// A REQUIRE after a rule that may consume the required file.
    RequireAfterConsumer,
    /// A REQUIRE that can never pass together with the rules around it.
    RequireAlwaysFails,
    /// A MATCH rule naming a step or inspection the layout does not define.
    UnknownMatchTarget,
    /// A step's MATCH rule naming a step that comes later in the layout.
    MatchLaterStep,
    /// A step's MATCH rule naming an inspection (steps never see inspection links).
    MatchInspectionFromStep,
    /// A rule whose pattern can never match an artifact.
    NeverMatches,
}

impl LintCode {
    /// A short name for the check, e.g. `no-final-disallow`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::ExpiresSoon => "expires-soon",
            Self::UnusedKey => "unused-key",
            Self::UnknownKey => "unknown-key",
            Self::ThresholdTooHigh => "threshold-too-high",
            Self::UnmatchedProducts => "unmatched-products",
            Self::NoFinalDisallow => "no-final-disallow",
            Self::RequireAfterConsumer => "require-after-consumer",
            Self::RequireAlwaysFails => "require-always-fails",
            Self::UnknownMatchTarget => "unknown-match-target",
            Self::MatchLaterStep => "match-later-step",
            Self::MatchInspectionFromStep => "match-inspection-from-step",
            Self::NeverMatches => "never-matches",
        }
    }
}

impl fmt::Display for LintCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One warning: which check, about what, and why it is probably a mistake.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LintWarning {
    /// The check.
    pub code: LintCode,
    /// What the warning is about.
    pub subject: Subject,
    /// The explanation (control characters escaped).
    pub message: String,
}

impl fmt::Display for LintWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.subject, self.message, self.code)
    }
}

/// Checks a layout for likely mistakes, as of `now`. The warnings come in
/// layout order: expiry, keys, then each step and inspection.
pub fn lint(layout: &Layout, now: Timestamp) -> Vec<LintWarning> {
    let mut out = Vec::new();
    let mut warn = |code, subject, message: String| {
        out.push(LintWarning {
            code,
            subject,
            message,
        });
    };

    if layout.expires <= now {
        warn(
            LintCode::Expired,
            Subject::Layout,
            format!(
                "the layout expired at {}; verification will refuse it",
                layout.expires
            ),
        );
    } else {
        let days = (layout.expires.unix() - now.unix()) / 86_400;
        if days < EXPIRY_WARNING_DAYS {
            warn(
                LintCode::ExpiresSoon,
                Subject::Layout,
                format!(
                    "the layout expires at {} ({}), in less than {EXPIRY_WARNING_DAYS} days",
                    layout.expires,
                    if days == 0 {
                        "today".to_owned()
                    } else {
                        format!("in {days} day{}", if days == 1 { "" } else { "s" })
                    }
                ),
            );
        }
    }

    let used: BTreeSet<&str> = layout
        .steps
        .iter()
        .flat_map(|s| s.pubkeys.iter().map(String::as_str))
        .collect();
    for keyid in layout.keys.keys() {
        if !used.contains(keyid.as_str()) {
            warn(
                LintCode::UnusedKey,
                Subject::Key {
                    keyid: keyid.clone(),
                },
                "no step authorises this key".to_owned(),
            );
        }
    }

    for (index, step) in layout.steps.iter().enumerate() {
        let item = ItemRef {
            kind: ItemKind::Step,
            name: step.name.clone(),
        };
        let mut known = BTreeSet::new();
        for keyid in &step.pubkeys {
            if layout.keys.contains_key(keyid) {
                known.insert(keyid.as_str());
            } else {
                warn(
                    LintCode::UnknownKey,
                    Subject::Item(item.clone()),
                    format!(
                        "authorises key id {}, which is not among the layout's keys, so its links can never verify",
                        escape_control(keyid)
                    ),
                );
            }
        }
        if step.threshold > i64::try_from(known.len()).unwrap_or(i64::MAX) {
            warn(
                LintCode::ThresholdTooHigh,
                Subject::Item(item.clone()),
                format!(
                    "the threshold is {} but {} the step can never pass",
                    step.threshold,
                    match known.len() {
                        0 => "no functionary is authorised:".to_owned(),
                        1 => "only 1 functionary is authorised:".to_owned(),
                        n => format!("only {n} functionaries are authorised:"),
                    }
                ),
            );
        }
        for (list, rules) in [
            (ArtifactKind::Materials, &step.expected_materials),
            (ArtifactKind::Products, &step.expected_products),
        ] {
            check_list(layout, &item, Some(index), list, rules, &mut warn);
            let ends_with_disallow_all = rules
                .last()
                .is_some_and(|r| matches!(r.kind(), RuleKind::Disallow(p) if p.as_str() == "*"));
            if !rules.is_empty() && !ends_with_disallow_all {
                warn(
                    LintCode::NoFinalDisallow,
                    Subject::List {
                        item: item.clone(),
                        list,
                    },
                    format!(
                        "the list does not end with 'DISALLOW *', so any {list} the rules do not consume are accepted"
                    ),
                );
            }
        }
        if !products_matched_later(layout, index, step) && !produces_nothing(step) {
            warn(
                LintCode::UnmatchedProducts,
                Subject::List {
                    item: item.clone(),
                    list: ArtifactKind::Products,
                },
                "no later step and no inspection MATCHes these products, so nothing checks that what this step produced is what was used or shipped".to_owned(),
            );
        }
    }

    for insp in &layout.inspect {
        let item = ItemRef {
            kind: ItemKind::Inspection,
            name: insp.name.clone(),
        };
        for (list, rules) in [
            (ArtifactKind::Materials, &insp.expected_materials),
            (ArtifactKind::Products, &insp.expected_products),
        ] {
            check_list(layout, &item, None, list, rules, &mut warn);
        }
    }
    out
}

/// Whether a step's product rules say it must produce nothing (`DISALLOW *` first).
fn produces_nothing(step: &Step) -> bool {
    step.expected_products
        .first()
        .is_some_and(|r| matches!(r.kind(), RuleKind::Disallow(p) if p.as_str() == "*"))
}

fn match_rules(rules: &[ArtifactRule]) -> impl Iterator<Item = &MatchRule> {
    rules.iter().filter_map(|r| match r.kind() {
        RuleKind::Match(m) => Some(m),
        _ => None,
    })
}

/// Whether a later step or any inspection has a `MATCH ... WITH PRODUCTS FROM <step>`.
fn products_matched_later(layout: &Layout, index: usize, step: &Step) -> bool {
    let later_steps = layout
        .steps
        .iter()
        .skip(index + 1)
        .flat_map(|s| s.expected_materials.iter().chain(&s.expected_products));
    let inspections = layout
        .inspect
        .iter()
        .flat_map(|i| i.expected_materials.iter().chain(&i.expected_products));
    let all: Vec<ArtifactRule> = later_steps.chain(inspections).cloned().collect();
    match_rules(&all).any(|m| m.dest_step == step.name && m.dest_type == ArtifactKind::Products)
}

/// How a rule treats the artifacts its pattern matches.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Consumes every matching artifact (ALLOW).
    ConsumesAll,
    /// Consumes some matching artifacts, depending on the links (CREATE,
    /// DELETE, MODIFY, MATCH).
    MayConsume,
    /// Fails verification if any artifact matches (DISALLOW).
    Rejects,
    /// Neither consumes nor rejects (REQUIRE; CREATE on materials, DELETE on products).
    Inert,
}

fn effect(rule: &ArtifactRule, list: ArtifactKind) -> Effect {
    match (rule.kind(), list) {
        (RuleKind::Allow(_), _) => Effect::ConsumesAll,
        (RuleKind::Disallow(_), _) => Effect::Rejects,
        (RuleKind::Require(_), _)
        | (RuleKind::Create(_), ArtifactKind::Materials)
        | (RuleKind::Delete(_), ArtifactKind::Products) => Effect::Inert,
        _ => Effect::MayConsume,
    }
}

/// Whether `rule`'s pattern matches the artifact path `path` (for MATCH,
/// below its source prefix; for REQUIRE, the literal file).
fn matches_path(rule: &ArtifactRule, path: &str) -> bool {
    match rule.kind() {
        RuleKind::Create(p)
        | RuleKind::Delete(p)
        | RuleKind::Modify(p)
        | RuleKind::Allow(p)
        | RuleKind::Disallow(p) => p.matches(path),
        RuleKind::Require(f) => f == path,
        RuleKind::Match(m) => match &m.source_prefix {
            None => m.pattern.matches(path),
            Some(prefix) => {
                let dir = if prefix.ends_with('/') {
                    prefix.clone()
                } else {
                    format!("{prefix}/")
                };
                path.strip_prefix(&dir)
                    .is_some_and(|rest| m.pattern.matches(rest))
            }
        },
    }
}

/// The one path a rule can match, when its pattern has no wildcard.
fn literal_path(rule: &ArtifactRule) -> Option<String> {
    match rule.kind() {
        RuleKind::Require(f) => Some(f.clone()),
        RuleKind::Match(m) => {
            let lit = m.pattern.literal()?;
            Some(match &m.source_prefix {
                None => lit.to_owned(),
                Some(p) if p.ends_with('/') => format!("{p}{lit}"),
                Some(p) => format!("{p}/{lit}"),
            })
        }
        RuleKind::Create(p)
        | RuleKind::Delete(p)
        | RuleKind::Modify(p)
        | RuleKind::Allow(p)
        | RuleKind::Disallow(p) => p.literal().map(str::to_owned),
    }
}

/// Whether every artifact `later` could match is matched by `earlier`'s
/// pattern (decided for `*`, identical patterns and literal paths).
fn covers(earlier: &ArtifactRule, later: &ArtifactRule) -> bool {
    let pattern = earlier.pattern_str();
    if pattern == "*" {
        return true;
    }
    if let Some(path) = literal_path(later) {
        return matches_path(earlier, &path);
    }
    let later_is_unprefixed =
        !matches!(later.kind(), RuleKind::Match(m) if m.source_prefix.is_some());
    later_is_unprefixed && later.pattern_str() == pattern
}

/// Why a pattern can never match a recorded artifact path, if it cannot.
fn impossible_pattern(rule: &ArtifactRule) -> Option<&'static str> {
    let p = match rule.kind() {
        RuleKind::Match(m) if m.source_prefix.is_some() => return None,
        _ => rule.pattern_str(),
    };
    if p.starts_with("dir:") {
        return None;
    }
    if p.starts_with("./") {
        Some("recorded paths are normalised and never start with './'")
    } else if p.ends_with('/') {
        Some("artifacts are files, and their paths never end with '/'")
    } else if p.contains("//") || p.contains("/./") {
        Some("recorded paths are normalised and never contain '//' or '/./'")
    } else {
        None
    }
}

fn rule_text(rule: &ArtifactRule) -> String {
    join_words(rule.tokens())
}

fn check_list(
    layout: &Layout,
    item: &ItemRef,
    step_index: Option<usize>,
    list: ArtifactKind,
    rules: &[ArtifactRule],
    warn: &mut impl FnMut(LintCode, Subject, String),
) {
    let subject = |index: usize, rule: &ArtifactRule| Subject::Rule {
        item: item.clone(),
        list,
        index,
        rule: rule_text(rule),
    };
    let cite = |index: usize, rule: &ArtifactRule| {
        format!("rule {} '{}'", index + 1, escape_control(&rule_text(rule)))
    };
    for (i, rule) in rules.iter().enumerate() {
        // A pattern that cannot match any recorded path.
        if let Some(why) = impossible_pattern(rule) {
            warn(
                LintCode::NeverMatches,
                subject(i, rule),
                format!("the pattern can never match: {why}"),
            );
        }
        // Rules that have no effect on this list.
        match (rule.kind(), list) {
            (RuleKind::Create(_), ArtifactKind::Materials) => warn(
                LintCode::NeverMatches,
                subject(i, rule),
                "CREATE never matches materials (a created file is a product that was not a material); did you mean products?".to_owned(),
            ),
            (RuleKind::Delete(_), ArtifactKind::Products) => warn(
                LintCode::NeverMatches,
                subject(i, rule),
                "DELETE never matches products (a deleted file is a material that is not a product); did you mean materials?".to_owned(),
            ),
            _ => {}
        }
        // An earlier ALLOW or DISALLOW already took everything this rule could see.
        let earlier = rules.iter().enumerate().take(i).find(|(_, e)| {
            matches!(effect(e, list), Effect::ConsumesAll | Effect::Rejects) && covers(e, rule)
        });
        if let RuleKind::Require(file) = rule.kind() {
            check_require(rules, i, file, list, &subject, &cite, warn);
        } else if let Some((j, e)) = earlier {
            let why = if effect(e, list) == Effect::ConsumesAll {
                "has already consumed every artifact this rule could match"
            } else {
                "rejects every artifact this rule could match (verification fails there), so none is left for it"
            };
            warn(
                LintCode::NeverMatches,
                subject(i, rule),
                format!("this rule can never match anything: {} {why}", cite(j, e)),
            );
        }
        // MATCH rules must name an item whose link this list can see.
        if let RuleKind::Match(m) = rule.kind() {
            let target_step = layout.steps.iter().position(|s| s.name == m.dest_step);
            let target_insp = layout.inspect.iter().any(|s| s.name == m.dest_step);
            let name = escape_control(&m.dest_step);
            match (target_step, target_insp, step_index) {
                (None, false, _) => warn(
                    LintCode::UnknownMatchTarget,
                    subject(i, rule),
                    format!(
                        "the layout has no step or inspection named '{name}', so this rule consumes nothing (and verification does not complain)"
                    ),
                ),
                (None, true, Some(_)) => warn(
                    LintCode::MatchInspectionFromStep,
                    subject(i, rule),
                    format!(
                        "'{name}' is an inspection; step rules never see inspection links, so this rule consumes nothing"
                    ),
                ),
                (Some(t), _, Some(me)) if t > me => warn(
                    LintCode::MatchLaterStep,
                    subject(i, rule),
                    format!(
                        "step '{name}' comes later in the layout than {item}; a step should only use what earlier steps produced"
                    ),
                ),
                _ => {}
            }
        }
    }
}

fn check_require(
    rules: &[ArtifactRule],
    i: usize,
    file: &str,
    list: ArtifactKind,
    subject: &impl Fn(usize, &ArtifactRule) -> Subject,
    cite: &impl Fn(usize, &ArtifactRule) -> String,
    warn: &mut impl FnMut(LintCode, Subject, String),
) {
    let Some(rule) = rules.get(i) else {
        return;
    };
    let f = escape_control(file);
    // Backwards: REQUIRE only sees what the earlier rules left in the queue.
    let before = rules
        .iter()
        .enumerate()
        .take(i)
        .find(|(_, e)| effect(e, list) != Effect::Inert && matches_path(e, file));
    if let Some((j, e)) = before {
        let (code, msg) = match effect(e, list) {
            Effect::ConsumesAll => (
                LintCode::RequireAlwaysFails,
                format!(
                    "this rule always fails: {} consumes '{f}' first, and REQUIRE only looks at what earlier rules left; put the REQUIRE before it",
                    cite(j, e)
                ),
            ),
            Effect::Rejects => (
                LintCode::RequireAlwaysFails,
                format!(
                    "this rule always fails: if '{f}' is present {} rejects it, and if it is absent the REQUIRE fails",
                    cite(j, e)
                ),
            ),
            _ => (
                LintCode::RequireAfterConsumer,
                format!(
                    "this rule fails whenever {} consumes '{f}' (REQUIRE only looks at what earlier rules left); put the REQUIRE before it",
                    cite(j, e)
                ),
            ),
        };
        warn(code, subject(i, rule), msg);
        return;
    }
    // Forwards: REQUIRE does not consume the file, so a DISALLOW that comes
    // before anything consumes it rejects the very file that is required.
    let after = rules
        .iter()
        .enumerate()
        .skip(i + 1)
        .find(|(_, e)| effect(e, list) != Effect::Inert && matches_path(e, file));
    if let Some((k, e)) = after
        && effect(e, list) == Effect::Rejects
    {
        warn(
            LintCode::RequireAlwaysFails,
            subject(i, rule),
            format!(
                "the list always fails: REQUIRE does not consume '{f}', so {} rejects it whenever it is present; add 'ALLOW {}' right after the REQUIRE",
                cite(k, e),
                escape_control(&join_words(&[file]))
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Inspection;
    use intoto_crypto::{KeySpec, PrivateKey};

    fn now() -> Timestamp {
        Timestamp::parse("2026-01-01T00:00:00Z").unwrap()
    }

    fn rules(out: &mut Vec<ArtifactRule>, written: &[&str]) {
        out.extend(written.iter().map(|r| r.parse::<ArtifactRule>().unwrap()));
    }

    /// A layout with one functionary key, authorised for every step.
    struct Builder {
        layout: Layout,
        keyid: String,
    }

    impl Builder {
        fn new() -> Self {
            let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
            let mut layout = Layout::new(&crate::time::FixedClock(now()));
            layout.expires = Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
            let keyid = layout.add_functionary_key(key.public_key().clone());
            Self {
                layout,
                keyid: keyid.as_str().to_owned(),
            }
        }

        fn step(mut self, name: &str, materials: &[&str], products: &[&str]) -> Self {
            let mut s = Step::new(name);
            s.pubkeys.push(self.keyid.clone());
            rules(&mut s.expected_materials, materials);
            rules(&mut s.expected_products, products);
            self.layout.steps.push(s);
            self
        }

        fn inspection(mut self, name: &str, materials: &[&str], products: &[&str]) -> Self {
            let mut s = Inspection::new(name);
            s.run = vec!["true".into()];
            rules(&mut s.expected_materials, materials);
            rules(&mut s.expected_products, products);
            self.layout.inspect.push(s);
            self
        }

        fn lint(&self) -> Vec<LintWarning> {
            lint(&self.layout, now())
        }
    }

    /// The two-stage example: nothing to warn about.
    fn two_stage() -> Builder {
        Builder::new()
            .step(
                "build",
                &["ALLOW pyproject.toml", "ALLOW src/*", "DISALLOW *"],
                &["CREATE dist/*", "DISALLOW *"],
            )
            .inspection(
                "check-dist",
                &["MATCH dist/* WITH PRODUCTS FROM build"],
                &[],
            )
    }

    fn codes(w: &[LintWarning]) -> Vec<LintCode> {
        w.iter().map(|w| w.code).collect()
    }

    #[track_caller]
    fn only(w: &[LintWarning], code: LintCode) -> &LintWarning {
        assert_eq!(codes(w), [code], "{w:#?}");
        &w[0]
    }

    fn rule_subject(w: &LintWarning) -> (&str, ArtifactKind, usize) {
        match &w.subject {
            Subject::Rule {
                item, list, index, ..
            } => (item.name.as_str(), *list, *index),
            other => panic!("not a rule: {other:?}"),
        }
    }

    #[test]
    fn the_two_stage_example_is_clean() {
        assert_eq!(two_stage().lint(), []);
    }

    #[test]
    fn unmatched_products() {
        let b = Builder::new().step("build", &[], &["CREATE dist/*", "DISALLOW *"]);
        let w = b.lint();
        let w = only(&w, LintCode::UnmatchedProducts);
        assert_eq!(
            w.to_string(),
            "step 'build', products: no later step and no inspection MATCHes these products, so nothing checks that what this step produced is what was used or shipped [unmatched-products]"
        );
        // A step that must produce nothing has nothing to match.
        let b = Builder::new().step("test", &[], &["DISALLOW *"]);
        assert_eq!(b.lint(), []);
        // MATCHing materials of the step does not count, nor does an earlier step.
        let b = Builder::new()
            .step(
                "a",
                &["MATCH * WITH PRODUCTS FROM b", "DISALLOW *"],
                &["DISALLOW *"],
            )
            .step("b", &[], &["CREATE x", "DISALLOW *"])
            .inspection("i", &["MATCH x WITH MATERIALS FROM b"], &[]);
        let w = b.lint();
        assert_eq!(
            codes(&w),
            [LintCode::MatchLaterStep, LintCode::UnmatchedProducts]
        );
    }

    #[test]
    fn lists_without_a_final_disallow() {
        let b = two_stage().step(
            "package",
            &["MATCH dist/* WITH PRODUCTS FROM build"],
            &["CREATE pkg.tar.gz", "DISALLOW pkg.*"],
        );
        let b = b.inspection(
            "check-pkg",
            &["MATCH pkg.tar.gz WITH PRODUCTS FROM package"],
            &[],
        );
        let w = b.lint();
        assert_eq!(
            codes(&w),
            [LintCode::NoFinalDisallow, LintCode::NoFinalDisallow]
        );
        assert!(
            matches!(&w[0].subject, Subject::List { item, list: ArtifactKind::Materials } if item.name == "package")
        );
        assert!(
            w[0].to_string()
                .starts_with("step 'package', materials: the list does not end with 'DISALLOW *'")
        );
        assert!(matches!(
            &w[1].subject,
            Subject::List {
                list: ArtifactKind::Products,
                ..
            }
        ));
        // Empty lists, and inspection lists (which see the verifier's whole
        // directory), are not warned about.
        assert_eq!(two_stage().lint(), []);
    }

    #[test]
    fn require_after_a_rule_that_consumes_the_file_always_fails() {
        let b = Builder::new()
            .step("s", &[], &["ALLOW *.whl", "REQUIRE pkg.whl", "DISALLOW *"])
            .inspection("i", &["MATCH * WITH PRODUCTS FROM s"], &[]);
        let w = b.lint();
        let w = only(&w, LintCode::RequireAlwaysFails);
        assert_eq!(rule_subject(w), ("s", ArtifactKind::Products, 1));
        assert!(w.to_string().starts_with(
            "step 's', products rule 2 'REQUIRE pkg.whl': this rule always fails: rule 1 'ALLOW *.whl' consumes 'pkg.whl' first"
        ), "{w}");
    }

    #[test]
    fn require_after_a_rule_that_may_consume_the_file() {
        let b = Builder::new()
            .step(
                "s",
                &[],
                &["CREATE pkg.whl", "REQUIRE pkg.whl", "DISALLOW *"],
            )
            .inspection("i", &["MATCH * WITH PRODUCTS FROM s"], &[]);
        let w = b.lint();
        let w = only(&w, LintCode::RequireAfterConsumer);
        assert!(
            w.message
                .contains("fails whenever rule 1 'CREATE pkg.whl' consumes 'pkg.whl'"),
            "{w}"
        );
        // MATCH with a source prefix: the pattern sees the path below it.
        let b = Builder::new()
            .step("a", &[], &["CREATE src/x", "DISALLOW *"])
            .step(
                "b",
                &[
                    "MATCH x IN src WITH PRODUCTS FROM a",
                    "REQUIRE src/x",
                    "DISALLOW *",
                ],
                &["DISALLOW *"],
            );
        let w = b.lint();
        let w = only(&w, LintCode::RequireAfterConsumer);
        assert_eq!(rule_subject(w), ("b", ArtifactKind::Materials, 1));
    }

    #[test]
    fn require_followed_by_disallow_always_fails() {
        let b = Builder::new().step("s", &["REQUIRE setup.py", "DISALLOW *"], &["DISALLOW *"]);
        let w = b.lint();
        let w = only(&w, LintCode::RequireAlwaysFails);
        assert_eq!(rule_subject(w), ("s", ArtifactKind::Materials, 0));
        assert!(w.message.contains("rule 2 'DISALLOW *' rejects it"), "{w}");
        assert!(
            w.message
                .contains("add 'ALLOW setup.py' right after the REQUIRE"),
            "{w}"
        );
        // The idiom that works, and a rule in between that may consume it.
        for ok in [
            &["REQUIRE setup.py", "ALLOW setup.py", "DISALLOW *"][..],
            &["REQUIRE setup.py", "MODIFY setup.py", "DISALLOW *"][..],
            &["REQUIRE setup.py", "CREATE setup.py", "DISALLOW *"][..],
        ] {
            let b = Builder::new().step("s", &["DISALLOW *"], ok).inspection(
                "i",
                &["MATCH * WITH PRODUCTS FROM s"],
                &[],
            );
            assert_eq!(b.lint(), [], "{ok:?}");
        }
        // A DISALLOW before the REQUIRE.
        let b = Builder::new().step(
            "s",
            &["DISALLOW *.py", "REQUIRE setup.py", "DISALLOW *"],
            &["DISALLOW *"],
        );
        let w = b.lint();
        let w = only(&w, LintCode::RequireAlwaysFails);
        assert!(
            w.message
                .contains("if 'setup.py' is present rule 1 'DISALLOW *.py' rejects it"),
            "{w}"
        );
    }

    #[test]
    fn threshold_larger_than_the_functionaries() {
        let mut b = two_stage();
        b.layout.steps[0].threshold = 2;
        let w = b.lint();
        let w = only(&w, LintCode::ThresholdTooHigh);
        assert!(matches!(&w.subject, Subject::Item(i) if i.name == "build"));
        assert_eq!(
            w.to_string(),
            "step 'build': the threshold is 2 but only 1 functionary is authorised: the step can never pass [threshold-too-high]"
        );
        // A key id that is not among the layout's keys does not count.
        let mut b = two_stage();
        b.layout.steps[0].pubkeys.push("ab".repeat(32));
        b.layout.steps[0].threshold = 2;
        assert_eq!(
            codes(&b.lint()),
            [LintCode::UnknownKey, LintCode::ThresholdTooHigh]
        );
    }

    #[test]
    fn match_naming_a_step_that_does_not_exist() {
        let b = Builder::new()
            .step("build", &[], &["CREATE dist/*", "DISALLOW *"])
            .inspection("check", &["MATCH dist/* WITH PRODUCTS FROM biuld"], &[]);
        let w = b.lint();
        // The typo also leaves build's products unmatched.
        assert_eq!(
            codes(&w),
            [LintCode::UnmatchedProducts, LintCode::UnknownMatchTarget]
        );
        assert_eq!(rule_subject(&w[1]), ("check", ArtifactKind::Materials, 0));
        assert!(w[1].message.contains("no step or inspection named 'biuld'"));
    }

    #[test]
    fn match_from_a_step_naming_an_inspection_or_a_later_step() {
        let b = two_stage().step(
            "publish",
            &["MATCH dist/* WITH PRODUCTS FROM check-dist", "DISALLOW *"],
            &["DISALLOW *"],
        );
        let w = b.lint();
        let w = only(&w, LintCode::MatchInspectionFromStep);
        assert_eq!(rule_subject(w), ("publish", ArtifactKind::Materials, 0));
        // Inspections may MATCH other inspections (all of them have run).
        let b = two_stage().inspection("again", &["MATCH * WITH PRODUCTS FROM check-dist"], &[]);
        assert_eq!(b.lint(), []);
    }

    #[test]
    fn rules_after_allow_or_disallow_everything_never_match() {
        let b = Builder::new()
            .step("s", &["ALLOW *", "DISALLOW *"], &["DISALLOW *", "CREATE x"])
            .inspection("i", &[], &[]);
        let w = b.lint();
        assert_eq!(
            codes(&w),
            [
                LintCode::NeverMatches,
                LintCode::NeverMatches,
                LintCode::NoFinalDisallow
            ]
        );
        assert_eq!(rule_subject(&w[0]), ("s", ArtifactKind::Materials, 1));
        assert!(
            w[0].message
                .contains("rule 1 'ALLOW *' has already consumed"),
            "{}",
            w[0]
        );
        assert_eq!(rule_subject(&w[1]), ("s", ArtifactKind::Products, 1));
        assert!(
            w[1].message
                .contains("rule 1 'DISALLOW *' rejects every artifact"),
            "{}",
            w[1]
        );
        // A literal path covered by an earlier pattern, and a repeated pattern.
        let b = Builder::new().step(
            "s",
            &[
                "ALLOW src/*",
                "MODIFY src/a.py",
                "ALLOW src/*",
                "DISALLOW *",
            ],
            &["DISALLOW *"],
        );
        let w = b.lint();
        assert_eq!(codes(&w), [LintCode::NeverMatches, LintCode::NeverMatches]);
        assert_eq!(rule_subject(&w[0]).2, 1);
        assert_eq!(rule_subject(&w[1]).2, 2);
    }

    #[test]
    fn create_in_materials_and_delete_in_products_never_match() {
        let b = Builder::new()
            .step(
                "s",
                &["CREATE x", "DISALLOW *"],
                &["DELETE y", "DISALLOW *"],
            )
            .inspection("i", &["MATCH * WITH PRODUCTS FROM s"], &[]);
        let w = b.lint();
        assert_eq!(codes(&w), [LintCode::NeverMatches, LintCode::NeverMatches]);
        assert_eq!(rule_subject(&w[0]), ("s", ArtifactKind::Materials, 0));
        assert!(w[0].message.starts_with("CREATE never matches materials"));
        assert_eq!(rule_subject(&w[1]), ("s", ArtifactKind::Products, 0));
    }

    #[test]
    fn patterns_that_no_recorded_path_has() {
        let b = Builder::new().step(
            "s",
            &[
                "ALLOW ./src/*",
                "ALLOW dist/",
                "ALLOW a//b",
                "ALLOW dir:x/",
                "DISALLOW *",
            ],
            &["DISALLOW *"],
        );
        let w = b.lint();
        assert_eq!(codes(&w), [LintCode::NeverMatches; 3]);
        assert!(w[0].message.contains("never start with './'"));
        assert!(w[1].message.contains("never end with '/'"));
        assert!(w[2].message.contains("never contain '//'"));
    }

    #[test]
    fn expiry_within_thirty_days_or_past() {
        let mut b = two_stage();
        b.layout.expires = now().add_seconds(10 * 86_400 + 5);
        let w = b.lint();
        let w = only(&w, LintCode::ExpiresSoon);
        assert_eq!(w.subject, Subject::Layout);
        assert!(
            w.message.contains("2026-01-11T00:00:05Z (in 10 days)"),
            "{w}"
        );
        b.layout.expires = now().add_seconds(30 * 86_400);
        assert_eq!(b.lint(), []);
        b.layout.expires = now();
        only(&b.lint(), LintCode::Expired);
    }

    #[test]
    fn functionary_keys_no_step_uses() {
        let mut b = two_stage();
        let other = PrivateKey::generate(KeySpec::Ed25519).unwrap();
        let id = b.layout.add_functionary_key(other.public_key().clone());
        let w = b.lint();
        let w = only(&w, LintCode::UnusedKey);
        assert_eq!(
            w.subject,
            Subject::Key {
                keyid: id.as_str().to_owned()
            }
        );
    }

    #[test]
    fn hostile_names_are_escaped() {
        let b = Builder::new().step("evil\u{1b}[2J", &["ALLOW x"], &["DISALLOW *"]);
        let text = b.lint()[0].to_string();
        assert!(
            text.starts_with("step 'evil\\u{1b}[2J', materials"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'));
    }
}
