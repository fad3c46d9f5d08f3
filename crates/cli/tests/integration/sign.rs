//! `in-toto-sign` against the reference, in both directions.

use std::fs;

use crate::util::*;

/// Re-signing the reference's own Ed25519 vectors reproduces them byte for byte.
#[test]
fn resigning_reference_vectors_is_byte_identical() {
    let tmp = TempDir::new("sign-vectors");
    intoto_testkit::copy_tree(&ref_samples(), tmp.path());
    for (file, key) in [
        ("build.a8007901.link", "func"),
        ("root.layout", "owner"),
        ("build.dsse.link", "func"),
        ("root.dsse.layout", "owner"),
    ] {
        let mut cmd = ours("in-toto-sign");
        cmd.args(["-f", file, "-k", key, "-o", "out"]);
        expect_code(cmd, tmp.path(), 0);
        assert_eq!(
            fs::read(tmp.join("out")).unwrap(),
            fs::read(tmp.join(file)).unwrap(),
            "re-signed {file} differs from the reference's"
        );
    }
    // Without -o a link goes to <name>.<keyid8>.link in the working directory.
    fs::remove_file(tmp.join("build.a8007901.link")).unwrap();
    fs::copy(
        ref_samples().join("build.a8007901.link"),
        tmp.join("in.link"),
    )
    .unwrap();
    let mut cmd = ours("in-toto-sign");
    cmd.args(["-f", "in.link", "-k", "func"]);
    expect_code(cmd, tmp.path(), 0);
    assert_eq!(
        fs::read(tmp.join("build.a8007901.link")).unwrap(),
        fs::read(ref_samples().join("build.a8007901.link")).unwrap()
    );
}

fn verify_both(dir: &std::path::Path, file: &str, pubs: &[&str], code: i32) {
    for tool in [ours("in-toto-sign"), theirs("in-toto-sign")] {
        let mut cmd = tool;
        cmd.args(["-f", file, "--verify", "-k"]).args(pubs);
        expect_code(cmd, dir, code);
    }
}

fn tamper(path: &std::path::Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// For every key type: layouts and links signed by either implementation
/// verify with both; appended signatures verify with both; tampering fails both.
#[test]
fn interop_per_key_type() {
    for kind in ["ed25519", "rsa", "ecdsa-p256", "ecdsa-p384"] {
        let tmp = TempDir::new(&format!("sign-{kind}"));
        let dir = tmp.path();
        python_keypair(dir, "py", kind, None);
        // Our key of the same type.
        let (ty, extra): (&str, &[&str]) = match kind {
            "ecdsa-p256" => ("ecdsa", &["--curve", "p256"]),
            "ecdsa-p384" => ("ecdsa", &["--curve", "p384"]),
            "rsa" => ("rsa", &["--bits", "2048"]),
            _ => ("ed25519", &[]),
        };
        let mut keygen = ours("in-toto");
        keygen
            .args(["key", "generate", "--type", ty])
            .args(extra)
            .args(["-o", "rs"]);
        expect_code(keygen, dir, 0);

        for dsse in [false, true] {
            let layout = if dsse { "py.dsse.layout" } else { "py.layout" };
            python_layout(dir, "py", "rs.pub", layout, dsse);
            verify_both(dir, layout, &["py.pub"], 0);
            verify_both(dir, layout, &["rs.pub"], 1);

            // Ours re-signs the reference's layout; both verify.
            let ours_layout = format!("rs-{layout}");
            let mut c = ours("in-toto-sign");
            c.args(["-f", layout, "-k", "rs", "-o", &ours_layout]);
            expect_code(c, dir, 0);
            verify_both(dir, &ours_layout, &["rs.pub"], 0);
            verify_both(dir, &ours_layout, &["py.pub"], 1);

            // Appending: ours adds to theirs, theirs adds to ours.
            let both1 = format!("both1-{layout}");
            let mut c = ours("in-toto-sign");
            c.args(["-f", layout, "-k", "rs", "-a", "-o", &both1]);
            expect_code(c, dir, 0);
            verify_both(dir, &both1, &["py.pub", "rs.pub"], 0);
            let both2 = format!("both2-{layout}");
            let mut c = theirs("in-toto-sign");
            c.args(["-f", &ours_layout, "-k", "py", "-a", "-o", &both2]);
            expect_code(c, dir, 0);
            verify_both(dir, &both2, &["py.pub", "rs.pub"], 0);

            // Any change to a signed byte makes both reject.
            if !dsse {
                tamper(&dir.join(&both1), "two-stage", "two-stagE");
                verify_both(dir, &both1, &["py.pub"], 1);
                verify_both(dir, &both1, &["rs.pub"], 1);
            } else {
                let text = fs::read_to_string(dir.join(&both1)).unwrap();
                let v: serde_like::Envelope = serde_like::parse(&text);
                fs::write(dir.join(&both1), v.with_payload_byte_flipped()).unwrap();
                verify_both(dir, &both1, &["py.pub"], 1);
            }
        }

        // Links: the reference's in-toto-run signs, ours verifies, and back.
        for (tool_key, flags) in [("py", &[][..]), ("py", &["--use-dsse"][..])] {
            fs::write(dir.join("src.txt"), "source\n").unwrap();
            let mut c = theirs("in-toto-run");
            c.args([
                "-n",
                "build",
                "--signing-key",
                tool_key,
                "-m",
                "src.txt",
                "-p",
                "src.txt",
                "-x",
            ])
            .args(flags);
            expect_code(c, dir, 0);
            let link = fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .find(|n| n.starts_with("build.") && n.ends_with(".link"))
                .expect("the reference wrote a link");
            verify_both(dir, &link, &["py.pub"], 0);
            let mut c = ours("in-toto-sign");
            c.args(["-f", &link, "-k", "rs", "-o", "rs.link"]);
            expect_code(c, dir, 0);
            verify_both(dir, "rs.link", &["rs.pub"], 0);
            verify_both(dir, "rs.link", &["py.pub"], 1);
            if flags.is_empty() {
                tamper(&dir.join("rs.link"), "src.txt", "src.txT");
                verify_both(dir, "rs.link", &["rs.pub"], 1);
            }
            fs::remove_file(dir.join(&link)).unwrap();
        }
    }
}

/// A tiny DSSE rewriter for the tamper test (flip one payload byte).
mod serde_like {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    pub struct Envelope(intoto_cjson::Value);

    pub fn parse(text: &str) -> Envelope {
        Envelope(intoto_cjson::from_slice(text.as_bytes()).unwrap())
    }

    impl Envelope {
        pub fn with_payload_byte_flipped(self) -> String {
            let intoto_cjson::Value::Object(mut m) = self.0 else {
                panic!("not an object")
            };
            let payload = m.get("payload").and_then(|p| p.as_str()).unwrap();
            let mut bytes = STANDARD.decode(payload).unwrap();
            let pos = bytes.iter().position(|b| *b == b'2').unwrap();
            bytes[pos] = b'3';
            m.insert("payload".into(), STANDARD.encode(bytes).into());
            intoto_cjson::to_python_json(
                &intoto_cjson::Value::Object(m),
                intoto_cjson::Style::Spaced,
            )
        }
    }
}

#[test]
fn usage_and_load_errors() {
    let tmp = TempDir::new("sign-errors");
    intoto_testkit::copy_tree(&ref_samples(), tmp.path());
    let dir = tmp.path();
    // --verify with -o: full help on stdout, error on stderr, exit 2.
    let mut c = ours("in-toto-sign");
    c.args([
        "-f",
        "root.layout",
        "-k",
        "owner.pub",
        "--verify",
        "-o",
        "x",
    ]);
    let out = expect_code(c, dir, 2);
    assert!(stderr(&out).contains("conflicting arguments"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--verify"));
    // No keys.
    let mut c = ours("in-toto-sign");
    c.args(["-f", "root.layout"]);
    expect_code(c, dir, 2);
    // Two keys for a link.
    let mut c = ours("in-toto-sign");
    c.args(["-f", "build.a8007901.link", "-k", "func", "owner"]);
    let out = expect_code(c, dir, 2);
    assert!(stderr(&out).contains("too many arguments"));
    // ... also when verifying, as in the reference.
    for tool in [ours("in-toto-sign"), theirs("in-toto-sign")] {
        let mut c = tool;
        c.args([
            "-f",
            "build.a8007901.link",
            "--verify",
            "-k",
            "func.pub",
            "owner.pub",
        ]);
        let out = expect_code(c, dir, 2);
        assert!(stderr(&out).contains("too many arguments"));
    }
    // --append on a link.
    let mut c = ours("in-toto-sign");
    c.args(["-f", "build.a8007901.link", "-k", "func", "-a"]);
    expect_code(c, dir, 2);
    // Missing file, a directory, malformed JSON, duplicate keys: exit 2, naming the file.
    fs::write(
        dir.join("trunc.link"),
        &fs::read(dir.join("root.layout")).unwrap()[..100],
    )
    .unwrap();
    fs::write(
        dir.join("dup.link"),
        r#"{"signatures": [], "signed": {"_type": "link", "name": "a", "name": "b"}}"#,
    )
    .unwrap();
    for file in ["nonexistent", "proj", "trunc.link", "dup.link"] {
        let mut c = ours("in-toto-sign");
        c.args(["-f", file, "-k", "func"]);
        let out = expect_code(c, dir, 2);
        let err = stderr(&out);
        assert!(err.contains(file), "{file}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    // A public key where a private one is needed: exit 2, file untouched.
    let before = fs::read(dir.join("root.layout")).unwrap();
    let mut c = ours("in-toto-sign");
    c.args(["-f", "root.layout", "-k", "owner.pub"]);
    let out = expect_code(c, dir, 2);
    assert!(stderr(&out).contains("owner.pub"));
    assert_eq!(fs::read(dir.join("root.layout")).unwrap(), before);
    // Verifying with the wrong key: exit 1 with the reference's message.
    let mut c = ours("in-toto-sign");
    c.args(["-f", "root.layout", "-k", "func.pub", "--verify"]);
    let out = expect_code(c, dir, 1);
    assert!(stderr(&out).contains("Signature verification failed: No signature found for key"));
}

/// Members added to `signed` after signing are covered by the signature
/// check here; the reference drops them before checking and passes.
#[test]
fn members_added_after_signing_fail_verification() {
    let tmp = TempDir::new("sign-extra");
    intoto_testkit::copy_tree(&ref_samples(), tmp.path());
    let dir = tmp.path();
    tamper(
        &dir.join("build.a8007901.link"),
        "\"_type\": \"link\",",
        "\"_type\": \"link\",\n  \"extra_products\": {\"evil\": {\"sha256\": \"00\"}},",
    );
    let mut c = ours("in-toto-sign");
    c.args(["-f", "build.a8007901.link", "-k", "func.pub", "--verify"]);
    expect_code(c, dir, 1);
    let mut c = theirs("in-toto-sign");
    c.args(["-f", "build.a8007901.link", "-k", "func.pub", "--verify"]);
    expect_code(c, dir, 0);
}
