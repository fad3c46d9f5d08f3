//! `--gpg`/`--gpg-home` on `in-toto-run`, `in-toto-record` and
//! `in-toto-verify`, against the reference, with a throwaway GnuPG home.

use std::fs;
use std::path::Path;

use intoto_testkit::gpg::{GpgHome, GpgKeyInfo, gpg_program};

use crate::util::*;

/// Python (the reference's API) that writes `root.layout` in `dir`: one
/// step `build` (no command expected) whose functionaries are the GnuPG
/// keys `funcs` with `threshold`, signed through gpg by `owner`.
fn layout(dir: &Path, home: &GpgHome, owner: &str, funcs: &[&str], threshold: u32) {
    let funcs: Vec<String> = funcs.iter().map(|f| format!("{f:?}")).collect();
    let script = format!(
        r#"
from in_toto.models.layout import Layout, Step
from in_toto.models.metadata import Metablock
layout = Layout()
step = Step(name="build")
for fpr in [{funcs}]:
    key = layout.add_functionary_key_from_gpg_keyid(fpr, gpg_home={home:?})
    step.pubkeys.append(key["keyid"])
step.threshold = {threshold}
layout.steps.append(step)
md = Metablock(signed=layout)
md.sign_gpg({owner:?}, gpg_home={home:?})
md.dump("root.layout")
"#,
        funcs = funcs.join(", "),
        home = home.path().to_str().unwrap(),
    );
    python(&script, b"", dir);
}

/// Runs `in-toto-verify -l root.layout -g <owner> --gpg-home <home>` with
/// ours and theirs; both must exit with `code`. Returns both stderr texts.
fn verify_both(dir: &Path, home: &GpgHome, owner: &str, code: i32) -> (String, String) {
    let mut out = Vec::new();
    for mut cmd in [ours("in-toto-verify"), theirs("in-toto-verify")] {
        cmd.args(["-l", "root.layout", "-g", owner, "--gpg-home"])
            .arg(home.path());
        out.push(stderr(&expect_code(cmd, dir, code)));
    }
    let theirs = out.pop().unwrap();
    (out.pop().unwrap(), theirs)
}

/// `in-toto-run -n build -x -m in.txt --gpg <id> --gpg-home <home>` by
/// `cmd` (ours or theirs).
fn run_gpg(mut cmd: std::process::Command, dir: &Path, home: &GpgHome, id: &str) {
    cmd.args([
        "-n",
        "build",
        "-x",
        "-m",
        "in.txt",
        "--gpg",
        id,
        "--gpg-home",
    ])
    .arg(home.path());
    expect_code(cmd, dir, 0);
}

/// `build.<keyid[:8]>.link`.
fn link_of(key: &GpgKeyInfo) -> String {
    format!("build.{}.link", &key.keyid()[..8])
}

/// Our `in-toto-run --gpg` link verifies with the reference's
/// `in-toto-verify` and the reference's with ours; the link is named after
/// the signing subkey; two links by subkeys of one main key count once
/// towards a threshold of two (both fail, with the reference's warning),
/// links by two distinct keys pass.
#[test]
fn run_and_verify_with_gpg_interoperate() {
    let home = GpgHome::new("cli-run");
    let owner = home.gen_key("Owner <owner@example.org>", "ed25519", "sign", "never");
    let func = home.gen_key("Func <func@example.org>", "rsa2048", "sign", "never");
    let sub = home.add_subkey(&func, "rsa2048", "sign", "never");
    let other = home.gen_key("Other <other@example.org>", "dsa2048", "sign", "never");
    let tmp = TempDir::new("cli-gpg-run");
    let dir = tmp.path();
    fs::write(dir.join("in.txt"), "x").unwrap();
    layout(dir, &home, &owner.fpr, &[&func.fpr], 1);

    // Ours signs (gpg picks the signing subkey), both verify.
    run_gpg(ours("in-toto-run"), dir, &home, &func.fpr);
    assert!(dir.join(link_of(&sub)).exists());
    verify_both(dir, &home, &owner.fpr, 0);
    // The layout key is required: a different owner key fails for both.
    verify_both(dir, &home, &func.fpr, 1);
    fs::remove_file(dir.join(link_of(&sub))).unwrap();
    // Theirs signs, ours verifies (and theirs, as a check of the setup).
    run_gpg(theirs("in-toto-run"), dir, &home, &func.fpr);
    assert!(dir.join(link_of(&sub)).exists());
    verify_both(dir, &home, &owner.fpr, 0);
    // A bare --gpg signs with the default key (the first secret key).
    fs::remove_file(dir.join(link_of(&sub))).unwrap();
    let mut c = ours("in-toto-run");
    c.args(["-n", "build", "-x", "--gpg", "--gpg-home"])
        .arg(home.path());
    expect_code(c, dir, 0);
    assert!(dir.join(link_of(&owner)).exists());
    fs::remove_file(dir.join(link_of(&owner))).unwrap();

    // Threshold 2: two subkeys of `func` count once.
    let sub2 = home.add_subkey(&func, "rsa2048", "sign", "never");
    layout(dir, &home, &owner.fpr, &[&func.fpr, &other.fpr], 2);
    for s in [&sub, &sub2] {
        sign_link_with_subkey(dir, &home, s);
        assert!(dir.join(link_of(s)).exists());
    }
    let (o, t) = verify_both(dir, &home, &owner.fpr, 1);
    for text in [&o, &t] {
        assert!(
            text.contains("Found links signed by different subkeys of the same main key"),
            "{text}"
        );
        assert!(text.contains("ThresholdVerificationError"), "{text}");
    }
    // Two distinct keys: ours signs with one, theirs with the other.
    for s in [&sub, &sub2] {
        fs::remove_file(dir.join(link_of(s))).unwrap();
    }
    run_gpg(ours("in-toto-run"), dir, &home, &func.fpr);
    run_gpg(theirs("in-toto-run"), dir, &home, &other.fpr);
    verify_both(dir, &home, &owner.fpr, 0);
}

/// Signs the link `build` (as the reference's `in-toto-run -x` would
/// record it, without materials) with exactly `sub` (gpg's `ID!`), which
/// no tool can be asked for (key ids must be hex), and writes it as the
/// reference names it.
fn sign_link_with_subkey(dir: &Path, home: &GpgHome, sub: &GpgKeyInfo) {
    let script = format!(
        r#"
import subprocess
from in_toto.models.link import Link
from in_toto.models.metadata import Metablock
from securesystemslib._gpg.common import parse_signature_packet
md = Metablock(signed=Link(name="build"))
out = subprocess.run(
    [{gpg:?}, "--homedir", {home:?}, "--batch", "--digest-algo", "SHA256",
     "--local-user", {id:?}, "--detach-sign", "--output", "-"],
    input=md.signed.signable_bytes, capture_output=True, check=True).stdout
sig = parse_signature_packet(out)
md.signatures.append(sig)
md.dump("build." + sig["keyid"][:8] + ".link")
"#,
        gpg = gpg_program().to_str().unwrap(),
        home = home.path().to_str().unwrap(),
        id = format!("{}!", sub.fpr),
    );
    python(&script, b"", dir);
}

/// `in-toto-record start|stop --gpg` by ours verifies with the reference;
/// stop finds the unfinished link by glob and fails as the reference does
/// when there is none or more than one.
#[test]
fn record_with_gpg() {
    let home = GpgHome::new("cli-record");
    let owner = home.gen_key("Owner <owner@example.org>", "ed25519", "sign", "never");
    let func = home.gen_key("Func <func@example.org>", "ed25519", "sign", "never");
    let tmp = TempDir::new("cli-gpg-record");
    let dir = tmp.path();
    fs::write(dir.join("in.txt"), "x").unwrap();
    layout(dir, &home, &owner.fpr, &[&func.fpr], 1);
    let record = |sub: &str, extra: &[&str], code: i32| {
        let mut c = ours("in-toto-record");
        c.args([sub, "-n", "build", "--gpg", &func.fpr, "--gpg-home"])
            .arg(home.path())
            .args(extra);
        stderr(&expect_code(c, dir, code))
    };
    let none = record("stop", &["-p", "in.txt"], 1);
    assert_eq!(
        none,
        "(in-toto-record stop) LinkNotFoundError: Could not find a preliminary link for step \
         'build' in the current working directory.\n"
    );
    record("start", &["-m", "in.txt"], 0);
    let unfinished = format!(".build.{}.link-unfinished", &func.keyid()[..8]);
    assert!(dir.join(&unfinished).exists());
    fs::write(dir.join(".build.0000.link-unfinished"), "{}").unwrap();
    let many = record("stop", &["-p", "in.txt"], 1);
    assert_eq!(
        many,
        format!(
            "(in-toto-record stop) LinkNotFoundError: Found more than one preliminary links for \
             step 'build' in the current working directory: .build.0000.link-unfinished, \
             {unfinished}. We need exactly one to stop recording.\n"
        )
    );
    fs::remove_file(dir.join(".build.0000.link-unfinished")).unwrap();
    record("stop", &["-p", "in.txt"], 0);
    assert!(!dir.join(&unfinished).exists());
    assert!(dir.join(link_of(&func)).exists());
    verify_both(dir, &home, &owner.fpr, 0);

    // The reference's record stop finishes our start (and ours theirs).
    fs::remove_file(dir.join(link_of(&func))).unwrap();
    record("start", &["-m", "in.txt"], 0);
    let mut c = theirs("in-toto-record");
    c.args(["stop", "-n", "build", "--gpg", &func.fpr, "--gpg-home"])
        .arg(home.path())
        .args(["-p", "in.txt"]);
    expect_code(c, dir, 0);
    verify_both(dir, &home, &owner.fpr, 0);
    fs::remove_file(dir.join(link_of(&func))).unwrap();
    let mut c = theirs("in-toto-record");
    c.args(["start", "-n", "build", "--gpg", &func.fpr, "--gpg-home"])
        .arg(home.path())
        .args(["-m", "in.txt"]);
    expect_code(c, dir, 0);
    // A bare --gpg on stop: the unfinished link (by `func`) is checked
    // with the key its signature names, and the finished link is signed
    // by the default key (the first secret key, `owner`).
    let mut c = ours("in-toto-record");
    c.args(["stop", "-n", "build", "--gpg", "--gpg-home"])
        .arg(home.path())
        .args(["-p", "in.txt"]);
    expect_code(c, dir, 0);
    assert!(!dir.join(&unfinished).exists());
    assert!(dir.join(link_of(&owner)).exists());
}

/// Usage errors and refused input, with the reference's messages and
/// exit codes.
#[test]
fn gpg_usage_errors() {
    let tmp = TempDir::new("cli-gpg-usage");
    let dir = tmp.path();
    fs::copy(ref_samples().join("owner"), dir.join("owner")).unwrap();
    let both_stderr = |tool: &str, args: &[&str], code: i32| {
        let mut out = Vec::new();
        for mut c in [ours(tool), theirs(tool)] {
            c.args(args);
            out.push(stderr(&expect_code(c, dir, code)));
        }
        (out.remove(0), out.remove(0))
    };
    // Both or neither of --signing-key and --gpg.
    for args in [
        &["-n", "s", "-x", "--signing-key", "owner", "--gpg"][..],
        &["-n", "s", "-x"][..],
    ] {
        let (o, t) = both_stderr("in-toto-run", args, 2);
        assert_eq!(o, t);
        assert!(o.contains("Specify either '--signing-key <path>' or '--gpg [<keyid>]'"));
    }
    let (o, t) = both_stderr(
        "in-toto-record",
        &["start", "-n", "s", "--signing-key", "owner", "-g"],
        2,
    );
    assert!(
        o.ends_with(
            "in-toto-record: error: Specify either '--signing-key <path>' or '--gpg [<keyid>]'\n"
        ),
        "{o}"
    );
    assert_eq!(o.lines().last(), t.lines().last());
    // in-toto-verify without keys names both options.
    let (o, t) = both_stderr("in-toto-verify", &["-l", "x.layout"], 2);
    assert_eq!(o, t);
    assert!(o.contains("'--verification-keys path [path ...]' and/or '--gpg id [id ...]'"));
    // DSSE cannot be signed through gpg (exit 1, nothing written).
    let mut c = ours("in-toto-run");
    c.args(["-n", "s", "-x", "--use-dsse", "--gpg", "abcd"]);
    let err = stderr(&expect_code(c, dir, 1));
    assert!(err.contains("GPG Signing is not implemented"), "{err}");
    assert!(fs::read_dir(dir).unwrap().count() == 1);
    // A key id that is not hex.
    let mut c = ours("in-toto-run");
    c.args(["-n", "s", "-x", "--gpg", "xyz"]);
    let err = stderr(&expect_code(c, dir, 1));
    assert!(err.contains("expected hex string, got 'xyz"), "{err}");
}
