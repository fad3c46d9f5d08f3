//! `in-toto-verify`: flags, messages, exit codes and logging against the
//! reference, and our additions (`--param`, `--params`, `--report-json`).

use std::fs;
use std::path::Path;

use intoto::metadata_io::write_metadata;
use intoto::model::{Layout, Link, Metadata, Payload, Step};
use intoto::time::Timestamp;
use intoto_crypto::{KeySpec, PrivateKey};

use crate::util::*;

/// The reference's samples in a fresh directory, with the build's files in
/// place: `root.layout` (owner) and `build.a8007901.link` (func) verify there.
fn samples(label: &str) -> TempDir {
    let tmp = TempDir::new(label);
    intoto_testkit::copy_tree(&ref_samples(), tmp.path());
    intoto_testkit::copy_tree(&ref_samples().join("proj"), tmp.path());
    tmp
}

fn tamper(path: &Path, from: &str, to: &str) {
    let t = fs::read_to_string(path).unwrap();
    assert!(t.contains(from), "{from} not in {}", path.display());
    fs::write(path, t.replacen(from, to, 1)).unwrap();
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs ours and theirs with `args` in fresh copies of `dir`; asserts both
/// exit with `code`; returns (ours, theirs).
fn compare(dir: &Path, args: &[&str], code: i32) -> (std::process::Output, std::process::Output) {
    let (a, b) = (TempDir::new("cmp-ours"), TempDir::new("cmp-theirs"));
    intoto_testkit::copy_tree(dir, a.path());
    intoto_testkit::copy_tree(dir, b.path());
    let mut o = ours("in-toto-verify");
    o.args(args);
    let mut t = theirs("in-toto-verify");
    t.args(args);
    (
        expect_code(o, a.path(), code),
        expect_code(t, b.path(), code),
    )
}

#[test]
fn usage_errors_match_the_reference() {
    let tmp = samples("verify-usage");
    let dir = tmp.path();
    for args in [
        vec![],
        vec!["--verification-keys", "owner.pub"],
        vec![
            "-l",
            "root.layout",
            "--verification-keys",
            "owner.pub",
            "-v",
            "-q",
        ],
        vec![
            "-l",
            "root.layout",
            "--verification-keys",
            "owner.pub",
            "-q",
            "-v",
        ],
        vec!["-l", "root.layout", "--verification-keys"],
        vec!["--verification-keys", "owner.pub", "-l"],
        vec![
            "-l",
            "root.layout",
            "--verification-keys",
            "owner.pub",
            "--inspection-timeout",
            "abc",
        ],
        vec![
            "-l",
            "root.layout",
            "--verification-keys",
            "owner.pub",
            "--bogus",
        ],
    ] {
        let (o, t) = compare(dir, &args, 2);
        let last = |b: &[u8]| text(b).lines().last().unwrap_or_default().to_owned();
        assert_eq!(last(&o.stderr), last(&t.stderr), "{args:?}");
        assert!(text(&o.stderr).starts_with("usage: in-toto-verify <named arguments> [options]\n"));
    }
    // Without keys: the full help on stdout, then the error.
    let (o, t) = compare(dir, &["-l", "root.layout"], 2);
    assert_eq!(text(&o.stderr), text(&t.stderr));
    assert!(text(&o.stdout).contains("in-toto-verify <named arguments> [options]"));
    assert!(text(&o.stdout).contains("--verification-keys"));
    // Help and version.
    let (o, _) = compare(dir, &["--help"], 0);
    assert!(text(&o.stdout).contains("--report-json"));
    let (o, t) = compare(dir, &["--version"], 0);
    assert!(text(&o.stdout).starts_with(text(&t.stdout).trim()));
}

#[test]
fn passing_chain_logs_like_the_reference() {
    let tmp = samples("verify-pass");
    for layout in ["root.layout", "root.dsse.layout"] {
        let (o, t) = compare(
            tmp.path(),
            &["-l", layout, "--verification-keys", "owner.pub"],
            0,
        );
        // Only the command-alignment warning, word for word.
        assert_eq!(text(&o.stderr), text(&t.stderr));
        assert!(text(&o.stderr).starts_with("Run command '['python3', '-c'"));
        let (o, t) = compare(
            tmp.path(),
            &["-l", layout, "--verification-keys", "owner.pub", "-v"],
            0,
        );
        assert_eq!(text(&o.stderr), text(&t.stderr), "-v lines differ");
        let (o, _) = compare(
            tmp.path(),
            &["-l", layout, "--verification-keys", "owner.pub", "-q"],
            0,
        );
        assert_eq!(text(&o.stderr), "");
    }
    // The inspection's link is written to the working directory.
    let mut cmd = ours("in-toto-verify");
    cmd.args(["-l", "root.layout", "--verification-keys", "owner.pub"]);
    expect_code(cmd, tmp.path(), 0);
    let md = intoto::metadata_io::load_metadata(&tmp.join("check.link")).unwrap();
    assert!(md.signature_keyids().is_empty());
    // `in-toto verify` is the same tool.
    let mut cmd = ours("in-toto");
    cmd.args([
        "verify",
        "-l",
        "root.layout",
        "--verification-keys",
        "owner.pub",
        "-q",
    ]);
    expect_code(cmd, tmp.path(), 0);
}

#[test]
fn failures_match_the_reference_first_line() {
    let tmp = samples("verify-fail");
    let dir = tmp.path();
    for (args, setup) in [
        (
            vec!["-l", "not-a-layout", "--verification-keys", "owner.pub"],
            None,
        ),
        (
            vec!["-l", "root.layout", "--verification-keys", "no-such.pub"],
            None,
        ),
        (
            vec!["-l", "root.layout", "--verification-keys", "func.pub"],
            None,
        ),
        (
            vec![
                "-l",
                "build.a8007901.link",
                "--verification-keys",
                "func.pub",
            ],
            None,
        ),
        (
            vec![
                "-l",
                "root.layout",
                "--verification-keys",
                "owner.pub",
                "--link-dir",
                "nowhere",
            ],
            None,
        ),
        // The link changed after signing.
        (
            vec!["-l", "root.layout", "--verification-keys", "owner.pub"],
            Some((
                "build.a8007901.link",
                "\"sha256\": \"5891",
                "\"sha256\": \"0891",
            )),
        ),
    ] {
        let work = TempDir::new("verify-fail-case");
        intoto_testkit::copy_tree(dir, work.path());
        if let Some((file, from, to)) = setup {
            tamper(&work.join(file), from, to);
        }
        let (o, t) = compare(work.path(), &args, 1);
        let first = |b: &[u8]| {
            text(b)
                .lines()
                .find(|l| l.starts_with("(in-toto-verify) "))
                .map(str::to_owned)
        };
        let (of, tf) = (first(&o.stderr), first(&t.stderr));
        assert!(of.is_some(), "{args:?}: {}", text(&o.stderr));
        if args[1] == "build.a8007901.link" || args.contains(&"no-such.pub") {
            // Same exception class; the message is ours.
            let kind = |l: &Option<String>| {
                l.as_deref()
                    .map(|l| l.split(':').next().unwrap().to_owned())
            };
            assert_eq!(kind(&of), kind(&tf), "{args:?}");
        } else {
            assert_eq!(of, tf, "{args:?}\nours:\n{}", text(&o.stderr));
        }
        assert!(text(&o.stderr).contains("Verification failed:"));
        // -q silences everything, errors included, as in the reference.
        let mut cmd = ours("in-toto-verify");
        cmd.args(&args).arg("-q");
        let out = expect_code(cmd, work.path(), 1);
        assert_eq!(text(&out.stderr), "");
    }
}

/// A layout with placeholders, its link, and the owner's key, written in `dir`.
fn parameterised(dir: &Path) {
    let owner = PrivateKey::generate(KeySpec::Ed25519).unwrap();
    let func = PrivateKey::generate(KeySpec::Ed25519).unwrap();
    let mut layout = Layout {
        expires: Timestamp::parse("2099-01-01T00:00:00Z").unwrap(),
        readme: String::new(),
        keys: Default::default(),
        steps: Vec::new(),
        inspect: Vec::new(),
    };
    let id = layout.add_functionary_key(func.public_key().clone());
    let mut step = Step::new("build");
    step.add_pubkey(&id);
    step.expected_command = vec!["{EDITOR}".into(), "{{x}}".into()];
    step.add_product_rule_from_str("CREATE {DIST}/*").unwrap();
    step.add_product_rule_from_str("DISALLOW *").unwrap();
    layout.steps.push(step);
    let mut md = Metadata::new_metablock(&Payload::Layout(layout));
    md.sign(&owner).unwrap();
    write_metadata(&dir.join("root.layout"), &md).unwrap();
    fs::write(dir.join("owner.pub"), owner.public_key().to_pem().unwrap()).unwrap();
    let mut link = Link::new("build");
    link.command = vec!["vim".into(), "{x}".into()];
    link.products.insert(
        "dist/app".into(),
        [("sha256".to_owned(), "ab".repeat(32))].into(),
    );
    let mut md = Metadata::new_metablock(&Payload::Link(link));
    md.sign(&func).unwrap();
    write_metadata(&dir.join(Link::file_name("build", id.as_str())), &md).unwrap();
}

#[test]
fn parameters() {
    let tmp = TempDir::new("verify-params");
    let dir = tmp.path();
    parameterised(dir);
    fs::write(
        dir.join("params.json"),
        r#"{"EDITOR": "vim", "DIST": "dist"}"#,
    )
    .unwrap();
    fs::write(
        dir.join("params.txt"),
        "# values\nEDITOR=vim\n\nDIST=dist\n",
    )
    .unwrap();
    fs::write(dir.join("wrong.txt"), "EDITOR=vim\nDIST=build\n").unwrap();
    let base = ["-l", "root.layout", "--verification-keys", "owner.pub"];
    let run = |extra: &[&str], code: i32| {
        let mut cmd = ours("in-toto-verify");
        cmd.args(base).args(extra);
        text(&expect_code(cmd, dir, code).stderr)
    };
    // All three ways pass, silently (the command aligns after substitution).
    assert_eq!(
        run(&["--param", "EDITOR=vim", "--param", "DIST=dist"], 0),
        ""
    );
    assert_eq!(run(&["--params", "params.json"], 0), "");
    assert_eq!(run(&["--params", "params.txt"], 0), "");
    // --param overrides the file.
    assert_eq!(
        run(&["--params", "wrong.txt", "--param", "DIST=dist"], 0),
        ""
    );
    // The wrong value breaks the rules; no value is the reference's KeyError;
    // an unused value is an error too.
    let err = run(&["--params", "wrong.txt"], 1);
    assert!(
        err.starts_with("(in-toto-verify) RuleVerificationError: 'DISALLOW *'"),
        "{err}"
    );
    let err = run(&["--param", "EDITOR=vim"], 1);
    assert!(
        err.starts_with("(in-toto-verify) KeyError: 'DIST'"),
        "{err}"
    );
    let err = run(&["--params", "params.json", "--param", "EXTRA=1"], 1);
    assert!(
        err.contains("the parameter 'EXTRA' is not used by the layout"),
        "{err}"
    );
    // Without parameters the placeholders stay as written.
    let err = run(&[], 1);
    assert!(
        err.contains("differs from expected command '['{EDITOR}', '{{x}}']'"),
        "{err}"
    );
    assert!(err.contains("Queue after 'CREATE {DIST}/*'"), "{err}");
    // Malformed parameters are usage errors.
    for bad in [
        vec!["--param", "novalue"],
        vec!["--param", "bad name=1"],
        vec!["--params", "missing.json"],
    ] {
        let err = run(&bad, 2);
        assert!(
            err.contains("in-toto-verify: error: argument --param"),
            "{err}"
        );
    }
    fs::write(dir.join("bad.json"), r#"{"A": 1}"#).unwrap();
    let err = run(&["--params", "bad.json"], 2);
    assert!(err.contains("is not a string"), "{err}");
}

#[test]
fn report_json() {
    let tmp = samples("verify-json");
    let dir = tmp.path();
    let mut cmd = ours("in-toto-verify");
    cmd.args([
        "-l",
        "root.layout",
        "--verification-keys",
        "owner.pub",
        "--report-json",
        "out/report.json",
    ]);
    fs::create_dir(dir.join("out")).unwrap();
    expect_code(cmd, dir, 0);
    let v = intoto_cjson::from_slice(&fs::read(dir.join("out/report.json")).unwrap()).unwrap();
    assert_eq!(v.get("verdict").and_then(|v| v.as_str()), Some("pass"));
    assert_eq!(v.get("format_version").and_then(|v| v.as_i64()), Some(1));
    assert!(
        v.get("summary_link")
            .and_then(|v| v.get("products"))
            .is_some()
    );

    // A failing run still writes it; an unwritable path is an error.
    tamper(
        &dir.join("build.a8007901.link"),
        "\"sha256\": \"5891",
        "\"sha256\": \"0891",
    );
    let mut cmd = ours("in-toto-verify");
    cmd.args([
        "-l",
        "root.layout",
        "--verification-keys",
        "owner.pub",
        "--report-json",
        "report.json",
    ]);
    expect_code(cmd, dir, 1);
    let v = intoto_cjson::from_slice(&fs::read(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(v.get("verdict").and_then(|v| v.as_str()), Some("fail"));
    let mut cmd = ours("in-toto-verify");
    cmd.args([
        "-l",
        "root.layout",
        "--verification-keys",
        "owner.pub",
        "--report-json",
        "no/such/dir/report.json",
    ]);
    let out = expect_code(cmd, dir, 1);
    assert!(text(&out.stderr).contains("cannot write the JSON report"));
}
