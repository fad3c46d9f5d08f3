//! Recording artifacts: walking, excluding and hashing files.
//!
//! [`record_artifacts`] gives the same artifact names and digests as the
//! reference's `in_toto.runlib.record_artifacts_as_dict` (in-toto 3.1.0)
//! for the same tree and options, with these differences, where the
//! reference is hazardous or lossy:
//!
//! * Symlink loops (with `follow_symlink_dirs`) are skipped with a
//!   [`RecordWarning::SymlinkLoop`] instead of recursing until the OS
//!   refuses (or forever).
//! * FIFOs, sockets and devices are never opened; they are skipped with a
//!   [`RecordWarning::SpecialFile`] (the reference skips them silently).
//!   Files are opened non-blocking (and, when they were listed as regular
//!   files, without following symlinks), so nothing swapped in during the
//!   walk can block it; a file that fills the first read buffer is checked
//!   to be a regular file before it is read on.
//! * A directory that cannot be listed gives a
//!   [`RecordWarning::UnreadableDirectory`] (the reference ignores it
//!   silently).
//! * A file name that is not valid UTF-8 is an error
//!   ([`RecordError::NonUtf8Name`]) naming the path.
//! * Backslashes in names are kept; the reference turns them into `/`.
//! * The process never changes its working directory: the base path is
//!   resolved against [`RecordOptions::cwd`] instead.
//! * `exclude_patterns: Some(vec![])` excludes nothing; the reference's API
//!   falls back to its defaults for an empty list.
//!
//! The work runs on all cores (see [`RecordOptions::threads`]), streams
//! every file through a bounded buffer, and the result is sorted.

mod exclude;
mod hash;
mod normpath;
mod progress;
mod sys;
mod walk;

use std::collections::HashSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use intoto_crypto::digest::{Sha256, to_hex};
use rayon::prelude::*;

pub use self::exclude::{
    DEFAULT_EXCLUDE_PATTERNS, ExcludePattern, ExcludePatternError, ExcludeSet,
};
pub use self::normpath::normpath;
pub use self::progress::{
    NoProgress, Progress, ProgressCounters, ProgressSnapshot, TerminalProgress,
};
use self::walk::{Found, Job, Walker};
use crate::model::artifact::{Artifacts, DigestSet};

/// The only digest in-toto records for artifacts.
const HASH_ALGORITHM: &str = "sha256";

/// How to record artifacts. `RecordOptions::default()` is the reference's
/// default behaviour.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordOptions {
    /// Gitignore-style patterns of paths not to record (see
    /// [`ExcludeSet`]). `None` means the reference's defaults,
    /// [`DEFAULT_EXCLUDE_PATTERNS`]; `Some(list)` replaces them (an empty
    /// list, or `[""]`, excludes nothing).
    pub exclude_patterns: Option<Vec<String>>,
    /// Record relative to this directory: paths are resolved against it and
    /// names are relative to it. Relative base paths are resolved against
    /// [`cwd`](Self::cwd). `dir:` paths ignore it, as in the reference. An
    /// empty path means none.
    pub base_path: Option<PathBuf>,
    /// Walk symlinks to directories (recording the files under the link's
    /// name). The top directory of a path is always entered.
    pub follow_symlink_dirs: bool,
    /// Hash files with `\r\n` and lone `\r` replaced by `\n`.
    pub normalize_line_endings: bool,
    /// Prefixes to strip from the names: the first (in this order) that a
    /// name starts with, as a plain string prefix. No prefix may start
    /// with another, and with prefixes two paths may not end up with the
    /// same name.
    pub lstrip_paths: Vec<String>,
    /// The directory relative paths (and a relative base path) are resolved
    /// against; `None` is the process's current directory. The process's
    /// current directory is never changed.
    pub cwd: Option<PathBuf>,
    /// Worker threads: `None` uses rayon's global pool (one thread per
    /// core), `Some(n)` a pool of `n` threads for this call (`Some(0)`: one
    /// per core).
    pub threads: Option<usize>,
}

impl RecordOptions {
    /// The reference's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`exclude_patterns`](Self::exclude_patterns).
    pub fn exclude_patterns<I, S>(mut self, patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exclude_patterns = Some(patterns.into_iter().map(Into::into).collect());
        self
    }

    /// Sets [`base_path`](Self::base_path).
    pub fn base_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.base_path = Some(path.into());
        self
    }

    /// Sets [`follow_symlink_dirs`](Self::follow_symlink_dirs).
    pub fn follow_symlink_dirs(mut self, yes: bool) -> Self {
        self.follow_symlink_dirs = yes;
        self
    }

    /// Sets [`normalize_line_endings`](Self::normalize_line_endings).
    pub fn normalize_line_endings(mut self, yes: bool) -> Self {
        self.normalize_line_endings = yes;
        self
    }

    /// Sets [`lstrip_paths`](Self::lstrip_paths).
    pub fn lstrip_paths<I, S>(mut self, prefixes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.lstrip_paths = prefixes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets [`cwd`](Self::cwd).
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// Sets [`threads`](Self::threads).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }
}

/// The result of recording: the artifacts, and what was skipped on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recorded {
    /// Artifact names and their digests, sorted by name.
    pub artifacts: Artifacts,
    /// Things that were skipped and deserve a word, sorted by path.
    pub warnings: Vec<RecordWarning>,
}

/// The result of [`record_artifact_digests`]: the same artifacts as
/// [`Recorded`] with each SHA-256 as raw bytes, about an eighth of the
/// memory of [`Artifacts`] (which keeps a map and a hex string per file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedDigests {
    /// Artifact names and their SHA-256 digests, sorted by name, each name once.
    pub artifacts: Vec<(String, [u8; 32])>,
    /// Things that were skipped and deserve a word, sorted by path.
    pub warnings: Vec<RecordWarning>,
}

/// A kind of file that is neither regular nor a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpecialFileKind {
    /// A named pipe.
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A block device.
    BlockDevice,
    /// A character device.
    CharDevice,
    /// Anything else.
    Other,
}

impl fmt::Display for SpecialFileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Fifo => "a FIFO",
            Self::Socket => "a socket",
            Self::BlockDevice => "a block device",
            Self::CharDevice => "a character device",
            Self::Other => "not a regular file",
        })
    }
}

/// Something that was skipped while recording, without failing it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordWarning {
    /// A symlink leads back to a directory that is being walked (only with
    /// `follow_symlink_dirs`); it was not followed.
    SymlinkLoop {
        /// The link (or directory) that closes the loop.
        path: PathBuf,
    },
    /// A FIFO, socket or device (or a symlink to one); never opened.
    SpecialFile {
        /// Where it is.
        path: PathBuf,
        /// What it is.
        kind: SpecialFileKind,
    },
    /// A directory could not be listed (completely); its contents are
    /// missing from the artifacts.
    UnreadableDirectory {
        /// The directory.
        path: PathBuf,
        /// Why.
        error: String,
    },
}

impl RecordWarning {
    /// The path the warning is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::SymlinkLoop { path }
            | Self::SpecialFile { path, .. }
            | Self::UnreadableDirectory { path, .. } => path,
        }
    }
}

impl fmt::Display for RecordWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SymlinkLoop { path } => write!(
                f,
                "skipped {}: it leads back to a directory above it (symlink loop)",
                path.display()
            ),
            Self::SpecialFile { path, kind } => {
                write!(f, "skipped {}: it is {kind}", path.display())
            }
            Self::UnreadableDirectory { path, error } => {
                write!(f, "skipped the contents of {}: {error}", path.display())
            }
        }
    }
}

/// Why recording failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// Two lstrip prefixes overlap (the reference's `PrefixError`).
    #[error("'{first}' and '{second}' triggered a left substring error")]
    LeftSubstring {
        /// The earlier prefix.
        first: String,
        /// The later prefix.
        second: String,
    },
    /// With lstrip prefixes, two artifacts got the same name (the
    /// reference's `PrefixError`).
    #[error("Prefix selection has resulted in non unique dictionary key '{name}'")]
    NonUniqueName {
        /// The name.
        name: String,
    },
    /// An exclude pattern does not compile.
    #[error(transparent)]
    ExcludePattern(#[from] ExcludePatternError),
    /// The base path is missing or not a directory.
    #[error("cannot record relative to the base path {}", path.display())]
    BasePath {
        /// The base path, as resolved.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A `dir:` artifact is not a directory.
    #[error("path '{path}' is not a directory")]
    NotADirectory {
        /// The path as given, without `dir:`.
        path: String,
    },
    /// A file could not be read.
    #[error("cannot read {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A file name is not valid UTF-8, so it cannot be an artifact name.
    #[error("the file name {} is not valid UTF-8 (artifact names must be text)", path.display())]
    NonUtf8Name {
        /// The file, as found.
        path: PathBuf,
    },
    /// An OSTree ref file is not valid UTF-8.
    #[error("the OSTree ref {} is not valid UTF-8", path.display())]
    OstreeRef {
        /// The ref file.
        path: PathBuf,
    },
    /// The worker threads could not be started.
    #[error("cannot start {threads} worker threads: {reason}")]
    ThreadPool {
        /// How many were asked for.
        threads: usize,
        /// Why not.
        reason: String,
    },
}

/// The reference's resolvers, chosen by URI scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    File,
    Dir,
    Ostree,
}

fn scheme_of(uri: &str) -> Scheme {
    match uri.split_once(':') {
        Some(("dir", _)) => Scheme::Dir,
        Some(("ostree", _)) => Scheme::Ostree,
        _ => Scheme::File,
    }
}

/// Records `paths` like the reference's `record_artifacts_as_dict`: hashes
/// each file, walks each directory, and returns the artifacts sorted by
/// name. See the [module documentation](self) for the differences.
///
/// Paths are routed by scheme: `dir:<path>` records a directory as one
/// entry (the SHA-256 of its `"<sha256>  <relpath>\n"` lines, sorted),
/// `ostree:<ref>` the commit object of an OSTree ref, and anything else
/// (with `file:` kept in the names if given) files and directories. Names
/// are `normpath`ed paths; nonexistent paths are skipped silently.
/// `progress` hears about the work as it goes; pass [`NoProgress`] to
/// ignore it.
pub fn record_artifacts<S: AsRef<str>>(
    paths: &[S],
    opts: &RecordOptions,
    progress: &dyn Progress,
) -> Result<Recorded, RecordError> {
    let paths: Vec<&str> = paths.iter().map(AsRef::as_ref).collect();
    in_pool(opts.threads, || {
        let recorded = record_digests_here(&paths, opts, progress)?;
        let entries: Vec<(String, DigestSet)> = recorded
            .artifacts
            .into_par_iter()
            .map(|(name, digest)| {
                let mut set = DigestSet::new();
                set.insert(HASH_ALGORITHM.to_owned(), to_hex(&digest));
                (name, set)
            })
            .collect();
        Ok(Recorded {
            // Already sorted and unique: this builds the tree in one pass.
            artifacts: entries.into_iter().collect(),
            warnings: recorded.warnings,
        })
    })
}

/// Runs `work` on rayon's global pool (`threads` is `None`) or on a pool
/// of its own with that many threads.
fn in_pool<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> Result<T, RecordError> + Send,
) -> Result<T, RecordError> {
    match threads {
        None => work(),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("intoto-record-{i}"))
            .build()
            .map_err(|e| RecordError::ThreadPool {
                threads,
                reason: e.to_string(),
            })?
            .install(work),
    }
}

/// [`record_artifacts`] with the digests kept as raw SHA-256 bytes in a
/// sorted list (see [`RecordedDigests`]): for callers that write the
/// artifacts out rather than look them up, such as `in-toto-run` on large
/// trees.
pub fn record_artifact_digests<S: AsRef<str>>(
    paths: &[S],
    opts: &RecordOptions,
    progress: &dyn Progress,
) -> Result<RecordedDigests, RecordError> {
    let paths: Vec<&str> = paths.iter().map(AsRef::as_ref).collect();
    in_pool(opts.threads, || record_digests_here(&paths, opts, progress))
}

/// [`record_artifact_digests`] on the current rayon pool.
fn record_digests_here(
    paths: &[&str],
    opts: &RecordOptions,
    progress: &dyn Progress,
) -> Result<RecordedDigests, RecordError> {
    if paths.is_empty() {
        return Ok(RecordedDigests::default());
    }
    let lstrip = &opts.lstrip_paths;
    for (i, first) in lstrip.iter().enumerate() {
        for second in lstrip.iter().skip(i + 1) {
            if first.starts_with(second.as_str()) || second.starts_with(first.as_str()) {
                return Err(RecordError::LeftSubstring {
                    first: first.clone(),
                    second: second.clone(),
                });
            }
        }
    }
    let excludes = match &opts.exclude_patterns {
        None => ExcludeSet::reference_defaults(),
        Some(list) => ExcludeSet::new(list)?,
    };

    // Group the paths by resolver, in order of first appearance.
    let mut groups: Vec<(Scheme, Vec<&str>)> = Vec::new();
    for &uri in paths {
        let scheme = scheme_of(uri);
        match groups.iter_mut().find(|(s, _)| *s == scheme) {
            Some((_, list)) => list.push(uri),
            None => groups.push((scheme, vec![uri])),
        }
    }

    let cwd = opts.cwd.as_deref();
    let base = opts
        .base_path
        .as_deref()
        .filter(|b| !b.as_os_str().is_empty());
    let base_dir = base.map(|b| resolve(cwd, b));
    // Where the reference would fail before hashing anything of a group.
    for (scheme, uris) in &groups {
        match scheme {
            Scheme::File | Scheme::Ostree => {
                if let Some(dir) = &base_dir {
                    check_base_dir(dir)?;
                }
            }
            Scheme::Dir => {
                for uri in uris {
                    let path = strip_scheme(uri, "dir");
                    if path.is_empty() || !resolve(cwd, Path::new(path)).is_dir() {
                        return Err(RecordError::NotADirectory {
                            path: path.to_owned(),
                        });
                    }
                }
            }
        }
    }

    // One walk job per file or dir path, in group order.
    let mut jobs = Vec::new();
    for (scheme, uris) in &groups {
        for uri in uris {
            match scheme {
                Scheme::File => {
                    let name = normpath(uri.strip_prefix("file:").unwrap_or(uri));
                    let fs = resolve_in(cwd, base_dir.as_deref(), &name);
                    jobs.push(Job { name, fs });
                }
                Scheme::Dir => {
                    let fs = resolve(cwd, Path::new(strip_scheme(uri, "dir")));
                    jobs.push(Job {
                        name: ".".to_owned(),
                        fs,
                    });
                }
                Scheme::Ostree => {}
            }
        }
    }

    let walker = Walker::new(
        &excludes,
        opts.follow_symlink_dirs,
        opts.normalize_line_endings,
        progress,
    );
    let walked = walker.run(&jobs)?;
    let artifacts = name_artifacts(
        &groups,
        walked.found,
        jobs.len(),
        lstrip,
        base_dir.as_deref(),
        cwd,
    )?;
    Ok(RecordedDigests {
        artifacts,
        warnings: walked.warnings,
    })
}

/// Names the hashed files like the reference, group by group in order of
/// first appearance (a later group overwrites an equal name of an earlier
/// one, as the reference's dict update does), sorted by name.
fn name_artifacts(
    groups: &[(Scheme, Vec<&str>)],
    found: Vec<Found>,
    jobs: usize,
    lstrip: &[String],
    base_dir: Option<&Path>,
    cwd: Option<&Path>,
) -> Result<Vec<(String, [u8; 32])>, RecordError> {
    let mut by_job = bucket_by_job(found, jobs).into_iter();
    // (order of naming, name, digest)
    let mut named: Vec<(usize, String, [u8; 32])> = Vec::new();
    for (scheme, uris) in groups {
        // The reference checks for duplicates within one resolver's batch.
        let mut batch: HashSet<String> = HashSet::new();
        match scheme {
            Scheme::File => {
                for uri in uris {
                    let prefix = if uri.starts_with("file:") {
                        "file:"
                    } else {
                        ""
                    };
                    let mut found = by_job.next().unwrap_or_default();
                    if !lstrip.is_empty() {
                        // Which duplicate is reported depends on the order;
                        // make it deterministic.
                        found.sort_unstable_by(|a, b| a.name.cmp(&b.name));
                    }
                    for f in found {
                        let mut name = f.name;
                        if let Some(p) = lstrip.iter().find(|p| name.starts_with(p.as_str())) {
                            name.drain(..p.len());
                        }
                        if !lstrip.is_empty() {
                            if batch.contains(&name) {
                                return Err(RecordError::NonUniqueName { name });
                            }
                            batch.insert(format!("{prefix}{name}"));
                        }
                        name.insert_str(0, prefix);
                        named.push((named.len(), name, f.digest));
                    }
                }
            }
            Scheme::Dir => {
                for uri in uris {
                    let path = strip_scheme(uri, "dir");
                    let mut found = by_job.next().unwrap_or_default();
                    found.sort_unstable_by(|a, b| a.name.cmp(&b.name));
                    let name = format!("dir:{}", lstrip_name(path, lstrip));
                    if !lstrip.is_empty() && !batch.insert(name.clone()) {
                        return Err(RecordError::NonUniqueName { name });
                    }
                    named.push((named.len(), name, directory_digest(&found)));
                }
            }
            Scheme::Ostree => {
                let root = base_dir
                    .map(Path::to_owned)
                    .or_else(|| cwd.map(Path::to_owned));
                for uri in uris {
                    let reference = strip_scheme(uri, "ostree");
                    named.push((
                        named.len(),
                        format!("ostree:{reference}"),
                        ostree_digest(root.as_deref(), reference)?,
                    ));
                }
            }
        }
    }
    // Sort by name; of equal names the last one wins (`dedup_by` keeps the
    // first of a run, so sort later entries first among equals).
    named.par_sort_unstable_by(|(i, a, _), (j, b, _)| a.cmp(b).then(j.cmp(i)));
    named.dedup_by(|later, earlier| later.1 == earlier.1);
    Ok(named
        .into_iter()
        .map(|(_, name, digest)| (name, digest))
        .collect())
}

/// `uri` without its `scheme:` prefix.
fn strip_scheme<'a>(uri: &'a str, scheme: &str) -> &'a str {
    uri.get(scheme.len() + 1..).unwrap_or_default()
}

/// The reference's lstrip: remove the first prefix (in the given order)
/// that `name` starts with.
fn lstrip_name<'a>(name: &'a str, prefixes: &[String]) -> &'a str {
    prefixes
        .iter()
        .find_map(|p| name.strip_prefix(p.as_str()))
        .unwrap_or(name)
}

/// `path` resolved against `cwd` (if any).
fn resolve(cwd: Option<&Path>, path: &Path) -> PathBuf {
    match cwd {
        Some(cwd) => cwd.join(path),
        None => path.to_owned(),
    }
}

/// `path` resolved against `root` (the base directory, already resolved)
/// or else `cwd`.
fn resolve_in(cwd: Option<&Path>, root: Option<&Path>, path: &str) -> PathBuf {
    match root {
        Some(root) => root.join(path),
        None => resolve(cwd, Path::new(path)),
    }
}

/// The reference changes into the base directory; that fails unless it is
/// a directory.
fn check_base_dir(dir: &Path) -> Result<(), RecordError> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(RecordError::BasePath {
            path: dir.to_owned(),
            source: io::Error::new(io::ErrorKind::NotADirectory, "not a directory"),
        }),
        Err(source) => Err(RecordError::BasePath {
            path: dir.to_owned(),
            source,
        }),
    }
}

/// Distributes the results into one list per job.
fn bucket_by_job(found: Vec<Found>, jobs: usize) -> Vec<Vec<Found>> {
    let mut counts = vec![0usize; jobs];
    for f in &found {
        if let Some(c) = counts.get_mut(f.job) {
            *c += 1;
        }
    }
    let mut buckets: Vec<Vec<Found>> = counts.into_iter().map(Vec::with_capacity).collect();
    for f in found {
        if let Some(b) = buckets.get_mut(f.job) {
            b.push(f);
        }
    }
    buckets
}

/// The reference's `DirectoryResolver` digest: SHA-256 over
/// `"<sha256 hex>  <relpath>\n"` for each file, sorted by path (code point
/// order, which is byte order in UTF-8).
fn directory_digest(found: &[Found]) -> [u8; 32] {
    let mut h = Sha256::new();
    for f in found {
        h.update(to_hex(&f.digest).as_bytes());
        h.update(b"  ");
        h.update(f.name.as_bytes());
        h.update(b"\n");
    }
    h.finish()
}

/// The reference's `OSTreeResolver`: the SHA-256 of
/// `objects/<h[:2]>/<h[2:]>.commit`, where `h` is the content of
/// `refs/heads/<reference>` (read as text with universal newlines, with
/// newlines stripped at both ends).
fn ostree_digest(root: Option<&Path>, reference: &str) -> Result<[u8; 32], RecordError> {
    let at = |p: PathBuf| match root {
        Some(root) => root.join(p),
        None => p,
    };
    let ref_path = at(Path::new("refs").join("heads").join(reference));
    let bytes = std::fs::read(&ref_path).map_err(|source| RecordError::Io {
        path: ref_path.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| RecordError::OstreeRef {
        path: ref_path.clone(),
    })?;
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let commit = text.trim_matches('\n');
    let split = commit
        .char_indices()
        .nth(2)
        .map_or(commit.len(), |(i, _)| i);
    let (head, tail) = commit.split_at(split);
    let object = at(Path::new("objects")
        .join(head)
        .join(format!("{tail}.commit")));
    let io_error = |source| RecordError::Io {
        path: object.clone(),
        source,
    };
    let mut file = sys::open_regular(&object)
        .map_err(io_error)?
        .ok_or_else(|| {
            io_error(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ))
        })?;
    let (digest, _) = hash::hash_file(&mut file, false).map_err(io_error)?;
    Ok(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(scheme_of("dir:x"), Scheme::Dir);
        assert_eq!(scheme_of("ostree:x"), Scheme::Ostree);
        assert_eq!(scheme_of("file:x"), Scheme::File);
        assert_eq!(scheme_of("c:foo"), Scheme::File);
        assert_eq!(scheme_of("dirx:foo"), Scheme::File);
        assert_eq!(scheme_of("plain"), Scheme::File);
    }

    #[test]
    fn lstrip_takes_the_first_matching_prefix() {
        let p = vec!["a".to_owned(), "b/".to_owned()];
        assert_eq!(lstrip_name("a/x.txt", &p), "/x.txt");
        assert_eq!(lstrip_name("b/x", &p), "x");
        assert_eq!(lstrip_name("c", &p), "c");
        assert_eq!(lstrip_name("a", &p), "");
    }

    #[test]
    fn empty_input_records_nothing_and_checks_nothing() {
        let opts = RecordOptions::new()
            .lstrip_paths(["a", "a/b"])
            .exclude_patterns(["!"]);
        let none: [&str; 0] = [];
        let r = record_artifacts(&none, &opts, &NoProgress).unwrap();
        assert!(r.artifacts.is_empty());
    }

    #[test]
    fn overlapping_prefixes_fail_before_anything_else() {
        let opts = RecordOptions::new().lstrip_paths(["a/", "b", "a/b/"]);
        let err = record_artifacts(&["does-not-exist"], &opts, &NoProgress).unwrap_err();
        assert!(
            matches!(&err, RecordError::LeftSubstring { first, second } if first == "a/" && second == "a/b/"),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "'a/' and 'a/b/' triggered a left substring error"
        );
    }

    #[test]
    fn compact_digests_agree_with_the_artifacts() {
        let dir = intoto_testkit::TempDir::new("record-digests");
        dir.write("a/b.txt", "b");
        dir.write("c", "c");
        dir.write("x.link", "excluded");
        let opts = RecordOptions::new().cwd(dir.path());
        let full = record_artifacts(&["."], &opts, &NoProgress).unwrap();
        let compact = record_artifact_digests(&["."], &opts, &NoProgress).unwrap();
        let back: Artifacts = compact
            .artifacts
            .iter()
            .map(|(n, d)| {
                let set: DigestSet = [(HASH_ALGORITHM.to_owned(), to_hex(d))]
                    .into_iter()
                    .collect();
                (n.clone(), set)
            })
            .collect();
        assert_eq!(back.keys().collect::<Vec<_>>(), ["a/b.txt", "c"]);
        assert_eq!(back, full.artifacts);
        assert_eq!(compact.warnings, full.warnings);
        let one = record_artifact_digests(&["."], &opts.threads(1), &NoProgress).unwrap();
        assert_eq!(one, compact);
    }

    #[test]
    fn directory_digest_of_nothing_is_the_empty_hash() {
        assert_eq!(
            to_hex(&directory_digest(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
