//! Running steps and producing their evidence: the reference's `in_toto_run`
//! ([`run_step`]), `in_toto_mock` ([`mock`]), `in_toto_record_start` and
//! `in_toto_record_stop` ([`record_start`], [`record_stop`]) and
//! `in_toto_match_products` ([`match_products`]).
//!
//! The library never prints. What the reference logs at each phase is
//! reported to an [`Observer`] as a [`RunEvent`] whose `Display` is the
//! reference's message, and each recording pass is handed a
//! [`Progress`] by the observer.
//!
//! Differences from the reference, all deliberate:
//!
//! * Step names that cannot be a file name (empty, `.`, `..`, or containing
//!   `/`, `\` or NUL) are refused ([`RunError::UnsafeStepName`]) before
//!   anything runs; the reference writes such links outside the directory.
//! * Recorded output can have secrets redacted before signing
//!   ([`Redactor`]).
//! * Every file is written atomically: a failure leaves no link, no
//!   unfinished link and no partial file behind.

pub mod artifacts;
pub mod command;
mod matching;
mod record_step;
pub mod redact;
mod serialize;
mod step;
#[cfg(test)]
mod step_tests;

use std::fmt;
use std::path::{Path, PathBuf};

pub use self::artifacts::{ArtifactList, Digests};
pub use self::command::{CommandOutput, ExecError, Executor, SystemExecutor};
pub use self::matching::{ProductsMatch, match_products};
pub use self::record_step::{
    StoppedStep, record_start, record_start_with, record_stop, record_stop_unsealed,
    record_stop_with, remove_unfinished,
};
pub use self::redact::{DEFAULT_PATTERNS, REDACTED, RedactPatternError, Redactor};
pub use self::step::{
    DEFAULT_TIMEOUT, LinkSigner, RunOptions, StepOptions, StepRun, mock, run_step, run_step_with,
    write_link,
};
use crate::model::MetadataError;
use crate::record::{NoProgress, Progress, RecordError, RecordWarning};

/// Why running or recording a step failed. Nothing has been written when
/// one of these is returned (except where a variant says otherwise).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The step name cannot be used in a file name.
    #[error(
        "the step name '{}' cannot be used in a file name (it must not be empty, '.' or '..', nor contain '/', '\\' or NUL)",
        printable(name)
    )]
    UnsafeStepName {
        /// The name.
        name: String,
    },
    /// Recording materials or products failed.
    #[error("recording {phase} failed: {source}")]
    Record {
        /// `materials` or `products`.
        phase: &'static str,
        /// Why.
        #[source]
        source: RecordError,
    },
    /// The command could not be run to completion.
    #[error(transparent)]
    Command(#[from] ExecError),
    /// Signing the link failed.
    #[error("signing the link failed: {0}")]
    Sign(#[source] Box<MetadataError>),
    /// Reading or writing a file failed (the error names the file).
    #[error(transparent)]
    File(#[from] crate::Error),
    /// `record stop` found no unfinished link for the step and key.
    #[error(
        "{}: no unfinished link for step '{name}' signed by this key (run 'in-toto-record start' first, with the same key, in this directory)",
        path.display()
    )]
    NoUnfinishedLink {
        /// The file that was looked for.
        path: PathBuf,
        /// The step.
        name: String,
    },
    /// `record stop` with GnuPG found no unfinished link for the step.
    #[error(
        "LinkNotFoundError: Could not find a preliminary link for step '{name}' in the current working directory."
    )]
    NoPreliminaryLink {
        /// The step.
        name: String,
    },
    /// `record stop` with GnuPG found several unfinished links for the
    /// step and cannot tell which is meant.
    #[error(
        "LinkNotFoundError: Found more than one preliminary links for step '{name}' in the current working directory: {}. We need exactly one to stop recording.",
        files.join(", ")
    )]
    ManyPreliminaryLinks {
        /// The step.
        name: String,
        /// The unfinished links found.
        files: Vec<String>,
    },
    /// Listing the working directory for unfinished links failed.
    #[error("{}: cannot list the directory: {source}", dir.display())]
    ListDir {
        /// The directory.
        dir: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The unfinished link's signature does not verify with the key.
    #[error("{}: the unfinished link's signature does not verify with the given key: {source}", path.display())]
    UnfinishedSignature {
        /// The unfinished link.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<MetadataError>,
    },
    /// The unfinished link cannot be read as a link.
    #[error("{}: not a valid unfinished link: {source}", path.display())]
    UnfinishedPayload {
        /// The unfinished link.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<MetadataError>,
    },
    /// The finished link was written but the unfinished one could not be
    /// removed.
    #[error("{}: could not remove the unfinished link (the finished link was written): {source}", path.display())]
    RemoveUnfinished {
        /// The unfinished link.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// `name` with control characters (such as NUL) escaped, for messages.
fn printable(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A phase of running or recording a step, as the reference logs it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum RunEvent<'a> {
    /// `in-toto-run` or `in-toto-mock` starts.
    Running {
        /// The step.
        name: &'a str,
    },
    /// `in-toto-record start` starts.
    StartRecording {
        /// The step.
        name: &'a str,
    },
    /// `in-toto-record stop` starts.
    StopRecording {
        /// The step.
        name: &'a str,
    },
    /// Materials are about to be recorded.
    RecordingMaterials(&'a [String]),
    /// The command is about to run.
    RunningCommand(&'a [String]),
    /// Products are about to be recorded.
    RecordingProducts(&'a [String]),
    /// The link is about to be built (`preliminary` for `record start`).
    CreatingLink {
        /// Whether it is the unfinished link of `record start`.
        preliminary: bool,
    },
    /// The container is chosen.
    Generating {
        /// DSSE rather than Metablock.
        dsse: bool,
    },
    /// The link is about to be signed.
    Signing,
    /// The unfinished link is about to be read.
    LoadingUnfinished(&'a Path),
    /// Its signature is about to be checked.
    VerifyingUnfinished,
    /// The link is taken out of its container.
    Extracting,
    /// The finished link is about to be signed by the key.
    UpdatingSignature {
        /// The signer's key id.
        keyid: &'a str,
    },
    /// Secrets were redacted from a recorded stream.
    Redacted {
        /// `stdout` or `stderr`.
        stream: &'static str,
    },
    /// A file is about to be written.
    Storing {
        /// The file.
        path: &'a Path,
        /// What it is.
        kind: StoredKind,
    },
    /// The unfinished link is about to be removed.
    RemovingUnfinished(&'a Path),
    /// Something was skipped while recording.
    Warning(&'a RecordWarning),
}

/// What kind of link file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoredKind {
    /// A signed link.
    Signed,
    /// An unsigned link (`in-toto-mock`, or no signer).
    Unsigned,
    /// The unfinished link of `record start`.
    Preliminary,
}

impl RunEvent<'_> {
    /// Whether this is a warning (shown unless quiet) rather than progress
    /// information (shown when verbose).
    pub fn is_warning(&self) -> bool {
        matches!(self, Self::Warning(_))
    }
}

impl fmt::Display for RunEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Running { name } => write!(f, "Running '{name}'..."),
            Self::StartRecording { name } => write!(f, "Start recording '{name}'..."),
            Self::StopRecording { name } => write!(f, "Stop recording '{name}'..."),
            Self::RecordingMaterials(p) => write!(f, "Recording materials '{}'...", p.join(", ")),
            Self::RunningCommand(c) => write!(f, "Running command '{}'...", c.join(" ")),
            Self::RecordingProducts(p) => write!(f, "Recording products '{}'...", p.join(", ")),
            Self::CreatingLink { preliminary: false } => f.write_str("Creating link metadata..."),
            Self::CreatingLink { preliminary: true } => {
                f.write_str("Creating preliminary link metadata...")
            }
            Self::Generating { dsse: true } => {
                f.write_str("Generating link metadata using DSSE...")
            }
            Self::Generating { dsse: false } => {
                f.write_str("Generating link metadata using Metablock...")
            }
            Self::Signing => f.write_str("Signing link metadata using passed signer..."),
            Self::LoadingUnfinished(p) => {
                write!(f, "Loading preliminary link metadata '{}'...", p.display())
            }
            Self::VerifyingUnfinished => {
                f.write_str("Verifying preliminary link signature using passed signer...")
            }
            Self::Extracting => f.write_str("Extracting Link from metadata..."),
            Self::UpdatingSignature { keyid } => write!(
                f,
                "Updating signature with signer '{}...'...",
                crate::model::link::keyid_prefix(keyid)
            ),
            Self::Redacted { stream } => write!(f, "Redacted secrets in the recorded {stream}"),
            Self::Storing { path, kind } => {
                let what = match kind {
                    StoredKind::Signed => "link metadata",
                    StoredKind::Unsigned => "unsigned link metadata",
                    StoredKind::Preliminary => "preliminary link metadata",
                };
                write!(f, "Storing {what} to '{}'...", path.display())
            }
            Self::RemovingUnfinished(p) => {
                write!(f, "Removing unfinished link metadata '{}'...", p.display())
            }
            Self::Warning(w) => write!(f, "{w}"),
        }
    }
}

/// Hears what a step does. Every method has a default that does nothing.
pub trait Observer {
    /// A phase begins, or something deserves a warning.
    fn event(&self, event: &RunEvent<'_>) {
        let _ = event;
    }

    /// Runs one recording pass, `work`, handing it a progress sink.
    /// `label` says what is recorded (`"materials"` or `"products"`). The
    /// default reports progress nowhere.
    fn with_progress(&self, label: &str, work: &mut dyn FnMut(&dyn Progress)) {
        let _ = label;
        work(&NoProgress);
    }
}

/// An [`Observer`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {}

/// Refuses step names that cannot safely be part of a file name: empty,
/// `.`, `..`, or containing `/`, `\` or NUL.
pub fn check_step_name(name: &str) -> Result<(), RunError> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
        return Err(RunError::UnsafeStepName {
            name: name.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_step_names() {
        for bad in ["", ".", "..", "a/b", "/abs", "a\\b", "nul\0", "../x"] {
            let err = check_step_name(bad).unwrap_err();
            assert!(matches!(err, RunError::UnsafeStepName { .. }), "{bad:?}");
            assert!(!err.to_string().contains('\0'));
            assert!(err.to_string().contains(&format!("'{}'", printable(bad))));
        }
        for good in ["build", "a.b", "...", ".hidden", "caf\u{e9}", "with space"] {
            check_step_name(good).unwrap();
        }
    }

    #[test]
    fn events_read_like_the_reference_log() {
        let paths = vec![".".to_owned(), "src".to_owned()];
        let cmd = vec!["sh".to_owned(), "-c".to_owned(), "echo out".to_owned()];
        assert_eq!(
            RunEvent::RecordingMaterials(&paths).to_string(),
            "Recording materials '., src'..."
        );
        assert_eq!(
            RunEvent::RunningCommand(&cmd).to_string(),
            "Running command 'sh -c echo out'..."
        );
        assert_eq!(
            RunEvent::Storing {
                path: Path::new("m2.link"),
                kind: StoredKind::Unsigned
            }
            .to_string(),
            "Storing unsigned link metadata to 'm2.link'..."
        );
        assert_eq!(
            RunEvent::UpdatingSignature {
                keyid: "483efd58c486bb92"
            }
            .to_string(),
            "Updating signature with signer '483efd58...'..."
        );
    }
}
