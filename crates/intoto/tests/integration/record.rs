//! Recording artifacts, against the reference (in-toto 3.1.0 with pathspec
//! 1.1.1), plus the behaviours where we are deliberately stricter.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use intoto::record::{
    ExcludeSet, NoProgress, ProgressCounters, RecordError, RecordOptions, RecordWarning,
    SpecialFileKind, record_artifacts,
};
use intoto_testkit::python;

// ---------------------------------------------------------------------------
// Helpers

/// A temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("intoto-record-{tag}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        // Canonical, so that absolute names agree with Python's view.
        Self(fs::canonicalize(&dir).unwrap())
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn write(root: &Path, rel: &str, content: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, content).unwrap();
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A JSON string literal.
fn js(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn js_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| js(s)).collect();
    format!("[{}]", parts.join(","))
}

fn js_opt_list(items: &Option<Vec<String>>) -> String {
    match items {
        None => "null".to_owned(),
        Some(list) => js_list(list),
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn env_count(default: usize) -> usize {
    std::env::var("INTOTO_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The generators' seed: fixed, unless `INTOTO_DIFF_SEED` says otherwise.
fn seed(default: u64) -> u64 {
    std::env::var("INTOTO_DIFF_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------
// Exclude patterns vs pathspec

const EXCLUDE_ORACLE: &str = r#"
import sys, json, warnings
warnings.simplefilter("ignore")
from pathspec import GitIgnoreSpec
out = []
for patterns, paths in json.loads(sys.stdin.read()):
    try:
        # Exactly how in-toto's FileResolver compiles its excludes.
        spec = GitIgnoreSpec.from_lines("gitwildmatch", patterns)
    except Exception as e:
        out.append("E " + type(e).__name__)
        continue
    out.append("M " + "".join("1" if spec.match_file(p) else "0" for p in paths))
sys.stdout.write("\n".join(out) + "\n")
"#;

fn random_pattern(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "a", "b", "c", ".", "*", "**", "?", "/", "/", "*", "x.txt", ".git", "~", "é", "[a-c]",
        "[!a]", "[^b]", "[]a]", "[a-]", "[z-a]", "[", "]", "\\*", "\\", "\\ ", " ", "#", "!", "-",
        "^", "**/", "/**", "/**/", "a.b", ".a", "[\\]", "[[]",
    ];
    let mut p = String::new();
    if rng.chance(20) {
        p.push('!');
    }
    if rng.chance(15) {
        p.push('/');
    }
    for _ in 0..1 + rng.below(4) {
        p.push_str(rng.pick(PIECES));
    }
    if rng.chance(15) {
        p.push('/');
    }
    if rng.chance(10) {
        p.push_str(rng.pick(&[
            " ", "  ", "\t", "\\ ", "\\  ", "\u{3000}", "\u{1c}", "\u{85}",
        ]));
    }
    if rng.chance(3) {
        p = rng
            .pick(&["", "#x", "!", "/", "*", "**", "!*", ".", ".*", "*/", "**/"])
            .to_owned();
    }
    p
}

fn random_path(rng: &mut Rng) -> String {
    const COMPS: &[&str] = &[
        "a", "b", "c", ".a", "a.b", "x.txt", "é", "ab", "*", "[a]", "a b", "\\", "-", "]", "..",
        ".", ".git", "b~", "c.link", "d.pyc", "^", "!", "#", "aa", "ba", "A",
    ];
    if rng.chance(4) {
        return rng
            .pick(&[".", "/", "./", "\n", "a\n", "a\nb", "é\n/x"])
            .to_owned();
    }
    let mut parts = Vec::new();
    for _ in 0..1 + rng.below(4) {
        parts.push(rng.pick(COMPS));
    }
    let mut p = parts.join("/");
    if rng.chance(10) {
        p.insert(0, '/');
    } else if rng.chance(5) {
        p.insert_str(0, "./");
    }
    if rng.chance(3) {
        p.push('\n');
    }
    p
}

#[test]
fn exclude_patterns_match_like_pathspec() {
    let cases = env_count(300);
    let mut rng = Rng(seed(0x1e70_2026));
    let mut input = Vec::new();
    let mut ours = Vec::new();
    // A few fixed lists first: the reference's defaults and the spec table.
    let fixed: Vec<Vec<String>> = vec![
        strings(&["*.link*", ".git", "*.pyc", "*~"]),
        strings(&["*.txt", "!top.txt"]),
        strings(&["a", "!a/x.txt"]),
        strings(&["a/*", "!a/x.txt"]),
        strings(&["!a/x", "a/"]),
        strings(&["a/", "!a/"]),
    ];
    for i in 0..cases + fixed.len() {
        let patterns: Vec<String> = match fixed.get(i) {
            Some(f) => f.clone(),
            None => (0..1 + rng.below(4))
                .map(|_| random_pattern(&mut rng))
                .collect(),
        };
        let paths: Vec<String> = (0..25).map(|_| random_path(&mut rng)).collect();
        input.push(format!("[{},{}]", js_list(&patterns), js_list(&paths)));
        ours.push((patterns, paths));
    }
    let stdin = format!("[{}]", input.join(","));
    let out = python(EXCLUDE_ORACLE, stdin.as_bytes(), Path::new("."));
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), ours.len());
    let mut errors = 0;
    let mut excluded = 0;
    for ((patterns, paths), line) in ours.iter().zip(lines) {
        match ExcludeSet::new(patterns) {
            Err(e) => {
                assert!(
                    line.starts_with("E "),
                    "{patterns:?}: we fail ({e}), pathspec gives {line}"
                );
                errors += 1;
            }
            Ok(set) => {
                let want = line
                    .strip_prefix("M ")
                    .unwrap_or_else(|| panic!("{patterns:?}: pathspec fails ({line}), we compile"));
                for (path, w) in paths.iter().zip(want.chars()) {
                    let got = set.is_excluded(path);
                    assert_eq!(got, w == '1', "patterns {patterns:?}, path {path:?}");
                    excluded += usize::from(got);
                }
            }
        }
    }
    // The generator must exercise both outcomes and invalid patterns.
    assert!(
        errors > 0 && excluded > 0,
        "errors {errors}, excluded {excluded}"
    );
}

// ---------------------------------------------------------------------------
// Recording vs in_toto.runlib.record_artifacts_as_dict

const RECORD_ORACLE: &str = r#"
import sys, json, os, warnings
warnings.simplefilter("ignore")
from in_toto.runlib import record_artifacts_as_dict
orig = os.getcwd()
out = []
for i, c in enumerate(json.loads(sys.stdin.read())):
    os.chdir(c["cwd"])
    try:
        r = record_artifacts_as_dict(
            c["paths"], exclude_patterns=c["exclude"], base_path=c["base"],
            follow_symlink_dirs=c["follow"], normalize_line_endings=c["normalize"],
            lstrip_paths=c["lstrip"])
        out.append(f"CASE {i} OK {len(r)}")
        for k in sorted(r):
            out.append(k.encode("utf-8", "surrogateescape").hex() + " " + r[k]["sha256"])
    except Exception as e:
        out.append(f"CASE {i} ERR {type(e).__name__}")
    finally:
        os.chdir(orig)
sys.stdout.write("\n".join(out) + "\n")
"#;

#[derive(Debug, Clone)]
struct Case {
    cwd: PathBuf,
    paths: Vec<String>,
    exclude: Option<Vec<String>>,
    base: Option<String>,
    follow: bool,
    normalize: bool,
    lstrip: Vec<String>,
}

impl Case {
    fn new(cwd: &Path, paths: &[&str]) -> Self {
        Case {
            cwd: cwd.to_owned(),
            paths: strings(paths),
            exclude: None,
            base: None,
            follow: false,
            normalize: false,
            lstrip: Vec::new(),
        }
    }
    fn exclude(mut self, patterns: &[&str]) -> Self {
        self.exclude = Some(strings(patterns));
        self
    }
    fn base(mut self, base: &str) -> Self {
        self.base = Some(base.to_owned());
        self
    }
    fn follow(mut self) -> Self {
        self.follow = true;
        self
    }
    fn normalize(mut self) -> Self {
        self.normalize = true;
        self
    }
    fn lstrip(mut self, prefixes: &[&str]) -> Self {
        self.lstrip = strings(prefixes);
        self
    }

    fn json(&self) -> String {
        format!(
            "{{\"cwd\":{},\"paths\":{},\"exclude\":{},\"base\":{},\"follow\":{},\"normalize\":{},\"lstrip\":{}}}",
            js(self.cwd.to_str().unwrap()),
            js_list(&self.paths),
            js_opt_list(&self.exclude),
            self.base.as_deref().map_or("null".to_owned(), js),
            self.follow,
            self.normalize,
            js_list(&self.lstrip),
        )
    }

    fn options(&self) -> RecordOptions {
        let mut opts = RecordOptions::new()
            .cwd(&self.cwd)
            .follow_symlink_dirs(self.follow)
            .normalize_line_endings(self.normalize)
            .lstrip_paths(self.lstrip.clone());
        if let Some(e) = &self.exclude {
            opts = opts.exclude_patterns(e.clone());
        }
        if let Some(b) = &self.base {
            opts = opts.base_path(b);
        }
        opts
    }
}

/// The outcome in the reference's terms: names to digests, or the name of
/// the Python exception class.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Ok(BTreeMap<String, String>),
    Err(String),
}

fn python_class(e: &RecordError) -> String {
    match e {
        RecordError::LeftSubstring { .. } | RecordError::NonUniqueName { .. } => "PrefixError",
        RecordError::NotADirectory { .. } => "ValueError",
        RecordError::BasePath { source, .. } | RecordError::Io { source, .. } => {
            match source.kind() {
                std::io::ErrorKind::NotFound => "FileNotFoundError",
                std::io::ErrorKind::NotADirectory => "NotADirectoryError",
                _ => "OSError",
            }
        }
        RecordError::ExcludePattern(_) => "invalid pattern",
        other => panic!("no reference counterpart for {other}"),
    }
    .to_owned()
}

fn run_reference(cases: &[Case]) -> Vec<Outcome> {
    let stdin = format!(
        "[{}]",
        cases.iter().map(Case::json).collect::<Vec<_>>().join(",")
    );
    let out = python(RECORD_ORACLE, stdin.as_bytes(), Path::new("."));
    let out = String::from_utf8(out).unwrap();
    let mut lines = out.lines();
    let mut outcomes = Vec::new();
    for i in 0..cases.len() {
        let head = lines.next().unwrap();
        let mut words = head.split(' ');
        assert_eq!(words.next(), Some("CASE"));
        assert_eq!(words.next(), Some(i.to_string().as_str()));
        match words.next() {
            Some("OK") => {
                let n: usize = words.next().unwrap().parse().unwrap();
                let mut map = BTreeMap::new();
                for _ in 0..n {
                    let (name, digest) = lines.next().unwrap().split_once(' ').unwrap();
                    map.insert(String::from_utf8(unhex(name)).unwrap(), digest.to_owned());
                }
                outcomes.push(Outcome::Ok(map));
            }
            Some("ERR") => {
                let class = words.next().unwrap();
                let class = match class {
                    "GitIgnorePatternError" | "GitWildMatchPatternError" | "error" => {
                        "invalid pattern"
                    }
                    other => other,
                };
                outcomes.push(Outcome::Err(class.to_owned()));
            }
            other => panic!("unexpected oracle output {other:?}"),
        }
    }
    outcomes
}

fn run_ours(case: &Case) -> Outcome {
    match record_artifacts(&case.paths, &case.options(), &NoProgress) {
        Ok(r) => Outcome::Ok(
            r.artifacts
                .into_iter()
                .map(|(k, v)| (k, v["sha256"].clone()))
                .collect(),
        ),
        Err(e) => Outcome::Err(python_class(&e)),
    }
}

fn assert_same_as_reference(cases: &[Case]) {
    let reference = run_reference(cases);
    let mut failures = Vec::new();
    let mut non_empty = 0;
    for (case, want) in cases.iter().zip(&reference) {
        let got = run_ours(case);
        if let Outcome::Ok(m) = &got {
            non_empty += usize::from(!m.is_empty());
        }
        if &got != want {
            failures.push(format!(
                "{case:?}\n  reference: {want:?}\n  ours:      {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(non_empty > 0);
}

/// A tree with every kind of entry the reference handles.
fn reference_tree(root: &Path) {
    for (rel, content) in [
        ("a/x.txt", &b"ax\n"[..]),
        ("a/.hidden", b"hidden a\n"),
        ("a/b/y.txt", b"aby\n"),
        ("a/b/c/z.txt", b"abcz\n"),
        ("d/x.txt", b"dx\n"),
        ("top.txt", b"top\n"),
        (".hidden", b"hidden\n"),
        ("A.TXT", b"upper\n"),
        ("sp ace/f", b"space\n"),
        ("\u{e9}t\u{e9}/\u{fc}ber.txt", b"non-ascii\n"),
        ("empty.txt", b""),
        ("crlf.txt", b"one\r\ntwo\rthree\n\r\r\n"),
        ("x.link", b"link\n"),
        ("y.pyc", b"pyc\n"),
        ("z~", b"backup\n"),
        (".git/HEAD", b"ref: refs/heads/main\n"),
        ("sub/inner/deep.txt", b"deep\n"),
        ("c:foo", b"colon\n"),
        // Named like the `dir:` entry of `a`: the later resolver wins.
        ("dir:a", b"a file, not a directory\n"),
    ] {
        write(root, rel, content);
    }
    // CRs at and around the reference's 4096-byte chunk boundary.
    let mut lone = vec![b'x'; 4095];
    lone.extend_from_slice(b"\rtail\r");
    write(root, "cr/lone-at-4095", &lone);
    let mut pair = vec![b'x'; 4095];
    pair.extend_from_slice(b"\r\nnext");
    write(root, "cr/pair-at-4095", &pair);
    let mut after = vec![b'y'; 4096];
    after.extend_from_slice(b"\r\n\r");
    write(root, "cr/pair-at-4096", &after);
    let mut runs = vec![b'z'; 4094];
    runs.extend_from_slice(b"\r\r\r\r\n\r");
    write(root, "cr/runs", &runs);
    // A file big enough to be hashed in a task of its own, with CRs at our
    // 256 KiB buffer boundaries.
    let mut big = Vec::with_capacity(5 << 20);
    for i in 0..(5usize << 20) {
        big.push(if i % (256 << 10) == (256 << 10) - 1 {
            b'\r'
        } else {
            b"ab\ncd\r\n"[i % 7]
        });
    }
    write(root, "big/blob.bin", &big);
    // One bigger than a buffer but hashed inline.
    write(root, "big/medium.bin", &big[..(1 << 20) + 3]);

    // A minimal OSTree repository: a ref naming a commit object.
    let commit = "ab".to_owned() + &"0123456789abcdef".repeat(4)[2..];
    write(
        root,
        "repo/refs/heads/main",
        format!("{commit}\r\n").as_bytes(),
    );
    write(root, "repo/refs/heads/gone", b"ffff\n");
    write(
        root,
        &format!("repo/objects/ab/{}.commit", &commit[2..]),
        b"commit object\r\n",
    );

    symlink("top.txt", root.join("lnk_file")).unwrap();
    symlink("a", root.join("lnk_dir")).unwrap();
    symlink("nowhere", root.join("dangling")).unwrap();
    symlink(root.join("d"), root.join("lnk_abs")).unwrap();
    symlink("../d", root.join("sub/lnk_up")).unwrap();
    // The reference skips FIFOs without opening them, and so do we.
    mkfifo(&root.join("sub/pipe"));
}

#[test]
fn recording_matches_the_reference() {
    let tmp = TempDir::new("diff");
    let root = tmp.path();
    reference_tree(root);
    let abs = |rel: &str| root.join(rel).to_str().unwrap().to_owned();
    let abs_a = abs("a");
    let abs_top = abs("top.txt");
    let dir_abs = format!("dir:{}", abs("a"));
    let r = root;
    let cases = vec![
        // Paths: `.` vs `./` vs `dir/`, files, missing, dangling, odd names.
        Case::new(r, &["."]),
        Case::new(r, &["./"]),
        Case::new(r, &["a/"]),
        Case::new(r, &["a", "d/x.txt", "a/../top.txt", "./sub//inner/"]),
        Case::new(
            r,
            &["top.txt", "missing", "dangling", "lnk_file", "sub/pipe"],
        ),
        Case::new(r, &["c:foo", "\u{e9}t\u{e9}"]),
        Case::new(r, &[abs_a.as_str(), abs_top.as_str()]),
        Case::new(r, &["lnk_dir", "lnk_abs"]),
        Case::new(&root.join("a"), &["../d", "..", "b"]),
        Case::new(r, &["file:a", "file:top.txt", "a", "file:"]),
        Case::new(r, &["missing-only"]),
        // Symlinked directories, not followed and followed.
        Case::new(r, &["."]).follow(),
        Case::new(r, &["sub"]).follow(),
        Case::new(r, &["sub"]),
        // Excludes.
        Case::new(r, &["."]).exclude(&["*.txt", "!top.txt"]),
        Case::new(r, &["."]).exclude(&["a", "!a/x.txt"]),
        Case::new(r, &["."]).exclude(&["a/*", "!a/x.txt"]),
        Case::new(r, &["."]).exclude(&["a/", "!a/b/"]),
        Case::new(r, &["."]).exclude(&["**/c", "a/**/z.txt"]),
        Case::new(r, &["."]).exclude(&["*/x.txt", "/top.txt"]),
        Case::new(r, &["."]).exclude(&["sp\\ ace", "top.txt ", "#A.TXT"]),
        Case::new(r, &["."]).exclude(&[".*"]),
        Case::new(r, &["./"]).exclude(&["."]),
        Case::new(r, &["a"]).exclude(&[".*"]),
        Case::new(r, &["a"]).exclude(&["."]),
        Case::new(r, &["."]).exclude(&["*"]),
        Case::new(r, &["a"]).exclude(&["**"]),
        Case::new(r, &["."]).exclude(&["!*"]),
        Case::new(r, &["."]).exclude(&[""]),
        Case::new(r, &["."]).exclude(&["[ad]", "\u{e9}t\u{e9}"]),
        Case::new(r, &["."]).exclude(&["*.TXT", "big/"]),
        Case::new(r, &[abs_a.as_str()]).exclude(&["x.txt"]),
        Case::new(r, &[abs_a.as_str()]).exclude(&[abs_a.trim_start_matches('/')]),
        Case::new(r, &["."]).exclude(&["[z-a]"]),
        Case::new(r, &["."]).exclude(&["!"]),
        Case::new(r, &["."]).exclude(&["lnk_dir"]).follow(),
        // Line endings.
        Case::new(r, &["cr", "crlf.txt", "big", "empty.txt"]).normalize(),
        Case::new(r, &["cr", "crlf.txt", "big"]),
        // Base path.
        Case::new(r, &["."]).base("a"),
        Case::new(r, &["b", "x.txt", "../d"]).base("a"),
        Case::new(r, &["."]).base(&abs_a),
        Case::new(r, &["."]).base(""),
        Case::new(r, &["."]).base("missing"),
        Case::new(r, &["."]).base("top.txt"),
        Case::new(r, &["dir:a"]).base("missing"),
        // Left-stripping.
        Case::new(r, &["."]).lstrip(&["a/"]),
        Case::new(r, &["."]).lstrip(&["a/", "d/"]),
        Case::new(r, &["."]).lstrip(&["a/", "a/b/"]),
        Case::new(r, &["."]).lstrip(&["a"]),
        Case::new(r, &["a", "a"]).lstrip(&["zzz"]),
        Case::new(r, &["a", "a"]),
        Case::new(r, &["top.txt"]).lstrip(&["top.txt"]),
        Case::new(r, &["file:a", "a"]).lstrip(&["a/"]),
        Case::new(r, &["a", "file:a"]).lstrip(&["a/"]),
        Case::new(r, &["a/b", "d"]).lstrip(&["a/b/", "d/"]),
        Case::new(r, &[]).lstrip(&["a", "a/b"]),
        // Directories as one entry.
        Case::new(r, &["dir:a", "dir:d/", "dir:."]),
        Case::new(r, &[dir_abs.as_str(), "dir:sub"]).follow(),
        Case::new(r, &["dir:sub"]),
        Case::new(r, &["dir:a"]).exclude(&["*.txt"]),
        Case::new(r, &["dir:a"]).exclude(&[".*"]),
        Case::new(r, &["dir:cr"]).normalize(),
        Case::new(r, &["dir:a"]).base("d"),
        Case::new(r, &["dir:a", "dir:d"]).lstrip(&["a", "d"]),
        Case::new(r, &["dir:a", "dir:a"]).lstrip(&["x"]),
        Case::new(r, &["dir:top.txt"]),
        Case::new(r, &["dir:missing"]),
        Case::new(r, &["dir:a", "a", "file:d", "dir:d"]),
        Case::new(r, &[".", "dir:a"]),
        // The empty path is `.`; an empty `dir:` path is no directory.
        Case::new(&root.join("a"), &[""]),
        Case::new(r, &["dir:"]),
        // OSTree refs, relative to the base path.
        Case::new(r, &["ostree:main", "top.txt"]).base("repo"),
        Case::new(&root.join("repo"), &["ostree:main"]),
        Case::new(r, &["ostree:gone"]).base("repo"),
        Case::new(r, &["ostree:missing"]).base("repo"),
        Case::new(r, &["dir:a", "."]),
    ];
    assert_same_as_reference(&cases);
}

#[test]
fn random_trees_match_the_reference() {
    let tmp = TempDir::new("random");
    let mut rng = Rng(seed(0x7ee5));
    let mut cases = Vec::new();
    let trees = (env_count(300) / 30).max(4);
    for t in 0..trees {
        let root = tmp.path().join(format!("t{t}"));
        const NAMES: &[&str] = &[
            "a", "b", ".c", "d.txt", "e.link", "f.pyc", "g~", "h i", "\u{f1}", "x.y.z",
        ];
        let mut dirs = vec![String::new()];
        for _ in 0..20 {
            let parent = dirs[rng.below(dirs.len())].clone();
            let name = format!("{}{}", rng.pick(NAMES), rng.below(3));
            let rel = if parent.is_empty() {
                name
            } else {
                format!("{parent}/{name}")
            };
            let taken = root.join(&rel).symlink_metadata().is_ok();
            if rng.chance(30) {
                if !taken {
                    fs::create_dir_all(root.join(&rel)).unwrap();
                    dirs.push(rel);
                }
            } else if rng.chance(10) && !parent.is_empty() && !taken {
                symlink("..", root.join(&rel)).unwrap();
            } else {
                let mut content = Vec::new();
                for _ in 0..rng.below(40) {
                    content
                        .extend_from_slice(rng.pick(&["ab", "\r", "\n", "\r\n", "x"]).as_bytes());
                }
                if !taken {
                    write(&root, &rel, &content);
                }
            }
        }
        // Symlinks to `..` are not followed: the reference loops on them.
        for _ in 0..3 {
            let patterns: Vec<String> = (0..rng.below(3))
                .map(|_| random_pattern(&mut rng))
                .collect();
            let mut case = Case::new(&root, &["."]);
            if !patterns.is_empty() {
                case.exclude = Some(patterns);
            }
            case.normalize = rng.chance(30);
            if rng.chance(30) {
                case.paths = vec![
                    rng.pick(&["a0", "a1", "b0/", "./.c1", "dir:a0", "dir:."])
                        .to_owned(),
                    ".".to_owned(),
                ];
            }
            if rng.chance(20) {
                case.lstrip = vec![rng.pick(&["a", "a0/", "b", ".c0/"]).to_owned()];
            }
            cases.push(case);
        }
    }
    assert_same_as_reference(&cases);
}

// ---------------------------------------------------------------------------
// Stricter than the reference

#[test]
fn stricter_symlink_loops_are_skipped_with_a_warning() {
    let tmp = TempDir::new("loop");
    let root = tmp.path();
    write(root, "r.txt", b"r\n");
    write(root, "d/f.txt", b"f\n");
    symlink(".", root.join("d/self")).unwrap();
    symlink("..", root.join("d/up")).unwrap();
    let opts = RecordOptions::new().cwd(root).follow_symlink_dirs(true);
    let r = record_artifacts(&["d"], &opts, &NoProgress).unwrap();
    let names: Vec<&str> = r.artifacts.keys().map(String::as_str).collect();
    // `d/up` is the root, walked once; inside it `d` closes the loop.
    assert_eq!(names, ["d/f.txt", "d/up/r.txt"]);
    let loops: Vec<PathBuf> = r
        .warnings
        .iter()
        .map(|w| match w {
            RecordWarning::SymlinkLoop { path } => path.strip_prefix(root).unwrap().to_owned(),
            other => panic!("unexpected warning {other}"),
        })
        .collect();
    assert_eq!(loops, [PathBuf::from("d/self"), PathBuf::from("d/up/d")]);

    // Without following, the links are ignored as the reference does.
    let opts = RecordOptions::new().cwd(root);
    let r = record_artifacts(&["d"], &opts, &NoProgress).unwrap();
    assert_eq!(r.artifacts.keys().collect::<Vec<_>>(), ["d/f.txt"]);
    assert!(r.warnings.is_empty());
}

#[test]
fn stricter_special_files_are_never_opened_and_warned_about() {
    let tmp = TempDir::new("special");
    let root = tmp.path();
    write(root, "a.txt", b"a\n");
    mkfifo(&root.join("pipe"));
    symlink("pipe", root.join("to-pipe")).unwrap();
    symlink("/dev/zero", root.join("zero")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(root.join("sock")).unwrap();
    let opts = RecordOptions::new().cwd(root);
    // Opening the FIFO would block forever: nobody writes to it.
    for paths in [vec!["."], vec!["pipe", "to-pipe", "zero", "sock", "a.txt"]] {
        let r = record_artifacts(&paths, &opts, &NoProgress).unwrap();
        let names: Vec<&str> = r.artifacts.keys().map(String::as_str).collect();
        assert!(names == ["a.txt"], "{paths:?}: {names:?}");
        let mut kinds: Vec<(String, SpecialFileKind)> = r
            .warnings
            .iter()
            .map(|w| match w {
                RecordWarning::SpecialFile { path, kind } => (
                    path.file_name().unwrap().to_str().unwrap().to_owned(),
                    *kind,
                ),
                other => panic!("unexpected warning {other}"),
            })
            .collect();
        kinds.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            kinds,
            [
                ("pipe".to_owned(), SpecialFileKind::Fifo),
                ("sock".to_owned(), SpecialFileKind::Socket),
                ("to-pipe".to_owned(), SpecialFileKind::Fifo),
                ("zero".to_owned(), SpecialFileKind::CharDevice),
            ],
            "{paths:?}"
        );
    }
}

#[test]
fn stricter_non_utf8_names_are_an_error_naming_the_path() {
    let tmp = TempDir::new("nonutf8");
    let root = tmp.path();
    write(root, "d/ok.txt", b"ok\n");
    let bad = root
        .join("d")
        .join(std::ffi::OsStr::from_bytes(b"bad\xff.txt"));
    fs::write(&bad, b"bad\n").unwrap();
    let opts = RecordOptions::new().cwd(root);
    let err = record_artifacts(&["d"], &opts, &NoProgress).unwrap_err();
    match &err {
        RecordError::NonUtf8Name { path } => assert_eq!(path, &bad),
        other => panic!("unexpected error {other}"),
    }
    assert!(err.to_string().contains("bad\u{fffd}.txt"), "{err}");
    // An excluded name is never looked at.
    let opts = RecordOptions::new().cwd(root).exclude_patterns(["bad*"]);
    let r = record_artifacts(&["d"], &opts, &NoProgress).unwrap();
    assert_eq!(r.artifacts.keys().collect::<Vec<_>>(), ["d/ok.txt"]);
}

#[test]
fn stricter_backslashes_in_names_are_kept() {
    let tmp = TempDir::new("backslash");
    let root = tmp.path();
    write(root, "d/back\\slash.txt", b"content\n");
    let case = Case::new(root, &["d"]);
    let Outcome::Ok(reference) = &run_reference(std::slice::from_ref(&case))[0] else {
        panic!("the reference fails");
    };
    let Outcome::Ok(ours) = run_ours(&case) else {
        panic!("we fail");
    };
    // Same digest; the reference turns the backslash into a slash.
    assert_eq!(reference.keys().collect::<Vec<_>>(), ["d/back/slash.txt"]);
    assert_eq!(ours.keys().collect::<Vec<_>>(), ["d/back\\slash.txt"]);
    assert_eq!(
        reference.values().collect::<Vec<_>>(),
        ours.values().collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------
// Our own API

#[test]
fn threads_and_progress() {
    let tmp = TempDir::new("progress");
    let root = tmp.path();
    let mut total = 0u64;
    for i in 0..200 {
        let content = vec![b'a' + (i % 26) as u8; i * 37];
        total += content.len() as u64;
        write(root, &format!("d{}/f{i}", i % 7), &content);
    }
    let big = vec![7u8; 5 << 20];
    total += big.len() as u64;
    write(root, "big.bin", &big);
    let counters = ProgressCounters::default();
    let opts = RecordOptions::new().cwd(root);
    let all = record_artifacts(&["."], &opts, &counters).unwrap();
    assert_eq!(all.artifacts.len(), 201);
    let snap = counters.snapshot();
    assert_eq!((snap.files_found, snap.files_hashed), (201, 201));
    assert_eq!((snap.bytes_found, snap.bytes_hashed), (total, total));
    for threads in [1, 3] {
        let one = record_artifacts(&["."], &opts.clone().threads(threads), &NoProgress).unwrap();
        assert_eq!(one, all, "{threads} threads");
    }
}
