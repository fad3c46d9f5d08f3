//! The floor of `bench/record.sh`: the least work any recorder must do.
//!
//! Walks the given files and directories (readdir with the entry type, so
//! plain files are not stat'ed; symlinks are followed), reads every regular
//! file through a 256 KiB buffer and SHA-256-hashes it with the same
//! backend the recorder uses (the CPU's SHA instructions), on one thread
//! per core fed from a shared work queue, and sorts the names at the end.
//! It keeps no exclude patterns, no name mangling, no JSON and no
//! signature: the time it takes is what the hardware allows.
//!
//! `cargo run --release --example hash_floor -- DIR...` prints the number
//! of files and bytes, and a digest over all (name, hash) pairs so that the
//! work cannot be optimised away. `FLOOR_THREADS` overrides the thread
//! count; `FLOOR_PASSES=2` does everything twice, one pass after the other,
//! as `in-toto-run -m DIR -p DIR` must (materials, then products).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::fs::{self, File};
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};

use intoto_crypto::digest::{Sha256, to_hex};

enum Item {
    Dir(PathBuf),
    File(PathBuf),
}

struct Queue {
    /// Pending items and the number of items being worked on.
    state: Mutex<(Vec<Item>, usize)>,
    wake: Condvar,
}

impl Queue {
    fn next(&self) -> Option<Item> {
        let mut g = self.state.lock().unwrap();
        loop {
            if let Some(item) = g.0.pop() {
                g.1 += 1;
                return Some(item);
            }
            if g.1 == 0 {
                self.wake.notify_all();
                return None;
            }
            g = self.wake.wait(g).unwrap();
        }
    }

    fn done(&self, new: Vec<Item>) {
        let mut g = self.state.lock().unwrap();
        let n = new.len();
        g.0.extend(new);
        g.1 -= 1;
        drop(g);
        if n > 1 {
            self.wake.notify_all();
        } else {
            self.wake.notify_one();
        }
    }
}

fn hash(path: &PathBuf, buf: &mut [u8]) -> ([u8; 32], u64) {
    let mut f = File::open(path).unwrap();
    let mut h = Sha256::new();
    let mut total = 0u64;
    loop {
        let n = f.read(buf).unwrap();
        if n == 0 {
            break;
        }
        total += n as u64;
        h.update(&buf[..n]);
    }
    (h.finish(), total)
}

fn main() {
    let roots: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let threads = std::env::var("FLOOR_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let passes: usize = std::env::var("FLOOR_PASSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for _ in 0..passes {
        one_pass(&roots, threads);
    }
}

fn one_pass(roots: &[PathBuf], threads: usize) {
    let items = roots
        .iter()
        .cloned()
        .map(|p| {
            if fs::metadata(&p).unwrap().is_dir() {
                Item::Dir(p)
            } else {
                Item::File(p)
            }
        })
        .collect();
    let queue = Queue {
        state: Mutex::new((items, 0)),
        wake: Condvar::new(),
    };
    let mut results: Vec<(String, [u8; 32], u64)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut buf = vec![0u8; 256 * 1024];
                    let mut out = Vec::new();
                    while let Some(item) = queue.next() {
                        let mut new = Vec::new();
                        match item {
                            Item::Dir(d) => {
                                for e in fs::read_dir(&d).unwrap() {
                                    let e = e.unwrap();
                                    let t = e.file_type().unwrap();
                                    let p = e.path();
                                    if t.is_dir() {
                                        new.push(Item::Dir(p));
                                    } else if t.is_file() {
                                        new.push(Item::File(p));
                                    } else if t.is_symlink() {
                                        match fs::metadata(&p) {
                                            Ok(m) if m.is_dir() => new.push(Item::Dir(p)),
                                            Ok(m) if m.is_file() => new.push(Item::File(p)),
                                            _ => {}
                                        }
                                    }
                                }
                            }
                            Item::File(f) => {
                                let (digest, bytes) = hash(&f, &mut buf);
                                out.push((f.to_string_lossy().into_owned(), digest, bytes));
                            }
                        }
                        queue.done(new);
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    results.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut all = Sha256::new();
    let mut bytes = 0u64;
    for (name, digest, n) in &results {
        all.update(name.as_bytes());
        all.update(digest);
        bytes += n;
    }
    println!(
        "{} files, {} bytes, {}",
        results.len(),
        bytes,
        &to_hex(&all.finish())[..16]
    );
}
