//! Streaming SHA-256 of files, optionally with line endings normalised the
//! way the reference does it.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read};

use intoto_crypto::digest::Sha256;

use super::progress::Progress;

/// The read buffer of each worker thread. Large enough that big files cost
/// few system calls, small enough to stay in the CPU's cache.
const BUF_SIZE: usize = 256 * 1024;

/// How often the bytes of a big file are reported while it is hashed.
const PROGRESS_STEP: u64 = 4 * 1024 * 1024;

thread_local! {
    static BUFFERS: RefCell<Buffers> = const { RefCell::new(Buffers { read: Vec::new(), out: Vec::new() }) };
}

struct Buffers {
    read: Vec<u8>,
    out: Vec<u8>,
}

/// Hashes everything `file` yields, reusing this thread's buffers. With
/// `normalize`, `\r\n` and then lone `\r` become `\n` before hashing.
/// With `report_bytes`, the bytes read are reported to `progress` as they
/// are hashed (worth it for big files only). Returns the digest and the
/// number of bytes read.
pub(crate) fn hash_file(
    file: &mut File,
    normalize: bool,
    report_bytes: Option<&dyn Progress>,
) -> io::Result<([u8; 32], u64)> {
    BUFFERS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut bufs) => hash_with(file, normalize, report_bytes, &mut bufs),
        // Not reachable (hashing never re-enters itself on one thread), but
        // fresh buffers are a correct answer.
        Err(_) => hash_with(
            file,
            normalize,
            report_bytes,
            &mut Buffers {
                read: Vec::new(),
                out: Vec::new(),
            },
        ),
    })
}

fn hash_with(
    file: &mut File,
    normalize: bool,
    report_bytes: Option<&dyn Progress>,
    bufs: &mut Buffers,
) -> io::Result<([u8; 32], u64)> {
    if bufs.read.len() < BUF_SIZE {
        bufs.read.resize(BUF_SIZE, 0);
    }
    let mut hasher = Sha256::new();
    let mut total: u64 = 0;
    let mut unreported: u64 = 0;
    let mut pending_cr = false;
    loop {
        let n = match file.read(&mut bufs.read) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = bufs.read.get(..n).unwrap_or_default();
        if normalize {
            normalize_chunk(chunk, &mut pending_cr, &mut bufs.out);
            hasher.update(&bufs.out);
        } else {
            hasher.update(chunk);
        }
        total += n as u64;
        unreported += n as u64;
        if let Some(progress) = report_bytes
            && unreported >= PROGRESS_STEP
        {
            progress.bytes_hashed(unreported);
            unreported = 0;
        }
    }
    if pending_cr {
        hasher.update(b"\n");
    }
    if let Some(progress) = report_bytes {
        progress.bytes_hashed(unreported);
    }
    Ok((hasher.finish(), total))
}

/// Line-ending normalisation of one chunk of a stream into `out`.
///
/// The reference reads 4096-byte chunks, extends a chunk that ends in `\r`
/// byte by byte until it does not (or the file ends), and then replaces
/// `\r\n` by `\n` and the remaining `\r` by `\n` in each chunk. No `\r\n`
/// is ever split between its chunks, so the result is the same as that of
/// the two replacements over the whole file: every `\r` becomes `\n`,
/// except one directly followed by `\n`, which is dropped. Here a `\r` at
/// the end of a chunk is held back in `pending_cr` until the next byte is
/// known; the caller emits `\n` for it at the end of the file.
pub(crate) fn normalize_chunk(chunk: &[u8], pending_cr: &mut bool, out: &mut Vec<u8>) {
    out.clear();
    out.reserve(chunk.len() + 1);
    let mut rest = chunk;
    if *pending_cr {
        *pending_cr = false;
        if rest.first() != Some(&b'\n') {
            out.push(b'\n');
        }
    }
    while let Some(pos) = rest.iter().position(|&b| b == b'\r') {
        out.extend_from_slice(rest.get(..pos).unwrap_or_default());
        match rest.get(pos + 1) {
            // `\r\n`: the `\n` is copied with the next run.
            Some(b'\n') => {}
            Some(_) => out.push(b'\n'),
            None => *pending_cr = true,
        }
        rest = rest.get(pos + 1..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference's two replacements over the whole input.
    fn reference(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < data.len() {
            if data[i] == b'\r' {
                out.push(b'\n');
                if data.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            } else {
                out.push(data[i]);
            }
            i += 1;
        }
        out
    }

    fn chunked(data: &[u8], size: usize) -> Vec<u8> {
        let mut pending = false;
        let mut all = Vec::new();
        let mut out = Vec::new();
        for chunk in data.chunks(size) {
            normalize_chunk(chunk, &mut pending, &mut out);
            all.extend_from_slice(&out);
        }
        if pending {
            all.push(b'\n');
        }
        all
    }

    #[test]
    fn normalisation_is_independent_of_chunking() {
        let samples: [&[u8]; 8] = [
            b"a\r\nb\rc\n",
            b"\r",
            b"\r\r\n\r",
            b"\n\r\n\r\r",
            b"no line endings",
            b"",
            b"x\r\r\r\ny",
            b"\r\n\r\n",
        ];
        for s in samples {
            for size in 1..=s.len().max(1) {
                assert_eq!(chunked(s, size), reference(s), "{s:?} in chunks of {size}");
            }
        }
    }
}
