//! The parallel walk: directories are listed and files hashed on all
//! worker threads of a rayon pool, one task per directory (its small files
//! are hashed in the task itself) plus one task per big file.
//!
//! Each job is one input path of the reference's `FileResolver`. The walk
//! follows `os.walk` as the reference uses it: exclusion by the normalised
//! path relative to the walk root, symlinks to files recorded with their
//! target's content, symlinks to directories walked only when asked to,
//! dangling links skipped silently. Unlike the reference it detects
//! symlink loops and never opens FIFOs, sockets or devices.

use std::fs::{self, File, FileType, Metadata};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::exclude::ExcludeSet;
use super::hash::hash_file;
use super::normpath::join_normalized;
use super::progress::Progress;
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
        let Ok(meta) = fs::metadata(&input.fs) else {
            return;
        };
        if meta.is_file() {
            let mut tally = Tally::default();
            self.file(s, job, input.name.clone(), &input.fs, &mut tally);
            self.flush(tally);
        } else if meta.is_dir() {
            // The top directory is always entered, even through a symlink.
            let chain = self.follow_symlink_dirs.then(|| {
                Arc::new(Ancestor {
                    id: dir_id(&meta, &input.fs),
                    parent: None,
                })
            });
            self.dir(s, job, input.fs.clone(), input.name.clone(), chain);
        } else {
            self.warn(RecordWarning::SpecialFile {
                path: input.fs.clone(),
                kind: special_kind(meta.file_type()),
            });
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
        let entries = match fs::read_dir(&fs_dir) {
            Ok(entries) => entries,
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
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    // os.walk stops listing at such an error; so do we.
                    self.warn(RecordWarning::UnreadableDirectory {
                        path: fs_dir,
                        error: e.to_string(),
                    });
                    break;
                }
            };
            let file_name = entry.file_name();
            let name = match file_name.to_str() {
                Some(n) => join_normalized(&name_dir, n),
                None => {
                    let lossy = join_normalized(&name_dir, &file_name.to_string_lossy());
                    if self.excludes.is_excluded(&lossy) {
                        continue;
                    }
                    self.fail(job, RecordError::NonUtf8Name { path: entry.path() });
                    break;
                }
            };
            if self.excludes.is_excluded(&name) {
                continue;
            }
            // `os.walk` treats an entry it cannot stat as a non-directory,
            // and then the reference skips it as not a file.
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            let mut target = None;
            let kind = if file_type.is_symlink() {
                match fs::metadata(&path) {
                    Err(_) => continue, // dangling, or a loop of links
                    Ok(meta) => {
                        let ft = meta.file_type();
                        target = Some(meta);
                        ft
                    }
                }
            } else {
                file_type
            };
            if kind.is_dir() {
                if file_type.is_symlink() && !self.follow_symlink_dirs {
                    continue;
                }
                let child_chain = if self.follow_symlink_dirs {
                    let meta = match target {
                        Some(meta) => meta,
                        None => match entry.metadata() {
                            Ok(meta) => meta,
                            Err(_) => continue,
                        },
                    };
                    let id = dir_id(&meta, &path);
                    if is_ancestor(chain.as_ref(), id) {
                        self.warn(RecordWarning::SymlinkLoop { path });
                        continue;
                    }
                    Some(Arc::new(Ancestor {
                        id,
                        parent: chain.clone(),
                    }))
                } else {
                    None
                };
                s.spawn(move |s| self.dir(s, job, path, name, child_chain));
            } else if kind.is_file() {
                self.file(s, job, name, &path, &mut tally);
                if self.aborted() {
                    break;
                }
            } else {
                self.warn(RecordWarning::SpecialFile {
                    path,
                    kind: special_kind(kind),
                });
            }
        }
        self.flush(tally);
    }

    /// Opens and hashes one file: inline when it is small, in a task of its
    /// own when it is big.
    fn file<'s>(
        &'s self,
        s: &rayon::Scope<'s>,
        job: usize,
        name: String,
        path: &Path,
        tally: &mut Tally,
    ) {
        let (mut file, size) = match open_regular(path) {
            Ok(Some(opened)) => opened,
            Ok(None) => {
                // It was swapped for something else since it was listed.
                return;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return,
            Err(e) => {
                self.fail(
                    job,
                    RecordError::Io {
                        path: path.to_owned(),
                        source: e,
                    },
                );
                return;
            }
        };
        tally.files_found += 1;
        tally.bytes_found += size;
        if size >= BIG_FILE {
            let path = path.to_owned();
            s.spawn(move |_| {
                if self.aborted() {
                    return;
                }
                match hash_file(&mut file, self.normalize_line_endings, Some(self.progress)) {
                    Ok((digest, _)) => {
                        lock(&self.found).push(Found { job, name, digest });
                        self.progress.files_hashed(1);
                    }
                    Err(source) => self.fail(job, RecordError::Io { path, source }),
                }
            });
            return;
        }
        match hash_file(&mut file, self.normalize_line_endings, None) {
            Ok((digest, bytes)) => {
                tally.found.push(Found { job, name, digest });
                tally.files_hashed += 1;
                tally.bytes_hashed += bytes;
            }
            Err(source) => self.fail(
                job,
                RecordError::Io {
                    path: path.to_owned(),
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

/// Opens `path` for reading without ever blocking (a FIFO swapped in after
/// the listing would block a plain open) and checks on the open file that it
/// is a regular file. `Ok(None)` when it is not.
pub(crate) fn open_regular(path: &Path) -> io::Result<Option<(File, u64)>> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() {
        Ok(Some((file, meta.len())))
    } else {
        Ok(None)
    }
}

/// The identity of a directory: device and inode.
#[cfg(unix)]
fn dir_id(meta: &Metadata, path: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let _ = path;
    (meta.dev(), meta.ino())
}

/// The identity of a directory: a hash of its canonical path.
#[cfg(not(unix))]
fn dir_id(meta: &Metadata, path: &Path) -> (u64, u64) {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let _ = meta;
    let canonical = fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let h = BuildHasherDefault::<DefaultHasher>::default().hash_one(&canonical);
    (h, canonical.as_os_str().len() as u64)
}

#[cfg(unix)]
pub(crate) fn special_kind(ft: FileType) -> SpecialFileKind {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        SpecialFileKind::Fifo
    } else if ft.is_socket() {
        SpecialFileKind::Socket
    } else if ft.is_block_device() {
        SpecialFileKind::BlockDevice
    } else if ft.is_char_device() {
        SpecialFileKind::CharDevice
    } else {
        SpecialFileKind::Other
    }
}

#[cfg(not(unix))]
pub(crate) fn special_kind(ft: FileType) -> SpecialFileKind {
    let _ = ft;
    SpecialFileKind::Other
}
