//! `in-toto-record start|stop` against the reference: the same artifacts
//! and containers, unfinished links that either implementation can finish,
//! the same usage errors, and failures that keep the unfinished link and
//! write nothing else.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::run::{feature_tree, field, files_ending, is_dsse, listing, payload, run_in};
use crate::util::*;

fn record(tool: Command, sub: &str, args: &[&str]) -> Command {
    let mut c = tool;
    c.arg(sub).args(args);
    c
}

/// Start in a copy of the feature tree, change it, stop; with each
/// implementation. Returns the outputs of start and stop and the link.
fn start_stop(
    label: &str,
    tmp: &TempDir,
    tool: fn(&str) -> Command,
    start: &[&str],
    stop: &[&str],
) -> (Output, Output, Option<std::path::PathBuf>) {
    let tree = tmp.join(format!("tree-{label}"));
    let out_dir = tmp.join(format!("out-{label}"));
    fs::create_dir_all(&tree).unwrap();
    fs::create_dir_all(&out_dir).unwrap();
    feature_tree(&tree);
    let key = ["--signing-key", "../key"];
    let s = run_in(
        record(
            tool("in-toto-record"),
            "start",
            &[&["-n", "edit"], &key[..], start].concat(),
        ),
        &tree,
    );
    fs::write(tree.join("src/main.c"), "changed\n").unwrap();
    fs::write(tree.join("src/new.c"), "new\n").unwrap();
    let out = out_dir.to_str().unwrap();
    let e = run_in(
        record(
            tool("in-toto-record"),
            "stop",
            &[&["-n", "edit", "-d", out], &key[..], stop].concat(),
        ),
        &tree,
    );
    let link = files_ending(&out_dir, ".link").into_iter().next();
    (s, e, link)
}

/// The same materials, products and container as the reference for the
/// same tree and flags (excludes, base path, lstrip prefixes, DSSE
/// following the unfinished link).
#[test]
fn artifacts_and_containers_equal_the_reference() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["-m", "."], &["-p", "."]),
        (&["-m", ".", "--use-dsse"], &["-p", "src"]),
        (&["-m", "src"], &["-p", "src", "--use-dsse"]),
        (
            &["-m", ".", "--exclude", "*.c", "!src/lib/**", "docs/"],
            &["-p", ".", "--exclude", "**/deep", ".*"],
        ),
        (
            &["--base-path", "src", "-m", "."],
            &["--base-path", "src", "-p", "lib", "main.c"],
        ),
        (
            &["-m", "src", "--lstrip-paths", "src/"],
            &["-p", "src", "docs", "--lstrip-paths", "src/", "docs/"],
        ),
        (
            &["-m", "link-to-dir", "link-to-file"],
            &["-p", "link-to-dir"],
        ),
    ];
    for (start, stop) in cases {
        let tmp = TempDir::new("record-diff");
        python_keypair(tmp.path(), "key", "ed25519", None);
        let (os, oe, ol) = start_stop("ours", &tmp, ours, start, stop);
        let (ts, te, tl) = start_stop("theirs", &tmp, theirs, start, stop);
        let context = format!("{start:?} {stop:?}\nours: {os:?}\n{oe:?}\ntheirs: {ts:?}\n{te:?}");
        assert_eq!(os.status.code(), Some(0), "{context}");
        assert_eq!(ts.status.code(), Some(0), "{context}");
        assert_eq!(oe.status.code(), Some(0), "{context}");
        assert_eq!(te.status.code(), Some(0), "{context}");
        let (ol, tl) = (ol.unwrap(), tl.unwrap());
        assert_eq!(ol.file_name(), tl.file_name());
        assert_eq!(is_dsse(&ol), is_dsse(&tl), "{context}");
        let (o, t) = (payload(&ol), payload(&tl));
        for f in [
            "materials",
            "products",
            "byproducts",
            "command",
            "environment",
            "name",
        ] {
            assert_eq!(field(&o, f), field(&t, f), "{f} differs: {context}");
        }
        // The unfinished links are gone.
        for label in ["ours", "theirs"] {
            assert!(
                files_ending(&tmp.join(format!("tree-{label}")), ".link-unfinished").is_empty()
            );
        }
    }
}

/// An unfinished link made by either implementation is finished by the
/// other, in both containers.
#[test]
fn unfinished_links_interoperate() {
    for dsse in [false, true] {
        for (starter, stopper) in [
            (ours as fn(&str) -> Command, theirs as fn(&str) -> Command),
            (theirs, ours),
        ] {
            let tmp = TempDir::new("record-interop");
            let dir = tmp.path();
            python_keypair(dir, "key", "ecdsa-p256", None);
            fs::write(dir.join("a.txt"), "a").unwrap();
            let mut args = vec!["-n", "s", "--signing-key", "key", "-m", "a.txt"];
            if dsse {
                args.push("--use-dsse");
            }
            expect_code(record(starter("in-toto-record"), "start", &args), dir, 0);
            fs::write(dir.join("b.txt"), "b").unwrap();
            expect_code(
                record(
                    stopper("in-toto-record"),
                    "stop",
                    &["-n", "s", "--signing-key", "key", "-p", "a.txt", "b.txt"],
                ),
                dir,
                0,
            );
            let link = files_ending(dir, ".link");
            assert_eq!(link.len(), 1);
            assert_eq!(is_dsse(&link[0]), dsse);
            let p = payload(&link[0]);
            assert!(field(&p, "materials").get("a.txt").is_some());
            assert!(field(&p, "products").get("b.txt").is_some());
            assert!(files_ending(dir, ".link-unfinished").is_empty());
            for tool in [ours("in-toto-sign"), theirs("in-toto-sign")] {
                let mut c = tool;
                c.args(["-f", link[0].to_str().unwrap(), "--verify", "-k", "key.pub"]);
                expect_code(c, dir, 0);
            }
        }
    }
}

/// Usage errors: the same status, messages and output as the reference.
#[test]
fn usage_errors_match_the_reference() {
    let cases: &[&[&str]] = &[
        &[],
        &["x"],
        &["-n", "a", "start"],
        &["start", "-n", "a"],
        &["stop", "-n", "a"],
        &["start", "-n", "a", "--signing-key", "k", "-p", "x"],
        &["stop", "-n", "a", "--signing-key", "k", "-m", "x"],
        &["start", "-n", "a", "--signing-key", "k", "extra"],
        &["start", "-n", "a", "-v", "-q"],
        &["start", "-n"],
        &["start"],
        &["stop", "-n", "a", "--signing-key", "k", "-p"],
    ];
    let tmp = TempDir::new("record-usage");
    fs::write(tmp.join("k"), "unused").unwrap();
    let before = listing(tmp.path());
    for args in cases {
        let mut o = ours("in-toto-record");
        o.args(*args);
        let o = run_in(o, tmp.path());
        let mut t = theirs("in-toto-record");
        t.args(*args);
        let t = run_in(t, tmp.path());
        let context = format!("{args:?}\nours: {o:?}\ntheirs: {t:?}");
        assert_eq!(o.status.code(), Some(2), "{context}");
        assert_eq!(t.status.code(), Some(2), "{context}");
        // The first usage line and the error line are the same (the
        // reference wraps its long subcommand usage over several lines).
        let (oe, te) = (stderr(&o), stderr(&t));
        assert_eq!(oe.lines().last(), te.lines().last(), "{context}");
        assert_eq!(
            oe.lines()
                .next()
                .map(|l| l.split(" [").next().unwrap_or(l).to_owned()),
            te.lines()
                .next()
                .map(|l| l.split(" [").next().unwrap_or(l).to_owned()),
            "{context}"
        );
        assert_eq!(listing(tmp.path()), before, "{context}");
    }
}

fn keyed_dir(label: &str) -> TempDir {
    let tmp = TempDir::new(label);
    python_keypair(tmp.path(), "key", "ed25519", None);
    python_keypair(tmp.path(), "other", "ed25519", None);
    fs::write(tmp.join("a.txt"), "a").unwrap();
    tmp
}

#[track_caller]
fn assert_error(out: &Output, prefix: &str, names: &[&str]) {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = stderr(out);
    let line = err.lines().last().unwrap_or_default();
    assert!(line.starts_with(prefix), "{err}");
    for n in names {
        assert!(line.contains(n), "{n:?} not in {line:?}");
    }
}

fn start(dir: &Path, key: &str) {
    expect_code(
        record(
            ours("in-toto-record"),
            "start",
            &["-n", "s", "--signing-key", key, "-m", "a.txt"],
        ),
        dir,
        0,
    );
}

#[test]
fn stop_without_start_names_the_missing_file() {
    let tmp = keyed_dir("record-nostart");
    let before = listing(tmp.path());
    let out = run_in(
        record(
            ours("in-toto-record"),
            "stop",
            &["-n", "s", "--signing-key", "key", "-p", "a.txt"],
        ),
        tmp.path(),
    );
    assert_error(
        &out,
        "(in-toto-record stop) ",
        &[".s.", ".link-unfinished", "start"],
    );
    assert_eq!(listing(tmp.path()), before);
}

#[test]
fn stop_with_another_key_finds_no_unfinished_link() {
    let tmp = keyed_dir("record-otherkey");
    start(tmp.path(), "key");
    let before = listing(tmp.path());
    let out = run_in(
        record(
            ours("in-toto-record"),
            "stop",
            &["-n", "s", "--signing-key", "other", "-p", "a.txt"],
        ),
        tmp.path(),
    );
    assert_error(&out, "(in-toto-record stop) ", &[".link-unfinished"]);
    assert_eq!(listing(tmp.path()), before, "the unfinished link must stay");
}

#[test]
fn forged_unfinished_link_fails_the_signature_check_and_stays() {
    let tmp = keyed_dir("record-forged");
    let dir = tmp.path();
    start(dir, "key");
    let real = files_ending(dir, ".link-unfinished").pop().unwrap();
    // Another key's unfinished link, renamed to this key's file name.
    fs::remove_file(&real).unwrap();
    start(dir, "other");
    let forged = files_ending(dir, ".link-unfinished").pop().unwrap();
    fs::rename(&forged, &real).unwrap();
    let before = listing(dir);
    let out = run_in(
        record(
            ours("in-toto-record"),
            "stop",
            &["-n", "s", "--signing-key", "key", "-p", "a.txt"],
        ),
        dir,
    );
    let name = real.file_name().unwrap().to_string_lossy().into_owned();
    assert_error(&out, "(in-toto-record stop) ", &[&name, "signature"]);
    assert_eq!(listing(dir), before);
}

#[test]
fn stop_into_a_missing_directory_keeps_the_unfinished_link() {
    let tmp = keyed_dir("record-nodir");
    start(tmp.path(), "key");
    let before = listing(tmp.path());
    let out = run_in(
        record(
            ours("in-toto-record"),
            "stop",
            &[
                "-n",
                "s",
                "--signing-key",
                "key",
                "-p",
                "a.txt",
                "-d",
                "nodir",
            ],
        ),
        tmp.path(),
    );
    assert_error(&out, "(in-toto-record stop) ", &["nodir/s."]);
    assert_eq!(listing(tmp.path()), before);
}

#[test]
fn start_failures_write_no_unfinished_link() {
    let tmp = keyed_dir("record-startfail");
    let dir = tmp.path();
    let before = listing(dir);
    let out = run_in(
        record(
            ours("in-toto-record"),
            "start",
            &["-n", "s", "--signing-key", "nokey", "-m", "a.txt"],
        ),
        dir,
    );
    assert_error(&out, "(in-toto-record start) ", &["nokey"]);
    let out = run_in(
        record(
            ours("in-toto-record"),
            "start",
            &["-n", "s", "--signing-key", "key", "-m", "/proc/self/mem"],
        ),
        dir,
    );
    assert_error(&out, "(in-toto-record start) ", &["/proc/self/mem"]);
    for name in ["../s", "a/b", "..", "x\\y"] {
        let out = run_in(
            record(
                ours("in-toto-record"),
                "start",
                &["-n", name, "--signing-key", "key"],
            ),
            dir,
        );
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(stderr(&out).contains("step name"), "{}", stderr(&out));
    }
    assert_eq!(listing(dir), before);
}
