//! `in_toto_run` and `in_toto_mock`: record materials, run the command,
//! record products, and build (and sign) the link.

use std::path::{Path, PathBuf};
use std::time::Duration;

use intoto_cjson::{Map, Value};
use intoto_crypto::Signer;
use intoto_crypto::gpg::GpgSigner;

use super::command::Executor;
use super::redact::Redactor;
use super::{Observer, RunError, RunEvent, StoredKind, check_step_name};
use intoto_dsse::Envelope;

use super::artifacts::ArtifactList;
use super::serialize::LinkView;
use crate::files::write_atomic;
use crate::model::{Link, MetadataError, PAYLOAD_TYPE};
use crate::record::{NoProgress, RecordOptions, record_artifact_digests};

/// The reference's default command timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How `run`, `record start` and `record stop` record artifacts and which
/// container they write.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StepOptions {
    /// Excludes, base path, lstrip prefixes and the working directory.
    /// The default follows symlinks to directories, as the reference's
    /// tools do.
    pub record: RecordOptions,
    /// Write a DSSE envelope instead of a Metablock (for `record stop` the
    /// container of the unfinished link decides instead).
    pub use_dsse: bool,
}

impl Default for StepOptions {
    fn default() -> Self {
        Self {
            record: RecordOptions::new().follow_symlink_dirs(true),
            use_dsse: false,
        }
    }
}

impl StepOptions {
    /// The directory for files without a directory of their own (the
    /// unfinished link, a mock link): [`RecordOptions::cwd`], else the
    /// process's current directory.
    pub(super) fn place(&self, file_name: &str) -> PathBuf {
        match &self.record.cwd {
            Some(dir) => dir.join(file_name),
            None => PathBuf::from(file_name),
        }
    }

    /// `dir` (resolved against [`RecordOptions::cwd`]) joined with `file_name`.
    pub(super) fn place_in(&self, dir: Option<&Path>, file_name: &str) -> PathBuf {
        match (dir, &self.record.cwd) {
            (Some(d), Some(cwd)) => cwd.join(d).join(file_name),
            (Some(d), None) => d.join(file_name),
            (None, _) => self.place(file_name),
        }
    }
}

/// What [`run_step`] records and how it runs the command.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RunOptions {
    /// Recording options and the container.
    pub step: StepOptions,
    /// Paths recorded before the command runs.
    pub materials: Vec<String>,
    /// Paths recorded after the command has run.
    pub products: Vec<String>,
    /// Show the command's output live and record it (`-s`); otherwise it
    /// is discarded.
    pub record_streams: bool,
    /// How long the command may run before it is killed.
    pub timeout: Duration,
    /// Secrets to remove from the recorded output before signing.
    pub redactor: Redactor,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            step: StepOptions::default(),
            materials: Vec::new(),
            products: Vec::new(),
            record_streams: false,
            timeout: DEFAULT_TIMEOUT,
            redactor: Redactor::default(),
        }
    }
}

impl RunOptions {
    /// The reference's `in_toto_mock` settings: the current directory as
    /// materials and products, streams recorded, default excludes, a 10 s
    /// timeout.
    pub fn for_mock(use_dsse: bool) -> Self {
        Self {
            step: StepOptions {
                use_dsse,
                ..StepOptions::default()
            },
            materials: vec![".".to_owned()],
            products: vec![".".to_owned()],
            record_streams: true,
            ..Self::default()
        }
    }
}

/// A finished step: the link's members, and the file that carries it
/// (a Metablock or DSSE envelope, signed when a signer was given),
/// byte for byte as the reference writes it.
///
/// The artifacts are kept compact ([`ArtifactList`]); [`StepRun::link`]
/// builds the model's [`Link`] when it is wanted.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StepRun {
    /// The step name.
    pub name: String,
    /// Artifacts recorded before the command ran.
    pub materials: ArtifactList,
    /// Artifacts recorded after the command ran.
    pub products: ArtifactList,
    /// `return-value`, `stdout` and `stderr` of the command (`{}` without one).
    pub byproducts: Map,
    /// The command (`[]` without one).
    pub command: Vec<String>,
    /// The key id of the signer, if the link is signed.
    pub keyid: Option<String>,
    /// Whether the container is a DSSE envelope.
    pub dsse: bool,
    bytes: Vec<u8>,
}

impl StepRun {
    /// `<name>.<keyid[:8]>.link` for a signed link, `<name>.link` otherwise.
    pub fn file_name(&self) -> String {
        match &self.keyid {
            Some(keyid) => Link::file_name(&self.name, keyid),
            None => Link::unsigned_file_name(&self.name),
        }
    }

    /// The command's return value (`None` when no command ran).
    pub fn return_value(&self) -> Option<i64> {
        self.byproducts.get("return-value").and_then(Value::as_i64)
    }

    /// The link as the model's type (`environment` is always `{}`).
    pub fn link(&self) -> Link {
        let mut link = Link::new(self.name.clone());
        link.materials = self.materials.to_artifacts();
        link.products = self.products.to_artifacts();
        link.byproducts = self.byproducts.clone();
        link.command = self.command.clone();
        link
    }

    /// The file contents: the container with the link (and its signature).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Records one list of paths through the observer's progress sink.
pub(super) fn record(
    paths: &[String],
    opts: &RecordOptions,
    phase: &'static str,
    observer: &dyn Observer,
) -> Result<ArtifactList, RunError> {
    if paths.is_empty() {
        return Ok(ArtifactList::new());
    }
    let mut result = None;
    observer.with_progress(phase, &mut |progress| {
        result = Some(record_artifact_digests(paths, opts, progress));
    });
    let recorded = match result {
        Some(r) => r,
        // The observer did not run the work; do it without progress.
        None => record_artifact_digests(paths, opts, &NoProgress),
    }
    .map_err(|source| RunError::Record { phase, source })?;
    for w in &recorded.warnings {
        observer.event(&RunEvent::Warning(w));
    }
    Ok(ArtifactList::from_sha256(recorded.artifacts))
}

/// Who signs a link: a key held in memory, or the `gpg` program.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum LinkSigner<'a> {
    /// A key (PEM or otherwise) that signs in process.
    Key(&'a dyn Signer),
    /// GnuPG, with the signer's key id or the default key (Metablocks
    /// only: GnuPG cannot sign DSSE envelopes, as in the reference).
    Gpg(&'a GpgSigner),
}

impl std::fmt::Debug for LinkSigner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Key(s) => write!(f, "Key({})", s.public_key().keyid().as_str()),
            Self::Gpg(g) => write!(f, "Gpg({:?})", g.keyid()),
        }
    }
}

/// Writes the link in a container (DSSE or Metablock), signed by `signer`
/// if given, and returns the file contents and the key id of the
/// signature. The events say which container (and, when `signing` is
/// given, that it is signed).
pub(super) fn seal(
    link: &LinkView<'_>,
    dsse: bool,
    signer: Option<LinkSigner<'_>>,
    signing: Option<RunEvent<'_>>,
    observer: &dyn Observer,
) -> Result<(Vec<u8>, Option<String>), RunError> {
    observer.event(&RunEvent::Generating { dsse });
    if let (Some(_), Some(event)) = (signer, &signing) {
        observer.event(event);
    }
    let sign_error = |e| RunError::Sign(Box::new(e));
    if dsse {
        let mut envelope = Envelope::new(link.dsse_payload(), PAYLOAD_TYPE);
        let mut keyid = None;
        match signer {
            Some(LinkSigner::Key(signer)) => {
                envelope.sign(signer).map_err(|err| {
                    sign_error(match err {
                        intoto_dsse::Error::Sign(s) => MetadataError::Sign(s),
                        other => MetadataError::Dsse(other),
                    })
                })?;
                keyid = Some(signer.public_key().keyid().as_str().to_owned());
            }
            Some(LinkSigner::Gpg(_)) => return Err(sign_error(MetadataError::GpgDsseSigning)),
            None => {}
        }
        return Ok((envelope.to_json().into_bytes(), keyid));
    }
    // The signature first, over the canonical form (dropped once signed),
    // then the file in one buffer: at most one serialised copy of a big
    // link is alive at any time (a 50,000-artifact link is 17 MB as a file).
    let signature = match signer {
        None => None,
        Some(signer) => {
            let signed = link
                .canonical()
                .map_err(|e| sign_error(MetadataError::Canonical(e)))?;
            Some(match signer {
                LinkSigner::Key(signer) => {
                    let sig = signer
                        .sign(&signed)
                        .map_err(|e| sign_error(MetadataError::Sign(e)))?;
                    let id = signer.public_key().keyid().as_str().to_owned();
                    let mut entry = Map::new();
                    entry.insert("keyid".into(), id.as_str().into());
                    entry.insert("sig".into(), intoto_crypto::digest::to_hex(&sig).into());
                    (Value::Object(entry), id)
                }
                LinkSigner::Gpg(gpg) => {
                    let sig = gpg
                        .sign(&signed)
                        .map_err(|e| sign_error(MetadataError::Gpg(e)))?;
                    (sig.to_value(), sig.keyid().as_str().to_owned())
                }
            })
        }
    };
    let (signatures, keyid) = match signature {
        Some((entry, id)) => (vec![entry], Some(id)),
        None => (Vec::new(), None),
    };
    Ok((link.metablock_file(&signatures), keyid))
}

/// The reference's `in_toto_run`: records the materials, runs `command`
/// (unless it is empty: then nothing runs and the byproducts are `{}`),
/// records the products, and builds the link with `environment: {}`,
/// signed by `signer` if given. Nothing is written; see [`write_link`].
///
/// A command that exits non-zero (or is killed by a signal) is not an
/// error: its return value is in the byproducts. A command that cannot be
/// started, times out, or (with `record_streams`) writes output that is
/// not UTF-8 is.
pub fn run_step(
    name: &str,
    command: &[String],
    opts: &RunOptions,
    signer: Option<&dyn Signer>,
    executor: &dyn Executor,
    observer: &dyn Observer,
) -> Result<StepRun, RunError> {
    run_step_with(
        name,
        command,
        opts,
        signer.map(LinkSigner::Key),
        executor,
        observer,
    )
}

/// [`run_step`] with any [`LinkSigner`], GnuPG among them: the link's
/// file name then takes the key id of the signature gpg made (the signing
/// subkey's, when the key has one).
pub fn run_step_with(
    name: &str,
    command: &[String],
    opts: &RunOptions,
    signer: Option<LinkSigner<'_>>,
    executor: &dyn Executor,
    observer: &dyn Observer,
) -> Result<StepRun, RunError> {
    check_step_name(name)?;
    observer.event(&RunEvent::Running { name });
    if !opts.materials.is_empty() {
        observer.event(&RunEvent::RecordingMaterials(&opts.materials));
    }
    let materials = record(&opts.materials, &opts.step.record, "materials", observer)?;

    let mut byproducts = Map::new();
    if !command.is_empty() {
        observer.event(&RunEvent::RunningCommand(command));
        let out = executor.execute(command, opts.record_streams, opts.timeout)?;
        let stdout = redact(&opts.redactor, out.stdout, "stdout", observer);
        let stderr = redact(&opts.redactor, out.stderr, "stderr", observer);
        byproducts.insert("return-value".into(), Value::from(out.return_value));
        byproducts.insert("stderr".into(), Value::from(stderr));
        byproducts.insert("stdout".into(), Value::from(stdout));
    }

    if !opts.products.is_empty() {
        observer.event(&RunEvent::RecordingProducts(&opts.products));
    }
    let products = record(&opts.products, &opts.step.record, "products", observer)?;

    observer.event(&RunEvent::CreatingLink { preliminary: false });
    let environment = Map::new();
    let view = LinkView {
        name,
        materials: &materials,
        products: &products,
        byproducts: &byproducts,
        command,
        environment: &environment,
    };
    let (bytes, keyid) = seal(
        &view,
        opts.step.use_dsse,
        signer,
        Some(RunEvent::Signing),
        observer,
    )?;
    Ok(StepRun {
        name: name.to_owned(),
        materials,
        products,
        byproducts,
        command: command.to_vec(),
        keyid,
        dsse: opts.step.use_dsse,
        bytes,
    })
}

fn redact(
    redactor: &Redactor,
    text: String,
    stream: &'static str,
    observer: &dyn Observer,
) -> String {
    if redactor.is_empty() {
        return text;
    }
    match redactor.redact(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(redacted) => {
            observer.event(&RunEvent::Redacted { stream });
            redacted
        }
    }
}

/// Writes the link of `run` atomically to `dir` (resolved against
/// [`RecordOptions::cwd`]; default that directory, or the process's
/// current one) under [`StepRun::file_name`], and returns the path.
pub fn write_link(
    dir: Option<&Path>,
    run: &StepRun,
    opts: &StepOptions,
    observer: &dyn Observer,
) -> Result<PathBuf, RunError> {
    let path = opts.place_in(dir, &run.file_name());
    let kind = if run.keyid.is_some() {
        StoredKind::Signed
    } else {
        StoredKind::Unsigned
    };
    observer.event(&RunEvent::Storing { path: &path, kind });
    write_atomic(&path, &run.bytes)?;
    Ok(path)
}

/// The reference's `in_toto_mock`: [`run_step`] with
/// [`RunOptions::for_mock`] (or the options given) and no signer, written
/// unsigned to `<name>.link` in the working directory. The command's
/// return value does not make it fail.
pub fn mock(
    name: &str,
    command: &[String],
    opts: &RunOptions,
    executor: &dyn Executor,
    observer: &dyn Observer,
) -> Result<(StepRun, PathBuf), RunError> {
    let run = run_step(name, command, opts, None, executor, observer)?;
    let path = write_link(None, &run, &opts.step, observer)?;
    Ok((run, path))
}
