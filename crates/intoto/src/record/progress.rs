//! Progress of recording: a trait the workers report to, a no-op, and a
//! progress bar for terminals.
//!
//! Totals grow while the walk runs: files are counted when they are found,
//! and their bytes when they are opened.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Receives progress from the recording workers. Called concurrently from
/// several threads, in batches (about once per directory, and every few
/// MiB of a big file), so implementations should be cheap: atomics, not
/// locks or I/O. Every method has a no-op default.
pub trait Progress: Sync {
    /// `n` more files were found and will be hashed.
    fn files_found(&self, n: u64) {
        let _ = n;
    }
    /// `n` more bytes were found (the sizes of files as they are opened).
    fn bytes_found(&self, n: u64) {
        let _ = n;
    }
    /// `n` more files were completely hashed.
    fn files_hashed(&self, n: u64) {
        let _ = n;
    }
    /// `n` more bytes were hashed.
    fn bytes_hashed(&self, n: u64) {
        let _ = n;
    }
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// The counters behind a progress display, updated with relaxed atomics.
#[derive(Debug, Default)]
pub struct ProgressCounters {
    files_found: AtomicU64,
    bytes_found: AtomicU64,
    files_hashed: AtomicU64,
    bytes_hashed: AtomicU64,
}

/// A snapshot of [`ProgressCounters`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProgressSnapshot {
    /// Files found so far.
    pub files_found: u64,
    /// Bytes of the files opened so far.
    pub bytes_found: u64,
    /// Files hashed so far.
    pub files_hashed: u64,
    /// Bytes hashed so far.
    pub bytes_hashed: u64,
}

impl ProgressCounters {
    /// The current values.
    pub fn snapshot(&self) -> ProgressSnapshot {
        ProgressSnapshot {
            files_found: self.files_found.load(Ordering::Relaxed),
            bytes_found: self.bytes_found.load(Ordering::Relaxed),
            files_hashed: self.files_hashed.load(Ordering::Relaxed),
            bytes_hashed: self.bytes_hashed.load(Ordering::Relaxed),
        }
    }
}

impl Progress for ProgressCounters {
    fn files_found(&self, n: u64) {
        self.files_found.fetch_add(n, Ordering::Relaxed);
    }
    fn bytes_found(&self, n: u64) {
        self.bytes_found.fetch_add(n, Ordering::Relaxed);
    }
    fn files_hashed(&self, n: u64) {
        self.files_hashed.fetch_add(n, Ordering::Relaxed);
    }
    fn bytes_hashed(&self, n: u64) {
        self.bytes_hashed.fetch_add(n, Ordering::Relaxed);
    }
}

/// How long the work must take before the bar appears.
const DELAY: Duration = Duration::from_millis(500);
/// How often the bar is redrawn.
const INTERVAL: Duration = Duration::from_millis(150);

struct Shared {
    counters: ProgressCounters,
    stopped: Mutex<bool>,
    wake: Condvar,
}

/// A progress bar on standard error: files and bytes done out of those
/// found, and the rate. It draws only when standard error is a terminal and
/// the work has taken longer than half a second, from a thread of its own,
/// and clears its line when it is finished or dropped. Writes nothing at
/// all otherwise.
pub struct TerminalProgress {
    shared: Arc<Shared>,
    drawer: Option<JoinHandle<()>>,
}

impl TerminalProgress {
    /// Starts the bar (if standard error is a terminal). `label` is shown
    /// in front of it, e.g. `"recording"`.
    pub fn new(label: &str) -> Self {
        let shared = Arc::new(Shared {
            counters: ProgressCounters::default(),
            stopped: Mutex::new(false),
            wake: Condvar::new(),
        });
        let drawer = if std::io::stderr().is_terminal() {
            let shared = Arc::clone(&shared);
            let label = label.to_owned();
            std::thread::Builder::new()
                .name("intoto-progress".to_owned())
                .spawn(move || draw_loop(&shared, &label))
                .ok()
        } else {
            None
        };
        Self { shared, drawer }
    }

    /// The counters so far.
    pub fn snapshot(&self) -> ProgressSnapshot {
        self.shared.counters.snapshot()
    }

    /// Stops the bar and clears its line (same as dropping it).
    pub fn finish(self) {
        drop(self);
    }

    fn stop(&mut self) {
        {
            let mut stopped = self
                .shared
                .stopped
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            *stopped = true;
        }
        self.shared.wake.notify_all();
        if let Some(handle) = self.drawer.take() {
            // The drawer thread does not panic; if it did, there is
            // nothing left to clean up.
            let _ = handle.join();
        }
    }
}

impl Drop for TerminalProgress {
    fn drop(&mut self) {
        self.stop();
    }
}

impl std::fmt::Debug for TerminalProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TerminalProgress")
            .field("counters", &self.shared.counters)
            .field("drawing", &self.drawer.is_some())
            .finish()
    }
}

impl Progress for TerminalProgress {
    fn files_found(&self, n: u64) {
        self.shared.counters.files_found(n);
    }
    fn bytes_found(&self, n: u64) {
        self.shared.counters.bytes_found(n);
    }
    fn files_hashed(&self, n: u64) {
        self.shared.counters.files_hashed(n);
    }
    fn bytes_hashed(&self, n: u64) {
        self.shared.counters.bytes_hashed(n);
    }
}

/// Waits `timeout` or until stopped; true when stopped.
fn wait_stopped(shared: &Shared, timeout: Duration) -> bool {
    let guard = shared
        .stopped
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let (guard, _) = shared
        .wake
        .wait_timeout_while(guard, timeout, |stopped| !*stopped)
        .unwrap_or_else(PoisonError::into_inner);
    *guard
}

fn draw_loop(shared: &Shared, label: &str) {
    let start = Instant::now();
    if wait_stopped(shared, DELAY) {
        return;
    }
    let mut stderr = std::io::stderr();
    loop {
        let line = render(label, &shared.counters.snapshot(), start.elapsed());
        let _ = write!(stderr, "\r\x1b[2K{line}");
        let _ = stderr.flush();
        if wait_stopped(shared, INTERVAL) {
            break;
        }
    }
    let _ = write!(stderr, "\r\x1b[2K");
    let _ = stderr.flush();
}

/// One line of the bar, e.g.
/// `recording: 12,345/50,000 files  1.2/2.0 GiB  350.1 MiB/s`.
pub(crate) fn render(label: &str, s: &ProgressSnapshot, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        s.bytes_hashed as f64 / secs
    } else {
        0.0
    };
    format!(
        "{label}: {}/{} files  {}/{}  {}/s",
        thousands(s.files_hashed),
        thousands(s.files_found),
        bytes(s.bytes_hashed as f64),
        bytes(s.bytes_found as f64),
        bytes(rate),
    )
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let name = UNITS.get(unit).copied().unwrap_or("B");
    if unit == 0 {
        format!("{value:.0} {name}")
    } else {
        format!("{value:.1} {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_sizes_and_rate() {
        let s = ProgressSnapshot {
            files_found: 50_000,
            bytes_found: 2 * 1024 * 1024 * 1024,
            files_hashed: 12_345,
            bytes_hashed: 512 * 1024 * 1024,
        };
        assert_eq!(
            render("recording", &s, Duration::from_secs(2)),
            "recording: 12,345/50,000 files  512.0 MiB/2.0 GiB  256.0 MiB/s"
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(bytes(10.0), "10 B");
    }

    #[test]
    fn counters_add_up_across_threads() {
        let c = ProgressCounters::default();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..1000 {
                        c.files_found(1);
                        c.bytes_hashed(3);
                    }
                });
            }
        });
        let snap = c.snapshot();
        assert_eq!(snap.files_found, 4000);
        assert_eq!(snap.bytes_hashed, 12_000);
    }

    #[test]
    fn terminal_progress_counts_and_finishes() {
        // Whether or not stderr is a terminal, finishing stops the drawer.
        let p = TerminalProgress::new("test");
        p.files_found(2);
        p.files_hashed(1);
        assert_eq!(p.snapshot().files_found, 2);
        p.finish();
    }
}
