//! Verifying a supply chain: given a signed layout, the owner's public keys
//! and a directory of links, decide whether the product may be trusted,
//! and when not, say exactly why.
//!
//! [`verify`] runs the reference's stages in the reference's order
//! (in-toto 3.1.0 `verifylib.in_toto_verify`); [`verify_files`] first reads
//! the layout and keys from files. Both return a [`VerificationReport`]
//! instead of stopping at the first problem: every stage that can still run
//! meaningfully does, so the report lists all signature, threshold and rule
//! failures of all steps. Verification stops early only where continuing
//! means nothing (the layout's signatures do not verify, its payload is not
//! a layout, the parameters do not fit), and inspections, which run
//! commands, run only when every earlier check passed.
//!
//! The verdict is the reference's in every case except where we are
//! deliberately stricter (see the README's table of differences):
//!
//! * a threshold counts distinct keys by key material, so one key filed
//!   under two key ids counts once ([`distinct_signers`]);
//! * a link's signed `name` must be its step's name;
//! * artifact names in links must be normalised relative paths
//!   ([`check_artifact_name`]);
//! * a link file that exists but cannot be read is a failure, not skipped;
//! * inspections record `.git`, `*.pyc` and `*~` (only `*.link*` metadata
//!   files are left out), and their links are written atomically, never
//!   through a symlink;
//! * parameters given but not used are an error.
//!
//! The environment is injected through [`VerifyOptions`]: the [`Clock`]
//! that decides expiry, the [`Executor`] that runs inspections, the
//! directories, and a [`VerifyLog`] for the reference's progress lines.

mod inspect;
mod json;
pub mod params;
pub mod paths;
pub mod report;
mod rules;
pub mod summary;
pub mod trust;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use intoto_crypto::PublicKey;
use rayon::prelude::*;

pub use self::json::REPORT_FORMAT_VERSION;
pub use self::params::{ParamError, Parameters, substitute_parameters};
pub use self::paths::{PathProblem, check_artifact_name};
pub use self::report::{
    ArtifactDifference, CaughtArtifact, DigestSource, Failure, FailureKind, InspectionProblem,
    InspectionReport, InspectionStatus, KeyCheck, LayoutInfo, LinkCheck, LinkStatus, NearMiss,
    NotConsumedReason, RuleProblem, RuleTrace, RulesReport, SourcedDigest, Stage, StageOutcome,
    StageStatus, StepReport, Verdict, VerificationReport, Warning,
};
pub use self::summary::{DEFAULT_VERIFIER_ID, SummaryError, SummaryOptions, verification_summary};
pub use self::trust::{
    TrustError, Verified, VerifiedPayload, distinct_signers, verify_all_signatures,
    verify_signature,
};
use crate::error::Error;
use crate::model::Step;
use crate::model::link::keyid_prefix;
use crate::model::rule::ArtifactKind;
use crate::model::{EvidenceFormat, Layout, Link, Metadata, MetadataError, Payload};
use crate::rules::pyrepr;
use crate::run::command::{Executor, SystemExecutor};
use crate::time::{Clock, SystemClock};
use intoto_crypto::gpg::GpgError;

/// The reference's default inspection timeout.
pub const DEFAULT_INSPECTION_TIMEOUT: Duration = Duration::from_secs(10);

/// Where verification reports progress: the reference's INFO lines
/// (`Verifying layout expiration...`) and WARNING lines (command
/// alignment), as they happen. Both methods do nothing by default.
pub trait VerifyLog: Sync {
    /// A progress line (the reference's INFO level, shown with `-v`).
    fn info(&self, _msg: &str) {}
    /// A warning (always shown by the reference, unless `-q`).
    fn warning(&self, _msg: &str) {}
}

/// A [`VerifyLog`] that discards everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLog;

impl VerifyLog for NoLog {}

/// How to verify: directories, parameters, timeout, and the injected
/// environment. [`VerifyOptions::new`] gives the reference's defaults.
#[derive(Clone)]
pub struct VerifyOptions<'a> {
    /// Where step links are read from (`.` by default).
    pub link_dir: PathBuf,
    /// The directory inspections run in, record and write their links to;
    /// `None` (the default) is the process's working directory, as in the
    /// reference.
    pub work_dir: Option<PathBuf>,
    /// Values for `{name}` placeholders; `None` substitutes nothing (an
    /// empty map still turns `{{` into `{`, as in the reference).
    pub parameters: Option<Parameters>,
    /// How long each inspection command may run.
    pub inspection_timeout: Duration,
    /// Whether inspection links are written to `<work_dir>/<name>.link`.
    pub persist_inspection_links: bool,
    /// Whether the report keeps every link it verified
    /// ([`LinkCheck::link`]); off by default, as links can be large.
    pub keep_links: bool,
    /// Whether the SHA-256 of the layout file and of every evidence file
    /// read is recorded ([`VerificationReport::layout_sha256`],
    /// [`LinkCheck::sha256`]), as a verification summary needs; off by
    /// default.
    pub record_digests: bool,
    /// The time that decides expiry.
    pub clock: &'a dyn Clock,
    /// Runs inspection commands.
    pub executor: &'a dyn Executor,
    /// Hears the progress lines and warnings.
    pub log: &'a dyn VerifyLog,
}

impl Default for VerifyOptions<'_> {
    fn default() -> Self {
        Self {
            link_dir: PathBuf::from("."),
            work_dir: None,
            parameters: None,
            inspection_timeout: DEFAULT_INSPECTION_TIMEOUT,
            persist_inspection_links: true,
            keep_links: false,
            record_digests: false,
            clock: &SystemClock,
            executor: &SystemExecutor,
            log: &NoLog,
        }
    }
}

impl std::fmt::Debug for VerifyOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyOptions")
            .field("link_dir", &self.link_dir)
            .field("work_dir", &self.work_dir)
            .field("parameters", &self.parameters)
            .field("inspection_timeout", &self.inspection_timeout)
            .field("persist_inspection_links", &self.persist_inspection_links)
            .field("keep_links", &self.keep_links)
            .field("record_digests", &self.record_digests)
            .finish_non_exhaustive()
    }
}

impl<'a> VerifyOptions<'a> {
    /// The reference's defaults: links from `.`, inspections in the working
    /// directory with a 10 s timeout and their links kept, the system clock
    /// and executor, no log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`link_dir`](Self::link_dir).
    pub fn link_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.link_dir = dir.into();
        self
    }

    /// Sets [`work_dir`](Self::work_dir).
    pub fn work_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.work_dir = Some(dir.into());
        self
    }

    /// Sets [`parameters`](Self::parameters).
    pub fn parameters(mut self, params: Parameters) -> Self {
        self.parameters = Some(params);
        self
    }

    /// Sets [`inspection_timeout`](Self::inspection_timeout).
    pub fn inspection_timeout(mut self, timeout: Duration) -> Self {
        self.inspection_timeout = timeout;
        self
    }

    /// Sets [`persist_inspection_links`](Self::persist_inspection_links).
    pub fn persist_inspection_links(mut self, yes: bool) -> Self {
        self.persist_inspection_links = yes;
        self
    }

    /// Sets [`keep_links`](Self::keep_links).
    pub fn keep_links(mut self, yes: bool) -> Self {
        self.keep_links = yes;
        self
    }

    /// Sets [`record_digests`](Self::record_digests).
    pub fn record_digests(mut self, yes: bool) -> Self {
        self.record_digests = yes;
        self
    }

    /// Sets [`clock`](Self::clock).
    pub fn clock(mut self, clock: &'a dyn Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Sets [`executor`](Self::executor).
    pub fn executor(mut self, executor: &'a dyn Executor) -> Self {
        self.executor = executor;
        self
    }

    /// Sets [`log`](Self::log).
    pub fn log(mut self, log: &'a dyn VerifyLog) -> Self {
        self.log = log;
        self
    }
}

/// Reads the layout at `layout_path` and the PEM public keys at `key_paths`
/// (as `in-toto-verify` does), then [`verify`]s. A layout or key that
/// cannot be read is a failure of the `load-layout` or `load-keys` stage.
pub fn verify_files(
    layout_path: &Path,
    key_paths: &[PathBuf],
    options: &VerifyOptions<'_>,
) -> VerificationReport {
    verify_files_with(layout_path, key_paths, &[], options)
}

/// [`verify_files`] with more layout keys already loaded (such as GnuPG
/// keys exported from a keyring): they are merged with the PEM keys by
/// key id (a key given twice counts once), as `in-toto-verify --gpg` does.
pub fn verify_files_with(
    layout_path: &Path,
    key_paths: &[PathBuf],
    more_keys: &[PublicKey],
    options: &VerifyOptions<'_>,
) -> VerificationReport {
    options.log.info(Stage::LoadLayout.log_line());
    let mut v = Verifier::new(options, String::new(), true);
    v.report.layout_file = Some(layout_path.to_path_buf());
    let read = crate::files::read_regular_file(layout_path, crate::files::MAX_METADATA_BYTES)
        .and_then(|bytes| {
            if options.record_digests {
                v.report.layout_sha256 = Some(intoto_crypto::digest::sha256_hex(&bytes));
            }
            Metadata::from_slice(&bytes).map_err(crate::metadata_io::with_path(layout_path))
        });
    let metadata = match read {
        Ok(m) => {
            v.passed(Stage::LoadLayout);
            Some(m)
        }
        Err(e) => {
            let (kind, msg) = python_error(&e);
            v.fail(
                Stage::LoadLayout,
                FailureKind::LayoutUnreadable {
                    path: layout_path.to_path_buf(),
                    error: e.to_string(),
                },
                kind,
                msg,
            );
            v.stage_done(Stage::LoadLayout, StageStatus::Failed, None);
            None
        }
    };
    let mut keys = Vec::new();
    if metadata.is_some() {
        for path in key_paths {
            match crate::keys::load_public_key(path) {
                Ok(k) => keys.push(k),
                Err(e) => {
                    let (kind, msg) = python_error(&e);
                    v.fail(
                        Stage::LoadKeys,
                        FailureKind::KeyUnreadable {
                            path: path.clone(),
                            error: e.to_string(),
                        },
                        kind,
                        msg,
                    );
                }
            }
        }
        for key in more_keys {
            if !keys.iter().any(|k: &PublicKey| k.keyid() == key.keyid()) {
                keys.push(key.clone());
            }
        }
        let status = if v.report.failures.is_empty() {
            StageStatus::Passed
        } else {
            StageStatus::Failed
        };
        v.stage_done(Stage::LoadKeys, status, None);
    }
    if let Some(md) = metadata
        && v.report.failures.is_empty()
    {
        v.run(&md, &keys);
    }
    v.finish()
}

/// Verifies the layout in `metadata`, signed by every key in `keys`, against
/// the links in `options.link_dir`; see the [module documentation](self).
pub fn verify(
    metadata: &Metadata,
    keys: &[PublicKey],
    options: &VerifyOptions<'_>,
) -> VerificationReport {
    let mut v = Verifier::new(options, String::new(), true);
    v.run(metadata, keys);
    v.finish()
}

/// One link file a step looks for, as it moves through the stages.
struct Entry {
    keyid: String,
    /// The file; for an envelope of a bundle, `<bundle>:<line>`.
    file: PathBuf,
    /// For an envelope of a bundle: its line.
    line: Option<usize>,
    /// The container of a validly signed sublayout (verified in its turn).
    metadata: Option<Metadata>,
    /// The signature check made when the file was read (`None`: missing,
    /// unreadable, or no key in the layout may sign it).
    checked: Option<SignatureCheck>,
    /// The validly signed link's artifact names that are not normalised.
    bad_names: Vec<BadName>,
    /// SLSA provenance that names no step: only its file name ties it to
    /// the step (warned about).
    unnamed_step: bool,
    /// The verified payload, before sublayouts are resolved.
    verified: Option<Verified<Payload>>,
    /// The link the later stages use (a sublayout's summary link).
    link: Option<Link>,
}

impl Entry {
    /// The reference's name for the file: `<step>.<keyid[:8]>.link`; for
    /// a bundle's envelope, `<bundle file name>:<line>`.
    fn short_name(&self, step: &str) -> String {
        match self.line {
            Some(_) => self
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            None => Link::file_name(step, &self.keyid),
        }
    }
}

/// The links of every step, parallel to `report.steps`.
type Chain = Vec<Vec<Entry>>;

/// The outcome of checking one link file's signature.
type SignatureCheck = Result<Verified<Payload>, TrustError>;

/// The one link per step the rules use, with the file it came from.
type StepLinks<'c> = BTreeMap<String, (&'c Link, &'c Path)>;

struct Verifier<'o, 'a> {
    opts: &'o VerifyOptions<'a>,
    /// Whether inspections may run at all (false inside a sublayout whose
    /// parent already failed).
    may_execute: bool,
    report: VerificationReport,
}

impl<'o, 'a> Verifier<'o, 'a> {
    fn new(opts: &'o VerifyOptions<'a>, step_name: String, may_execute: bool) -> Self {
        Self {
            opts,
            may_execute,
            report: VerificationReport {
                verdict: Verdict::Fail,
                step_name,
                layout_file: None,
                layout: None,
                layout_keys: Vec::new(),
                stages: Vec::new(),
                steps: Vec::new(),
                inspections: Vec::new(),
                failures: Vec::new(),
                warnings: Vec::new(),
                summary_link: None,
                layout_sha256: None,
            },
        }
    }

    fn info(&self, msg: &str) {
        self.opts.log.info(msg);
    }

    fn warn(&mut self, stage: Stage, item: Option<&str>, message: String) {
        self.opts.log.warning(&message);
        self.report.warnings.push(Warning {
            stage,
            item: item.map(str::to_owned),
            message,
        });
    }

    fn fail(
        &mut self,
        stage: Stage,
        kind: FailureKind,
        reference_kind: impl Into<String>,
        reference_message: impl Into<String>,
    ) {
        self.report.failures.push(Failure {
            stage,
            kind,
            reference_kind: reference_kind.into(),
            reference_message: reference_message.into(),
        });
    }

    fn stage_done(&mut self, stage: Stage, status: StageStatus, note: Option<String>) {
        self.report.stages.push(StageOutcome {
            stage,
            status,
            note,
        });
    }

    fn passed(&mut self, stage: Stage) {
        self.stage_done(stage, StageStatus::Passed, None);
    }

    /// Starts a stage: logs its line and returns the failure count so far.
    fn begin(&self, stage: Stage) -> usize {
        self.info(stage.log_line());
        self.report.failures.len()
    }

    /// Ends a stage begun with [`begin`](Self::begin).
    fn end(&mut self, stage: Stage, failures_before: usize) {
        let status = if self.report.failures.len() > failures_before {
            StageStatus::Failed
        } else {
            StageStatus::Passed
        };
        self.stage_done(stage, status, None);
    }

    fn skip(&mut self, stage: Stage, note: &str) {
        self.stage_done(stage, StageStatus::Skipped, Some(note.to_owned()));
    }

    /// The pipeline. Reads like the reference's `in_toto_verify`.
    fn run(&mut self, metadata: &Metadata, keys: &[PublicKey]) {
        if let Err(e) = dsse_keyids(metadata) {
            // The reference cannot even load such an envelope.
            self.begin(Stage::LayoutSignatures);
            self.fail(
                Stage::LayoutSignatures,
                FailureKind::LayoutPayload {
                    error: e.to_string(),
                },
                "KeyError",
                "'keyid'",
            );
            self.stage_done(Stage::LayoutSignatures, StageStatus::Failed, None);
            return;
        }
        let Some(signed) = self.layout_signatures(metadata, keys) else {
            return;
        };
        let Some(layout) = self.extract_layout(signed, metadata) else {
            return;
        };
        self.layout_expiration(&layout);
        let Some(layout) = self.substitute_parameters(layout) else {
            return;
        };
        let layout = layout.into_inner();
        let mut chain = self.read_links(&layout);
        self.link_signatures(&layout, &mut chain);
        self.sublayouts(&layout, &mut chain);
        self.command_alignment(&layout, &chain);
        self.threshold_constraints(&layout, &chain);
        let step_links = self.reduce(&chain);
        self.step_rules(&layout, &step_links);
        let inspection_links = self.inspections(&layout);
        self.inspection_rules(&layout, &step_links, &inspection_links);
        self.summary_link(&layout, &step_links);
        if self.opts.keep_links {
            self.keep_links(chain);
        }
    }

    /// Moves every verified link into its file's report entry.
    fn keep_links(&mut self, chain: Chain) {
        for (step, entries) in self.report.steps.iter_mut().zip(chain) {
            for (check, entry) in step.links.iter_mut().zip(entries) {
                check.link = entry.link;
            }
        }
    }

    fn finish(mut self) -> VerificationReport {
        for stage in Stage::ALL {
            if self.report.stage(stage).is_none() {
                let (status, note) = match stage {
                    Stage::LoadLayout | Stage::LoadKeys => (
                        StageStatus::NotApplicable,
                        "the layout and keys were given in memory",
                    ),
                    _ => (
                        StageStatus::Skipped,
                        "not run: verification could not continue meaningfully",
                    ),
                };
                self.stage_done(stage, status, Some(note.to_owned()));
            }
        }
        self.report.stages.sort_by_key(|s| s.stage);
        self.report.verdict = if self.report.failures.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        if self.report.verdict == Verdict::Pass {
            self.info("The software product passed all verification.");
        } else {
            self.report.summary_link = None;
        }
        self.report
    }

    /// `error`, prefixed with the layout file when there is one.
    fn in_layout_file(&self, error: &dyn std::fmt::Display) -> String {
        match &self.report.layout_file {
            Some(path) => format!("{}: {error}", path.display()),
            None => error.to_string(),
        }
    }

    /// Stage 1: every verification key must have signed the layout.
    fn layout_signatures(
        &mut self,
        metadata: &Metadata,
        keys: &[PublicKey],
    ) -> Option<Verified<Payload>> {
        let start = self.begin(Stage::LayoutSignatures);
        // The reference keys the verification keys by key id: duplicates collapse.
        let mut unique: Vec<PublicKey> = Vec::new();
        for k in keys {
            if !unique.iter().any(|u| u.keyid() == k.keyid()) {
                unique.push(k.clone());
            }
        }
        let result = verify_all_signatures(metadata, &unique, self.opts.clock.now());
        let failed: Vec<String> = match &result {
            Err(errs) => errs
                .iter()
                .filter_map(|e| match e {
                    TrustError::Signature { keyid, .. } => Some(keyid.clone()),
                    _ => None,
                })
                .collect(),
            Ok(_) => Vec::new(),
        };
        self.report.layout_keys = unique
            .iter()
            .map(|k| KeyCheck {
                keyid: k.keyid().as_str().to_owned(),
                verified: !failed.iter().any(|f| f == k.keyid().as_str()),
            })
            .collect();
        match result {
            Ok(v) => {
                self.end(Stage::LayoutSignatures, start);
                Some(v)
            }
            Err(errors) => {
                let mut payload_error = None;
                for e in errors {
                    match e {
                        TrustError::NoKeys => self.fail(
                            Stage::LayoutSignatures,
                            FailureKind::NoKeys,
                            "SignatureVerificationError",
                            TrustError::NoKeys.to_string(),
                        ),
                        TrustError::Signature { keyid, error } => {
                            let missing = matches!(*error, MetadataError::NoSignature(_));
                            let (kind, msg) = if metadata.is_dsse() {
                                ("SignatureVerificationError", String::new())
                            } else {
                                (metadata_error_kind(&error), error.to_string())
                            };
                            self.fail(
                                Stage::LayoutSignatures,
                                FailureKind::LayoutSignature { keyid, missing },
                                kind,
                                msg,
                            );
                        }
                        TrustError::Payload(e) => payload_error = Some(e),
                    }
                }
                if let Some(e) = payload_error {
                    // The signatures verified: the payload is the problem.
                    self.end(Stage::LayoutSignatures, start);
                    self.begin(Stage::ExtractLayout);
                    self.fail(
                        Stage::ExtractLayout,
                        FailureKind::LayoutPayload {
                            error: self.in_layout_file(&e),
                        },
                        metadata_error_kind(&e),
                        e.to_string(),
                    );
                    self.stage_done(Stage::ExtractLayout, StageStatus::Failed, None);
                    return None;
                }
                self.end(Stage::LayoutSignatures, start);
                None
            }
        }
    }

    /// Stage 2: the verified payload must be a layout.
    fn extract_layout(
        &mut self,
        signed: Verified<Payload>,
        metadata: &Metadata,
    ) -> Option<Verified<Layout>> {
        let start = self.begin(Stage::ExtractLayout);
        match signed.split() {
            VerifiedPayload::Layout(layout) => {
                self.report.layout = Some(LayoutInfo {
                    container: if metadata.is_dsse() {
                        "dsse"
                    } else {
                        "metablock"
                    },
                    expires: layout.expires,
                    steps: layout.steps.iter().map(|s| s.name.clone()).collect(),
                    inspections: layout.inspect.iter().map(|s| s.name.clone()).collect(),
                    parameters: Vec::new(),
                });
                self.end(Stage::ExtractLayout, start);
                Some(layout)
            }
            VerifiedPayload::Link(_) => {
                self.fail(
                    Stage::ExtractLayout,
                    FailureKind::LayoutPayload {
                        error: self.in_layout_file(&"expected layout metadata, found link"),
                    },
                    "AttributeError",
                    "'Link' object has no attribute 'expires'",
                );
                self.end(Stage::ExtractLayout, start);
                None
            }
        }
    }

    /// Stage 3: `expires <= now` means expired.
    fn layout_expiration(&mut self, layout: &Layout) {
        let start = self.begin(Stage::LayoutExpiration);
        let now = self.opts.clock.now();
        if layout.expires <= now {
            self.fail(
                Stage::LayoutExpiration,
                FailureKind::LayoutExpired {
                    expires: layout.expires,
                    now,
                },
                "LayoutExpiredError",
                "Layout expired",
            );
        }
        self.end(Stage::LayoutExpiration, start);
    }

    /// Stage 4: the verifier's `{name}` parameters, if any.
    fn substitute_parameters(&mut self, layout: Verified<Layout>) -> Option<Verified<Layout>> {
        let Some(params) = &self.opts.parameters else {
            self.stage_done(
                Stage::ParameterSubstitution,
                StageStatus::NotApplicable,
                Some("no parameters given".to_owned()),
            );
            return Some(layout);
        };
        let start = self.begin(Stage::ParameterSubstitution);
        let mut result = Ok(());
        let layout = layout.map(|mut l| {
            result = substitute_parameters(&mut l, params);
            l
        });
        match result {
            Ok(()) => {
                if let Some(info) = &mut self.report.layout {
                    info.parameters = params.keys().cloned().collect();
                }
                self.end(Stage::ParameterSubstitution, start);
                Some(layout)
            }
            Err(e) => {
                let (kind, msg) = match &e {
                    ParamError::Unknown { name, .. } => ("KeyError", pyrepr::str_repr(name)),
                    ParamError::InvalidName(_) | ParamError::Rule { .. } => {
                        ("FormatError", e.to_string())
                    }
                    ParamError::Syntax { reason, .. } => ("ValueError", reason.clone()),
                    _ => ("ParameterError", e.to_string()),
                };
                self.fail(
                    Stage::ParameterSubstitution,
                    FailureKind::Parameters {
                        error: e.to_string(),
                    },
                    kind,
                    msg,
                );
                self.end(Stage::ParameterSubstitution, start);
                None
            }
        }
    }

    /// Stage 5: read `<link_dir>/<step>.<keyid[:8]>.link` for every
    /// authorised key id of every step, in `pubkeys` order.
    fn read_links(&mut self, layout: &Layout) -> Chain {
        let start = self.begin(Stage::ReadLinks);
        let mut chain = Vec::with_capacity(layout.steps.len());
        let authorized: Vec<Vec<String>> = layout
            .steps
            .iter()
            .map(|step| {
                // Each authorised key id, then its GnuPG subkeys' ids.
                let mut ids: Vec<String> = Vec::new();
                for k in &step.pubkeys {
                    let subkeys = layout.keys.get(k).map(PublicKey::gpg_subkey_ids);
                    let candidates = std::iter::once(k.clone())
                        .chain(subkeys.into_iter().flatten().map(|s| s.as_str().to_owned()));
                    for id in candidates {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
                ids
            })
            .collect();
        // Read, parse and check the signature of every file at once, on all
        // cores; report in order (the signatures in the next stage).
        let now = self.opts.clock.now();
        let link_dir = &self.opts.link_dir;
        let record = self.opts.record_digests;
        let files: Vec<(PathBuf, Option<&PublicKey>, &str)> = layout
            .steps
            .iter()
            .zip(&authorized)
            .flat_map(|(step, ids)| {
                ids.iter().map(move |k| {
                    (
                        link_dir.join(Link::file_name(&step.name, k)),
                        verification_key(layout, step, k),
                        step.name.as_str(),
                    )
                })
            })
            .collect();
        let mut loaded_files = files
            .par_iter()
            .map(|(f, key, step)| load_link(f, *key, now, step, record))
            .collect::<Vec<_>>()
            .into_iter();
        let mut bundled = self.read_bundles(layout, &authorized);
        for (si, (step, authorized)) in layout.steps.iter().zip(authorized).enumerate() {
            let mut entries = Vec::new();
            let mut checks = Vec::new();
            let mut found = 0;
            for keyid in &authorized {
                let file = self.opts.link_dir.join(Link::file_name(&step.name, keyid));
                let Some(loaded) = loaded_files.next() else {
                    break;
                };
                let (loaded, status, detail) = match loaded {
                    Ok(loaded) => {
                        found += 1;
                        (Some(loaded), LinkStatus::Verified, None)
                    }
                    Err(f) if is_missing(&f.error) => (None, LinkStatus::Missing, None),
                    Err(f) => {
                        let LoadFailure {
                            error: e,
                            kind,
                            message: msg,
                        } = *f;
                        self.fail(
                            Stage::ReadLinks,
                            FailureKind::LinkUnreadable {
                                step: step.name.clone(),
                                keyid: keyid.clone(),
                                file: file.clone(),
                                error: e.to_string(),
                            },
                            kind,
                            msg,
                        );
                        (None, LinkStatus::Unreadable, Some(e.to_string()))
                    }
                };
                let (metadata, payload, checked, bad_names, format, sha256, unnamed_step) =
                    match loaded {
                        Some(l) => (
                            l.metadata,
                            l.payload,
                            l.checked,
                            l.bad_names,
                            l.format,
                            l.sha256,
                            l.unnamed_step,
                        ),
                        None => (None, None, None, Vec::new(), None, None, false),
                    };
                if let Some(f) = format.filter(|f| f.is_attestation()) {
                    self.info(&format!(
                        "Reading {f} '{}' for step '{}'...",
                        file.display(),
                        step.name
                    ));
                }
                checks.push(LinkCheck {
                    keyid: keyid.clone(),
                    file: file.clone(),
                    status,
                    payload,
                    format,
                    line: None,
                    sha256,
                    counted: false,
                    detail,
                    sublayout: None,
                    link: None,
                });
                entries.push(Entry {
                    keyid: keyid.clone(),
                    file,
                    line: None,
                    metadata,
                    checked,
                    bad_names,
                    unnamed_step,
                    verified: None,
                    link: None,
                });
            }
            for item in bundled.get_mut(si).map(std::mem::take).unwrap_or_default() {
                if item.status == LinkStatus::Verified {
                    found += 1;
                }
                if let Some(f) = item.format {
                    self.info(&format!(
                        "Reading {f} '{}' line {} for step '{}'...",
                        item.file.display(),
                        item.line,
                        step.name
                    ));
                }
                checks.push(LinkCheck {
                    keyid: item.keyid.clone(),
                    file: item.file.clone(),
                    status: item.status,
                    payload: Some("statement"),
                    format: item.format,
                    line: Some(item.line),
                    sha256: item.sha256,
                    counted: false,
                    detail: item.detail,
                    sublayout: None,
                    link: None,
                });
                entries.push(Entry {
                    keyid: item.keyid,
                    file: PathBuf::from(format!("{}:{}", item.file.display(), item.line)),
                    line: Some(item.line),
                    metadata: None,
                    bad_names: bad_artifact_names(item.checked.as_ref()),
                    checked: item.checked,
                    unnamed_step: false,
                    verified: None,
                    link: None,
                });
            }
            if i64::try_from(found).unwrap_or(i64::MAX) < step.threshold {
                self.fail(
                    Stage::ReadLinks,
                    FailureKind::LinksMissing {
                        step: step.name.clone(),
                        threshold: step.threshold,
                        found,
                        looked_for: entries.iter().map(|e: &Entry| e.file.clone()).collect(),
                    },
                    "LinkNotFoundError",
                    format!(
                        "Step '{}' requires '{}' link metadata file(s), found '{found}'.",
                        step.name, step.threshold
                    ),
                );
            }
            self.report.steps.push(StepReport {
                name: step.name.clone(),
                threshold: step.threshold,
                authorized: step.pubkeys.clone(),
                links: checks,
                signers: Vec::new(),
                link_used: None,
                rules: Vec::new(),
            });
            chain.push(entries);
        }
        self.end(Stage::ReadLinks, start);
        chain
    }

    /// The envelopes of every bundle (`*.intoto.jsonl`) in the link
    /// directory, attributed to steps (by a link predicate's `name` or a
    /// provenance's `inTotoStep`, read unverified only to choose the keys)
    /// and checked with the keys of the step's functionaries that signed
    /// them, one item per such key. Per step, in `layout.steps` order.
    /// Lines and envelopes that cannot be evidence are warnings.
    fn read_bundles(
        &mut self,
        layout: &Layout,
        authorized: &[Vec<String>],
    ) -> Vec<Vec<BundleItem>> {
        let mut out: Vec<Vec<BundleItem>> = layout.steps.iter().map(|_| Vec::new()).collect();
        let Ok(dir) = std::fs::read_dir(&self.opts.link_dir) else {
            return out;
        };
        let mut paths: Vec<PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().ends_with(BUNDLE_SUFFIX))
            })
            .collect();
        paths.sort();
        let now = self.opts.clock.now();
        for path in paths {
            let bytes =
                match crate::files::read_regular_file(&path, crate::files::MAX_METADATA_BYTES) {
                    Ok(b) => b,
                    Err(e) => {
                        self.warn(
                            Stage::ReadLinks,
                            None,
                            format!("Ignoring bundle '{}': {e}", path.display()),
                        );
                        continue;
                    }
                };
            let sha256 = self
                .opts
                .record_digests
                .then(|| intoto_crypto::digest::sha256_hex(&bytes));
            let bundle = intoto_attestation::Bundle::from_slice(&bytes);
            for ignored in bundle.ignored() {
                let why = match &ignored.reason {
                    intoto_attestation::IgnoredReason::Blank => continue,
                    intoto_attestation::IgnoredReason::NotAnEnvelope(e) => {
                        format!("not a DSSE envelope: {e}")
                    }
                    intoto_attestation::IgnoredReason::ForeignPayloadType(t) => {
                        format!("payload type '{t}' is not an in-toto Statement's")
                    }
                    _ => "not an in-toto envelope".to_owned(),
                };
                self.warn(
                    Stage::ReadLinks,
                    None,
                    format!("Ignoring '{}' line {}: {why}", path.display(), ignored.line),
                );
            }
            for entry in bundle.entries() {
                let at = format!("'{}' line {}", path.display(), entry.line);
                if entry.envelope.payload_type != crate::model::PAYLOAD_TYPE {
                    // As for link files: evidence has in-toto's one payload type.
                    self.warn(
                        Stage::ReadLinks,
                        None,
                        format!(
                            "Ignoring {at}: payload type '{}' is not '{}'",
                            entry.envelope.payload_type,
                            crate::model::PAYLOAD_TYPE
                        ),
                    );
                    continue;
                }
                let statement = match intoto_attestation::Statement::from_envelope_unverified(
                    &entry.envelope,
                ) {
                    Ok(s) => s,
                    Err(e) => {
                        self.warn(
                            Stage::ReadLinks,
                            None,
                            format!("Ignoring {at}: not a valid in-toto Statement: {e}"),
                        );
                        continue;
                    }
                };
                let format = match &statement.predicate {
                    intoto_attestation::Predicate::Link(_) => EvidenceFormat::LinkAttestation,
                    intoto_attestation::Predicate::Provenance(_) => EvidenceFormat::Provenance,
                    other => {
                        self.warn(
                            Stage::ReadLinks,
                            None,
                            format!(
                                "Ignoring {at}: predicate type {} is not a link (link v0.3 or SLSA provenance v1)",
                                other.predicate_type()
                            ),
                        );
                        continue;
                    }
                };
                let Some(name) = crate::model::evidence::claimed_step(&statement) else {
                    self.warn(
                        Stage::ReadLinks,
                        None,
                        format!(
                            "Ignoring {at}: a SLSA provenance in a bundle needs \
                             'buildDefinition.internalParameters.inTotoStep' to name its step"
                        ),
                    );
                    continue;
                };
                let Some(si) = layout.steps.iter().position(|s| s.name == name) else {
                    self.warn(
                        Stage::ReadLinks,
                        None,
                        format!("Ignoring {at}: the layout has no step '{name}'"),
                    );
                    continue;
                };
                let (Some(step), Some(ids), Some(items)) =
                    (layout.steps.get(si), authorized.get(si), out.get_mut(si))
                else {
                    continue;
                };
                let mut named: Vec<&str> = Vec::new();
                for sig in &entry.envelope.signatures {
                    let id = sig.keyid.as_deref().unwrap_or("(no key id)");
                    if !named.contains(&id) {
                        named.push(id);
                    }
                }
                let md = Metadata::Dsse(entry.envelope.clone());
                let mut any = false;
                for keyid in ids.iter().filter(|k| named.contains(&k.as_str())) {
                    any = true;
                    let key = verification_key(layout, step, keyid);
                    let (checked, _, _) =
                        check_envelope(&md, &entry.envelope.payload, key, now, &step.name);
                    items.push(BundleItem {
                        file: path.clone(),
                        line: entry.line,
                        keyid: keyid.clone(),
                        status: LinkStatus::Verified,
                        detail: None,
                        format: Some(format),
                        sha256: sha256.clone(),
                        checked,
                    });
                }
                if !any {
                    items.push(BundleItem {
                        file: path.clone(),
                        line: entry.line,
                        keyid: named.first().map(|k| (*k).to_owned()).unwrap_or_default(),
                        status: LinkStatus::NotAuthorized,
                        detail: Some(format!(
                            "signed by key(s) {}, none of which the layout authorises for step '{}'",
                            if named.is_empty() { "(none)".to_owned() } else { named.join(", ") },
                            step.name
                        )),
                        format: Some(format),
                        sha256: sha256.clone(),
                        checked: None,
                    });
                }
            }
        }
        out
    }

    /// Stage 6: each link must be validly signed by the authorised
    /// functionary it is named after; too few distinct functionaries (by key
    /// material) fail the step. Valid links must also carry their step's name
    /// and normalised artifact names (stricter than the reference).
    fn link_signatures(&mut self, layout: &Layout, chain: &mut Chain) {
        let start = self.begin(Stage::LinkSignatures);
        // The signatures were checked when the files were read.
        let mut results: Vec<Vec<Option<SignatureCheck>>> = chain
            .iter_mut()
            .map(|entries| entries.iter_mut().map(|e| e.checked.take()).collect())
            .collect();
        for (si, step) in layout.steps.iter().enumerate() {
            let (Some(entries), Some(results)) = (chain.get_mut(si), results.get_mut(si)) else {
                continue;
            };
            let mut accepted: Vec<(usize, &PublicKey)> = Vec::new();
            for (ei, entry) in entries.iter_mut().enumerate() {
                let Some(result) = results.get_mut(ei).and_then(Option::take) else {
                    if self.report.steps[si].links[ei].status == LinkStatus::Verified {
                        // Loaded, but no key in the layout may sign it.
                        self.opts.log.info(&format!(
                            "Skipping link. Keyid '{}' is not authorized to sign links for step '{}'",
                            entry.keyid, step.name
                        ));
                        self.set_link(
                            si,
                            ei,
                            LinkStatus::NotAuthorized,
                            "no authorised key in the layout has this key id",
                        );
                    }
                    continue;
                };
                let Some(key) = verification_key(layout, step, &entry.keyid) else {
                    continue;
                };
                match result {
                    Err(TrustError::Signature { error, .. })
                        if matches!(
                            *error,
                            MetadataError::Gpg(
                                GpgError::KeyExpired { .. }
                                    | GpgError::KeyRevoked { .. }
                                    | GpgError::WeakKey { .. }
                            )
                        ) =>
                    {
                        // The reference skips links of expired GnuPG keys;
                        // we skip those of revoked and weak keys too.
                        self.opts.log.info(&format!("Skipping link. {error}"));
                        self.set_link(si, ei, LinkStatus::BadSignature, &error.to_string());
                    }
                    Err(TrustError::Payload(e) | TrustError::Signature { error: e, .. })
                        if !matches!(
                            *e,
                            MetadataError::NoSignature(_) | MetadataError::BadSignature(_)
                        ) =>
                    {
                        let (kind, msg) = (metadata_error_kind(&e), e.to_string());
                        self.fail(
                            Stage::LinkSignatures,
                            FailureKind::LinkUnreadable {
                                step: step.name.clone(),
                                keyid: entry.keyid.clone(),
                                file: entry.file.clone(),
                                error: e.to_string(),
                            },
                            kind,
                            msg,
                        );
                        self.set_link(si, ei, LinkStatus::Rejected, &e.to_string());
                    }
                    Err(e) => {
                        self.opts.log.info(&format!(
                            "Skipping link. Broken link signature with keyid '{}' for step '{}'",
                            entry.keyid, step.name
                        ));
                        let detail = match &e {
                            TrustError::Signature { error, .. } => error.to_string(),
                            other => other.to_string(),
                        };
                        self.set_link(si, ei, LinkStatus::BadSignature, &detail);
                    }
                    Ok(verified) => {
                        if self.check_link_content(step.name.as_str(), entry, verified.get()) {
                            entry.verified = Some(verified);
                            self.set_link(si, ei, LinkStatus::Verified, "");
                            accepted.push((ei, key));
                        } else {
                            self.set_link(
                                si,
                                ei,
                                LinkStatus::Rejected,
                                "refused by a stricter check",
                            );
                        }
                    }
                }
            }
            // One function decides how many functionaries signed.
            let distinct = distinct_signers(accepted.iter().map(|(_, k)| *k));
            let mut signer_ids = Vec::new();
            for (ei, key) in &accepted {
                let first = distinct.iter().any(|d| std::ptr::eq(*d, *key));
                if first && !signer_ids.iter().any(|s| s == key.keyid().as_str()) {
                    signer_ids.push(key.keyid().as_str().to_owned());
                    if let Some(check) = self.report.steps[si].links.get_mut(*ei) {
                        check.counted = true;
                    }
                } else if let Some((first_ei, _)) = accepted
                    .iter()
                    .find(|(e, _)| *e < *ei && entries[*e].keyid == entries[*ei].keyid)
                {
                    // One functionary's evidence twice (a file and a bundle).
                    let msg = format!(
                        "'{}' and '{}' for step '{}' are both signed by key '{}'. Only one of them is counted towards the step threshold.",
                        entries[*first_ei].file.display(),
                        entries[*ei].file.display(),
                        step.name,
                        key.keyid()
                    );
                    self.warn(Stage::LinkSignatures, Some(&step.name), msg);
                } else if first {
                    // Links by different subkeys of one GnuPG key.
                    let msg = format!(
                        "Found links signed by different subkeys of the same main key '{}' for step '{}'. Only one of them is counted towards the step threshold.",
                        key.keyid(),
                        step.name
                    );
                    self.warn(Stage::LinkSignatures, Some(&step.name), msg);
                } else if let Some((first_ei, first_key)) =
                    accepted.iter().find(|(_, k)| k.same_key_material(key))
                {
                    let msg = format!(
                        "Links '{}' and '{}' for step '{}' are signed by the same key (key ids '{}' and '{}'). Only one of them is counted towards the step threshold.",
                        entries[*first_ei].file.display(),
                        entries[*ei].file.display(),
                        step.name,
                        first_key.keyid(),
                        key.keyid()
                    );
                    self.warn(Stage::LinkSignatures, Some(&step.name), msg);
                }
            }
            let count = signer_ids.len();
            self.report.steps[si].signers = signer_ids.clone();
            let missing_reported = self.report.failures.iter().any(
                |f| matches!(&f.kind, FailureKind::LinksMissing { step: s, .. } if *s == step.name),
            );
            if i64::try_from(count).unwrap_or(i64::MAX) < step.threshold && !missing_reported {
                let not_counted = self.report.steps[si]
                    .links
                    .iter()
                    .filter(|c| !c.counted && c.status != LinkStatus::Missing)
                    .map(|c| {
                        let file = PathBuf::from(c.label());
                        let why = match (&c.detail, c.status) {
                            (Some(d), _) => d.clone(),
                            (None, LinkStatus::Verified) => {
                                "its key already counted for another link".to_owned()
                            }
                            (None, status) => status.as_str().to_owned(),
                        };
                        (file, why)
                    })
                    .collect();
                self.fail(
                    Stage::LinkSignatures,
                    FailureKind::Threshold {
                        step: step.name.clone(),
                        threshold: step.threshold,
                        signers: signer_ids,
                        not_counted,
                    },
                    "ThresholdVerificationError",
                    format!(
                        "Step '{}' requires at least '{}' links validly signed by different authorized functionaries. Only found '{count}'",
                        step.name, step.threshold
                    ),
                );
            }
        }
        self.end(Stage::LinkSignatures, start);
    }

    fn set_link(&mut self, si: usize, ei: usize, status: LinkStatus, detail: &str) {
        if let Some(check) = self
            .report
            .steps
            .get_mut(si)
            .and_then(|s| s.links.get_mut(ei))
        {
            check.status = status;
            check.detail = (!detail.is_empty()).then(|| detail.to_owned());
        }
    }

    /// Our stricter checks of a validly signed link: its name is its step's,
    /// and its artifact names are normalised relative paths (checked when
    /// the file was read: [`bad_artifact_names`]).
    fn check_link_content(&mut self, step: &str, entry: &Entry, payload: &Payload) -> bool {
        let Payload::Link(link) = payload else {
            return true;
        };
        let mut ok = true;
        if link.name != step {
            ok = false;
            self.fail(
                Stage::LinkSignatures,
                FailureKind::LinkNameMismatch {
                    step: step.to_owned(),
                    file: entry.file.clone(),
                    name: link.name.clone(),
                },
                "LinkNameMismatchError",
                format!(
                    "Link '{}' is signed for step '{}', not for step '{step}'",
                    entry.short_name(step),
                    link.name
                ),
            );
        }
        if entry.unnamed_step {
            self.warn(
                Stage::LinkSignatures,
                Some(step),
                format!(
                    "'{}' is SLSA provenance that names no step (no \
                     buildDefinition.internalParameters.{}): only its file name ties it to \
                     step '{step}'",
                    entry.file.display(),
                    crate::model::evidence::IN_TOTO_STEP
                ),
            );
        }
        const SHOWN: usize = 10;
        let bad = entry.bad_names.len();
        for (kind, name, problem) in entry.bad_names.iter().take(SHOWN) {
            ok = false;
            self.fail(
                Stage::LinkSignatures,
                FailureKind::ArtifactName {
                    step: step.to_owned(),
                    file: entry.file.clone(),
                    kind: *kind,
                    artifact: name.clone(),
                    problem: *problem,
                },
                "ArtifactPathError",
                format!(
                    "Link '{}' records the {} name {} ({problem})",
                    entry.short_name(step),
                    kind,
                    pyrepr::str_repr(name)
                ),
            );
        }
        if bad > SHOWN {
            self.warn(
                Stage::LinkSignatures,
                Some(step),
                format!(
                    "{} more artifact names in '{}' are not normalised relative paths",
                    bad - SHOWN,
                    entry.file.display()
                ),
            );
        }
        ok
    }

    /// Stage 7: verify each sublayout recursively (links from
    /// `<link_dir>/<step>.<keyid[:8]>/`), replacing it by its summary link.
    fn sublayouts(&mut self, layout: &Layout, chain: &mut Chain) {
        let start = self.begin(Stage::Sublayouts);
        for (si, step) in layout.steps.iter().enumerate() {
            let Some(entries) = chain.get_mut(si) else {
                continue;
            };
            for (ei, entry) in entries.iter_mut().enumerate() {
                let Some(verified) = entry.verified.take() else {
                    continue;
                };
                if let VerifiedPayload::Link(link) = verified.split() {
                    entry.link = Some(link.into_inner());
                    continue;
                }
                self.info(&format!("Verifying sublayout {}...", step.name));
                let (Some(md), Some(key)) = (&entry.metadata, layout.keys.get(&entry.keyid)) else {
                    // Signed by a GnuPG subkey: the reference looks the
                    // subkey's id up among the layout's keys and fails.
                    let msg = format!(
                        "the sublayout is signed by a subkey, and the layout has no key '{}' to verify it with",
                        entry.keyid
                    );
                    self.fail(
                        Stage::Sublayouts,
                        FailureKind::LinkUnreadable {
                            step: step.name.clone(),
                            keyid: entry.keyid.clone(),
                            file: entry.file.clone(),
                            error: msg.clone(),
                        },
                        "FormatError",
                        msg,
                    );
                    self.set_link(
                        si,
                        ei,
                        LinkStatus::Rejected,
                        "a sublayout signed by a subkey",
                    );
                    continue;
                };
                let sub_opts = VerifyOptions {
                    link_dir: self.opts.link_dir.join(format!(
                        "{}.{}",
                        step.name,
                        keyid_prefix(&entry.keyid)
                    )),
                    parameters: None,
                    ..self.opts.clone()
                };
                let may_execute = self.may_execute && self.report.failures.is_empty();
                let mut sub = Verifier::new(&sub_opts, step.name.clone(), may_execute);
                sub.run(md, std::slice::from_ref(key));
                let sub = sub.finish();
                if sub.passed() {
                    entry.link = sub.summary_link.clone();
                } else {
                    let (kind, msg) = sub
                        .first_failure()
                        .map(|f| (f.reference_kind.clone(), f.reference_message.clone()))
                        .unwrap_or_default();
                    self.fail(
                        Stage::Sublayouts,
                        FailureKind::Sublayout {
                            step: step.name.clone(),
                            keyid: entry.keyid.clone(),
                            file: entry.file.clone(),
                            failures: sub.failures.clone(),
                        },
                        kind,
                        msg,
                    );
                    self.set_link(
                        si,
                        ei,
                        LinkStatus::Rejected,
                        "the sublayout failed verification",
                    );
                }
                if let Some(check) = self.report.steps[si].links.get_mut(ei) {
                    check.sublayout = Some(Box::new(sub));
                }
            }
        }
        self.end(Stage::Sublayouts, start);
    }

    /// Stage 8: warn when a link's command differs from the expected one.
    fn command_alignment(&mut self, layout: &Layout, chain: &Chain) {
        let start = self.begin(Stage::CommandAlignment);
        for (step, entries) in layout.steps.iter().zip(chain) {
            for entry in entries {
                let Some(link) = &entry.link else {
                    continue;
                };
                self.info(&format!(
                    "Verifying command alignment for '{}'...",
                    entry.short_name(&step.name)
                ));
                if link.command != step.expected_command {
                    let msg = format!(
                        "Run command '{}' differs from expected command '{}'",
                        pyrepr::list_repr(link.command.iter().map(String::as_str)),
                        pyrepr::list_repr(step.expected_command.iter().map(String::as_str))
                    );
                    self.warn(Stage::CommandAlignment, Some(&step.name), msg);
                }
            }
        }
        self.end(Stage::CommandAlignment, start);
    }

    /// Stage 9: the links of a step with threshold above 1 must agree on
    /// their materials and products.
    fn threshold_constraints(&mut self, layout: &Layout, chain: &Chain) {
        let start = self.begin(Stage::ThresholdConstraints);
        for (step, entries) in layout.steps.iter().zip(chain) {
            if step.threshold <= 1 {
                self.info(&format!(
                    "Skipping threshold verification for step '{}' with threshold '{}'...",
                    step.name, step.threshold
                ));
                continue;
            }
            self.info(&format!(
                "Verifying threshold for step '{}' with threshold '{}'...",
                step.name, step.threshold
            ));
            let mut usable = entries
                .iter()
                .filter_map(|e| e.link.as_ref().map(|l| (e, l)));
            let Some((ref_entry, reference)) = usable.next() else {
                continue;
            };
            for (entry, link) in usable {
                let differences = artifact_differences(reference, link);
                if differences.is_empty() {
                    continue;
                }
                self.fail(
                    Stage::ThresholdConstraints,
                    FailureKind::ArtifactsDiffer {
                        step: step.name.clone(),
                        reference_file: ref_entry.file.clone(),
                        other_file: entry.file.clone(),
                        differences,
                    },
                    "ThresholdVerificationError",
                    format!(
                        "Links '{}' and '{}' have different artifacts!",
                        ref_entry.short_name(&step.name),
                        entry.short_name(&step.name)
                    ),
                );
            }
        }
        self.end(Stage::ThresholdConstraints, start);
    }

    /// Stage 10: one link per step, the first usable one in `pubkeys` order.
    fn reduce<'c>(&mut self, chain: &'c Chain) -> StepLinks<'c> {
        let mut out = BTreeMap::new();
        for (si, entries) in chain.iter().enumerate() {
            let Some(step) = self.report.steps.get_mut(si) else {
                continue;
            };
            if let Some(entry) = entries.iter().find(|e| e.link.is_some())
                && let Some(link) = &entry.link
            {
                step.link_used = Some(entry.file.clone());
                out.insert(step.name.clone(), (link, entry.file.as_path()));
            }
        }
        out
    }

    /// Stage 11: every step's artifact rules, against the step links only.
    fn step_rules(&mut self, layout: &Layout, links: &StepLinks<'_>) {
        let start = self.begin(Stage::StepRules);
        let lookup = rules::Lookup::new(links.iter().map(|(n, (l, f))| (n.as_str(), *l, Some(*f))));
        let items: Vec<(usize, rules::Item<'_>)> = layout
            .steps
            .iter()
            .enumerate()
            .filter_map(|(si, step)| {
                let (link, file) = links.get(&step.name)?;
                Some((
                    si,
                    rules::Item {
                        name: &step.name,
                        materials_rules: &step.expected_materials,
                        products_rules: &step.expected_products,
                        link,
                        file: Some(*file),
                    },
                ))
            })
            .collect();
        // Evaluate every step's materials and products at once, on all
        // cores; log and report in order.
        const KINDS: [ArtifactKind; 2] = [ArtifactKind::Materials, ArtifactKind::Products];
        let mut results = items
            .par_iter()
            .flat_map_iter(|(_, item)| KINDS.iter().map(move |kind| (item, *kind)))
            .map(|(item, kind)| rules::evaluate_kind(item, kind, &lookup))
            .collect::<Vec<_>>()
            .into_iter();
        for (si, item) in &items {
            let mut reports = Vec::new();
            for kind in KINDS {
                rules::log_rules(item, kind, self.opts.log);
                if let Some((report, failures)) = results.next() {
                    reports.push(report);
                    self.report.failures.extend(failures);
                }
            }
            if let Some(s) = self.report.steps.get_mut(*si) {
                s.rules = reports;
            }
        }
        self.end(Stage::StepRules, start);
    }

    /// Stage 12: run the inspections, in order, only if nothing failed.
    fn inspections(&mut self, layout: &Layout) -> BTreeMap<String, Link> {
        self.report.inspections = layout
            .inspect
            .iter()
            .map(|i| InspectionReport {
                name: i.name.clone(),
                run: i.run.clone(),
                status: InspectionStatus::NotRun,
                return_value: None,
                link_file: None,
                rules: Vec::new(),
            })
            .collect();
        if layout.inspect.is_empty() {
            self.info(Stage::Inspections.log_line());
            self.passed(Stage::Inspections);
            return BTreeMap::new();
        }
        if !self.report.failures.is_empty() || !self.may_execute {
            self.skip(
                Stage::Inspections,
                "not run: inspections run commands only when every earlier check passed",
            );
            return BTreeMap::new();
        }
        let start = self.begin(Stage::Inspections);
        let mut links = BTreeMap::new();
        for (index, insp) in layout.inspect.iter().enumerate() {
            let outcome = inspect::run_inspection(insp, self.opts);
            for w in outcome.warnings {
                self.warn(Stage::Inspections, Some(&insp.name), w);
            }
            let report = &mut self.report.inspections[index];
            report.return_value = outcome.return_value;
            report.link_file = outcome.link_file;
            match outcome.result {
                Ok(link) => {
                    report.status = InspectionStatus::Passed;
                    links.insert(insp.name.clone(), link);
                }
                Err((problem, kind, msg)) => {
                    report.status = InspectionStatus::Failed;
                    self.fail(
                        Stage::Inspections,
                        FailureKind::Inspection {
                            name: insp.name.clone(),
                            run: insp.run.clone(),
                            problem,
                        },
                        kind,
                        msg,
                    );
                    // The reference stops at the first failed inspection.
                    break;
                }
            }
        }
        self.end(Stage::Inspections, start);
        links
    }

    /// Stage 13: every inspection's artifact rules, against step and
    /// inspection links.
    fn inspection_rules(
        &mut self,
        layout: &Layout,
        step_links: &StepLinks<'_>,
        inspection_links: &BTreeMap<String, Link>,
    ) {
        if layout.inspect.is_empty() {
            self.info(Stage::InspectionRules.log_line());
            self.passed(Stage::InspectionRules);
            return;
        }
        if inspection_links.len() < layout.inspect.len() {
            self.skip(Stage::InspectionRules, "not run: not every inspection ran");
            return;
        }
        let start = self.begin(Stage::InspectionRules);
        let lookup = rules::Lookup::new(
            step_links
                .iter()
                .map(|(n, (l, f))| (n.as_str(), *l, Some(*f)))
                .chain(inspection_links.iter().map(|(n, l)| (n.as_str(), l, None))),
        );
        for (index, insp) in layout.inspect.iter().enumerate() {
            let Some(link) = inspection_links.get(&insp.name) else {
                continue;
            };
            let item = rules::Item {
                name: &insp.name,
                materials_rules: &insp.expected_materials,
                products_rules: &insp.expected_products,
                link,
                file: None,
            };
            let (reports, failures) = rules::evaluate(&item, &lookup, self.opts.log);
            self.report.inspections[index].rules = reports;
            self.report.failures.extend(failures);
        }
        self.end(Stage::InspectionRules, start);
    }

    /// Stage 14: the link summarising the chain: the first step's materials
    /// and the last step's products, command and byproducts.
    fn summary_link(&mut self, layout: &Layout, links: &StepLinks<'_>) {
        let name = self.report.step_name.clone();
        let (Some(first), Some(last)) = (layout.steps.first(), layout.steps.last()) else {
            self.report.summary_link = Some(Link::new(name));
            return;
        };
        if let (Some((first, _)), Some((last, _))) = (links.get(&first.name), links.get(&last.name))
        {
            self.report.summary_link = Some(Link {
                name,
                materials: first.materials.clone(),
                products: last.products.clone(),
                byproducts: last.byproducts.clone(),
                command: last.command.clone(),
                environment: intoto_cjson::Map::new(),
            });
        }
    }
}

/// Every artifact whose digests differ between two links of one step.
fn artifact_differences(reference: &Link, other: &Link) -> Vec<ArtifactDifference> {
    // Materials and products are compared at once, on two cores.
    let (mut out, products) = rayon::join(
        || {
            kind_differences(
                ArtifactKind::Materials,
                &reference.materials,
                &other.materials,
            )
        },
        || kind_differences(ArtifactKind::Products, &reference.products, &other.products),
    );
    out.extend(products);
    out
}

/// Every artifact of one kind whose digests differ between two links.
fn kind_differences(
    kind: ArtifactKind,
    a: &crate::model::Artifacts,
    b: &crate::model::Artifacts,
) -> Vec<ArtifactDifference> {
    if a == b {
        return Vec::new();
    }
    let paths: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    paths
        .into_iter()
        .filter_map(|path| {
            let (x, y) = (a.get(path), b.get(path));
            (x != y).then(|| ArtifactDifference {
                kind,
                path: path.clone(),
                reference: x.cloned(),
                other: y.cloned(),
            })
        })
        .collect()
}

/// The key that verifies a link of `step` filed under `link_keyid`, as the
/// reference finds it: the first authorised key id that is `link_keyid`
/// with a key in the layout, or is `link_keyid` and a GnuPG subkey of a key
/// in the layout (which verifies), or whose GnuPG key has `link_keyid` as a
/// subkey. `None`: not authorised.
fn verification_key<'l>(
    layout: &'l Layout,
    step: &Step,
    link_keyid: &str,
) -> Option<&'l PublicKey> {
    step.pubkeys.iter().find_map(|authorized| {
        let key = layout.keys.get(authorized);
        if authorized == link_keyid {
            if let Some(k) = key {
                return Some(k);
            }
            if let Some(main) = layout.keys.values().find(|k| k.has_gpg_subkey(authorized)) {
                return Some(main);
            }
        }
        key.filter(|k| k.has_gpg_subkey(link_keyid))
    })
}

/// The file name suffix of bundles.
const BUNDLE_SUFFIX: &str = ".intoto.jsonl";

/// An envelope of a bundle, attributed to a step and checked with one
/// functionary's key.
struct BundleItem {
    file: PathBuf,
    line: usize,
    keyid: String,
    status: LinkStatus,
    detail: Option<String>,
    format: Option<EvidenceFormat>,
    sha256: Option<String>,
    checked: Option<SignatureCheck>,
}

/// A link file as read by [`load_link`].
struct Loaded {
    /// The container, kept only for a validly signed sublayout.
    metadata: Option<Metadata>,
    /// `link` or `layout`, when the payload could be read.
    payload: Option<&'static str>,
    /// The signature check by `key`, if there is a key.
    checked: Option<SignatureCheck>,
    /// A validly signed link's artifact names that are not normalised.
    bad_names: Vec<BadName>,
    /// What the file holds, judged from its payload's types.
    format: Option<EvidenceFormat>,
    /// The SHA-256 of the file's bytes, if asked for.
    sha256: Option<String>,
    /// SLSA provenance without `inTotoStep` ([`provenance_names_no_step`]).
    unnamed_step: bool,
}

/// An artifact name that is not a normalised relative path.
type BadName = (ArtifactKind, String, PathProblem);

/// The artifact names of a validly signed link that are not normalised
/// relative paths, materials first, each in path order.
fn bad_artifact_names(checked: Option<&SignatureCheck>) -> Vec<BadName> {
    let Some(Ok(verified)) = checked else {
        return Vec::new();
    };
    let Payload::Link(link) = verified.get() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (kind, artifacts) in [
        (ArtifactKind::Materials, &link.materials),
        (ArtifactKind::Products, &link.products),
    ] {
        for name in artifacts.keys() {
            if let Err(problem) = check_artifact_name(name) {
                out.push((kind, name.clone(), problem));
            }
        }
    }
    out
}

/// Loads a link file with the checks the reference makes when it loads
/// one, before any signature: a Metablock's payload must be a valid link or
/// layout, and every DSSE signature must name its key. (Loading fails
/// otherwise, and so does verification, even when the file would have been
/// skipped later.) Then checks the signature of `key`, the key that may
/// sign it, if any.
///
/// A Metablock link is taken apart as it is read: its canonical bytes are
/// made first, then the parsed JSON is moved (not copied) into the link,
/// so no copy of a large link is ever held.
fn load_link(
    file: &Path,
    key: Option<&PublicKey>,
    now: crate::time::Timestamp,
    step: &str,
    record_digest: bool,
) -> Result<Loaded, Box<LoadFailure>> {
    let bytes = crate::files::read_regular_file(file, crate::files::MAX_METADATA_BYTES);
    let size = bytes.as_ref().map_or(0, Vec::len);
    let sha256 = match &bytes {
        Ok(b) if record_digest => Some(intoto_crypto::digest::sha256_hex(b)),
        _ => None,
    };
    let md = bytes
        .and_then(|b| Metadata::from_slice(&b).map_err(crate::metadata_io::with_path(file)))
        .map_err(|error| {
            let (kind, message) = python_error(&error);
            Box::new(LoadFailure {
                error,
                kind,
                message,
            })
        })?;
    let fail = |kind: &'static str, message: String, e: MetadataError| {
        Box::new(LoadFailure {
            error: crate::metadata_io::with_path(file)(e),
            kind,
            message,
        })
    };
    let invalid = |e: crate::model::ModelError| {
        let e = MetadataError::from(e);
        fail(metadata_error_kind(&e), e.to_string(), e)
    };
    if let Err(e) = dsse_keyids(&md) {
        return Err(fail("KeyError", "'keyid'".to_owned(), e));
    }
    match md {
        Metadata::Metablock(m)
            if m.signed.get("_type").and_then(intoto_cjson::Value::as_str) != Some("layout") =>
        {
            // The canonical form is a little smaller than the file.
            let mut canonical = Vec::with_capacity(size);
            let canonical =
                intoto_cjson::write_canonical(&m.signed, &mut canonical).map(|()| canonical);
            let link = Link::from_value_owned(m.signed).map_err(invalid)?;
            let checked =
                key.map(|k| trust::verify_metablock_link(&m.signatures, canonical, link, k, now));
            Ok(Loaded {
                metadata: None,
                payload: Some("link"),
                format: Some(EvidenceFormat::Link),
                sha256,
                bad_names: bad_artifact_names(checked.as_ref()),
                checked,
                unnamed_step: false,
            })
        }
        Metadata::Metablock(ref m) => {
            let layout = Layout::from_value(&m.signed).map_err(invalid)?;
            let checked = key.map(|k| {
                trust::verify_signature_parsed(&md, Some(Payload::Layout(layout)), k, now)
            });
            let keep = matches!(&checked, Some(Ok(v)) if matches!(v.get(), Payload::Layout(_)));
            Ok(Loaded {
                metadata: keep.then_some(md),
                payload: Some("layout"),
                format: Some(EvidenceFormat::Sublayout),
                sha256,
                bad_names: Vec::new(),
                checked,
                unnamed_step: false,
            })
        }
        Metadata::Dsse(ref envelope) => {
            let (checked, format, unnamed_step) =
                check_envelope(&md, &envelope.payload, key, now, step);
            let keep = matches!(&checked, Some(Ok(v)) if matches!(v.get(), Payload::Layout(_)));
            Ok(Loaded {
                metadata: keep.then_some(md),
                payload: Some(payload_name(format)),
                format,
                sha256,
                bad_names: bad_artifact_names(checked.as_ref()),
                checked,
                unnamed_step,
            })
        }
    }
}

/// Parses a DSSE payload once, judges its format, and checks the
/// signature of `key` over it (if there is a key), reading a Statement as
/// evidence for `step`. The flag says whether it is SLSA provenance that
/// names no step ([`provenance_names_no_step`]).
fn check_envelope(
    md: &Metadata,
    payload: &[u8],
    key: Option<&PublicKey>,
    now: crate::time::Timestamp,
    step: &str,
) -> (Option<SignatureCheck>, Option<EvidenceFormat>, bool) {
    let value = intoto_cjson::from_slice(payload).map_err(MetadataError::PayloadJson);
    let format = value.as_ref().ok().and_then(EvidenceFormat::of_payload);
    let unnamed_step = format == Some(EvidenceFormat::Provenance)
        && value.as_ref().is_ok_and(provenance_names_no_step);
    let checked = key.map(|k| trust::verify_dsse_evidence(md, value, k, now, step));
    (checked, format, unnamed_step)
}

/// Whether a SLSA provenance Statement lacks
/// `predicate.buildDefinition.internalParameters.inTotoStep`: then only
/// the file's name ties it to a step, and the functionary's provenance for
/// one step, copied under another step's file name, would be taken for
/// that step too (the replay a link's signed `name` prevents).
fn provenance_names_no_step(statement: &intoto_cjson::Value) -> bool {
    statement
        .get("predicate")
        .and_then(|p| p.get("buildDefinition"))
        .and_then(|b| b.get("internalParameters"))
        .and_then(|i| i.get(crate::model::evidence::IN_TOTO_STEP))
        .is_none()
}

/// The report's `payload` for a format: `layout` for a sublayout,
/// `statement` for an attestation, else `link`.
fn payload_name(format: Option<EvidenceFormat>) -> &'static str {
    match format {
        Some(EvidenceFormat::Sublayout) => "layout",
        Some(f) if f.is_attestation() => "statement",
        _ => "link",
    }
}

/// A link file that cannot be used, with the reference's exception for it.
struct LoadFailure {
    error: Error,
    kind: &'static str,
    message: String,
}

/// Every signature of a DSSE envelope must carry a key id (the reference's
/// envelope cannot be loaded otherwise).
fn dsse_keyids(md: &Metadata) -> Result<(), MetadataError> {
    match md {
        Metadata::Dsse(e) if e.signatures.iter().any(|s| s.keyid.is_none()) => Err(
            MetadataError::NotMetadata("a DSSE signature has no 'keyid'".to_owned()),
        ),
        _ => Ok(()),
    }
}

/// Whether a load error means "there is no such file" (skipped silently,
/// as the reference skips it).
fn is_missing(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. }
        if matches!(source.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory))
}

/// The reference's exception class for a metadata problem.
fn metadata_error_kind(e: &MetadataError) -> &'static str {
    match e {
        MetadataError::NoSignature(_) | MetadataError::BadSignature(_) => {
            "SignatureVerificationError"
        }
        MetadataError::PayloadJson(_) => "JSONDecodeError",
        MetadataError::NotMetadata(_) | MetadataError::PayloadType(_) => "InvalidMetadata",
        _ => "FormatError",
    }
}

/// The reference's exception class and message for an error reading a
/// file (Python's `OSError` texts for I/O errors).
fn python_error(e: &Error) -> (&'static str, String) {
    let quoted = |p: &Path| pyrepr::str_repr(&p.to_string_lossy());
    match e {
        Error::Io { path, source } => match source.kind() {
            std::io::ErrorKind::NotFound => (
                "FileNotFoundError",
                format!("[Errno 2] No such file or directory: {}", quoted(path)),
            ),
            std::io::ErrorKind::PermissionDenied => (
                "PermissionError",
                format!("[Errno 13] Permission denied: {}", quoted(path)),
            ),
            _ => ("OSError", e.to_string()),
        },
        Error::NotAFile { path } if path.is_dir() => (
            "IsADirectoryError",
            format!("[Errno 21] Is a directory: {}", quoted(path)),
        ),
        Error::Metadata { source, .. } => (metadata_error_kind(source), e.to_string()),
        Error::Key { .. } => ("ValueError", e.to_string()),
        _ => ("OSError", e.to_string()),
    }
}
