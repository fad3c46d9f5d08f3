//! `in-toto-mock` against the reference: byte-identical unsigned links for
//! the same tree and command, the same log, exit codes and usage errors.

use std::fs;

use crate::run::{feature_tree, listing, run_in};
use crate::util::*;

/// The same `<name>.link`, byte for byte (nothing in an unsigned link
/// depends on the implementation), the same phase log on stderr and the
/// same exit status (0 even when the command fails).
#[test]
fn unsigned_links_are_byte_identical_to_the_reference() {
    let commands: &[&[&str]] = &[
        &[
            "sh",
            "-c",
            "echo out; echo err >&2; mkdir -p gen; echo x > gen/x; exit 5",
        ],
        &["echo", "caf\u{e9}", "--", "-v"],
    ];
    for dsse in [false, true] {
        for command in commands {
            let tmp = TempDir::new("mock-diff");
            let mut outputs = Vec::new();
            for (label, tool) in [
                ("ours", ours("in-toto-mock")),
                ("theirs", theirs("in-toto-mock")),
            ] {
                let tree = tmp.join(label);
                fs::create_dir_all(&tree).unwrap();
                feature_tree(&tree);
                let mut c = tool;
                c.args(["-n", "try"]);
                if dsse {
                    c.arg("--use-dsse");
                }
                c.arg("--").args(*command);
                let out = run_in(c, &tree);
                let link = fs::read(tree.join("try.link")).unwrap();
                outputs.push((out, link));
            }
            let (t, tl) = outputs.pop().unwrap();
            let (o, ol) = outputs.pop().unwrap();
            let context = format!("{command:?} dsse={dsse}\nours: {o:?}\ntheirs: {t:?}");
            assert_eq!(o.status.code(), Some(0), "{context}");
            assert_eq!(t.status.code(), Some(0), "{context}");
            assert_eq!(
                String::from_utf8_lossy(&ol),
                String::from_utf8_lossy(&tl),
                "{context}"
            );
            // The reference also logs each dangling symlink it skips; our
            // recorder skips them silently (see the README's differences).
            let their_log: String = stderr(&t)
                .lines()
                .filter(|l| !l.contains("appears to be a broken symlink"))
                .map(|l| format!("{l}\n"))
                .collect();
            assert_eq!(stderr(&o), their_log, "{context}");
            assert_eq!(o.stdout, t.stdout, "{context}");
        }
    }
}

#[test]
fn usage_errors_match_the_reference() {
    let cases: &[&[&str]] = &[
        &[],
        &["-n", "x"],
        &["-n", "x", "-v", "--", "true"],
        &["--", "true"],
    ];
    let tmp = TempDir::new("mock-usage");
    let before = listing(tmp.path());
    for args in cases {
        let mut o = ours("in-toto-mock");
        o.args(*args);
        let o = run_in(o, tmp.path());
        let mut t = theirs("in-toto-mock");
        t.args(*args);
        let t = run_in(t, tmp.path());
        let context = format!("{args:?}\nours: {o:?}\ntheirs: {t:?}");
        assert_eq!(o.status.code(), Some(2), "{context}");
        assert_eq!(stderr(&o), stderr(&t), "{context}");
        assert_eq!(listing(tmp.path()), before, "{context}");
    }
}

#[test]
fn failures_write_no_link() {
    let tmp = TempDir::new("mock-fail");
    let dir = tmp.path();
    fs::write(dir.join("a"), "a").unwrap();
    let before = listing(dir);
    let mut c = ours("in-toto-mock");
    c.args(["-n", "x", "--", "no-such-command-xyz"]);
    let out = expect_code(c, dir, 1);
    let last = stderr(&out).lines().last().unwrap_or_default().to_owned();
    assert!(last.starts_with("(in-toto-mock) "), "{last}");
    assert!(last.contains("no-such-command-xyz"), "{last}");
    for name in ["../x", "a/b", ".."] {
        let mut c = ours("in-toto-mock");
        c.args(["-n", name, "--", "true"]);
        let out = expect_code(c, dir, 2);
        assert!(stderr(&out).contains("step name"), "{}", stderr(&out));
    }
    let mut c = ours("in-toto-mock");
    c.args(["-n", "x", "--", "sh", "-c", "printf '\\377'"]);
    expect_code(c, dir, 1);
    assert_eq!(listing(dir), before);
}
