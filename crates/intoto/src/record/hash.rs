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

/// A file being hashed: the digest so far and the line-ending state.
pub(crate) struct Hashing {
    hasher: Sha256,
    normalize: bool,
    pending_cr: bool,
    bytes: u64,
}

/// The outcome of [`hash_start`].
pub(crate) enum Start {
    /// The whole file fit in the first buffer: its digest and size.
    Done([u8; 32], u64),
    /// The first buffer is full; [`hash_rest`] continues.
    More(Hashing),
}

impl Hashing {
    /// Bytes read so far.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.normalize {
            normalize_chunk(chunk, &mut self.pending_cr, out);
            self.hasher.update(out);
        } else {
            self.hasher.update(chunk);
        }
        self.bytes += chunk.len() as u64;
    }

    fn finish(mut self) -> ([u8; 32], u64) {
        if self.pending_cr {
            self.hasher.update(b"\n");
        }
        (self.hasher.finish(), self.bytes)
    }
}

/// Runs `f` with this thread's buffers.
fn with_buffers<T>(f: impl FnOnce(&mut Buffers) -> T) -> T {
    BUFFERS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut bufs) => f(&mut bufs),
        // Not reachable (hashing never re-enters itself on one thread), but
        // fresh buffers are a correct answer.
        Err(_) => f(&mut Buffers {
            read: Vec::new(),
            out: Vec::new(),
        }),
    })
}

fn read_some(file: &mut File, buf: &mut Vec<u8>) -> io::Result<usize> {
    if buf.len() < BUF_SIZE {
        buf.resize(BUF_SIZE, 0);
    }
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Hashes `file` up to the end or one full buffer, whichever comes first:
/// a small file costs one read that fills part of the buffer and one that
/// finds the end. With `normalize`, `\r\n` and then lone `\r` become `\n`
/// before hashing.
pub(crate) fn hash_start(file: &mut File, normalize: bool) -> io::Result<Start> {
    let mut state = Hashing {
        hasher: Sha256::new(),
        normalize,
        pending_cr: false,
        bytes: 0,
    };
    with_buffers(|bufs| {
        loop {
            let n = read_some(file, &mut bufs.read)?;
            if n == 0 {
                let (digest, bytes) = state.finish();
                return Ok(Start::Done(digest, bytes));
            }
            state.feed(bufs.read.get(..n).unwrap_or_default(), &mut bufs.out);
            if state.bytes >= BUF_SIZE as u64 {
                return Ok(Start::More(state));
            }
        }
    })
}

/// Hashes the rest of `file`. With `report`, the bytes (including those of
/// [`hash_start`]) are reported as they are hashed, every few MiB. Returns
/// the digest and the file's size.
pub(crate) fn hash_rest(
    file: &mut File,
    mut state: Hashing,
    report: Option<&dyn Progress>,
) -> io::Result<([u8; 32], u64)> {
    with_buffers(|bufs| {
        let mut unreported = state.bytes;
        loop {
            let n = read_some(file, &mut bufs.read)?;
            if n == 0 {
                break;
            }
            state.feed(bufs.read.get(..n).unwrap_or_default(), &mut bufs.out);
            unreported += n as u64;
            if let Some(progress) = report
                && unreported >= PROGRESS_STEP
            {
                progress.bytes_hashed(unreported);
                unreported = 0;
            }
        }
        if let Some(progress) = report {
            progress.bytes_hashed(unreported);
        }
        Ok(state.finish())
    })
}

/// Hashes all of `file` (see [`hash_start`]).
pub(crate) fn hash_file(file: &mut File, normalize: bool) -> io::Result<([u8; 32], u64)> {
    match hash_start(file, normalize)? {
        Start::Done(digest, bytes) => Ok((digest, bytes)),
        Start::More(state) => hash_rest(file, state, None),
    }
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
