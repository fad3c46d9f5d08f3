//! Test support shared by the crates' integration tests.
//!
//! The Python reference implementation (in-toto 3.1.0 from PyPI) is our
//! oracle. `.ci/run` makes a venv for it and exports
//! `INTOTO_ORACLE_PYTHON=<venv>/bin/python`; locally, run
//! `python3 -m venv .oracle-venv && .oracle-venv/bin/pip install in-toto==3.1.0`
//! and export the same variable (or just run `.ci/run` once). Interop tests
//! fail loudly, never pass silently, when the oracle is missing.
#![allow(clippy::panic, clippy::expect_used)]

pub mod gpg;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The environment variable that names the oracle's Python interpreter.
pub const ORACLE_ENV: &str = "INTOTO_ORACLE_PYTHON";

/// The Python interpreter of the oracle venv. Panics with instructions when
/// it is not configured, so that an interop test can never pass vacuously.
pub fn oracle_python() -> PathBuf {
    if let Some(p) = std::env::var_os(ORACLE_ENV) {
        let p = PathBuf::from(p);
        if p.exists() {
            return p;
        }
        panic!("{ORACLE_ENV}={} does not exist", p.display());
    }
    // Fall back to the venv that .ci/run makes at the workspace root.
    let root = workspace_root();
    let default = root.join(".oracle-venv/bin/python");
    if default.exists() {
        return default;
    }
    panic!(
        "the Python oracle is missing: run `python3 -m venv .oracle-venv && \
         .oracle-venv/bin/pip install in-toto==3.1.0` at the workspace root, \
         or set {ORACLE_ENV} to a Python that has in-toto 3.1.0 installed"
    );
}

/// The directory that holds the oracle's console scripts (`in-toto-verify`, ...).
pub fn oracle_bin_dir() -> PathBuf {
    oracle_python()
        .parent()
        .expect("the oracle python lives in a bin directory")
        .to_path_buf()
}

/// A command for one of the reference's tools, e.g. `oracle_tool("in-toto-verify")`.
pub fn oracle_tool(name: &str) -> Command {
    Command::new(oracle_bin_dir().join(name))
}

/// Runs `script` with the oracle's Python in `cwd`, feeding `stdin`, and
/// returns its output. Panics (with the script's stderr) when it fails.
pub fn python(script: &str, stdin: &[u8], cwd: &Path) -> Vec<u8> {
    let out = python_output(script, stdin, cwd);
    if !out.status.success() {
        panic!(
            "oracle script failed ({}):\n{}\n--- script ---\n{script}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out.stdout
}

/// Like [`python`] but returns the whole [`Output`], whatever the exit status.
pub fn python_output(script: &str, stdin: &[u8], cwd: &Path) -> Output {
    let mut child = Command::new(oracle_python())
        .arg("-c")
        .arg(script)
        .current_dir(cwd)
        .env("PYTHONHASHSEED", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the oracle python");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin).expect("write to the oracle");
    }
    child.wait_with_output().expect("wait for the oracle")
}

/// The workspace root (the directory with the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/testkit sits two levels below the root")
        .to_path_buf()
}

/// The reference's sample vectors, `shared/spec/python-ref-samples/`, copied
/// into the repository at `tests/fixtures/python-in-toto-3.1.0/samples/`.
pub fn ref_samples() -> PathBuf {
    workspace_root().join("tests/fixtures/python-in-toto-3.1.0/samples")
}

/// A temporary directory, removed when dropped.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates a fresh, empty directory under the system temp dir.
    pub fn new(label: &str) -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "intoto-{label}-{}-{n}-{nanos:x}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self { path }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A path inside the directory.
    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.path.join(rel)
    }

    /// Writes a file (creating parent directories).
    pub fn write(&self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent dirs");
        }
        std::fs::write(&p, contents).expect("write file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("INTOTO_KEEP_TEMP").is_none() {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Copies a directory tree (regular files and directories only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create target dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A small deterministic generator (xorshift64*) for generated test cases:
/// the same seed always gives the same cases.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value; zero is adjusted).
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `items`, chosen uniformly (`items` must not be empty).
    pub fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }
}

/// How many generated cases to run: the number in the environment variable
/// `var` when set, else `default`.
pub fn case_count(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
