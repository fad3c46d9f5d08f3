//! The verification report: the verdict, what every stage found, and every
//! failure with what it concerns (step or inspection, rule as written,
//! artifacts, digests and where each digest came from).
//!
//! [`VerificationReport`] is plain owned data. Its `Display` is the concise
//! text report the command-line tool prints; [`VerificationReport::to_json`]
//! is the documented, versioned JSON report (`docs/report-json.md`).

use std::fmt;
use std::path::PathBuf;

use crate::model::artifact::DigestSet;
use crate::model::rule::ArtifactKind;
use crate::model::{EvidenceFormat, Link};
use crate::rules::pyrepr;
use crate::time::Timestamp;

use super::paths::PathProblem;

/// The overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Every check passed: the product may be trusted.
    Pass,
    /// At least one check failed.
    Fail,
}

impl Verdict {
    /// `"pass"` or `"fail"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
        }
    }
}

/// The stages of verification, in the order they run (the reference's
/// `in_toto_verify`, with loading the layout and keys in front).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Reading the layout file.
    LoadLayout,
    /// Reading the verification keys.
    LoadKeys,
    /// Every verification key must have signed the layout.
    LayoutSignatures,
    /// The signed payload must be a valid layout.
    ExtractLayout,
    /// The layout must not have expired.
    LayoutExpiration,
    /// `{name}` placeholders are replaced by the verifier's parameters.
    ParameterSubstitution,
    /// Each step's links are read from `<step>.<keyid[:8]>.link`.
    ReadLinks,
    /// Link signatures, authorisation and thresholds (distinct functionaries).
    LinkSignatures,
    /// Sublayouts are verified recursively.
    Sublayouts,
    /// Commands in links are compared with the expected ones (warnings only).
    CommandAlignment,
    /// Links of a step with threshold above 1 must agree on their artifacts.
    ThresholdConstraints,
    /// The steps' artifact rules.
    StepRules,
    /// Inspection commands run (only when everything before passed).
    Inspections,
    /// The inspections' artifact rules.
    InspectionRules,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 14] = [
        Self::LoadLayout,
        Self::LoadKeys,
        Self::LayoutSignatures,
        Self::ExtractLayout,
        Self::LayoutExpiration,
        Self::ParameterSubstitution,
        Self::ReadLinks,
        Self::LinkSignatures,
        Self::Sublayouts,
        Self::CommandAlignment,
        Self::ThresholdConstraints,
        Self::StepRules,
        Self::Inspections,
        Self::InspectionRules,
    ];

    /// The stage's name in reports (`layout-signatures`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoadLayout => "load-layout",
            Self::LoadKeys => "load-keys",
            Self::LayoutSignatures => "layout-signatures",
            Self::ExtractLayout => "extract-layout",
            Self::LayoutExpiration => "layout-expiration",
            Self::ParameterSubstitution => "parameter-substitution",
            Self::ReadLinks => "read-links",
            Self::LinkSignatures => "link-signatures",
            Self::Sublayouts => "sublayouts",
            Self::CommandAlignment => "command-alignment",
            Self::ThresholdConstraints => "threshold-constraints",
            Self::StepRules => "step-rules",
            Self::Inspections => "inspections",
            Self::InspectionRules => "inspection-rules",
        }
    }

    /// The line the reference logs (at INFO) when the stage starts.
    pub fn log_line(self) -> &'static str {
        match self {
            Self::LoadLayout => "Loading layout...",
            Self::LoadKeys => "Loading verification keys...",
            Self::LayoutSignatures => "Verifying layout metadata signatures...",
            Self::ExtractLayout => "Extracting layout from metadata...",
            Self::LayoutExpiration => "Verifying layout expiration...",
            Self::ParameterSubstitution => "Performing parameter substitution...",
            Self::ReadLinks => "Reading link metadata files...",
            Self::LinkSignatures => "Verifying link metadata signatures...",
            Self::Sublayouts => "Verifying sublayouts...",
            Self::CommandAlignment => "Verifying alignment of reported commands...",
            Self::ThresholdConstraints => "Verifying threshold constraints...",
            Self::StepRules => "Verifying Step rules...",
            Self::Inspections => "Executing Inspection commands...",
            Self::InspectionRules => "Verifying Inspection rules...",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a stage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StageStatus {
    /// It ran and found nothing wrong.
    Passed,
    /// It ran and found at least one failure.
    Failed,
    /// It did not run because of earlier failures (see the note).
    Skipped,
    /// There was nothing for it to do (no parameters given, layout and keys
    /// given in memory).
    NotApplicable,
}

impl StageStatus {
    /// `"passed"`, `"failed"`, `"skipped"` or `"not-applicable"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::NotApplicable => "not-applicable",
        }
    }
}

/// The outcome of one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageOutcome {
    /// The stage.
    pub stage: Stage,
    /// How it ended.
    pub status: StageStatus,
    /// Why it was skipped, or other context.
    pub note: Option<String>,
}

/// What the verified layout is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutInfo {
    /// `metablock` or `dsse`.
    pub container: &'static str,
    /// When it expires.
    pub expires: Timestamp,
    /// Its steps, in order.
    pub steps: Vec<String>,
    /// Its inspections, in order.
    pub inspections: Vec<String>,
    /// The parameters substituted into it, by name (values are in the
    /// layout's rules and commands as reported).
    pub parameters: Vec<String>,
}

/// One verification key's check of the layout signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCheck {
    /// The key's id.
    pub keyid: String,
    /// Whether it verified a signature.
    pub verified: bool,
}

/// What became of one expected link file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkStatus {
    /// There is no such file (fine, unless too few links are left).
    Missing,
    /// The file exists but could not be read as metadata (a failure).
    Unreadable,
    /// The layout has no key for this key id, so it cannot be checked
    /// (skipped, as in the reference).
    NotAuthorized,
    /// No valid signature by the functionary (skipped, as in the reference).
    BadSignature,
    /// Validly signed but refused by one of our stricter checks (its name
    /// is not the step's, or an artifact name is not normalised), or a
    /// sublayout that failed verification (a failure).
    Rejected,
    /// Validly signed by an authorised functionary, and usable.
    Verified,
}

impl LinkStatus {
    /// A short name (`verified`, `bad-signature`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Unreadable => "unreadable",
            Self::NotAuthorized => "not-authorized",
            Self::BadSignature => "bad-signature",
            Self::Rejected => "rejected",
            Self::Verified => "verified",
        }
    }
}

/// One link file a step looked for, and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkCheck {
    /// The authorised key id the file is named after (for a bundle's
    /// envelope: the authorised key id that signed it, or else the first
    /// key id it names).
    pub keyid: String,
    /// The path that was read.
    pub file: PathBuf,
    /// What became of it.
    pub status: LinkStatus,
    /// The payload type: `link`, `layout` (a sublayout), `statement` (an
    /// attestation), or `None` if unread.
    pub payload: Option<&'static str>,
    /// What the evidence is (a classic link, a sublayout, a link v0.3 or
    /// SLSA provenance attestation), judged from its payload's types;
    /// `None` if unread.
    pub format: Option<EvidenceFormat>,
    /// For an envelope of a bundle (`*.intoto.jsonl`, in
    /// [`file`](Self::file)), its line (1-based).
    pub line: Option<usize>,
    /// The SHA-256 (hex) of the file's bytes (of the whole bundle for a
    /// bundle's envelope), when
    /// [`VerifyOptions::record_digests`](super::VerifyOptions::record_digests)
    /// is set.
    pub sha256: Option<String>,
    /// Whether its functionary counted towards the threshold (a key counts
    /// once, however many key ids or files it appears under).
    pub counted: bool,
    /// Why it was skipped or refused.
    pub detail: Option<String>,
    /// For a sublayout, its own verification report.
    pub sublayout: Option<Box<VerificationReport>>,
    /// The link the file gave, once its signature verified and it passed
    /// every check (for a sublayout: its summary link). Kept only when
    /// [`VerifyOptions::keep_links`](super::VerifyOptions::keep_links) is
    /// set, since a link may record hundreds of thousands of artifacts.
    pub link: Option<Link>,
}

impl LinkCheck {
    /// The file, with `:<line>` for a bundle's envelope.
    pub fn label(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file.display()),
            None => self.file.display().to_string(),
        }
    }
}

/// One rule's trace: what it consumed from the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTrace {
    /// The rule's position, from 0.
    pub index: usize,
    /// The rule as written (after parameter substitution).
    pub rule: Vec<String>,
    /// The artifacts it consumed, sorted.
    pub consumed: Vec<String>,
    /// Whether it passed.
    pub passed: bool,
}

/// The rules of one item for one artifact kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesReport {
    /// Materials or products.
    pub kind: ArtifactKind,
    /// Each rule, in order.
    pub rules: Vec<RuleTrace>,
    /// Artifacts no rule consumed (implicitly allowed), sorted.
    pub unconsumed: Vec<String>,
}

/// What verification found for one step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepReport {
    /// The step's name.
    pub name: String,
    /// How many distinct functionaries must agree.
    pub threshold: i64,
    /// The authorised key ids, in layout order.
    pub authorized: Vec<String>,
    /// Every link file looked for.
    pub links: Vec<LinkCheck>,
    /// The distinct functionaries (key ids) that validly signed a usable link.
    pub signers: Vec<String>,
    /// The file whose link the rules were applied to.
    pub link_used: Option<PathBuf>,
    /// Material then product rules, when they could be evaluated.
    pub rules: Vec<RulesReport>,
}

/// How an inspection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InspectionStatus {
    /// Its command ran and returned 0.
    Passed,
    /// Its command failed (non-zero, timeout, not found) or could not be recorded.
    Failed,
    /// It was not run.
    NotRun,
}

impl InspectionStatus {
    /// `"passed"`, `"failed"` or `"not-run"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::NotRun => "not-run",
        }
    }
}

/// What verification found for one inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionReport {
    /// The inspection's name.
    pub name: String,
    /// Its command (after parameter substitution).
    pub run: Vec<String>,
    /// How it ended.
    pub status: InspectionStatus,
    /// The command's return value, when it ran to the end.
    pub return_value: Option<i64>,
    /// Where its (unsigned) link was written.
    pub link_file: Option<PathBuf>,
    /// Material then product rules, when they were evaluated.
    pub rules: Vec<RulesReport>,
}

/// Where a digest was recorded: an item's materials or products at a path,
/// and the link file it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestSource {
    /// The step or inspection.
    pub item: String,
    /// Its materials or products.
    pub kind: ArtifactKind,
    /// The artifact's path there.
    pub path: String,
    /// The link file (or the inspection's own recording when `None`).
    pub file: Option<PathBuf>,
}

impl fmt::Display for DigestSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.item,
            self.kind,
            pyrepr::str_repr(&self.path)
        )?;
        if let Some(file) = &self.file {
            write!(f, " in {}", file.display())?;
        }
        Ok(())
    }
}

/// A digest and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcedDigest {
    /// The digests, by algorithm.
    pub digests: DigestSet,
    /// Where they were recorded.
    pub source: DigestSource,
}

/// Why a rule that looked at an artifact did not consume it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotConsumedReason {
    /// `CREATE`: the artifact is also a material.
    AlsoInMaterials,
    /// `DELETE`: the artifact is also a product.
    StillInProducts,
    /// `MODIFY`: materials and products have equal digests.
    Unchanged {
        /// The material's digests.
        material: SourcedDigest,
        /// The product's digests.
        product: SourcedDigest,
    },
    /// `MODIFY`: the artifact is missing from the materials or products.
    MissingFrom(ArtifactKind),
    /// `MATCH`: the destination step has no (usable) link.
    NoLinkForStep {
        /// The destination step.
        step: String,
    },
    /// `MATCH`: the destination link has no such artifact.
    NotFound {
        /// Where it was looked for.
        expected_at: DigestSource,
    },
    /// `MATCH`: the digests differ.
    DigestsDiffer {
        /// What the destination link recorded.
        expected: SourcedDigest,
        /// What this item's link recorded.
        found: SourcedDigest,
    },
    /// `MATCH ... IN <prefix>`: the path below the prefix cannot be
    /// evaluated; the reference would look up this other path.
    AmbiguousPath {
        /// The path the reference would look up.
        looked_up: String,
    },
}

/// An earlier rule that looked at an artifact and did not consume it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    /// The rule's position, from 0.
    pub rule_index: usize,
    /// The rule as written.
    pub rule: Vec<String>,
    /// Why it did not consume the artifact.
    pub reason: NotConsumedReason,
}

/// An artifact a `DISALLOW` rule caught.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaughtArtifact {
    /// The artifact, its digests and where they were recorded.
    pub artifact: SourcedDigest,
    /// Every earlier rule whose pattern matched it, and why it did not consume it.
    pub not_consumed: Vec<NearMiss>,
}

/// What a failed rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuleProblem {
    /// `DISALLOW`: artifacts left in the queue match the pattern.
    Disallowed {
        /// The caught artifacts, sorted.
        artifacts: Vec<CaughtArtifact>,
    },
    /// `REQUIRE`: the file is not in the queue.
    RequiredMissing {
        /// The required path.
        path: String,
        /// The rule (index from 0) that consumed it earlier, if any did.
        consumed_by: Option<usize>,
    },
    /// `MATCH ... IN <prefix>` met paths it cannot evaluate (stricter than
    /// the reference, which crashes or looks up another artifact).
    AmbiguousMatchPath {
        /// `(queued path, path the reference would look up)`.
        artifacts: Vec<(String, String)>,
    },
}

/// A difference between two links of one step (threshold constraints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactDifference {
    /// Materials or products.
    pub kind: ArtifactKind,
    /// The artifact.
    pub path: String,
    /// Its digests in the reference (first) link, if it has it.
    pub reference: Option<DigestSet>,
    /// Its digests in the other link, if it has it.
    pub other: Option<DigestSet>,
}

/// Why an inspection failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InspectionProblem {
    /// The command returned something other than 0 (`None`: it has no
    /// command, so there is no return value).
    BadReturnValue(Option<i64>),
    /// The command ran longer than the inspection timeout and was killed.
    Timeout {
        /// The timeout in seconds.
        seconds: u64,
    },
    /// The program was not found.
    CommandNotFound(String),
    /// Running, recording or writing failed otherwise.
    Error(String),
}

/// What a failure is about.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FailureKind {
    /// The layout file could not be read as metadata.
    LayoutUnreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        error: String,
    },
    /// A verification key could not be read.
    KeyUnreadable {
        /// The key file.
        path: PathBuf,
        /// Why.
        error: String,
    },
    /// No verification key was given.
    NoKeys,
    /// A verification key found no valid signature on the layout.
    LayoutSignature {
        /// The key.
        keyid: String,
        /// `true` when there is no signature by the key at all.
        missing: bool,
    },
    /// The signed payload is not a valid layout.
    LayoutPayload {
        /// Why.
        error: String,
    },
    /// The layout has expired (`expires <= now`).
    LayoutExpired {
        /// When it expired.
        expires: Timestamp,
        /// The verifier's time.
        now: Timestamp,
    },
    /// Parameters could not be substituted.
    Parameters {
        /// Why.
        error: String,
    },
    /// A step has fewer link files than its threshold.
    LinksMissing {
        /// The step.
        step: String,
        /// Its threshold.
        threshold: i64,
        /// How many link files were found.
        found: usize,
        /// The files looked for, in `pubkeys` order.
        looked_for: Vec<PathBuf>,
    },
    /// A link file exists but is not readable metadata.
    LinkUnreadable {
        /// The step.
        step: String,
        /// The key id the file is named after.
        keyid: String,
        /// The file.
        file: PathBuf,
        /// Why.
        error: String,
    },
    /// A validly signed link names another step (stricter than the reference).
    LinkNameMismatch {
        /// The step.
        step: String,
        /// The link file.
        file: PathBuf,
        /// The name the link carries.
        name: String,
    },
    /// A validly signed link records an artifact name that is not a
    /// normalised relative path (stricter than the reference).
    ArtifactName {
        /// The step.
        step: String,
        /// The link file.
        file: PathBuf,
        /// Materials or products.
        kind: ArtifactKind,
        /// The artifact name.
        artifact: String,
        /// What is wrong with it.
        problem: PathProblem,
    },
    /// Too few distinct authorised functionaries validly signed a step's links.
    Threshold {
        /// The step.
        step: String,
        /// Its threshold.
        threshold: i64,
        /// The distinct functionaries (key ids) that did.
        signers: Vec<String>,
        /// Each link file that was read but not counted, and why.
        not_counted: Vec<(PathBuf, String)>,
    },
    /// A sublayout failed verification; its report has the details.
    Sublayout {
        /// The step.
        step: String,
        /// The functionary whose sublayout it is.
        keyid: String,
        /// The sublayout file.
        file: PathBuf,
        /// The sublayout's own failures.
        failures: Vec<Failure>,
    },
    /// Two links of a step with threshold above 1 recorded different artifacts.
    ArtifactsDiffer {
        /// The step.
        step: String,
        /// The first usable link (the reference for comparison).
        reference_file: PathBuf,
        /// The link that differs.
        other_file: PathBuf,
        /// Every difference.
        differences: Vec<ArtifactDifference>,
    },
    /// An artifact rule failed.
    Rule {
        /// The step or inspection.
        item: String,
        /// `expected_materials` or `expected_products`.
        kind: ArtifactKind,
        /// The rule's position, from 0.
        rule_index: usize,
        /// The rule as written.
        rule: Vec<String>,
        /// What it found.
        problem: RuleProblem,
    },
    /// An inspection failed.
    Inspection {
        /// The inspection.
        name: String,
        /// Its command.
        run: Vec<String>,
        /// What went wrong.
        problem: InspectionProblem,
    },
}

/// One failure, with the reference's name and message for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The stage that found it.
    pub stage: Stage,
    /// What it is about.
    pub kind: FailureKind,
    /// The exception class the reference raises here (e.g.
    /// `RuleVerificationError`), or our own name where the reference does
    /// not fail.
    pub reference_kind: String,
    /// The reference's message for it (may span several lines).
    pub reference_message: String,
}

impl Failure {
    /// The step or inspection the failure concerns, if any.
    pub fn item(&self) -> Option<&str> {
        match &self.kind {
            FailureKind::LinksMissing { step, .. }
            | FailureKind::LinkUnreadable { step, .. }
            | FailureKind::LinkNameMismatch { step, .. }
            | FailureKind::ArtifactName { step, .. }
            | FailureKind::Threshold { step, .. }
            | FailureKind::Sublayout { step, .. }
            | FailureKind::ArtifactsDiffer { step, .. } => Some(step),
            FailureKind::Rule { item, .. } => Some(item),
            FailureKind::Inspection { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The reference's log line for this failure, without the tool name:
    /// `<Kind>: <message>`.
    pub fn reference_line(&self) -> String {
        format!("{}: {}", self.reference_kind, self.reference_message)
    }
}

/// Something worth knowing that does not fail verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The stage that noticed it.
    pub stage: Stage,
    /// The step or inspection it concerns.
    pub item: Option<String>,
    /// The message, as the reference words it where it has one.
    pub message: String,
}

/// The result of verifying a supply chain. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct VerificationReport {
    /// Pass or fail.
    pub verdict: Verdict,
    /// The name the summary link carries (the step name for a sublayout,
    /// empty for the root layout).
    pub step_name: String,
    /// The layout file, when verification started from one.
    pub layout_file: Option<PathBuf>,
    /// The layout, once its signatures verified.
    pub layout: Option<LayoutInfo>,
    /// Each verification key's check of the layout signature.
    pub layout_keys: Vec<KeyCheck>,
    /// Every stage's outcome, in order.
    pub stages: Vec<StageOutcome>,
    /// Per step: links, functionaries, threshold, rule traces.
    pub steps: Vec<StepReport>,
    /// Per inspection: command, outcome, rule traces.
    pub inspections: Vec<InspectionReport>,
    /// Every failure found, in the order the reference would meet them.
    pub failures: Vec<Failure>,
    /// Warnings (command alignment, skipped files, ...).
    pub warnings: Vec<Warning>,
    /// The link summarising the chain (first step's materials, last step's
    /// products, command and byproducts), when verification passed.
    pub summary_link: Option<Link>,
    /// The SHA-256 (hex) of the layout file's bytes, when verification
    /// read it from a file with
    /// [`VerifyOptions::record_digests`](super::VerifyOptions::record_digests)
    /// set.
    pub layout_sha256: Option<String>,
}

impl VerificationReport {
    /// Whether verification passed.
    pub fn passed(&self) -> bool {
        self.verdict == Verdict::Pass
    }

    /// The failure the reference would report (the first one met).
    pub fn first_failure(&self) -> Option<&Failure> {
        self.failures.first()
    }

    /// The outcome of `stage`.
    pub fn stage(&self, stage: Stage) -> Option<&StageOutcome> {
        self.stages.iter().find(|s| s.stage == stage)
    }

    /// The report of the step named `name`.
    pub fn step(&self, name: &str) -> Option<&StepReport> {
        self.steps.iter().find(|s| s.name == name)
    }

    /// The report of the inspection named `name`.
    pub fn inspection(&self, name: &str) -> Option<&InspectionReport> {
        self.inspections.iter().find(|s| s.name == name)
    }
}

/// `{sha256: ab12...}`
pub(crate) struct Digests<'d>(pub(crate) &'d DigestSet);

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

fn rule_text(rule: &[String]) -> String {
    pyrepr::str_repr(&rule.join(" "))
}

fn digest_or_none(d: &Option<DigestSet>) -> String {
    d.as_ref()
        .map(|d| Digests(d).to_string())
        .unwrap_or_else(|| "absent".to_owned())
}

impl fmt::Display for NotConsumedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlsoInMaterials => f.write_str("not created: it is also a material"),
            Self::StillInProducts => f.write_str("not deleted: it is also a product"),
            Self::Unchanged { material, .. } => write!(
                f,
                "not modified: materials and products both have {}",
                Digests(&material.digests)
            ),
            Self::MissingFrom(kind) => write!(f, "not modified: it is not in the {kind}"),
            Self::NoLinkForStep { step } => {
                write!(
                    f,
                    "there is no verified link for step {}",
                    pyrepr::str_repr(step)
                )
            }
            Self::NotFound { expected_at } => write!(f, "not found: no {expected_at}"),
            Self::DigestsDiffer { expected, found } => write!(
                f,
                "digests differ:\n  expected {} from {}\n  found    {} in {}",
                Digests(&expected.digests),
                expected.source,
                Digests(&found.digests),
                found.source
            ),
            Self::AmbiguousPath { looked_up } => write!(
                f,
                "ambiguous path below the source prefix (the reference would look up {})",
                pyrepr::str_repr(looked_up)
            ),
        }
    }
}

impl fmt::Display for RuleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Disallowed { artifacts } => {
                let n = artifacts.len();
                write!(f, "matched {n} artifact{}:", if n == 1 { "" } else { "s" })?;
                for a in artifacts {
                    write!(
                        f,
                        "\n  {} {}",
                        pyrepr::str_repr(&a.artifact.source.path),
                        Digests(&a.artifact.digests)
                    )?;
                    if a.not_consumed.is_empty() {
                        f.write_str(" (no earlier rule matched it)")?;
                    }
                    for miss in &a.not_consumed {
                        let reason = miss.reason.to_string().replace('\n', "\n      ");
                        write!(
                            f,
                            "\n    rule {} {}: {reason}",
                            miss.rule_index + 1,
                            rule_text(&miss.rule),
                        )?;
                    }
                }
                Ok(())
            }
            Self::RequiredMissing { path, consumed_by } => {
                write!(f, "did not find {}: ", pyrepr::str_repr(path))?;
                match consumed_by {
                    Some(i) => write!(f, "rule {} consumed it", i + 1),
                    None => f.write_str("there is no such artifact"),
                }
            }
            Self::AmbiguousMatchPath { artifacts } => {
                f.write_str("cannot evaluate artifacts below its source prefix:")?;
                for (path, looked_up) in artifacts {
                    write!(
                        f,
                        "\n  {}: the reference would look up {}",
                        pyrepr::str_repr(path),
                        pyrepr::str_repr(looked_up)
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for InspectionProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadReturnValue(None) => f.write_str("it has no command, so no return value"),
            Self::BadReturnValue(Some(rv)) => write!(f, "the command returned {rv}"),
            Self::Timeout { seconds } => {
                write!(f, "the command ran longer than {seconds} s and was killed")
            }
            Self::CommandNotFound(p) => {
                write!(f, "the program {} was not found", pyrepr::str_repr(p))
            }
            Self::Error(e) => f.write_str(e),
        }
    }
}

impl fmt::Display for Failure {
    /// Our explanation of the failure (one or more lines, no trailing newline).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = pyrepr::str_repr;
        match &self.kind {
            FailureKind::LayoutUnreadable { error, .. } => {
                write!(f, "cannot read the layout: {error}")
            }
            FailureKind::KeyUnreadable { error, .. } => {
                write!(f, "cannot read a verification key: {error}")
            }
            FailureKind::NoKeys => f.write_str("no verification key was given"),
            FailureKind::LayoutSignature {
                keyid,
                missing: true,
            } => {
                write!(f, "the layout has no signature by key {keyid}")
            }
            FailureKind::LayoutSignature {
                keyid,
                missing: false,
            } => {
                write!(f, "the layout's signature by key {keyid} is invalid")
            }
            FailureKind::LayoutPayload { error } => {
                write!(f, "the signed metadata is not a valid layout: {error}")
            }
            FailureKind::LayoutExpired { expires, now } => {
                write!(f, "the layout expired at {expires} (now: {now})")
            }
            FailureKind::Parameters { error } => write!(f, "parameter substitution: {error}"),
            FailureKind::LinksMissing {
                step,
                threshold,
                found,
                looked_for,
            } => {
                write!(
                    f,
                    "step {}: {found} of the {threshold} required link file(s) found; looked for:",
                    q(step)
                )?;
                for file in looked_for {
                    write!(f, "\n  {}", file.display())?;
                }
                Ok(())
            }
            FailureKind::LinkUnreadable {
                step, file, error, ..
            } => {
                write!(
                    f,
                    "step {}: cannot read {}: {error}",
                    q(step),
                    file.display()
                )
            }
            FailureKind::LinkNameMismatch { step, file, name } => write!(
                f,
                "step {}: {} is validly signed but is a link for step {}",
                q(step),
                file.display(),
                q(name)
            ),
            FailureKind::ArtifactName {
                step,
                file,
                kind,
                artifact,
                problem,
            } => write!(
                f,
                "step {}: {} records the {} name {}, which is not a normalised relative path: {problem}",
                q(step),
                file.display(),
                match kind {
                    ArtifactKind::Materials => "material",
                    _ => "product",
                },
                q(artifact)
            ),
            FailureKind::Threshold {
                step,
                threshold,
                signers,
                not_counted,
            } => {
                write!(
                    f,
                    "step {}: {} distinct authorised functionar{} validly signed, {threshold} required",
                    q(step),
                    signers.len(),
                    if signers.len() == 1 { "y" } else { "ies" }
                )?;
                if !signers.is_empty() {
                    write!(f, " (signed by {})", signers.join(", "))?;
                }
                for (file, why) in not_counted {
                    write!(f, "\n  {}: {why}", file.display())?;
                }
                Ok(())
            }
            FailureKind::Sublayout {
                step,
                keyid,
                file,
                failures,
            } => {
                write!(
                    f,
                    "step {}: the sublayout {} of functionary {keyid} failed verification:",
                    q(step),
                    file.display()
                )?;
                for sub in failures {
                    let text = sub.to_string().replace('\n', "\n  ");
                    write!(f, "\n  [{}] {text}", sub.stage)?;
                }
                Ok(())
            }
            FailureKind::ArtifactsDiffer {
                step,
                reference_file,
                other_file,
                differences,
            } => {
                write!(
                    f,
                    "step {}: {} and {} recorded different artifacts:",
                    q(step),
                    reference_file.display(),
                    other_file.display()
                )?;
                for d in differences {
                    write!(
                        f,
                        "\n  {} {}: {} vs {}",
                        d.kind,
                        q(&d.path),
                        digest_or_none(&d.reference),
                        digest_or_none(&d.other)
                    )?;
                }
                Ok(())
            }
            FailureKind::Rule {
                item,
                kind,
                rule_index,
                rule,
                problem,
            } => write!(
                f,
                "{}, expected_{kind}, rule {} {} {problem}",
                q(item),
                rule_index + 1,
                rule_text(rule)
            ),
            FailureKind::Inspection { name, run, problem } => write!(
                f,
                "inspection {} ({}): {problem}",
                q(name),
                pyrepr::list_repr(run.iter().map(String::as_str))
            ),
        }
    }
}

impl fmt::Display for VerificationReport {
    /// The concise text report: the verdict, then every failure, then warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.verdict {
            Verdict::Pass => f.write_str("Verification passed.")?,
            Verdict::Fail => {
                let n = self.failures.len();
                write!(
                    f,
                    "Verification failed: {n} problem{} found.",
                    if n == 1 { "" } else { "s" }
                )?;
            }
        }
        for (i, failure) in self.failures.iter().enumerate() {
            let text = failure.to_string().replace('\n', "\n    ");
            write!(f, "\n{:>2}. [{}] {text}", i + 1, failure.stage)?;
        }
        let skipped: Vec<&str> = self
            .stages
            .iter()
            .filter(|s| s.status == StageStatus::Skipped)
            .map(|s| s.stage.as_str())
            .collect();
        if self.verdict == Verdict::Fail && !skipped.is_empty() {
            write!(f, "\nNot checked: {}.", skipped.join(", "))?;
        }
        if self.verdict == Verdict::Fail {
            // Attestations read as evidence, and what became of them.
            let mut first = true;
            for step in &self.steps {
                for check in &step.links {
                    let Some(kind) = check.format.filter(|k| k.is_attestation()) else {
                        continue;
                    };
                    if first {
                        f.write_str("\nAttestations read:")?;
                        first = false;
                    }
                    write!(
                        f,
                        "\n  step {}: {} ({kind}): {}",
                        pyrepr::str_repr(&step.name),
                        check.label(),
                        check.status.as_str()
                    )?;
                    if let Some(detail) = &check.detail {
                        write!(f, ": {detail}")?;
                    }
                }
            }
        }
        Ok(())
    }
}
