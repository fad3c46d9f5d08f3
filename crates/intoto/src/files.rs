//! Careful file access: metadata files are read only when they are regular
//! files of bounded size (never blocking on a FIFO), and every write is
//! atomic (a temporary file renamed into place), so a failure never leaves a
//! half-written file or clobbers a good one.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The largest metadata file we read (256 MiB; a link recording a million
/// files is about 150 MiB).
pub const MAX_METADATA_BYTES: u64 = 256 * 1024 * 1024;

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads a whole regular file of at most `limit` bytes. Directories, FIFOs,
/// sockets and devices are refused without being opened for a blocking read.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let meta = fs::metadata(path).map_err(io_err(path))?;
    if !meta.is_file() {
        return Err(Error::NotAFile {
            path: path.to_path_buf(),
        });
    }
    // O_NONBLOCK: if the path is swapped for a FIFO after the check, open does not hang.
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc_o_nonblock())
        .open(path)
        .map_err(io_err(path))?;
    let meta = file.metadata().map_err(io_err(path))?;
    if !meta.is_file() {
        return Err(Error::NotAFile {
            path: path.to_path_buf(),
        });
    }
    if meta.len() > limit {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(io_err(path))?;
    if buf.len() as u64 > limit {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(buf)
}

const fn libc_o_nonblock() -> i32 {
    // O_NONBLOCK on Linux (all architectures we build for) and the BSDs/macOS
    // differ; Linux uses 0o4000, the others 0x0004.
    if cfg!(any(target_os = "linux", target_os = "android")) {
        0o4000
    } else {
        0x0004
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory is written, synced and renamed over `path`. A symlink at `path`
/// is replaced, never followed. On error nothing at `path` changes.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with_mode(path, bytes, None)
}

/// Like [`write_atomic`], creating the file with the given Unix permission
/// bits (e.g. `0o600` for private keys) from the start.
pub fn write_atomic_with_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (tmp, mut file) = create_temp(&dir, &base, mode).map_err(io_err(path))?;
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: e,
        });
    }
    Ok(())
}

fn create_temp(dir: &Path, base: &str, mode: Option<u32>) -> std::io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    let mut last = None;
    for attempt in 0..100u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let tmp = dir.join(format!(".{base}.tmp-{pid}-{nanos:x}-{attempt}"));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        if let Some(m) = mode {
            opts.mode(m);
        }
        match opts.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("could not create a temporary file")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_symlink_not_target() {
        let dir = std::env::temp_dir().join(format!("intoto-files-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim");
        fs::write(&victim, b"keep").unwrap();
        let link = dir.join("insp.link");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        assert_eq!(fs::read(&link).unwrap(), b"new");
        assert!(
            !fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // Reading refuses directories and honours the limit.
        assert!(matches!(
            read_regular_file(&dir, 10),
            Err(Error::NotAFile { .. })
        ));
        assert!(matches!(
            read_regular_file(&link, 2),
            Err(Error::TooLarge { .. })
        ));
        assert_eq!(read_regular_file(&link, 3).unwrap(), b"new");
        // A failed write (directory missing) leaves nothing behind.
        assert!(write_atomic(&dir.join("nodir/x"), b"x").is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
