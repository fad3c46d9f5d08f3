//! The attack classes of `research/security.md` that concern verification,
//! one test (or a few) per class, named after it. Each attack must fail;
//! each has a benign twin that must pass, so the test cannot pass by
//! failing everything. Where the reference (Python in-toto 3.1.0) accepts
//! the attack, the test says so.

use std::fs;
use std::os::unix::fs::symlink;
use std::time::Duration;

use intoto::model::{Layout, Link, Metadata, Payload};
use intoto::run::command::SystemExecutor;
use intoto::verify::{
    FailureKind, InspectionStatus, LinkStatus, PathProblem, Stage, VerificationReport, verify,
    verify_files,
};
use intoto_cjson::{Map, Value};
use intoto_crypto::PrivateKey;
use intoto_crypto::digest::sha256_hex;
use intoto_dsse::{Envelope, Signature};

use crate::verify_support::*;

/// One step `build` by `alice` with `rules` over its products; its link
/// (with `products`) is written; the layout is signed by `owner`.
struct OneStep {
    env: Env,
    owner: PrivateKey,
    alice: PrivateKey,
    layout: Layout,
}

fn one_step(label: &str, rules: &[&str]) -> OneStep {
    let env = Env::new(label);
    let (owner, alice) = (key(), key());
    let mut l = layout();
    step(&mut l, "build", &[&alice], &[], rules);
    OneStep {
        env,
        owner,
        alice,
        layout: l,
    }
}

impl OneStep {
    fn run(&self) -> VerificationReport {
        let md = signed_layout(&self.layout, &[&self.owner]);
        self.env.verify(&md, &[public(&self.owner)])
    }
}

// ---------------------------------------------------------------- A

/// A: `DISALLOW secret.key` cannot be dodged by spelling the path
/// `x/../secret.key`, `./secret.key`, `a//secret.key` or absolutely.
/// **The reference passes all of these.**
#[test]
fn a_path_spelling_cannot_bypass_rules() {
    for (name, problem) in [
        ("x/../secret.key", Some(PathProblem::DotDot)),
        ("./secret.key", Some(PathProblem::Dot)),
        ("a//secret.key", Some(PathProblem::EmptySegment)),
        ("/abs/secret.key", Some(PathProblem::Absolute)),
        ("foo.py", None),
    ] {
        let t = one_step("a", &["DISALLOW secret.key", "ALLOW *"]);
        t.env
            .put_link(&link("build", &[], &[(name, "key")]), &t.alice);
        let r = t.run();
        match problem {
            None => assert_pass(&r),
            Some(p) => {
                assert_fail(&r, "ArtifactPathError");
                assert!(
                    matches!(&r.failures[0].kind, FailureKind::ArtifactName { artifact, problem, .. }
                        if artifact == name && *problem == p),
                    "{r}"
                );
                assert_eq!(
                    r.step("build").unwrap().links[0].status,
                    LinkStatus::Rejected
                );
            }
        }
    }
}

// ---------------------------------------------------------------- C

/// A step `s` with threshold 2 for alice and carl.
struct Two {
    env: Env,
    owner: PrivateKey,
    alice: PrivateKey,
    carl: PrivateKey,
    layout: Layout,
}

fn two(label: &str) -> Two {
    let env = Env::new(label);
    let (owner, alice, carl) = (key(), key(), key());
    let mut l = layout();
    step(&mut l, "s", &[&alice, &carl], &[], &[]);
    l.steps[0].threshold = 2;
    Two {
        env,
        owner,
        alice,
        carl,
        layout: l,
    }
}

impl Two {
    fn run(&self) -> VerificationReport {
        self.env.verify(
            &signed_layout(&self.layout, &[&self.owner]),
            &[public(&self.owner)],
        )
    }

    fn carl_id(&self) -> String {
        public(&self.carl).keyid().as_str().to_owned()
    }
}

fn the_link() -> Link {
    link("s", &[("src", "src")], &[("out", "out")])
}

/// C, positive control: two genuine signers meet threshold 2.
#[test]
fn c_two_genuine_signers_pass() {
    let t = two("c-ok");
    t.env.put_link(&the_link(), &t.alice);
    t.env.put_dsse_link(&the_link(), &t.carl);
    let r = t.run();
    assert_pass(&r);
    assert_eq!(r.step("s").unwrap().signers.len(), 2);
}

/// C(a): alice's link copied under carl's file name counts once.
#[test]
fn c_a_link_copied_under_another_name() {
    let t = two("c-a");
    let file = t.env.put_link(&the_link(), &t.alice);
    fs::copy(&file, t.env.dir.join(Link::file_name("s", &t.carl_id()))).unwrap();
    let r = t.run();
    assert_fail(&r, "ThresholdVerificationError");
    assert_eq!(
        r.step("s").unwrap().links[1].status,
        LinkStatus::BadSignature
    );
}

/// C(b): alice's signature relabelled with carl's key id, in a Metablock
/// and in a DSSE envelope, does not count for carl.
#[test]
fn c_b_signature_relabelled() {
    let t = two("c-b");
    let mut md = signed(Payload::Link(the_link()), &[&t.alice], false);
    add_signature_as(&mut md, &t.alice, &t.carl_id());
    t.env.put_as("s", public(&t.alice).keyid().as_str(), &md);
    t.env.put_as("s", &t.carl_id(), &md);
    assert_fail(&t.run(), "ThresholdVerificationError");

    let t = two("c-b-dsse");
    let md = signed(Payload::Link(the_link()), &[&t.alice], true);
    let Metadata::Dsse(mut env) = md.clone() else {
        unreachable!()
    };
    let sig = t.alice.sign(&env.pae()).unwrap();
    env.signatures.push(Signature {
        keyid: Some(t.carl_id()),
        sig,
    });
    t.env.put_as("s", public(&t.alice).keyid().as_str(), &md);
    t.env.put_as("s", &t.carl_id(), &Metadata::Dsse(env));
    assert_fail(&t.run(), "ThresholdVerificationError");
}

/// C(c): the same signature object twice in one file counts once.
#[test]
fn c_c_signature_repeated() {
    let t = two("c-c");
    let mut md = signed(Payload::Link(the_link()), &[&t.alice], false);
    let Metadata::Metablock(m) = &mut md else {
        unreachable!()
    };
    m.signatures.push(m.signatures[0].clone());
    t.env.put_as("s", public(&t.alice).keyid().as_str(), &md);
    t.env.put_as("s", &t.carl_id(), &md);
    let r = t.run();
    assert_fail(&r, "ThresholdVerificationError");
    assert_eq!(r.step("s").unwrap().signers.len(), 1);
}

/// C(d): carl's link with a broken signature is skipped.
#[test]
fn c_d_broken_signature() {
    let t = two("c-d");
    t.env.put_link(&the_link(), &t.alice);
    let mut md = signed(Payload::Link(the_link()), &[&t.carl], false);
    let Metadata::Metablock(m) = &mut md else {
        unreachable!()
    };
    let Value::Object(sig) = &mut m.signatures[0] else {
        unreachable!()
    };
    let hex = sig.get("sig").unwrap().as_str().unwrap().to_owned();
    let flipped = format!(
        "{}{}",
        if hex.starts_with('0') { "1" } else { "0" },
        &hex[1..]
    );
    sig.insert("sig".into(), flipped.into());
    t.env.put_as("s", &t.carl_id(), &md);
    let r = t.run();
    assert_fail(&r, "ThresholdVerificationError");
    let check = &r.step("s").unwrap().links[1];
    assert_eq!(check.status, LinkStatus::BadSignature);
    assert_eq!(
        check.detail.as_deref(),
        Some(format!("Invalid signature for keyid '{}'", t.carl_id()).as_str())
    );
}

/// C(e): a link validly signed by an unauthorised key (mallory), under
/// carl's file name or its own, does not count.
#[test]
fn c_e_unauthorised_signer() {
    let t = two("c-e");
    let mallory = key();
    t.env.put_link(&the_link(), &t.alice);
    t.env.put_link(&the_link(), &mallory);
    let md = signed(Payload::Link(the_link()), &[&mallory], false);
    t.env.put_as("s", &t.carl_id(), &md);
    let r = t.run();
    assert_fail(&r, "ThresholdVerificationError");
    assert_eq!(
        r.step("s").unwrap().links.len(),
        2,
        "mallory's own file is never read"
    );
}

/// C(f): two valid links that disagree on products.
#[test]
fn c_f_links_disagree() {
    let t = two("c-f");
    t.env.put_link(&the_link(), &t.alice);
    t.env
        .put_link(&link("s", &[("src", "src")], &[("out", "evil")]), &t.carl);
    let r = t.run();
    assert_fail(&r, "ThresholdVerificationError");
    let FailureKind::ArtifactsDiffer { differences, .. } = &r.failures[0].kind else {
        panic!("{r}")
    };
    assert_eq!(differences[0].path, "out");
    assert_eq!(differences[0].reference, Some(digest("out")));
    assert_eq!(differences[0].other, Some(digest("evil")));
}

/// C(g): alice's key filed twice, under its key id and its legacy
/// (`keyid_hash_algorithms`) key id, with threshold 2 and alice signing
/// both links: one functionary, so it fails. **The reference passes**: it
/// counts key ids, not keys.
#[test]
fn c_g_one_key_under_two_key_ids() {
    let env = Env::new("c-g");
    let (owner, alice) = (key(), key());
    let modern = public(&alice);
    let legacy_dict = {
        let mut d = modern.to_key_dict().as_object().unwrap().clone();
        d.remove("keyid");
        d.insert(
            "keyid_hash_algorithms".into(),
            Value::Array(vec!["sha256".into(), "sha512".into()]),
        );
        let id = sha256_hex(&intoto_cjson::to_canonical(&Value::Object(d.clone())).unwrap());
        d.insert("keyid".into(), id.into());
        Value::Object(d)
    };
    let legacy = intoto_crypto::PublicKey::from_key_dict(&legacy_dict).unwrap();
    assert!(legacy.keyid_matches(), "a genuine legacy key id");
    assert_ne!(legacy.keyid(), modern.keyid());
    let mut l = layout();
    let mut s = intoto::model::Step::new("s");
    s.add_pubkey(&l.add_functionary_key(modern.clone()));
    s.add_pubkey(&l.add_functionary_key(legacy.clone()));
    s.threshold = 2;
    l.steps.push(s);
    env.put_link(&the_link(), &alice);
    let mut md = Metadata::new_metablock(&Payload::Link(the_link()));
    add_signature_as(&mut md, &alice, legacy.keyid().as_str());
    env.put_as("s", legacy.keyid().as_str(), &md);
    let r = env.verify(&signed_layout(&l, &[&owner]), &[public(&owner)]);
    assert_fail(&r, "ThresholdVerificationError");
    let s = r.step("s").unwrap();
    assert!(s.links.iter().all(|c| c.status == LinkStatus::Verified));
    assert_eq!(s.signers, [modern.keyid().as_str()]);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.message.contains("signed by the same key"))
    );
}

// ---------------------------------------------------------------- D

/// D: signatures bind to the layout's key: mallory's signature claiming
/// alice's key id, signatures that are not hex or are truncated, and no
/// signature at all fail; extra unrelated signatures do not hurt.
#[test]
fn d_keyid_key_binding() {
    let mallory = key();
    type Change = fn(&mut Map);
    let cases: Vec<(&str, Change, bool)> = vec![
        ("extra unrelated signatures", |_| {}, true),
        // The signer is chosen below by the case's name.
        ("mallory's signature with alice's key id", |_| {}, false),
        (
            "not hex",
            |sig| {
                sig.insert("sig".into(), "XYZ".into());
            },
            false,
        ),
        (
            "truncated to 32 bytes",
            |sig| {
                let s = sig.get("sig").unwrap().as_str().unwrap()[..64].to_owned();
                sig.insert("sig".into(), s.into());
            },
            false,
        ),
        (
            "63 bytes",
            |sig| {
                let s = sig.get("sig").unwrap().as_str().unwrap()[..126].to_owned();
                sig.insert("sig".into(), s.into());
            },
            false,
        ),
    ];
    for (name, change, pass) in cases {
        let t = one_step("d", &[]);
        let signer = if name.starts_with("mallory") {
            &mallory
        } else {
            &t.alice
        };
        let mut md = Metadata::new_metablock(&Payload::Link(Link::new("build")));
        add_signature_as(&mut md, signer, public(&t.alice).keyid().as_str());
        let Metadata::Metablock(m) = &mut md else {
            unreachable!()
        };
        let Value::Object(sig) = &mut m.signatures[0] else {
            unreachable!()
        };
        change(sig);
        if pass {
            // Signatures by other keys, before and after alice's.
            let mut other = Metadata::Metablock(m.clone());
            other.sign(&mallory).unwrap();
            other.sign(&key()).unwrap();
            md = other;
        }
        t.env
            .put_as("build", public(&t.alice).keyid().as_str(), &md);
        let r = t.run();
        assert_eq!(r.passed(), pass, "{name}: {r}");
    }
    // No signature at all.
    let t = one_step("d-none", &[]);
    t.env.put_as(
        "build",
        public(&t.alice).keyid().as_str(),
        &Metadata::new_metablock(&Payload::Link(Link::new("build"))),
    );
    let r = t.run();
    assert_fail(&r, "ThresholdVerificationError");
    assert_eq!(
        r.step("build").unwrap().links[0].detail.as_deref(),
        Some(format!("No signature found for key '{}'", public(&t.alice).keyid()).as_str())
    );
}

// ---------------------------------------------------------------- E

/// E: members added after signing are covered by the signature (link and
/// layout), a float in a signed body fails cleanly, and artifact names with
/// every kind of character verify. **The reference passes the added
/// members.**
#[test]
fn e_unsigned_members_and_canonical_json() {
    // A link member added after signing.
    let t = one_step("e-link", &[]);
    let mut md = signed(Payload::Link(Link::new("build")), &[&t.alice], false);
    let Metadata::Metablock(m) = &mut md else {
        unreachable!()
    };
    let Value::Object(signed) = &mut m.signed else {
        unreachable!()
    };
    signed.insert("extra_products".into(), Value::Object(Map::new()));
    t.env
        .put_as("build", public(&t.alice).keyid().as_str(), &md);
    assert_fail(&t.run(), "ThresholdVerificationError");

    // A layout member added after signing.
    let env = Env::new("e-layout");
    let owner = key();
    let mut md = signed_layout(&layout(), &[&owner]);
    let Metadata::Metablock(m) = &mut md else {
        unreachable!()
    };
    let Value::Object(signed) = &mut m.signed else {
        unreachable!()
    };
    signed.insert("extra_steps".into(), Value::Array(Vec::new()));
    assert_fail(
        &env.verify(&md, &[public(&owner)]),
        "SignatureVerificationError",
    );

    // A float in the signed body.
    let t = one_step("e-float", &[]);
    let mut value = Link::new("build").to_value();
    let Value::Object(o) = &mut value else {
        unreachable!()
    };
    let mut env_map = Map::new();
    env_map.insert("x".into(), intoto_cjson::from_slice(b"1.5").unwrap());
    o.insert("environment".into(), Value::Object(env_map));
    let md = Metadata::Metablock(intoto::model::Metablock {
        signed: value,
        signatures: Vec::new(),
    });
    t.env
        .put_as("build", public(&t.alice).keyid().as_str(), &md);
    assert!(!t.run().passed());

    // Positive control: names with non-ASCII, private-use, astral,
    // quote, backslash, newline and tab characters.
    let names = [
        "föö.py",
        "\u{e000}.txt",
        "😀.txt",
        "q\"uote.txt",
        "back\\slash.txt",
        "new\nline.txt",
        "tab\tx.txt",
    ];
    let t = one_step("e-names", &["ALLOW *"]);
    let pairs: Vec<(&str, &str)> = names.iter().map(|n| (*n, "x")).collect();
    t.env.put_link(&link("build", &[], &pairs), &t.alice);
    assert_pass(&t.run());
}

// ---------------------------------------------------------------- F

/// F: DSSE envelopes must be verified over PAE with the in-toto payload
/// type, and carry the right payload.
#[test]
fn f_dsse_mistakes() {
    type Forge = fn(&Link, &PrivateKey) -> Vec<u8>;
    let cases: Vec<(&str, Forge, bool)> = vec![
        (
            "genuine",
            |l, k| {
                let md = signed(Payload::Link(l.clone()), &[k], true);
                md.to_bytes()
            },
            true,
        ),
        (
            "payloadType changed after signing",
            |l, k| {
                let Metadata::Dsse(mut e) = signed(Payload::Link(l.clone()), &[k], true) else {
                    unreachable!()
                };
                e.payload_type = "application/vnd.in-toto.evil+json".into();
                e.to_json().into_bytes()
            },
            false,
        ),
        (
            "signed under another payloadType",
            |l, k| {
                let payload =
                    intoto_cjson::to_python_json(&l.to_value(), intoto_cjson::Style::Spaced);
                let sig = k
                    .sign(&intoto_dsse::pae("text/plain", payload.as_bytes()))
                    .unwrap();
                let mut e = Envelope::new(payload.into_bytes(), intoto::model::PAYLOAD_TYPE);
                e.signatures.push(Signature {
                    keyid: Some(k.public_key().keyid().as_str().to_owned()),
                    sig,
                });
                e.to_json().into_bytes()
            },
            false,
        ),
        (
            "signature over the raw payload",
            |l, k| {
                let payload =
                    intoto_cjson::to_python_json(&l.to_value(), intoto_cjson::Style::Spaced);
                let sig = k.sign(payload.as_bytes()).unwrap();
                let mut e = Envelope::new(payload.into_bytes(), intoto::model::PAYLOAD_TYPE);
                e.signatures.push(Signature {
                    keyid: Some(k.public_key().keyid().as_str().to_owned()),
                    sig,
                });
                e.to_json().into_bytes()
            },
            false,
        ),
        (
            "PAE over the base64 text",
            |l, k| {
                let payload =
                    intoto_cjson::to_python_json(&l.to_value(), intoto_cjson::Style::Spaced);
                let encoded = Envelope::new(payload.clone().into_bytes(), "x").to_value();
                let b64 = encoded
                    .get("payload")
                    .and_then(Value::as_str)
                    .unwrap()
                    .to_owned();
                let sig = k
                    .sign(&intoto_dsse::pae(
                        intoto::model::PAYLOAD_TYPE,
                        b64.as_bytes(),
                    ))
                    .unwrap();
                let mut e = Envelope::new(payload.into_bytes(), intoto::model::PAYLOAD_TYPE);
                e.signatures.push(Signature {
                    keyid: Some(k.public_key().keyid().as_str().to_owned()),
                    sig,
                });
                e.to_json().into_bytes()
            },
            false,
        ),
        (
            "payload swapped",
            |l, k| {
                let Metadata::Dsse(mut e) = signed(Payload::Link(l.clone()), &[k], true) else {
                    unreachable!()
                };
                let mut evil = l.clone();
                evil.products.insert("backdoor".into(), digest("evil"));
                e.payload =
                    intoto_cjson::to_python_json(&evil.to_value(), intoto_cjson::Style::Spaced)
                        .into_bytes();
                e.to_json().into_bytes()
            },
            false,
        ),
        (
            // Attestations are evidence (see verify_attestations.rs): a
            // link v0.3 Statement for the step is the step's link.
            "a signed link v0.3 Statement as the link",
            |l, k| {
                let statement = format!(
                    r#"{{"_type": "https://in-toto.io/Statement/v1", "subject": [], "predicateType": "https://in-toto.io/attestation/link/v0.3", "predicate": {{"name": "{}"}}}}"#,
                    l.name
                );
                let mut e = Envelope::new(statement.into_bytes(), intoto::model::PAYLOAD_TYPE);
                e.sign(k).unwrap();
                e.to_json().into_bytes()
            },
            true,
        ),
        (
            "a signed Statement of another predicate type as the link",
            |l, k| {
                let statement = format!(
                    r#"{{"_type": "https://in-toto.io/Statement/v1", "subject": [], "predicateType": "https://in-toto.io/Link/v0.2", "predicate": {{"name": "{}"}}}}"#,
                    l.name
                );
                let mut e = Envelope::new(statement.into_bytes(), intoto::model::PAYLOAD_TYPE);
                e.sign(k).unwrap();
                e.to_json().into_bytes()
            },
            false,
        ),
        (
            "non-base64 payload",
            |_, k| {
                format!(
                r#"{{"payload": "!!not base64!!", "payloadType": "{}", "signatures": [{{"keyid": "{}", "sig": "AAAA"}}]}}"#,
                intoto::model::PAYLOAD_TYPE,
                k.public_key().keyid()
            )
            .into_bytes()
            },
            false,
        ),
    ];
    for (name, forge, pass) in cases {
        let t = one_step("f", &[]);
        let bytes = forge(&Link::new("build"), &t.alice);
        fs::write(
            t.env
                .dir
                .join(Link::file_name("build", public(&t.alice).keyid().as_str())),
            bytes,
        )
        .unwrap();
        let r = t.run();
        assert_eq!(r.passed(), pass, "{name}: {r}");
    }
}

/// F: a link (DSSE or Metablock), validly signed by the owner, given as the
/// layout fails.
#[test]
fn f_link_as_layout() {
    for dsse in [false, true] {
        let env = Env::new("f-link-layout");
        let owner = key();
        let md = signed(Payload::Link(Link::new("x")), &[&owner], dsse);
        let path = env.dir.join("root.layout");
        intoto::metadata_io::write_metadata(&path, &md).unwrap();
        let pubkey = env.dir.join("owner.pub");
        fs::write(&pubkey, public(&owner).to_pem().unwrap()).unwrap();
        let r = verify_files(&path, &[pubkey], &env.options(&NEVER));
        assert_fail(&r, "AttributeError");
    }
}

// ---------------------------------------------------------------- G

/// G: hostile JSON in link files and layouts fails with a message, never a
/// panic or a stack overflow: duplicate keys (**the reference keeps the
/// last and passes the DSSE case**), deep nesting, invalid UTF-8, lone
/// surrogates, NaN, huge numbers, wrong types, a 12 MB junk file.
#[test]
fn g_hostile_json_in_links() {
    let honest = r#""products": {"out": {"sha256": "aa"}}"#;
    let evil = r#""products": {"out": {"sha256": "bb"}}"#;
    let payload = format!(r#"{{"_type": "link", "name": "build", {honest}, {evil}}}"#);
    let mut junk: Vec<(&str, Vec<u8>)> = vec![
        ("deep", format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
        ("invalid utf-8", b"{\"signed\": {\"_type\": \"link\", \"name\": \"\xff\"}, \"signatures\": []}".to_vec()),
        ("lone surrogate", br#"{"signed": {"_type": "link", "name": "\ud800"}, "signatures": []}"#.to_vec()),
        ("NaN", br#"{"signed": {"_type": "link", "name": "build", "byproducts": {"x": NaN}}, "signatures": []}"#.to_vec()),
        ("junk", vec![b'x'; 12 * 1024 * 1024]),
    ];
    junk.push(("duplicate products (metablock)", format!(r#"{{"signed": {{"_type": "link", "name": "build", {honest}, {evil}}}, "signatures": []}}"#).into_bytes()));
    for (name, bytes) in junk {
        let t = one_step("g", &[]);
        fs::write(
            t.env
                .dir
                .join(Link::file_name("build", public(&t.alice).keyid().as_str())),
            bytes,
        )
        .unwrap();
        let r = t.run();
        assert!(!r.passed(), "{name}");
        assert!(
            matches!(r.failures[0].kind, FailureKind::LinkUnreadable { .. }),
            "{name}: {r}"
        );
    }
    // Wrong types, validly signed.
    let t = one_step("g-types", &[]);
    let value = intoto_cjson::from_slice(br#"{"_type": "link", "name": "build", "materials": []}"#)
        .unwrap();
    let mut md = Metadata::Metablock(intoto::model::Metablock {
        signed: value,
        signatures: Vec::new(),
    });
    md.sign(&t.alice).unwrap();
    t.env
        .put_as("build", public(&t.alice).keyid().as_str(), &md);
    let r = t.run();
    assert_fail(&r, "FormatError");
    assert!(
        matches!(r.failures[0].kind, FailureKind::LinkUnreadable { .. }),
        "{r}"
    );
    // A DSSE payload with `products` twice, validly signed.
    let t = one_step("g-dsse", &[]);
    let mut e = Envelope::new(payload.into_bytes(), intoto::model::PAYLOAD_TYPE);
    e.sign(&t.alice).unwrap();
    t.env.put_as(
        "build",
        public(&t.alice).keyid().as_str(),
        &Metadata::Dsse(e),
    );
    let r = t.run();
    assert!(!r.passed(), "{r}");
    assert!(
        matches!(r.failures[0].kind, FailureKind::LinkUnreadable { .. }),
        "{r}"
    );
}

/// G: hostile layouts: a threshold of 1e30, `steps: null`, duplicate step
/// names, a step name that would escape the link directory.
#[test]
fn g_hostile_layouts() {
    let env = Env::new("g-layouts");
    let owner = key();
    let pubkey = env.dir.join("owner.pub");
    fs::write(&pubkey, public(&owner).to_pem().unwrap()).unwrap();
    let step_json = |name: &str, threshold: &str| {
        format!(
            r#"{{"_type": "step", "name": "{name}", "pubkeys": [], "threshold": {threshold}, "expected_command": [], "expected_materials": [], "expected_products": []}}"#
        )
    };
    for (name, steps) in [
        ("threshold 1e30", format!("[{}]", step_json("s", "1e30"))),
        ("steps null", "null".to_owned()),
        (
            "duplicate names",
            format!("[{}, {}]", step_json("s", "1"), step_json("s", "1")),
        ),
        ("escaping name", format!("[{}]", step_json("../x", "1"))),
        ("fine", format!("[{}]", step_json("s", "1"))),
    ] {
        let doc = format!(
            r#"{{"_type": "layout", "expires": "2030-01-01T00:00:00Z", "keys": {{}}, "readme": "", "inspect": [], "steps": {steps}}}"#
        );
        let value = intoto_cjson::from_slice(doc.as_bytes()).unwrap();
        let mut md = Metadata::Metablock(intoto::model::Metablock {
            signed: value,
            signatures: Vec::new(),
        });
        if name.contains("1e30") {
            // It cannot even be signed; any signature will do.
            add_signature_as(&mut md, &owner, public(&owner).keyid().as_str());
        } else {
            md.sign(&owner).unwrap();
        }
        let path = env.dir.join("root.layout");
        intoto::metadata_io::write_metadata(&path, &md).unwrap();
        let r = verify_files(&path, std::slice::from_ref(&pubkey), &env.options(&NEVER));
        if name.contains("1e30") {
            assert_fail(&r, "FormatError");
        } else if name == "fine" {
            // One step without links: it fails for that reason only.
            assert_fail(&r, "LinkNotFoundError");
        } else {
            assert_fail(&r, "FormatError");
            assert_eq!(r.failures[0].stage, Stage::ExtractLayout, "{name}");
        }
    }
}

// ---------------------------------------------------------------- H

/// H: expiry. Malformed dates are errors; expired root layouts and
/// sublayouts fail; two hours ahead passes.
#[test]
fn h_layout_expiry() {
    let env = Env::new("h");
    let owner = key();
    let pubkey = env.dir.join("owner.pub");
    fs::write(&pubkey, public(&owner).to_pem().unwrap()).unwrap();
    for (expires, kind) in [
        (Some("2001-01-01T00:00:00Z"), Some("LayoutExpiredError")),
        (Some("2025-06-01T11:55:00Z"), Some("LayoutExpiredError")),
        (Some("2099-02-30T00:00:00Z"), Some("FormatError")),
        (Some("never"), Some("FormatError")),
        (None, Some("FormatError")),
        (Some("2025-06-01T14:00:00Z"), None),
    ] {
        let mut value = layout().to_value();
        let Value::Object(o) = &mut value else {
            unreachable!()
        };
        match expires {
            Some(e) => o.insert("expires".into(), e.into()),
            None => o.remove("expires"),
        };
        let mut md = Metadata::Metablock(intoto::model::Metablock {
            signed: value,
            signatures: Vec::new(),
        });
        md.sign(&owner).unwrap();
        let path = env.dir.join("root.layout");
        intoto::metadata_io::write_metadata(&path, &md).unwrap();
        let r = verify_files(&path, std::slice::from_ref(&pubkey), &env.options(&NEVER));
        match kind {
            None => assert_pass(&r),
            Some(k) => {
                assert_fail(&r, k);
            }
        }
    }
}

// ---------------------------------------------------------------- I

/// I: alice may perform `build` and `review`; her build link copied to
/// `review.<alice>.link` is refused because its signed name is `build`.
/// **The reference passes.**
#[test]
fn i_link_reused_for_another_step() {
    let env = Env::new("i");
    let (owner, alice) = (key(), key());
    let mut l = layout();
    step(&mut l, "build", &[&alice], &[], &[]);
    step(&mut l, "review", &[&alice], &[], &[]);
    let file = env.put_link(&Link::new("build"), &alice);
    let md = signed_layout(&l, &[&owner]);
    let review = env
        .dir
        .join(Link::file_name("review", public(&alice).keyid().as_str()));
    env.put_link(&Link::new("review"), &alice);
    assert_pass(&env.verify(&md, &[public(&owner)]));
    fs::copy(&file, &review).unwrap();
    let r = env.verify(&md, &[public(&owner)]);
    assert_fail(&r, "LinkNameMismatchError");
    assert!(matches!(&r.failures[0].kind,
        FailureKind::LinkNameMismatch { step, name, .. } if step == "review" && name == "build"));
}

// ---------------------------------------------------------------- J

/// J: sublayouts get the full verification, with their links only from
/// `<step>.<keyid[:8]>/`.
#[test]
fn j_sublayout_namespacing() {
    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Case {
        Valid,
        UnauthorisedSigner,
        LinksInTopLevelDir,
        TamperedInnerLink,
        Expired,
    }
    for case in [
        Case::Valid,
        Case::UnauthorisedSigner,
        Case::LinksInTopLevelDir,
        Case::TamperedInnerLink,
        Case::Expired,
    ] {
        let env = Env::new("j");
        let (owner, bob, carl, mallory) = (key(), key(), key(), key());
        let mut root = layout();
        step(&mut root, "delegated", &[&bob], &[], &[]);
        let mut sub = layout();
        step(&mut sub, "inner", &[&carl], &[], &["CREATE out"]);
        if case == Case::Expired {
            sub.expires = now().add_seconds(-60);
        }
        let signer = if case == Case::UnauthorisedSigner {
            &mallory
        } else {
            &bob
        };
        env.put_as(
            "delegated",
            public(&bob).keyid().as_str(),
            &signed_layout(&sub, &[signer]),
        );
        let dir = if case == Case::LinksInTopLevelDir {
            env.path().to_path_buf()
        } else {
            env.sublayout_dir("delegated", &bob)
        };
        let inner = link("inner", &[], &[("out", "out")]);
        let mut md = signed(Payload::Link(inner), &[&carl], false);
        if case == Case::TamperedInnerLink {
            let Metadata::Metablock(m) = &mut md else {
                unreachable!()
            };
            m.signed = link("inner", &[], &[("out", "evil")]).to_value();
        }
        intoto::metadata_io::write_metadata(
            &dir.join(Link::file_name("inner", public(&carl).keyid().as_str())),
            &md,
        )
        .unwrap();
        let r = env.verify(&signed_layout(&root, &[&owner]), &[public(&owner)]);
        let expect = match case {
            Case::Valid => None,
            Case::UnauthorisedSigner => Some("ThresholdVerificationError"),
            Case::LinksInTopLevelDir => Some("LinkNotFoundError"),
            Case::TamperedInnerLink => Some("ThresholdVerificationError"),
            Case::Expired => Some("LayoutExpiredError"),
        };
        match expect {
            None => assert_pass(&r),
            Some(kind) => {
                assert_fail(&r, kind);
                if case != Case::UnauthorisedSigner {
                    assert!(
                        matches!(r.failures[0].kind, FailureKind::Sublayout { .. }),
                        "{case:?}: {r}"
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------- K

/// The demo tail: step `package` by alice produced `foo.tar.gz`; the
/// inspection `untar` runs `run`, then its products must match or be
/// disallowed.
fn k_chain(label: &str, run: &[&str], step_rules: &[&str]) -> (Env, Metadata, PrivateKey) {
    let env = Env::new(label);
    let (owner, alice) = (key(), key());
    let mut l = layout();
    step(&mut l, "package", &[&alice], &[], step_rules);
    inspection(
        &mut l,
        "untar",
        run,
        &["MATCH foo.tar.gz WITH PRODUCTS FROM package", "ALLOW *"],
        &[
            "MATCH foo.tar.gz WITH PRODUCTS FROM package",
            "ALLOW foo.py",
            "DISALLOW *",
        ],
    );
    env.put_link(&link("package", &[], &[("foo.tar.gz", "tgz")]), &alice);
    env.dir.write("foo.tar.gz", "tgz");
    let md = signed_layout(&l, &[&owner]);
    (env, md, owner)
}

/// K: inspection commands are argument vectors, never shell strings.
#[test]
fn k_no_shell() {
    let (env, md, owner) = k_chain(
        "k-shell",
        &[
            "echo",
            "$(touch pwned1)",
            ";",
            "touch",
            "pwned2",
            "`touch pwned3`",
        ],
        &[],
    );
    let r = verify(&md, &[public(&owner)], &env.options(&SystemExecutor));
    assert_pass(&r);
    for f in ["pwned1", "pwned2", "pwned3"] {
        assert!(!env.dir.join(f).exists(), "{f} was created");
    }
}

/// K: failing commands, missing programs and timeouts fail verification.
#[test]
fn k_failing_inspections() {
    for (run, kind) in [
        (vec!["false"], "BadReturnValueError"),
        (vec!["no-such-program-for-in-toto"], "FileNotFoundError"),
        (vec!["sleep", "30"], "TimeoutExpired"),
    ] {
        let (env, md, owner) = k_chain("k-fail", &run, &[]);
        let opts = env
            .options(&SystemExecutor)
            .inspection_timeout(Duration::from_secs(1));
        let r = verify(&md, &[public(&owner)], &opts);
        assert_fail(&r, kind);
        assert_eq!(
            r.inspection("untar").unwrap().status,
            InspectionStatus::Failed
        );
    }
}

/// K: an inspection whose command creates a file its rules disallow fails;
/// so does an unpacked tarball that carries an extra `evil.pyc` (we record
/// `*.pyc`; **the reference's default excludes hide it and it passes**).
#[test]
fn k_inspection_products_are_checked() {
    for (created, pass) in [("foo.py", true), ("evil.sh", false), ("evil.pyc", false)] {
        let (env, md, owner) = k_chain("k-products", &["untar"], &[]);
        let exec = ScriptExec::new(move |dir, _| {
            fs::write(dir.join("foo.py"), "code").unwrap();
            fs::write(dir.join(created), "x").unwrap();
            Ok(output(0))
        });
        let r = env.verify_with(&md, &[public(&owner)], &exec);
        assert_eq!(r.passed(), pass, "{created}: {r}");
        if !pass {
            assert_fail(&r, "RuleVerificationError");
            assert!(r.to_string().contains(created), "{r}");
        }
    }
}

/// K: inspections never run when step rules failed.
#[test]
fn k_no_inspection_after_failed_step_rules() {
    let (env, md, owner) = k_chain("k-order", &["untar"], &["DISALLOW *"]);
    let r = env.verify(&md, &[public(&owner)]);
    assert_fail(&r, "RuleVerificationError");
    assert_eq!(
        r.inspection("untar").unwrap().status,
        InspectionStatus::NotRun
    );
    assert_eq!(
        r.stage(Stage::Inspections).unwrap().status,
        intoto::verify::StageStatus::Skipped
    );
}

/// K: a planted `untar.link -> victim` symlink is replaced, and the victim
/// is not written through it. **The reference writes through the symlink.**
#[test]
fn k_inspection_link_does_not_follow_symlinks() {
    let (env, md, owner) = k_chain("k-symlink", &["untar"], &[]);
    let victim = env.dir.join("victim");
    fs::write(&victim, "precious").unwrap();
    symlink(&victim, env.dir.join("untar.link")).unwrap();
    let exec = ScriptExec::new(|dir, _| {
        fs::write(dir.join("foo.py"), "code").unwrap();
        Ok(output(0))
    });
    let mut l: Layout = match md.payload().unwrap() {
        Payload::Layout(l) => l,
        _ => unreachable!(),
    };
    // The victim is a product the rules allow here.
    l.inspect[0]
        .expected_products
        .insert(0, "ALLOW victim".parse().unwrap());
    let owner2 = owner;
    let md = signed_layout(&l, &[&owner2]);
    let r = env.verify_with(&md, &[public(&owner2)], &exec);
    assert_pass(&r);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert!(
        !fs::symlink_metadata(env.dir.join("untar.link"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

// ---------------------------------------------------------------- L

/// L: the final product swapped for a symlink to an evil tarball fails:
/// the content read is what is hashed.
#[test]
fn l_symlinked_final_product() {
    let (env, md, owner) = k_chain("l-product", &["untar"], &[]);
    let exec = ScriptExec::new(|dir, _| {
        fs::write(dir.join("foo.py"), "code").unwrap();
        Ok(output(0))
    });
    assert_pass(&env.verify_with(&md, &[public(&owner)], &exec));
    let (env, md, owner) = k_chain("l-product", &["untar"], &[]);
    fs::remove_file(env.dir.join("foo.tar.gz")).unwrap();
    fs::write(env.dir.join("evil.tgz"), "evil").unwrap();
    symlink("evil.tgz", env.dir.join("foo.tar.gz")).unwrap();
    let r = env.verify_with(&md, &[public(&owner)], &exec);
    assert_fail(&r, "RuleVerificationError");
}

/// L: a link file that is a symlink to a link signed by mallory fails; a
/// link path that is a FIFO or a symlink to /dev/zero fails at once (**the
/// reference blocks on the FIFO**); a working directory with a symlink
/// loop, a dangling symlink, a /dev/zero symlink and a FIFO still verifies.
#[test]
fn l_special_files() {
    let t = one_step("l-mallory", &[]);
    let mallory = key();
    let evil = t.env.dir.join("evil.link");
    intoto::metadata_io::write_metadata(
        &evil,
        &signed(Payload::Link(Link::new("build")), &[&mallory], false),
    )
    .unwrap();
    let path = t
        .env
        .dir
        .join(Link::file_name("build", public(&t.alice).keyid().as_str()));
    symlink(&evil, &path).unwrap();
    assert_fail(&t.run(), "ThresholdVerificationError");

    for special in ["fifo", "/dev/zero"] {
        let t = one_step("l-special", &[]);
        let path = t
            .env
            .dir
            .join(Link::file_name("build", public(&t.alice).keyid().as_str()));
        if special == "fifo" {
            let status = std::process::Command::new("mkfifo")
                .arg(&path)
                .status()
                .unwrap();
            assert!(status.success());
        } else {
            symlink(special, &path).unwrap();
        }
        let r = t.run();
        assert!(!r.passed());
        assert!(
            matches!(r.failures[0].kind, FailureKind::LinkUnreadable { .. }),
            "{special}: {r}"
        );
    }

    let (env, md, owner) = k_chain("l-dir", &["untar"], &[]);
    let mut l: Layout = match md.payload().unwrap() {
        Payload::Layout(l) => l,
        _ => unreachable!(),
    };
    l.inspect[0].expected_products = vec!["ALLOW *".parse().unwrap()];
    let md = signed_layout(&l, &[&owner]);
    symlink(".", env.dir.join("loop")).unwrap();
    symlink("nowhere", env.dir.join("dangling")).unwrap();
    symlink("/dev/zero", env.dir.join("zero")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(env.dir.join("fifo"))
        .status()
        .unwrap();
    assert!(status.success());
    let r = env.verify_with(&md, &[public(&owner)], &ScriptExec::returning(0));
    assert_pass(&r);
    assert!(!r.warnings.is_empty(), "the skipped files are reported");
}
