//! The few filesystem operations the walk needs, relative to an open
//! directory where the platform allows it (`openat`/`fstatat` on Unix, so
//! that opening a file costs one path component instead of the whole path).
//!
//! Files are always opened non-blocking: a FIFO that appears where a file
//! was listed cannot block the walk.

use std::fs::File;
use std::io;
use std::path::Path;

/// What a directory entry (or the target of a symlink) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Dir,
    Symlink,
    Fifo,
    Socket,
    BlockDevice,
    CharDevice,
    /// The listing did not say (`DT_UNKNOWN`), or something else.
    Unknown,
}

/// The type and identity of a file, from `stat`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Meta {
    pub kind: Kind,
    /// Device and inode.
    pub id: (u64, u64),
    /// Size in bytes.
    pub size: u64,
}

#[cfg(unix)]
mod imp {
    use std::ffi::{CString, OsStr};
    use std::fs::File;
    use std::io;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags, Stat};

    use super::{Kind, Meta};

    fn kind(ft: FileType) -> Kind {
        match ft {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Dir,
            FileType::Symlink => Kind::Symlink,
            FileType::Fifo => Kind::Fifo,
            FileType::Socket => Kind::Socket,
            FileType::BlockDevice => Kind::BlockDevice,
            FileType::CharacterDevice => Kind::CharDevice,
            FileType::Unknown => Kind::Unknown,
        }
    }

    // The field types of `Stat` differ between architectures.
    #[allow(clippy::useless_conversion)]
    fn meta(st: &Stat) -> Meta {
        Meta {
            kind: kind(FileType::from_raw_mode(st.st_mode)),
            id: (u64::from(st.st_dev), u64::from(st.st_ino)),
            size: u64::try_from(st.st_size).unwrap_or(0),
        }
    }

    /// An open directory being listed.
    pub(crate) struct DirStream {
        dir: Dir,
    }

    /// One entry of a listing.
    pub(crate) struct Entry {
        name: CString,
        kind: Kind,
    }

    impl Entry {
        pub(crate) fn name(&self) -> &OsStr {
            OsStr::from_bytes(self.name.to_bytes())
        }
        pub(crate) fn kind(&self) -> Kind {
            self.kind
        }
    }

    impl DirStream {
        pub(crate) fn open(path: &Path) -> io::Result<Self> {
            let fd = rustix::fs::open(
                path,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            Ok(Self { dir: Dir::new(fd)? })
        }

        /// The next entry other than `.` and `..`.
        pub(crate) fn next_entry(&mut self) -> Option<io::Result<Entry>> {
            loop {
                match self.dir.read()? {
                    Err(e) => return Some(Err(e.into())),
                    Ok(e) => {
                        let name = e.file_name();
                        if matches!(name.to_bytes(), b"." | b"..") {
                            continue;
                        }
                        return Some(Ok(Entry {
                            name: name.to_owned(),
                            kind: kind(e.file_type()),
                        }));
                    }
                }
            }
        }

        /// Opens the file `entry` for reading; with `nofollow`, fails if it
        /// has become a symlink.
        pub(crate) fn open_file(&self, entry: &Entry, nofollow: bool) -> io::Result<File> {
            let mut flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
            if nofollow {
                flags |= OFlags::NOFOLLOW;
            }
            let fd =
                rustix::fs::openat(self.dir.fd()?, entry.name.as_c_str(), flags, Mode::empty())?;
            Ok(File::from(fd))
        }

        /// `stat` of `entry` (of its target with `follow`).
        pub(crate) fn stat(&self, entry: &Entry, follow: bool) -> io::Result<Meta> {
            let flags = if follow {
                AtFlags::empty()
            } else {
                AtFlags::SYMLINK_NOFOLLOW
            };
            let st = rustix::fs::statat(self.dir.fd()?, entry.name.as_c_str(), flags)?;
            Ok(meta(&st))
        }
    }

    /// Opens the file at `path` for reading (following symlinks).
    pub(crate) fn open_path(path: &Path) -> io::Result<File> {
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(File::from(fd))
    }

    /// `stat` of an open file.
    pub(crate) fn stat_file(file: &File) -> io::Result<Meta> {
        Ok(meta(&rustix::fs::fstat(file)?))
    }

    /// `stat` of `path`, following symlinks.
    pub(crate) fn stat_path(path: &Path) -> io::Result<Meta> {
        Ok(meta(&rustix::fs::stat(path)?))
    }

    /// Whether `e` says a symlink was found where `O_NOFOLLOW` forbids one.
    pub(crate) fn is_symlink_refusal(e: &io::Error) -> bool {
        e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
}

#[cfg(not(unix))]
mod imp {
    //! A portable fallback on std: paths instead of directory handles, no
    //! non-blocking opens (there are no FIFOs to fear), and canonical paths
    //! instead of inode numbers.

    use std::ffi::{OsStr, OsString};
    use std::fs::{self, File, FileType, Metadata, ReadDir};
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    use std::io;
    use std::path::{Path, PathBuf};

    use super::{Kind, Meta};

    fn kind(ft: FileType) -> Kind {
        if ft.is_symlink() {
            Kind::Symlink
        } else if ft.is_dir() {
            Kind::Dir
        } else if ft.is_file() {
            Kind::File
        } else {
            Kind::Unknown
        }
    }

    fn meta(m: &Metadata, path: &Path) -> Meta {
        let canonical = fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        let h = BuildHasherDefault::<DefaultHasher>::default().hash_one(&canonical);
        Meta {
            kind: kind(m.file_type()),
            id: (h, canonical.as_os_str().len() as u64),
            size: m.len(),
        }
    }

    pub(crate) struct DirStream {
        path: PathBuf,
        rd: ReadDir,
    }

    pub(crate) struct Entry {
        name: OsString,
        kind: Kind,
    }

    impl Entry {
        pub(crate) fn name(&self) -> &OsStr {
            &self.name
        }
        pub(crate) fn kind(&self) -> Kind {
            self.kind
        }
    }

    impl DirStream {
        pub(crate) fn open(path: &Path) -> io::Result<Self> {
            Ok(Self {
                path: path.to_owned(),
                rd: fs::read_dir(path)?,
            })
        }

        pub(crate) fn next_entry(&mut self) -> Option<io::Result<Entry>> {
            Some(self.rd.next()?.map(|e| Entry {
                kind: e.file_type().map_or(Kind::Unknown, kind),
                name: e.file_name(),
            }))
        }

        pub(crate) fn open_file(&self, entry: &Entry, _nofollow: bool) -> io::Result<File> {
            File::open(self.path.join(&entry.name))
        }

        pub(crate) fn stat(&self, entry: &Entry, follow: bool) -> io::Result<Meta> {
            let path = self.path.join(&entry.name);
            let m = if follow {
                fs::metadata(&path)?
            } else {
                fs::symlink_metadata(&path)?
            };
            Ok(meta(&m, &path))
        }
    }

    pub(crate) fn open_path(path: &Path) -> io::Result<File> {
        File::open(path)
    }

    pub(crate) fn stat_file(file: &File) -> io::Result<Meta> {
        let m = file.metadata()?;
        Ok(Meta {
            kind: kind(m.file_type()),
            id: (0, 0),
            size: m.len(),
        })
    }

    pub(crate) fn stat_path(path: &Path) -> io::Result<Meta> {
        Ok(meta(&fs::metadata(path)?, path))
    }

    pub(crate) fn is_symlink_refusal(_e: &io::Error) -> bool {
        false
    }
}

pub(crate) use imp::{DirStream, Entry, is_symlink_refusal, open_path, stat_file, stat_path};

/// Opens `path` (following symlinks) and checks on the open file that it is
/// a regular file; `Ok(None)` when it is not. Never blocks on a FIFO.
pub(crate) fn open_regular(path: &Path) -> io::Result<Option<File>> {
    let file = open_path(path)?;
    if stat_file(&file)?.kind == Kind::File {
        Ok(Some(file))
    } else {
        Ok(None)
    }
}
