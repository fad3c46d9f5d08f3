//! `in-toto-match-products` against the reference: the same verdicts and
//! differences, and clean one-line errors (exit 1) where the reference
//! prints a traceback (malformed link, layout, DSSE link).

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Output;

use crate::run::{feature_tree, run_in};
use crate::util::*;

fn lines(out: &Output) -> BTreeSet<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn both(dir: &Path, args: &[&str]) -> (Output, Output) {
    let mut o = ours("in-toto-match-products");
    o.args(args);
    let mut t = theirs("in-toto-match-products");
    t.args(args);
    (run_in(o, dir), run_in(t, dir))
}

/// Same exit status and the same lines (the reference prints each group in
/// set order, we sort) for matching and changed trees, default and custom
/// excludes, lstrip prefixes, chosen paths, and symlinked directories
/// (not followed here, unlike in-toto-run).
#[test]
fn verdicts_equal_the_reference() {
    let tmp = TempDir::new("match");
    let dir = tmp.path();
    feature_tree(dir);
    python_keypair(dir, "key", "ed25519", None);
    let mut c = theirs("in-toto-run");
    c.args([
        "-n",
        "build",
        "--signing-key",
        "key",
        "-p",
        "src",
        "docs",
        "-x",
    ]);
    expect_code(c, dir, 0);
    let mut c = theirs("in-toto-run");
    c.args([
        "-n",
        "lib",
        "--signing-key",
        "key",
        "-p",
        "src/lib",
        "--lstrip-paths",
        "src/",
        "-x",
    ]);
    expect_code(c, dir, 0);
    let build = crate::run::the_link(dir, "build");
    let build = build.file_name().unwrap().to_str().unwrap().to_owned();
    let lib = crate::run::the_link(dir, "lib");
    let lib = lib.file_name().unwrap().to_str().unwrap().to_owned();
    let check = |args: &[&str], code: i32| {
        let (o, t) = both(dir, args);
        let context = format!("{args:?}\nours: {o:?}\ntheirs: {t:?}");
        assert_eq!(o.status.code(), Some(code), "{context}");
        assert_eq!(t.status.code(), Some(code), "{context}");
        assert_eq!(lines(&o), lines(&t), "{context}");
    };
    check(&["-l", &build, "-v", "-p", "src", "docs"], 0);
    check(&["-l", &build, "-p", "src", "docs"], 0);
    // The whole tree: more than the products, and the link through the
    // symlinked directory is not followed.
    check(&["-l", &build, "-v"], 1);
    check(&["-l", &build, "-v", "-e", "*.pyc"], 1);
    check(
        &["-l", &lib, "-p", "src/lib", "--lstrip-paths", "src/", "-v"],
        0,
    );
    check(
        &["-l", &lib, "-p", "src", "--lstrip-paths", "src/", "-v"],
        1,
    );
    fs::write(dir.join("src/main.c"), "changed").unwrap();
    fs::write(dir.join("new.txt"), "new").unwrap();
    fs::remove_file(dir.join("docs/keep.txt")).unwrap();
    check(&["-l", &build, "-v"], 1);
    check(&["-l", &build, "-v", "-p", "src", "docs"], 1);
    symlink("src", dir.join("link-to-src")).unwrap();
    check(&["-l", &build, "-v", "-p", "link-to-src", "link-to-dir"], 1);
}

#[track_caller]
fn assert_clean_error(out: &Output, names: &[&str]) {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "not one line: {err}");
    assert!(err.starts_with("(in-toto-match-products) "), "{err}");
    for n in names {
        assert!(err.contains(n), "{n:?} not in {err:?}");
    }
}

/// The reference crashes with a traceback on these; we give one line that
/// names the file.
#[test]
fn malformed_link_is_a_clean_error() {
    let tmp = TempDir::new("match-bad");
    let dir = tmp.path();
    fs::write(dir.join("bad.link"), "{\"signed\": ").unwrap();
    let (o, t) = both(dir, &["-l", "bad.link"]);
    assert!(
        stderr(&t).contains("Traceback"),
        "the reference changed: {t:?}"
    );
    assert_clean_error(&o, &["bad.link", "JSON"]);
    fs::write(
        dir.join("wrong.link"),
        "{\"signed\": {\"_type\": \"link\", \"products\": []}}",
    )
    .unwrap();
    let o = run_in(
        {
            let mut c = ours("in-toto-match-products");
            c.args(["-l", "wrong.link"]);
            c
        },
        dir,
    );
    assert_clean_error(&o, &["wrong.link", "products"]);
    let o = run_in(
        {
            let mut c = ours("in-toto-match-products");
            c.args(["-l", "missing.link"]);
            c
        },
        dir,
    );
    assert_clean_error(&o, &["missing.link"]);
}

#[test]
fn layout_given_is_a_clean_error() {
    let tmp = TempDir::new("match-layout");
    let dir = tmp.path();
    fs::copy(ref_samples().join("root.layout"), dir.join("root.layout")).unwrap();
    let (o, t) = both(dir, &["-l", "root.layout"]);
    assert!(
        stderr(&t).contains("Traceback"),
        "the reference changed: {t:?}"
    );
    assert_clean_error(&o, &["root.layout", "layout"]);
}

/// The reference raises AttributeError on a DSSE link; we compare its
/// products like a Metablock's.
#[test]
fn dsse_links_are_supported() {
    let tmp = TempDir::new("match-dsse");
    let dir = tmp.path();
    python_keypair(dir, "key", "rsa", None);
    fs::write(dir.join("a.txt"), "a").unwrap();
    let mut c = theirs("in-toto-run");
    c.args([
        "-n",
        "d",
        "--signing-key",
        "key",
        "-p",
        "a.txt",
        "--use-dsse",
        "-x",
    ]);
    expect_code(c, dir, 0);
    let link = crate::run::the_link(dir, "d");
    let link = link.file_name().unwrap().to_str().unwrap().to_owned();
    let (o, t) = both(dir, &["-l", &link, "-p", "a.txt", "-v"]);
    assert!(
        stderr(&t).contains("AttributeError"),
        "the reference changed: {t:?}"
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "Local artifacts match products in passed link.\n"
    );
    fs::write(dir.join("a.txt"), "changed").unwrap();
    let o = run_in(
        {
            let mut c = ours("in-toto-match-products");
            c.args(["-l", &link, "-p", "a.txt", "-v"]);
            c
        },
        dir,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Hashes differ: a.txt"));
}
