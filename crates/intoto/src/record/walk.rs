//! The parallel walk: directories are listed and files hashed on all
//! worker threads of a rayon pool, one task per directory (its small files
//! are hashed in the task itself) plus one task per big file.
//!
//! Each job is one input path of the reference's `FileResolver`. The walk
//! follows `os.walk` as the reference uses it: exclusion by the normalised
//! path relative to the walk root, symlinks to files recorded with their
//! target's content, symlinks to directories walked only when asked to,
//! dangling links skipped silently. Unlike the reference it detects
//! symlink loops and never opens what it finds to be a FIFO, socket or
//! device. Files are opened relative to their directory's handle, which
//! saves the kernel a walk of the whole path for each of them.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::exclude::ExcludeSet;
use super::hash::{Start, hash_rest, hash_start};
use super::normpath::join_normalized;
use super::progress::Progress;
use super::sys::{self, DirStream, Entry, Kind};
use super::{RecordError, RecordWarning, SpecialFileKind};

/// Files at least this big are hashed in a task of their own, so that the
/// big files of one directory are hashed in parallel.
const BIG_FILE: u64 = 4 * 1024 * 1024;

/// One input path to record.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    /// The normalised path as named in the artifacts (and matched against
    /// the excludes).
    pub name: String,
    /// Where it is on the filesystem.
    pub fs: PathBuf,
}

/// A hashed file: the job it belongs to, its name and its SHA-256.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub job: usize,
    pub name: String,
    pub digest: [u8; 32],
}

/// What the walk produced: the files in no particular order, the warnings
/// sorted by path.
#[derive(Debug, Default)]
pub(crate) struct Walked {
    pub found: Vec<Found>,
    pub warnings: Vec<RecordWarning>,
}

/// The directories above the one being walked, to detect loops.
struct Ancestor {
    id: (u64, u64),
    parent: Option<Arc<Ancestor>>,
}

fn is_ancestor(chain: Option<&Arc<Ancestor>>, id: (u64, u64)) -> bool {
    let mut node = chain;
    while let Some(n) = node {
        if n.id == id {
            return true;
        }
        node = n.parent.as_ref();
    }
    false
}

/// The walk settings and its shared results.
pub(crate) struct Walker<'a> {
    excludes: &'a ExcludeSet,
    follow_symlink_dirs: bool,
    normalize_line_endings: bool,
    progress: &'a dyn Progress,
    aborted: AtomicBool,
    found: Mutex<Vec<Found>>,
    warnings: Mutex<Vec<RecordWarning>>,
    errors: Mutex<Vec<(usize, RecordError)>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Per-task tallies, reported to the shared state once per task.
#[derive(Default)]
struct Tally {
    found: Vec<Found>,
    files_found: u64,
    bytes_found: u64,
    files_hashed: u64,
    bytes_hashed: u64,
}

impl<'a> Walker<'a> {
    pub(crate) fn new(
        excludes: &'a ExcludeSet,
        follow_symlink_dirs: bool,
        normalize_line_endings: bool,
        progress: &'a dyn Progress,
    ) -> Self {
        Self {
            excludes,
            follow_symlink_dirs,
            normalize_line_endings,
            progress,
            aborted: AtomicBool::new(false),
            found: Mutex::new(Vec::new()),
            warnings: Mutex::new(Vec::new()),
            errors: Mutex::new(Vec::new()),
        }
    }

    /// Walks and hashes all jobs on the current rayon pool.
    pub(crate) fn run(self, jobs: &[Job]) -> Result<Walked, RecordError> {
        let this = &self;
        rayon::scope(|s| {
            for (index, job) in jobs.iter().enumerate() {
                s.spawn(move |s| this.start(s, index, job));
            }
        });
        let Walker {
            found,
            warnings,
            errors,
            ..
        } = self;
        let mut errors = errors.into_inner().unwrap_or_else(PoisonError::into_inner);
        if !errors.is_empty() {
            // Several workers may have failed; report the earliest job's.
            errors.sort_by_key(|(job, _)| *job);
            if let Some((_, e)) = errors.into_iter().next() {
                return Err(e);
            }
        }
        let found = found.into_inner().unwrap_or_else(PoisonError::into_inner);
        let mut warnings = warnings
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        warnings.sort_by(|a, b| a.path().cmp(b.path()));
        Ok(Walked { found, warnings })
    }

    fn fail(&self, job: usize, error: RecordError) {
        self.aborted.store(true, Ordering::Relaxed);
        lock(&self.errors).push((job, error));
    }

    fn warn(&self, warning: RecordWarning) {
        lock(&self.warnings).push(warning);
    }

    fn aborted(&self) -> bool {
        self.aborted.load(Ordering::Relaxed)
    }

    /// One input path: excluded, missing, a file, a directory, or special.
    fn start<'s>(&'s self, s: &rayon::Scope<'s>, job: usize, input: &Job) {
        if self.aborted() || self.excludes.is_excluded(&input.name) {
            return;
        }
        // A missing path or a dangling symlink is skipped silently.
        let Ok(meta) = sys::stat_path(&input.fs) else {
            return;
        };
        match meta.kind {
            Kind::File => {
                let mut tally = Tally::default();
                match sys::open_regular(&input.fs) {
                    Ok(Some(file)) => {
                        self.hash(s, job, input.name.clone(), file, &mut tally, || {
                            input.fs.clone()
                        })
                    }
                    Ok(None) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(source) => self.fail(
                        job,
                        RecordError::Io {
                            path: input.fs.clone(),
                            source,
                        },
                    ),
                }
                self.flush(tally);
            }
            Kind::Dir => {
                // The top directory is always entered, even through a symlink.
                let chain = self.follow_symlink_dirs.then(|| {
                    Arc::new(Ancestor {
                        id: meta.id,
                        parent: None,
                    })
                });
                self.dir(s, job, input.fs.clone(), input.name.clone(), chain);
            }
            other => self.warn(RecordWarning::SpecialFile {
                path: input.fs.clone(),
                kind: special_kind(other),
            }),
        }
    }

    /// Lists one directory: spawns a task per subdirectory to walk, hashes
    /// its files.
    fn dir<'s>(
        &'s self,
        s: &rayon::Scope<'s>,
        job: usize,
        fs_dir: PathBuf,
        name_dir: String,
        chain: Option<Arc<Ancestor>>,
    ) {
        if self.aborted() {
            return;
        }
        let mut stream = match DirStream::open(&fs_dir) {
            Ok(stream) => stream,
            Err(e) => {
                // os.walk ignores such errors silently; we say so.
                self.warn(RecordWarning::UnreadableDirectory {
                    path: fs_dir,
                    error: e.to_string(),
                });
                return;
            }
        };
        let mut tally = Tally::default();
        while let Some(entry) = stream.next_entry() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    // os.walk stops listing at such an error; so do we.
                    self.warn(RecordWarning::UnreadableDirectory {
                        path: fs_dir.clone(),
                        error: e.to_string(),
                    });
                    break;
                }
            };
            let name = match entry.name().to_str() {
                Some(n) => join_normalized(&name_dir, n),
                None => {
                    let lossy = join_normalized(&name_dir, &entry.name().to_string_lossy());
                    if self.excludes.is_excluded(&lossy) {
                        continue;
                    }
                    self.fail(
                        job,
                        RecordError::NonUtf8Name {
                            path: fs_dir.join(entry.name()),
                        },
                    );
                    break;
                }
            };
            if self.excludes.is_excluded(&name) {
                continue;
            }
            // What the entry is, through a symlink. `os.walk` treats an
            // entry it cannot stat as a non-directory, and then the
            // reference skips it as not a file; so do we.
            let (kind, target, through_symlink) = match entry.kind() {
                Kind::Symlink => match stream.stat(&entry, true) {
                    Ok(meta) => (meta.kind, Some(meta), true),
                    Err(_) => continue,
                },
                Kind::Unknown => match stream.stat(&entry, false) {
                    Ok(meta) if meta.kind == Kind::Symlink => match stream.stat(&entry, true) {
                        Ok(meta) => (meta.kind, Some(meta), true),
                        Err(_) => continue,
                    },
                    Ok(meta) => (meta.kind, Some(meta), false),
                    Err(_) => continue,
                },
                kind => (kind, None, false),
            };
            match kind {
                Kind::Dir => {
                    if through_symlink && !self.follow_symlink_dirs {
                        continue;
                    }
                    let path = fs_dir.join(entry.name());
                    let child_chain = if self.follow_symlink_dirs {
                        let meta = match target {
                            Some(meta) => meta,
                            None => match stream.stat(&entry, false) {
                                Ok(meta) => meta,
                                Err(_) => continue,
                            },
                        };
                        if is_ancestor(chain.as_ref(), meta.id) {
                            self.warn(RecordWarning::SymlinkLoop { path });
                            continue;
                        }
                        Some(Arc::new(Ancestor {
                            id: meta.id,
                            parent: chain.clone(),
                        }))
                    } else {
                        None
                    };
                    s.spawn(move |s| self.dir(s, job, path, name, child_chain));
                }
                Kind::File => {
                    self.file_in(
                        s,
                        job,
                        name,
                        &stream,
                        &entry,
                        through_symlink,
                        &fs_dir,
                        &mut tally,
                    );
                    if self.aborted() {
                        break;
                    }
                }
                other => self.warn(RecordWarning::SpecialFile {
                    path: fs_dir.join(entry.name()),
                    kind: special_kind(other),
                }),
            }
        }
        self.flush(tally);
    }

    /// Opens a file of the directory being listed and hashes it.
    #[allow(clippy::too_many_arguments)]
    fn file_in<'s>(
        &'s self,
        s: &rayon::Scope<'s>,
        job: usize,
        name: String,
        stream: &DirStream,
        entry: &Entry,
        through_symlink: bool,
        fs_dir: &Path,
        tally: &mut Tally,
    ) {
        // A file that was listed as a regular file is opened without
        // following symlinks, so that one swapped in cannot redirect us.
        let opened = match stream.open_file(entry, !through_symlink) {
            Err(e) if sys::is_symlink_refusal(&e) => {
                // It became a symlink since it was listed: take the careful
                // way, by path with a check of what was opened.
                sys::open_regular(&fs_dir.join(entry.name())).map(|f| f.ok_or(()))
            }
            other => other.map(Ok),
        };
        match opened {
            Ok(Ok(file)) => self.hash(s, job, name, file, tally, || fs_dir.join(entry.name())),
            Ok(Err(())) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => self.fail(
                job,
                RecordError::Io {
                    path: fs_dir.join(entry.name()),
                    source,
                },
            ),
        }
    }

    /// Hashes an open file: small files here and now; bigger ones are
    /// checked to be regular files once the first buffer is full, and the
    /// big ones are hashed in a task of their own.
    fn hash<'s>(
        &'s self,
        s: &rayon::Scope<'s>,
        job: usize,
        name: String,
        mut file: File,
        tally: &mut Tally,
        path: impl FnOnce() -> PathBuf,
    ) {
        let state = match hash_start(&mut file, self.normalize_line_endings) {
            Ok(Start::Done(digest, bytes)) => {
                tally.found.push(Found { job, name, digest });
                tally.files_found += 1;
                tally.files_hashed += 1;
                tally.bytes_found += bytes;
                tally.bytes_hashed += bytes;
                return;
            }
            Ok(Start::More(state)) => state,
            Err(source) => {
                self.fail(
                    job,
                    RecordError::Io {
                        path: path(),
                        source,
                    },
                );
                return;
            }
        };
        // Something endless like /dev/zero could only get here by being
        // swapped in after the listing; it fills the buffer, and is caught.
        let size = match sys::stat_file(&file) {
            Ok(meta) if meta.kind == Kind::File => meta.size.max(state.bytes()),
            Ok(meta) => {
                self.warn(RecordWarning::SpecialFile {
                    path: path(),
                    kind: special_kind(meta.kind),
                });
                return;
            }
            Err(source) => {
                self.fail(
                    job,
                    RecordError::Io {
                        path: path(),
                        source,
                    },
                );
                return;
            }
        };
        tally.files_found += 1;
        tally.bytes_found += size;
        if size >= BIG_FILE {
            let path = path();
            s.spawn(move |_| {
                if self.aborted() {
                    return;
                }
                match hash_rest(&mut file, state, Some(self.progress)) {
                    Ok((digest, _)) => {
                        lock(&self.found).push(Found { job, name, digest });
                        self.progress.files_hashed(1);
                    }
                    Err(source) => self.fail(job, RecordError::Io { path, source }),
                }
            });
            return;
        }
        match hash_rest(&mut file, state, None) {
            Ok((digest, bytes)) => {
                tally.found.push(Found { job, name, digest });
                tally.files_hashed += 1;
                tally.bytes_hashed += bytes;
            }
            Err(source) => self.fail(
                job,
                RecordError::Io {
                    path: path(),
                    source,
                },
            ),
        }
    }

    fn flush(&self, tally: Tally) {
        if tally.files_found == 0 {
            return;
        }
        self.progress.files_found(tally.files_found);
        self.progress.bytes_found(tally.bytes_found);
        self.progress.files_hashed(tally.files_hashed);
        self.progress.bytes_hashed(tally.bytes_hashed);
        if !tally.found.is_empty() {
            lock(&self.found).extend(tally.found);
        }
    }
}

fn special_kind(kind: Kind) -> SpecialFileKind {
    match kind {
        Kind::Fifo => SpecialFileKind::Fifo,
        Kind::Socket => SpecialFileKind::Socket,
        Kind::BlockDevice => SpecialFileKind::BlockDevice,
        Kind::CharDevice => SpecialFileKind::CharDevice,
        Kind::File | Kind::Dir | Kind::Symlink | Kind::Unknown => SpecialFileKind::Other,
    }
}
