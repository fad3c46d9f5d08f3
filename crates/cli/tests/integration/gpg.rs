//! `in-toto-sign --gpg` against the reference, both ways, with a
//! throwaway GnuPG home made here (RSA with a signing subkey, DSA,
//! Ed25519).

use std::fs;
use std::path::Path;
use std::process::Command;

use intoto_testkit::gpg::{GpgHome, GpgKeyInfo};

use crate::util::*;

fn with_home(mut cmd: Command, home: &GpgHome) -> Command {
    cmd.arg("--gpg-home").arg(home.path());
    cmd
}

/// Runs ours and theirs with the same arguments (and environment) and
/// checks both exit with `code`; returns their stderr texts.
fn both(dir: &Path, args: &[&str], env: &[(&str, &str)], code: i32) -> (String, String) {
    let mut out = Vec::new();
    for mut cmd in [ours("in-toto-sign"), theirs("in-toto-sign")] {
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        out.push(stderr(&expect_code(cmd, dir, code)));
    }
    let theirs = out.pop().unwrap();
    (out.pop().unwrap(), theirs)
}

/// The file `in-toto-sign` wrote for a link: `<name>.<keyid[:8]>.link`.
fn link_name(signer: &GpgKeyInfo) -> String {
    format!("build.{}.link", &signer.keyid()[..8])
}

/// Links and layouts signed with GnuPG keys by either implementation verify
/// with both; gpg picks the signing subkey of a key that has one, and the
/// link is named after the subkey; a layout signed by several keys (and
/// appended to by the other implementation) verifies with all of them.
#[test]
fn gpg_signatures_interoperate() {
    let home = GpgHome::new("cli-sign");
    let rsa = home.gen_key("Rsa Cli <rsa@example.org>", "rsa2048", "sign", "never");
    let rsa_sub = home.add_subkey(&rsa, "rsa2048", "sign", "never");
    let dsa = home.gen_key("Dsa Cli <dsa@example.org>", "dsa2048", "sign", "never");
    let ed = home.gen_key("Ed Cli <ed@example.org>", "ed25519", "sign", "never");
    let tmp = TempDir::new("cli-gpg");
    let dir = tmp.path();
    fs::copy(
        ref_samples().join("build.a8007901.link"),
        dir.join("in.link"),
    )
    .unwrap();
    fs::copy(ref_samples().join("root.layout"), dir.join("in.layout")).unwrap();
    let h = home.path().to_str().unwrap();

    for (id, signer) in [(&rsa, &rsa_sub), (&dsa, &dsa), (&ed, &ed)] {
        // Ours signs, writing <name>.<signing key id prefix>.link.
        let mut c = ours("in-toto-sign");
        c.args(["-f", "in.link", "-g", &id.fpr]);
        expect_code(with_home(c, &home), dir, 0);
        let name = link_name(signer);
        assert!(dir.join(&name).exists(), "{name}");
        for verify_id in [&id.fpr, &signer.fpr, &id.keyid()] {
            both(
                dir,
                &["-f", &name, "--verify", "-g", verify_id, "--gpg-home", h],
                &[],
                0,
            );
        }
        // Theirs signs, ours verifies.
        fs::remove_file(dir.join(&name)).unwrap();
        let mut c = theirs("in-toto-sign");
        c.args(["-f", "in.link", "-g", &id.fpr]);
        expect_code(with_home(c, &home), dir, 0);
        let mut c = ours("in-toto-sign");
        c.args(["-f", &name, "--verify", "-v", "-g", &id.fpr]);
        let out = expect_code(with_home(c, &home), dir, 0);
        assert_eq!(
            stderr(&out),
            format!("Signature verification passed for keyid '{}'\n", id.keyid())
        );
        fs::remove_file(dir.join(&name)).unwrap();
    }

    // A layout signed by two keys, and a third signature appended by the
    // reference.
    let mut c = ours("in-toto-sign");
    c.args([
        "-f",
        "in.layout",
        "-g",
        &rsa.fpr,
        &dsa.fpr,
        "-o",
        "two.layout",
    ]);
    expect_code(with_home(c, &home), dir, 0);
    both(
        dir,
        &[
            "-f",
            "two.layout",
            "--verify",
            "-g",
            &rsa.fpr,
            &dsa.fpr,
            "--gpg-home",
            h,
        ],
        &[],
        0,
    );
    let mut c = theirs("in-toto-sign");
    c.args(["-f", "two.layout", "-a", "-g", &ed.fpr]);
    expect_code(with_home(c, &home), dir, 0);
    both(
        dir,
        &[
            "-f",
            "two.layout",
            "--verify",
            "-g",
            &ed.fpr,
            &rsa.fpr,
            &dsa.fpr,
            "--gpg-home",
            h,
        ],
        &[],
        0,
    );
    // Ours appends a PEM-key signature to the GnuPG-signed layout.
    let mut c = ours("in-toto-sign");
    c.args(["-f", "two.layout", "-a", "-k", "owner"]);
    fs::copy(ref_samples().join("owner"), dir.join("owner")).unwrap();
    fs::copy(ref_samples().join("owner.pub"), dir.join("owner.pub")).unwrap();
    expect_code(c, dir, 0);
    both(
        dir,
        &["-f", "two.layout", "--verify", "-k", "owner.pub"],
        &[],
        0,
    );
    both(
        dir,
        &[
            "-f",
            "two.layout",
            "--verify",
            "-g",
            &ed.fpr,
            "--gpg-home",
            h,
        ],
        &[],
        0,
    );

    // The wrong key: exit 1 and the same message.
    let (ours_err, theirs_err) = both(
        dir,
        &[
            "-f",
            "in.layout",
            "--verify",
            "-g",
            &ed.fpr,
            "--gpg-home",
            h,
        ],
        &[],
        1,
    );
    assert_eq!(ours_err, theirs_err);
    assert_eq!(
        ours_err,
        format!(
            "Signature verification failed: No signature found for key '{}'\n",
            ed.keyid()
        )
    );
    // A tampered layout: exit 1 for both.
    let text = fs::read_to_string(dir.join("two.layout")).unwrap();
    fs::write(
        dir.join("bad.layout"),
        text.replacen("\"build\"", "\"bui1d\"", 1),
    )
    .unwrap();
    both(
        dir,
        &[
            "-f",
            "bad.layout",
            "--verify",
            "-g",
            &rsa.fpr,
            "--gpg-home",
            h,
        ],
        &[],
        1,
    );

    // Bare --gpg signs with the default key of the default home.
    let gnupghome = [("GNUPGHOME", h)];
    let mut c = ours("in-toto-sign");
    c.args(["-f", "in.layout", "-g", "-o", "default.layout"]);
    c.env("GNUPGHOME", h);
    expect_code(c, dir, 0);
    both(
        dir,
        &["-f", "default.layout", "--verify", "-g", &rsa.fpr],
        &gnupghome,
        0,
    );
}

/// Bad input gives the reference's exit codes, and the same messages
/// where the reference's are exact.
#[test]
fn gpg_errors_match_the_reference() {
    let home = GpgHome::new("cli-errors");
    let then = ["--faked-system-time", "20200101T000000"];
    let old = home.gen_key_with(&then, "Old Cli <old@example.org>", "ed25519", "sign", "1d");
    let old_rsa = home.gen_key_with(
        &then,
        "Old Rsa <oldrsa@example.org>",
        "rsa2048",
        "sign",
        "1d",
    );
    let ed = home.gen_key("Ed Err <ed@example.org>", "ed25519", "sign", "never");
    let tmp = TempDir::new("cli-gpg-errors");
    let dir = tmp.path();
    fs::copy(
        ref_samples().join("build.a8007901.link"),
        dir.join("in.link"),
    )
    .unwrap();
    fs::copy(
        ref_samples().join("build.dsse.link"),
        dir.join("in.dsse.link"),
    )
    .unwrap();
    fs::copy(ref_samples().join("root.layout"), dir.join("in.layout")).unwrap();
    let h = home.path().to_str().unwrap();
    let same = |args: &[&str], env: &[(&str, &str)], code: i32| {
        let (a, b) = both(dir, args, env, code);
        assert_eq!(a, b, "{args:?}");
        a
    };

    // Usage errors: the same error line (the reference repeats the usage
    // line above it on stderr).
    let last_line = |args: &[&str]| {
        let (a, b) = both(dir, args, &[], 2);
        let last = |s: &str| s.trim_end().lines().last().unwrap_or_default().to_owned();
        assert_eq!(last(&a), last(&b), "{args:?}");
        last(&a)
    };
    let msg = last_line(&["-f", "in.link", "--verify", "-g"]);
    assert!(msg.contains("missing arguments"), "{msg}");
    let msg = last_line(&["-f", "in.link", "-k", "x", "-g", &ed.fpr]);
    assert!(msg.contains("wrong arguments"), "{msg}");
    let msg = last_line(&["-f", "in.link", "-g", &ed.fpr, &old.fpr, "--gpg-home", h]);
    assert!(msg.contains("too many arguments"), "{msg}");
    let msg = last_line(&[
        "-f",
        "in.link",
        "--verify",
        "-g",
        &ed.fpr,
        &old.fpr,
        "--gpg-home",
        h,
    ]);
    assert!(msg.contains("too many arguments"), "{msg}");

    // Ids must be hex; an unknown id fails in gpg or in the export.
    let msg = same(
        &["-f", "in.layout", "-g", "nothex", "--gpg-home", h],
        &[],
        2,
    );
    assert_eq!(
        msg,
        "The following error occurred while signing: expected hex string, got 'nothex (<class 'str'>)'\n"
    );
    let msg = same(
        &["-f", "in.layout", "-g", "DEADBEEF", "--gpg-home", h],
        &[],
        2,
    );
    assert!(
        msg.contains("returned non-zero exit status '2'") && msg.contains("DEADBEEF"),
        "{msg}"
    );
    let msg = same(
        &[
            "-f",
            "in.layout",
            "--verify",
            "-g",
            "DEADBEEF",
            "--gpg-home",
            h,
        ],
        &[],
        2,
    );
    assert_eq!(
        msg,
        "The following error occurred while verifying signatures: Could not find gpg key 'DEADBEEF' in empty exported key data.\n"
    );

    // No gpg program.
    let nogpg = [("GNUPG", "/nonexistent/gpg")];
    for args in [
        &["-f", "in.layout", "-g", &ed.fpr, "--gpg-home", h][..],
        &[
            "-f",
            "in.layout",
            "--verify",
            "-g",
            &ed.fpr,
            "--gpg-home",
            h,
        ][..],
    ] {
        let (a, b) = both(dir, args, &nogpg, 2);
        assert!(b.contains("GPG support requires a GPG client."), "{b}");
        assert!(a.starts_with(b.trim_end()), "{a}");
    }

    // gpg writes something that is not a signature packet.
    let fake = dir.join("fake-gpg");
    fs::write(&fake, "#!/bin/sh\ncat >/dev/null\nprintf 'garbage'\n").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let fake_env = [("GNUPG", fake.to_str().unwrap())];
    let (a, b) = both(dir, &["-f", "in.layout", "-g", &ed.fpr], &fake_env, 2);
    assert!(b.contains("Expected packet 2"), "{b}");
    assert_eq!(
        a,
        "The following error occurred while signing: malformed signature packet: invalid packet header byte 0x67\n"
    );

    // DSSE and GnuPG do not mix.
    let msg = same(
        &["-f", "in.dsse.link", "-g", &ed.fpr, "--gpg-home", h],
        &[],
        2,
    );
    assert_eq!(
        msg,
        "The following error occurred while signing: GPG Signing is not implemented\n"
    );
    both(
        dir,
        &[
            "-f",
            "in.dsse.link",
            "--verify",
            "-g",
            &ed.fpr,
            "--gpg-home",
            h,
        ],
        &[],
        2,
    );

    // An expired key: its signature (made while it was valid) is refused
    // with the reference's KeyExpirationError text.
    let faked = home.faked_time_gpg("20200101T010000");
    for (key, file) in [(&old_rsa, "old.layout"), (&old, "old-ed.layout")] {
        let mut c = theirs("in-toto-sign");
        c.args(["-f", "in.layout", "-g", &key.fpr, "-o", file])
            .env("GNUPG", &faked);
        expect_code(with_home(c, &home), dir, 0);
    }
    let msg = same(
        &[
            "-f",
            "old.layout",
            "--verify",
            "-g",
            &old_rsa.fpr,
            "--gpg-home",
            h,
        ],
        &[],
        2,
    );
    assert_eq!(
        msg,
        format!(
            "The following error occurred while verifying signatures: GPG key '{}' created on \
             '2020-01-01 00:00 UTC' with validity period '1 day, 0:00:00' expired on \
             '2020-01-02 00:00 UTC'.\n",
            old_rsa.keyid()
        )
    );
    // The reference never sees the expiry of an Ed25519 key; we do.
    let args = [
        "-f",
        "old-ed.layout",
        "--verify",
        "-g",
        &old.fpr,
        "--gpg-home",
        h,
    ];
    let mut c = theirs("in-toto-sign");
    c.args(args);
    expect_code(c, dir, 0);
    let mut c = ours("in-toto-sign");
    c.args(args);
    let out = expect_code(c, dir, 2);
    assert!(stderr(&out).contains("expired on '2020-01-02 00:00 UTC'"));

    // A bad signature value, and a malformed signature entry (bad hex).
    let mut c = ours("in-toto-sign");
    c.args(["-f", "in.layout", "-g", &ed.fpr, "-o", "ed.layout"]);
    expect_code(with_home(c, &home), dir, 0);
    let text = fs::read_to_string(dir.join("ed.layout")).unwrap();
    let v: intoto_cjson::Value = intoto_cjson::from_slice(text.as_bytes()).unwrap();
    let sig = v.get("signatures").unwrap().as_array().unwrap()[0]
        .get("signature")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let flipped: String = sig
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == '0' { '1' } else { '0' }
            } else {
                c
            }
        })
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    fs::write(dir.join("flipped.layout"), text.replacen(&sig, &flipped, 1)).unwrap();
    let msg = same(
        &[
            "-f",
            "flipped.layout",
            "--verify",
            "-g",
            &ed.fpr,
            "--gpg-home",
            h,
        ],
        &[],
        1,
    );
    assert_eq!(
        msg,
        format!(
            "Signature verification failed: Invalid signature for keyid '{}'\n",
            ed.keyid()
        )
    );
    fs::write(dir.join("nothex.layout"), text.replacen(&sig, "zz", 1)).unwrap();
    let (a, b) = both(
        dir,
        &[
            "-f",
            "nothex.layout",
            "--verify",
            "-g",
            &ed.fpr,
            "--gpg-home",
            h,
        ],
        &[],
        2,
    );
    assert!(b.contains("Non-hexadecimal digit found"), "{b}");
    assert!(a.contains("'signature' is not a hex string"), "{a}");
}
