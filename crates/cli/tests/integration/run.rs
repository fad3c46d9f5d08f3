//! `in-toto-run` against the reference: the same artifacts, byproducts and
//! exit codes for the same tree and flags, links that the reference's
//! `in-toto-verify` accepts, and the bad-input cases (each writes nothing).
//! Also the helpers the record, mock and match-products tests share.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use intoto_cjson::Value;

use crate::util::*;

/// Builds the differential tree in `dir`: nested directories, dot files
/// and directories, non-ASCII and space-containing names, files the default
/// excludes drop, relative symlinks to a file and to a directory, and a
/// dangling symlink.
pub fn feature_tree(dir: &Path) {
    let files: &[(&str, &str)] = &[
        ("src/main.c", "int main() { return 0; }\n"),
        ("src/lib/util.c", "/* util */\n"),
        ("src/lib/deep/x.txt", "x\n"),
        ("src/lib/deep/more/y.txt", "y\n"),
        ("vendor/util.c", "/* vendored util */\n"),
        ("docs/readme.md", "# readme\n"),
        ("docs/notes.txt", "notes\r\nwith crlf\r\n"),
        ("docs/keep.txt", "keep\n"),
        (".hidden", "dot file\n"),
        (".config/settings", "a=1\n"),
        ("caf\u{e9}/na\u{ef}ve.txt", "non-ascii\n"),
        (
            "\u{65e5}\u{672c}/\u{30d5}\u{30a1}\u{30a4}\u{30eb}.txt",
            "japanese\n",
        ),
        ("space dir/a b.txt", "spaces\n"),
        ("top.txt", "top\n"),
        ("old.link", "excluded by default\n"),
        ("x.pyc", "bytecode\n"),
        ("backup~", "editor backup\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("empty", ""),
    ];
    for (path, content) in files {
        let p = dir.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
    }
    fs::create_dir_all(dir.join("empty-dir")).unwrap();
    symlink("src/main.c", dir.join("link-to-file")).unwrap();
    symlink("src/lib", dir.join("link-to-dir")).unwrap();
    symlink("does-not-exist", dir.join("dangling")).unwrap();
}

/// Every path under `dir` (recursively, symlinks not followed), sorted: to
/// check that a failed tool wrote nothing.
pub fn listing(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            out.insert(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            if e.file_type().unwrap().is_dir() {
                walk(root, &p, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// The files in `dir` whose names end in `suffix`.
pub fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    v.sort();
    v
}

/// The one link in `dir` whose file name starts with `<step>.`.
pub fn the_link(dir: &Path, step: &str) -> PathBuf {
    let found: Vec<PathBuf> = files_ending(dir, ".link")
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("{step}."))
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "links of {step} in {}: {found:?}",
        dir.display()
    );
    found.into_iter().next().unwrap()
}

/// The payload of a Metablock (`signed`) or DSSE envelope (decoded).
pub fn payload(path: &Path) -> Value {
    let v = intoto_cjson::from_slice(&fs::read(path).unwrap()).unwrap();
    if let Some(Value::String(p)) = v.get("payload") {
        let bytes = base64::engine::general_purpose::STANDARD.decode(p).unwrap();
        intoto_cjson::from_slice(&bytes).unwrap()
    } else {
        v.get("signed").cloned().unwrap()
    }
}

/// Whether the file is a DSSE envelope.
pub fn is_dsse(path: &Path) -> bool {
    let v = intoto_cjson::from_slice(&fs::read(path).unwrap()).unwrap();
    v.get("payload").is_some()
}

/// A member of a link payload.
pub fn field(v: &Value, name: &str) -> Value {
    v.get(name).cloned().unwrap_or(Value::Null)
}

/// Runs a command in `cwd` and returns its output (any exit status).
pub fn run_in(mut cmd: Command, cwd: &Path) -> Output {
    cmd.current_dir(cwd).output().unwrap()
}

/// Python: a layout signed by `owner` (a PKCS#8 file in `dir`) with one
/// step per `(name, expected command)`, each for the functionary key
/// `func_pub`, threshold 1 and no artifact rules. Written to `out` as a
/// Metablock, or a DSSE envelope when `dsse`.
pub fn python_steps_layout(
    dir: &Path,
    owner: &str,
    func_pub: &str,
    steps: &[(&str, &[&str])],
    out: &str,
    dsse: bool,
) {
    let script = r#"
import json, sys
from in_toto.models.layout import Layout, Step
from in_toto.models.metadata import Metablock, Envelope
from in_toto.models._signer import load_crypto_signer_from_pkcs8_file
a = json.load(sys.stdin)
layout = Layout()
layout.set_relative_expiration(months=4)
key = layout.add_functionary_key_from_path(a["func_pub"])
for name, command in a["steps"]:
    step = Step(name=name)
    step.pubkeys = [key["keyid"]]
    step.expected_command = command
    layout.steps.append(step)
md = Envelope.from_signable(layout) if a["dsse"] else Metablock(signed=layout)
md.create_signature(load_crypto_signer_from_pkcs8_file(a["owner"]))
md.dump(a["out"])
"#;
    let steps: Vec<Value> = steps
        .iter()
        .map(|(n, c)| {
            Value::Array(vec![
                Value::from(*n),
                Value::Array(c.iter().map(|w| Value::from(*w)).collect()),
            ])
        })
        .collect();
    let mut args = intoto_cjson::Map::new();
    args.insert("owner".into(), owner.into());
    args.insert("func_pub".into(), func_pub.into());
    args.insert("steps".into(), Value::Array(steps));
    args.insert("out".into(), out.into());
    args.insert("dsse".into(), Value::Bool(dsse));
    let json = intoto_cjson::to_python_json(&Value::Object(args), intoto_cjson::Style::Spaced);
    python(script, json.as_bytes(), dir);
}

/// The reference's `in-toto-verify` of `layout` (signed by `owner.pub`)
/// with the links in `link_dir`.
pub fn python_verify(dir: &Path, layout: &str, owner_pub: &str, link_dir: &str) -> Output {
    let mut c = theirs("in-toto-verify");
    c.args([
        "-l",
        layout,
        "--verification-keys",
        owner_pub,
        "--link-dir",
        link_dir,
    ]);
    run_in(c, dir)
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `tool` (ours, then theirs) with `args` in two fresh copies of the
/// feature tree, writing the links to sibling directories; returns both
/// outputs and link payloads (`None` when no link was written).
pub fn differential(tool: &str, step: &str, args: &[String]) -> [(Output, Option<Value>); 2] {
    let tmp = TempDir::new("run-diff");
    let mut results = Vec::new();
    for (label, mut cmd) in [("ours", ours(tool)), ("theirs", theirs(tool))] {
        let tree = tmp.join(format!("tree-{label}"));
        let out_dir = tmp.join(format!("out-{label}"));
        fs::create_dir_all(&tree).unwrap();
        fs::create_dir_all(&out_dir).unwrap();
        feature_tree(&tree);
        fs::copy(tmp_key(), tree.join("../key")).unwrap();
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("{TREE}", tree.to_str().unwrap()))
            .collect();
        cmd.args(["-n", step, "--signing-key", "../key", "-d"])
            .arg(&out_dir)
            .args(&args);
        let out = run_in(cmd, &tree);
        let links = files_ending(&out_dir, ".link");
        let link = links.first().map(|p| payload(p));
        assert!(links.len() <= 1);
        results.push((out, link));
    }
    let theirs = results.pop().unwrap();
    let ours = results.pop().unwrap();
    [ours, theirs]
}

/// An Ed25519 key shared by the differential runs (made once per process).
fn tmp_key() -> PathBuf {
    use std::sync::OnceLock;
    static KEY: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = KEY.get_or_init(|| {
        let dir = TempDir::new("run-key");
        python_keypair(dir.path(), "key", "ed25519", None);
        let p = dir.join("key");
        (dir, p)
    });
    path.clone()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// Materials and products equal the reference's for the same tree and
/// flags: default and custom excludes (negation, `**`, anchoring, `''`),
/// base path, lstrip prefixes (relative and absolute), symlinks to files and
/// directories, dot files, non-ASCII names; and the same errors.
#[test]
fn artifacts_equal_the_reference() {
    let cases: &[&[&str]] = &[
        &["-m", ".", "-p", ".", "-x"],
        &[
            "-m",
            "./",
            "src/",
            "-p",
            "link-to-dir",
            "link-to-file",
            "-x",
        ],
        &[
            "--exclude",
            "*.txt",
            "!docs/keep.txt",
            "src/**/more",
            "/top.c",
            ".git",
            "-m",
            ".",
            "-p",
            ".",
            "-x",
        ],
        &["--exclude", "", "-m", ".", "-x"],
        &["--exclude", "**/deep/", "space dir", "-m", ".", "-x"],
        &["--exclude", "*", "!*.c", "-m", ".", "-x"],
        &["--base-path", "src", "-m", ".", "lib", "-p", "main.c", "-x"],
        &["--base-path", "missing", "-m", ".", "-x"],
        &["-m", "{TREE}/src", "--lstrip-paths", "{TREE}/", "-x"],
        &["-m", "src", "docs", "--lstrip-paths", "src/", "docs/", "-x"],
        // Overlapping prefixes, and two names stripped to the same one.
        &["-m", "src", "--lstrip-paths", "src/", "src/lib/", "-x"],
        &[
            "-m",
            "src/lib",
            "vendor",
            "--lstrip-paths",
            "src/lib/",
            "vendor/",
            "-x",
        ],
        &["-m", "does-not-exist", "dangling", "top.txt", "-x"],
    ];
    for args in cases {
        let [(o, ol), (t, tl)] = differential("in-toto-run", "diff", &strs(args));
        let context = format!("{args:?}\nours: {}\ntheirs: {}", text(&o), text(&t));
        assert_eq!(o.status.code(), t.status.code(), "{context}");
        match (ol, tl) {
            (Some(ol), Some(tl)) => {
                for f in ["materials", "products", "byproducts", "command", "name"] {
                    assert_eq!(field(&ol, f), field(&tl, f), "{f} differs: {context}");
                }
            }
            (None, None) => assert_ne!(o.status.code(), Some(0), "{context}"),
            (ol, tl) => panic!(
                "one wrote a link, the other did not (ours {}, theirs {}): {context}",
                ol.is_some(),
                tl.is_some()
            ),
        }
    }
}

/// Byproducts, commands and exit codes equal the reference's: a non-zero
/// return value, a signal, recorded streams with `\r\n` and lone `\r`,
/// `--` handling, `-x`, and failures that write no link (timeout, missing
/// command, non-UTF-8 output with `-s`).
#[test]
fn byproducts_and_exit_codes_equal_the_reference() {
    let cases: &[&[&str]] = &[
        &["--", "sh", "-c", "echo out; echo err >&2; exit 3"],
        &["-s", "--", "sh", "-c", "echo out; echo err >&2; exit 3"],
        &[
            "-s",
            "--",
            "sh",
            "-c",
            "printf 'a\\r\\nb\\rc\\n'; printf 'e\\r\\n' >&2",
        ],
        &[
            "-s",
            "--",
            "sh",
            "-c",
            "printf 'caf\\303\\251 \\342\\234\\223'",
        ],
        &["--", "sh", "-c", "kill -9 $$"],
        &["-s", "--", "sh", "-c", "kill -15 $$"],
        &["-s", "--", "echo", "--", "-x", "--y"],
        &["-s", "echo", "--", "hi"],
        &["-x", "--", "echo", "ignored"],
        &["--run-timeout", "1", "--", "sleep", "5"],
        &["-s", "--run-timeout", "1", "--", "sleep", "5"],
        &["--", "no-such-command-xyz"],
        &["-s", "--", "sh", "-c", "printf '\\377'"],
        &["-s", "--", "sh", "-c", "printf ok >&2; printf '\\377' >&2"],
    ];
    for args in cases {
        let [(o, ol), (t, tl)] = differential("in-toto-run", "diff", &strs(args));
        let context = format!("{args:?}\nours: {}\ntheirs: {}", text(&o), text(&t));
        assert_eq!(o.status.code(), t.status.code(), "{context}");
        assert_eq!(ol.is_some(), tl.is_some(), "{context}");
        if let (Some(ol), Some(tl)) = (ol, tl) {
            for f in ["byproducts", "command", "environment"] {
                assert_eq!(field(&ol, f), field(&tl, f), "{f} differs: {context}");
            }
        }
        // With -s the output is shown live, as the reference does.
        if args.first() == Some(&"-s") && o.status.code() != Some(1) {
            assert_eq!(
                String::from_utf8_lossy(&o.stdout)
                    .replace('\r', "\n")
                    .replace("\n\n", "\n"),
                String::from_utf8_lossy(&t.stdout),
                "{context}"
            );
        }
    }
}

/// Usage errors: the same exit status (2) and message as the reference,
/// and nothing written.
#[test]
fn usage_errors_match_the_reference() {
    let cases: &[&[&str]] = &[
        &["-n", "s", "--", "true"],
        &["-n", "s", "--signing-key", "k"],
        &["--signing-key", "k", "--", "true"],
        &["-n", "s", "--signing-key", "k", "-v", "-q", "--", "true"],
        &[
            "-n",
            "s",
            "--signing-key",
            "k",
            "--run-timeout",
            "soon",
            "--",
            "true",
        ],
        &["-n", "s", "--signing-key", "k", "ls", "-la"],
        &["-n", "s", "--signing-key", "k", "echo", "-s", "hi"],
        &[
            "-n",
            "s",
            "--signing-key",
            "k",
            "echo",
            "-m",
            "k",
            "--",
            "x",
        ],
        &["-n", "s", "--signing-key", "k", "-m", "--", "true"],
        &["-n", "s", "--ver"],
        &["-n"],
        &["-n", "s", "--signing-key", "k", "--bogus", "--", "true"],
    ];
    let tmp = TempDir::new("run-usage");
    fs::write(tmp.join("k"), "not used").unwrap();
    let before = listing(tmp.path());
    for args in cases {
        let o = run_in(
            {
                let mut c = ours("in-toto-run");
                c.args(*args);
                c
            },
            tmp.path(),
        );
        let t = run_in(
            {
                let mut c = theirs("in-toto-run");
                c.args(*args);
                c
            },
            tmp.path(),
        );
        let context = format!("{args:?}\nours: {}\ntheirs: {}", text(&o), text(&t));
        assert_eq!(o.status.code(), Some(2), "{context}");
        assert_eq!(t.status.code(), Some(2), "{context}");
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&t.stderr),
            "{context}"
        );
        assert_eq!(o.stdout, t.stdout, "{context}");
        assert_eq!(listing(tmp.path()), before, "{context}");
    }
}

/// For every key type and both containers, links made by our `in-toto-run`,
/// `in-toto-record` and (signed afterwards) `in-toto-mock` pass the
/// reference's `in-toto-verify` under a layout made with its Python API;
/// a changed product hash makes it fail.
#[test]
fn links_verify_with_the_reference() {
    for kind in ["ed25519", "rsa", "ecdsa-p256", "ecdsa-p384"] {
        let tmp = TempDir::new(&format!("run-verify-{kind}"));
        let dir = tmp.path();
        python_keypair(dir, "owner", "ed25519", None);
        python_keypair(dir, "func", kind, None);
        let work = dir.join("work");
        fs::create_dir_all(work.join("src")).unwrap();
        fs::write(work.join("src/a.c"), "int a;\n").unwrap();
        fs::create_dir_all(dir.join("links")).unwrap();
        let build_cmd: &[&str] = &["sh", "-c", "mkdir -p out && cat src/a.c > out/a.o"];
        let mut steps: Vec<(String, Vec<&str>)> = Vec::new();
        for dsse in [false, true] {
            let suffix = if dsse { "-dsse" } else { "" };
            let dsse_flag: &[&str] = if dsse { &["--use-dsse"] } else { &[] };
            let name = format!("build{suffix}");
            let mut c = ours("in-toto-run");
            c.args(["-n", &name, "--signing-key", "../func", "-d", "../links"])
                .args(["-m", "src", "-p", "src", "out", "-s"])
                .args(dsse_flag)
                .arg("--")
                .args(build_cmd);
            expect_code(c, &work, 0);
            steps.push((name, build_cmd.to_vec()));

            let name = format!("edit{suffix}");
            let mut c = ours("in-toto-record");
            c.args([
                "start",
                "-n",
                &name,
                "--signing-key",
                "../func",
                "-m",
                "src",
            ])
            .args(dsse_flag);
            expect_code(c, &work, 0);
            fs::write(work.join("src/b.c"), "int b;\n").unwrap();
            let mut c = ours("in-toto-record");
            c.args(["stop", "-n", &name, "--signing-key", "../func", "-p", "src"])
                .args(["-d", "../links"]);
            expect_code(c, &work, 0);
            steps.push((name, Vec::new()));
            fs::remove_file(work.join("src/b.c")).unwrap();

            if kind == "ed25519" {
                // A mock link, signed afterwards by the reference's in-toto-sign.
                let name = format!("try{suffix}");
                let mut c = ours("in-toto-mock");
                c.args(["-n", &name]).args(dsse_flag).args(["--", "true"]);
                expect_code(c, &work, 0);
                let mut c = theirs("in-toto-sign");
                c.args(["-f", &format!("{name}.link"), "-k", "../func"]);
                expect_code(c, &work, 0);
                fs::remove_file(work.join(format!("{name}.link"))).unwrap();
                let signed = the_link(&work, &name);
                fs::rename(&signed, dir.join("links").join(signed.file_name().unwrap())).unwrap();
                steps.push((name, vec!["true"]));
            }
        }
        for link in files_ending(&dir.join("links"), ".link") {
            let dsse = link.to_string_lossy().contains("-dsse.");
            assert_eq!(is_dsse(&link), dsse, "{}", link.display());
        }
        let step_refs: Vec<(&str, &[&str])> = steps
            .iter()
            .map(|(n, c)| (n.as_str(), c.as_slice()))
            .collect();
        python_steps_layout(dir, "owner", "func.pub", &step_refs, "root.layout", false);
        let out = python_verify(dir, "root.layout", "owner.pub", "links");
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", text(&out));

        // The same links under a DSSE layout; then a tampered link fails.
        python_steps_layout(
            dir,
            "owner",
            "func.pub",
            &step_refs,
            "root.dsse.layout",
            true,
        );
        let out = python_verify(dir, "root.dsse.layout", "owner.pub", "links");
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", text(&out));
        let build = the_link(&dir.join("links"), "build");
        let original = fs::read_to_string(&build).unwrap();
        let digest = payload(&build)
            .get("products")
            .and_then(|p| p.get("out/a.o"))
            .and_then(|d| d.get("sha256"))
            .and_then(Value::as_str)
            .unwrap()
            .to_owned();
        fs::write(&build, original.replace(&digest, &"0".repeat(64))).unwrap();
        let out = python_verify(dir, "root.layout", "owner.pub", "links");
        assert_eq!(out.status.code(), Some(1), "{kind}: tampered link passed");
    }
}

/// `--redact` and `--redact-defaults` remove secrets from the recorded
/// output before signing (the live output is unchanged) and the link still
/// verifies with the reference.
#[test]
fn redaction_happens_before_signing() {
    let tmp = TempDir::new("run-redact");
    let dir = tmp.path();
    python_keypair(dir, "owner", "ed25519", None);
    python_keypair(dir, "func", "ed25519", None);
    fs::create_dir_all(dir.join("links")).unwrap();
    let script = "echo 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'; \
                  echo 'Authorization: Bearer abc.def'; echo 'id=4711' >&2";
    let mut c = ours("in-toto-run");
    c.args(["-n", "build", "--signing-key", "func", "-d", "links", "-s"])
        .args([
            "--redact-defaults",
            "--redact",
            "id=(?P<secret>[0-9]+)",
            "--",
        ])
        .args(["sh", "-c", script]);
    let out = expect_code(c, dir, 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Bearer abc.def"));
    let link = the_link(&dir.join("links"), "build");
    let by = field(&payload(&link), "byproducts");
    assert_eq!(
        by.get("stdout").and_then(Value::as_str),
        Some("AWS_SECRET_ACCESS_KEY=[REDACTED]\nAuthorization: Bearer [REDACTED]\n")
    );
    assert_eq!(
        by.get("stderr").and_then(Value::as_str),
        Some("id=[REDACTED]\n")
    );
    python_steps_layout(
        dir,
        "owner",
        "func.pub",
        &[("build", &["sh"])],
        "root.layout",
        false,
    );
    let v = python_verify(dir, "root.layout", "owner.pub", "links");
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));

    // A pattern that does not compile is a usage error naming it.
    let mut c = ours("in-toto-run");
    c.args([
        "-n",
        "b",
        "--signing-key",
        "func",
        "--redact",
        "(x",
        "--",
        "true",
    ]);
    let out = expect_code(c, dir, 2);
    assert!(
        stderr(&out).contains("invalid redaction pattern '(x'"),
        "{}",
        stderr(&out)
    );
}

/// Runs ours in a fresh directory holding a key, and returns the output
/// and whether the directory is unchanged afterwards.
fn bad_input(args: &[&str], setup: impl FnOnce(&Path)) -> (Output, bool) {
    let tmp = TempDir::new("run-bad");
    let dir = tmp.path();
    fs::copy(tmp_key(), dir.join("key")).unwrap();
    setup(dir);
    let before = listing(dir);
    let mut c = ours("in-toto-run");
    c.args(args);
    let out = run_in(c, dir);
    let unchanged = listing(dir) == before;
    (out, unchanged)
}

#[track_caller]
fn assert_failed(out: &Output, code: i32, unchanged: bool, names: &[&str]) {
    assert_eq!(out.status.code(), Some(code), "{}", text(out));
    assert!(unchanged, "something was written: {}", text(out));
    let err = stderr(out);
    let last = err.lines().last().unwrap_or_default().to_owned();
    if code == 1 {
        assert!(last.starts_with("(in-toto-run) "), "{err}");
    } else {
        assert!(last.starts_with("in-toto-run: error: "), "{err}");
    }
    for n in names {
        assert!(last.contains(n), "{n:?} not in {last:?}");
    }
}

#[test]
fn missing_key_is_an_error_naming_it() {
    let (out, unchanged) = bad_input(&["-n", "s", "--signing-key", "nokey", "--", "true"], |_| {});
    assert_failed(&out, 1, unchanged, &["nokey", "No such file"]);
}

#[test]
fn public_key_as_signing_key_is_an_error_naming_it() {
    let (out, unchanged) = bad_input(&["-n", "s", "--signing-key", "k.pub", "-x"], |d| {
        let pubkey = fs::read(tmp_key().with_extension("pub")).unwrap();
        fs::write(d.join("k.pub"), pubkey).unwrap();
    });
    assert_failed(&out, 1, unchanged, &["k.pub"]);
}

#[test]
fn no_command_without_no_command_flag_is_a_usage_error() {
    let (out, unchanged) = bad_input(&["-n", "s", "--signing-key", "key"], |_| {});
    assert_failed(&out, 2, unchanged, &["No command specified"]);
}

#[test]
fn unreadable_material_is_an_error_naming_it() {
    // Root reads any file regardless of its mode, so use a file that fails
    // on read for everybody: /proc/self/mem at offset 0.
    let (out, unchanged) = bad_input(
        &[
            "-n",
            "s",
            "--signing-key",
            "key",
            "-m",
            "/proc/self/mem",
            "-x",
        ],
        |_| {},
    );
    assert_failed(&out, 1, unchanged, &["materials", "/proc/self/mem"]);
}

#[test]
fn unwritable_metadata_directory_is_an_error_naming_the_link() {
    let (out, unchanged) = bad_input(
        &["-n", "s", "--signing-key", "key", "-d", "nodir", "-x"],
        |_| {},
    );
    assert_failed(&out, 1, unchanged, &["nodir/s."]);
    // A file where the directory should be.
    let (out, unchanged) = bad_input(
        &["-n", "s", "--signing-key", "key", "-d", "afile", "-x"],
        |d| fs::write(d.join("afile"), "x").unwrap(),
    );
    assert_failed(&out, 1, unchanged, &["afile/s."]);
}

#[test]
fn step_names_that_escape_the_directory_are_refused() {
    // (A NUL cannot be passed in an argument vector; the library test
    // `unsafe_step_names` covers it.)
    for name in ["a/b", "../up", "/abs", "back\\slash", ".", ".."] {
        let (out, unchanged) = bad_input(&["-n", name, "--signing-key", "key", "-x"], |d| {
            fs::create_dir(d.join("a")).unwrap();
        });
        assert_failed(&out, 2, unchanged, &["step name", name]);
    }
}

#[test]
fn timeout_kills_the_command_and_writes_nothing() {
    let (out, unchanged) = bad_input(
        &[
            "-n",
            "s",
            "--signing-key",
            "key",
            "--run-timeout",
            "1",
            "--",
            "sh",
            "-c",
            "sleep 5; touch late",
        ],
        |_| {},
    );
    assert_failed(
        &out,
        1,
        unchanged,
        &["timed out after 1 seconds", "sleep 5"],
    );
}

#[test]
fn command_not_found_is_an_error_naming_it() {
    let (out, unchanged) = bad_input(
        &[
            "-n",
            "s",
            "--signing-key",
            "key",
            "--",
            "no-such-command-xyz",
            "arg",
        ],
        |_| {},
    );
    assert_failed(&out, 1, unchanged, &["no-such-command-xyz"]);
}

#[test]
fn non_utf8_output_with_record_streams_is_an_error() {
    let (out, unchanged) = bad_input(
        &[
            "-n",
            "s",
            "--signing-key",
            "key",
            "-s",
            "--",
            "sh",
            "-c",
            "printf 'ok\\377'",
        ],
        |_| {},
    );
    assert_failed(
        &out,
        1,
        unchanged,
        &["stdout", "UTF-8", "0xff", "position 2"],
    );
}

#[test]
fn overlapping_lstrip_prefixes_are_an_error_naming_them() {
    let (out, unchanged) = bad_input(
        &[
            "-n",
            "s",
            "--signing-key",
            "key",
            "-m",
            "d",
            "--lstrip-paths",
            "d/",
            "d/e/",
            "-x",
        ],
        |d| {
            fs::create_dir_all(d.join("d/e")).unwrap();
            fs::write(d.join("d/e/f"), "f").unwrap();
        },
    );
    assert_failed(&out, 1, unchanged, &["'d/' and 'd/e/'"]);
}

/// Beyond the reference (which recurses until the OS refuses): a symlink
/// loop is skipped with a warning naming it, and the link is written.
#[test]
fn symlink_loops_are_skipped_with_a_warning() {
    let tmp = TempDir::new("run-loop");
    let dir = tmp.path();
    fs::copy(tmp_key(), dir.join("key")).unwrap();
    fs::create_dir_all(dir.join("d")).unwrap();
    fs::write(dir.join("d/f"), "f").unwrap();
    symlink("..", dir.join("d/up")).unwrap();
    let mut c = ours("in-toto-run");
    c.args(["-n", "s", "--signing-key", "key", "-m", "d", "-x"]);
    let out = expect_code(c, dir, 0);
    assert!(stderr(&out).contains("d/up"), "{}", stderr(&out));
    let link = the_link(dir, "s");
    let materials = field(&payload(&link), "materials");
    assert!(materials.get("d/f").is_some(), "{materials:?}");
    // -q silences the warning.
    let mut c = ours("in-toto-run");
    c.args(["-n", "s", "--signing-key", "key", "-m", "d", "-x", "-q"]);
    let out = expect_code(c, dir, 0);
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

/// `-v` reports the phases as the reference logs them; `in-toto run` is the
/// same tool.
#[test]
fn verbose_log_and_subcommand_form() {
    let tmp = TempDir::new("run-verbose");
    let dir = tmp.path();
    fs::copy(tmp_key(), dir.join("key")).unwrap();
    fs::write(dir.join("a"), "a").unwrap();
    let args = [
        "-n",
        "s",
        "--signing-key",
        "key",
        "-m",
        "a",
        "-p",
        "a",
        "-v",
        "--",
        "true",
    ];
    let mut c = ours("in-toto");
    c.arg("run").args(args);
    let o = expect_code(c, dir, 0);
    let link = the_link(dir, "s");
    fs::remove_file(&link).unwrap();
    let mut c = theirs("in-toto-run");
    c.args(args);
    let t = expect_code(c, dir, 0);
    assert_eq!(stderr(&o), stderr(&t));
}

/// An encrypted key opens with `-P <password>`; a wrong password, a
/// password for an unencrypted key, or none for an encrypted key fail with
/// a message naming the key file, and write nothing. A bare `-P` asks on
/// the terminal, and fails cleanly without one.
#[test]
fn key_passwords() {
    let tmp = TempDir::new("run-password");
    let dir = tmp.path();
    python_keypair(dir, "enc", "ecdsa-p256", Some("s3cret"));
    python_keypair(dir, "plain", "ed25519", None);
    let before = listing(dir);
    for (key, pw, names) in [
        ("enc", Some("wrong"), &["enc", "password"][..]),
        ("enc", None, &["enc", "encrypted"][..]),
        ("plain", Some("x"), &["plain", "not encrypted"][..]),
    ] {
        let mut c = ours("in-toto-run");
        c.args(["-n", "s", "--signing-key", key, "-x"]);
        if let Some(pw) = pw {
            c.args(["-P", pw]);
        }
        let out = run_in(c, dir);
        assert_failed(&out, 1, listing(dir) == before, names);
    }
    let mut c = ours("in-toto-run");
    c.args(["-n", "s", "--signing-key", "enc", "-P", "-x"]);
    let out = run_in(c, dir);
    assert_failed(&out, 1, listing(dir) == before, &["password"]);

    let mut c = ours("in-toto-run");
    c.args(["-n", "s", "--signing-key", "enc", "--password=s3cret", "-x"]);
    expect_code(c, dir, 0);
    let link = the_link(dir, "s");
    let mut c = theirs("in-toto-sign");
    c.args(["-f", link.to_str().unwrap(), "--verify", "-k", "enc.pub"]);
    expect_code(c, dir, 0);
}
