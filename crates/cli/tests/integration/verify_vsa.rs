//! `in-toto-verify --vsa`: a signed SLSA verification summary of a passed
//! and of a failed verification, over classic links and over attestations
//! (also as `in-toto-run --attestation` and `in-toto attest provenance` write
//! them), checked with `in-toto attest verify`; and the Python attestation
//! bindings read what we write.

use std::fs;
use std::path::Path;

use intoto::model::{Link, Payload};
use intoto_attestation::{
    ClassicLink, Predicate, Statement, VerificationResult, VerificationSummary, VerifiedStatement,
};
use intoto_crypto::digest::sha256_hex;
use intoto_crypto::{PrivateKey, PublicKey};
use intoto_dsse::Envelope;

use crate::util::*;

/// The reference's samples (`root.layout` by owner, the build link by
/// func, the project files) in a fresh directory.
fn samples(label: &str) -> TempDir {
    let tmp = TempDir::new(label);
    intoto_testkit::copy_tree(&ref_samples(), tmp.path());
    intoto_testkit::copy_tree(&ref_samples().join("proj"), tmp.path());
    tmp
}

fn owner_public(dir: &Path) -> PublicKey {
    PublicKey::from_pem(&fs::read(dir.join("owner.pub")).unwrap()).unwrap()
}

/// Runs `in-toto-verify` with `--vsa vsa.json` signed by the owner's key,
/// expecting `code`, and returns the verified summary.
fn verify_with_vsa(dir: &Path, code: i32, extra: &[&str]) -> (Statement, String) {
    let mut cmd = ours("in-toto-verify");
    cmd.args([
        "-l",
        "root.layout",
        "--verification-keys",
        "owner.pub",
        "--vsa",
        "vsa.json",
        "--vsa-signing-key",
        "owner",
    ])
    .args(extra);
    let out = expect_code(cmd, dir, code);
    let bytes = fs::read(dir.join("vsa.json")).unwrap();
    let env = Envelope::from_slice(&bytes).unwrap();
    let owner = owner_public(dir);
    let verified = VerifiedStatement::verify(&env, &[&owner], 1).unwrap();
    (verified.into_statement(), stderr(&out))
}

fn summary(s: &Statement) -> &VerificationSummary {
    match &s.predicate {
        Predicate::Vsa(v) => v,
        other => panic!("not a VSA: {}", other.predicate_type()),
    }
}

fn input_digest(v: &VerificationSummary, file: &str) -> Option<String> {
    v.input_attestations
        .as_ref()?
        .iter()
        .find(|i| i.uri().is_some_and(|u| u.ends_with(&format!("/{file}"))))
        .and_then(|i| i.digest())
        .and_then(|d| d.get("sha256"))
        .map(str::to_owned)
}

#[test]
fn vsa_of_a_passed_and_a_failed_verification() {
    let tmp = samples("vsa-classic");
    let dir = tmp.path();
    let layout_sha = sha256_hex(&fs::read(dir.join("root.layout")).unwrap());
    let link_sha = sha256_hex(&fs::read(dir.join("build.a8007901.link")).unwrap());

    let (s, _) = verify_with_vsa(dir, 0, &[]);
    assert_eq!(
        s.predicate_type(),
        "https://slsa.dev/verification_summary/v1"
    );
    let v = summary(&s);
    assert_eq!(v.verification_result, VerificationResult::Passed);
    assert!(v.verified_levels.is_empty());
    assert_eq!(v.verifier.id, "https://in-toto.io/verifier/intoto-rs");
    assert!(v.time_verified.is_some());
    assert!(
        v.policy.uri().unwrap().starts_with("file:///")
            && v.policy.uri().unwrap().ends_with("/root.layout"),
        "{:?}",
        v.policy
    );
    assert_eq!(
        v.policy.digest().unwrap().get("sha256"),
        Some(layout_sha.as_str())
    );
    assert_eq!(
        input_digest(v, "build.a8007901.link").as_deref(),
        Some(link_sha.as_str())
    );
    // The subjects are the build step's products, with their digests.
    let names: Vec<&str> = s.subject.iter().filter_map(|d| d.name()).collect();
    assert!(names.contains(&"foo.txt"), "{names:?}");
    let foo = s
        .subject
        .iter()
        .find(|d| d.name() == Some("foo.txt"))
        .unwrap();
    assert_eq!(
        foo.digest().unwrap().get("sha256"),
        Some(sha256_hex(&fs::read(dir.join("foo.txt")).unwrap()).as_str())
    );
    assert_eq!(v.resource_uri, format!("file:{}", names[0]));

    // The build re-recorded (validly signed) with a product the layout
    // disallows: FAILED, exit 1, same policy digest, the products named.
    as_attestation(dir, Some("evil.bin"));
    let (s, err) = verify_with_vsa(
        dir,
        1,
        &[
            "--vsa-verifier-id",
            "https://verifier.example.com/v1",
            "--vsa-resource-uri",
            "pkg:generic/foo@1.0",
        ],
    );
    assert!(
        err.contains("'build', expected_products")
            && err.contains("DISALLOW *")
            && err.contains("evil.bin"),
        "{err}"
    );
    assert!(s.subject.iter().any(|d| d.name() == Some("evil.bin")));
    let v = summary(&s);
    assert_eq!(v.verification_result, VerificationResult::Failed);
    assert_eq!(v.verified_levels, ["FAILED"]);
    assert_eq!(v.verifier.id, "https://verifier.example.com/v1");
    assert_eq!(v.resource_uri, "pkg:generic/foo@1.0");
    assert_eq!(
        v.policy.digest().unwrap().get("sha256"),
        Some(layout_sha.as_str())
    );
}

/// The build step's link (from the samples), re-recorded as a link v0.3
/// attestation by the same functionary, in the same file; with `extra`, one
/// more product.
fn as_attestation(dir: &Path, extra: Option<&str>) -> Envelope {
    let md =
        intoto::metadata_io::load_metadata(&ref_samples().join("build.a8007901.link")).unwrap();
    let Payload::Link(mut link) = md.payload().unwrap() else {
        panic!("not a link")
    };
    if let Some(name) = extra {
        let d = link.products.values().next().unwrap().clone();
        link.products.insert(name.to_owned(), d);
    }
    let statement = Statement::from_classic_link(&classic(&link)).unwrap();
    let func = PrivateKey::from_pem(&fs::read(dir.join("func")).unwrap(), None).unwrap();
    let env = statement.sign(&[&func]).unwrap();
    fs::write(dir.join("build.a8007901.link"), env.to_json()).unwrap();
    env
}

fn classic(link: &Link) -> ClassicLink {
    let conv = |a: &intoto::model::Artifacts| {
        a.iter()
            .map(|(p, d)| {
                (
                    p.clone(),
                    d.iter()
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                        .collect(),
                )
            })
            .collect()
    };
    ClassicLink {
        name: link.name.clone(),
        command: link.command.clone(),
        materials: conv(&link.materials),
        products: conv(&link.products),
        byproducts: link.byproducts.clone(),
        environment: link.environment.clone(),
    }
}

#[test]
fn vsa_over_an_attestation_and_bad_arguments() {
    let tmp = samples("vsa-attestation");
    let dir = tmp.path();
    let env = as_attestation(dir, None);
    let (s, _) = verify_with_vsa(dir, 0, &["--report-json", "report.json"]);
    assert_eq!(summary(&s).verification_result, VerificationResult::Passed);
    assert_eq!(
        input_digest(summary(&s), "build.a8007901.link").as_deref(),
        Some(sha256_hex(env.to_json().as_bytes()).as_str())
    );
    let report = fs::read_to_string(dir.join("report.json")).unwrap();
    assert!(report.contains(r#""kind": "link-v0.3""#), "{report}");

    // A wrong payload type: rejected, naming the file and the reason.
    let mut bad = env;
    bad.payload_type = "application/vnd.example+json".into();
    fs::write(dir.join("build.a8007901.link"), bad.to_json()).unwrap();
    let (s, err) = verify_with_vsa(dir, 1, &[]);
    assert_eq!(summary(&s).verification_result, VerificationResult::Failed);
    assert!(
        err.contains("build.a8007901.link") && err.contains("unsupported DSSE payload type"),
        "{err}"
    );

    // --vsa needs a key, and URIs must be URIs (usage errors, exit 2).
    for args in [
        vec!["--vsa", "x.json"],
        vec!["--vsa-signing-key", "owner"],
        vec![
            "--vsa",
            "x.json",
            "--vsa-signing-key",
            "owner",
            "--vsa-verifier-id",
            "not a uri",
        ],
    ] {
        let mut cmd = ours("in-toto-verify");
        cmd.args(["-l", "root.layout", "--verification-keys", "owner.pub"])
            .args(&args);
        expect_code(cmd, dir, 2);
    }
    // A key that cannot be read: exit 1 before verifying, no summary.
    let mut cmd = ours("in-toto-verify");
    cmd.args([
        "-l",
        "root.layout",
        "--verification-keys",
        "owner.pub",
        "--vsa",
        "y.json",
        "--vsa-signing-key",
        "owner.pub",
    ]);
    expect_code(cmd, dir, 1);
    assert!(!dir.join("y.json").exists());
}

/// The Python in-toto attestation bindings read the summary we write: the
/// Statement validates, and the predicate parses as their VSA v1 proto
/// (whose released version wants `verifiedLevels` as one string).
#[test]
fn python_bindings_read_our_vsa() {
    let tmp = samples("vsa-python");
    let dir = tmp.path();
    as_attestation(dir, Some("evil.bin"));
    let (s, _) = verify_with_vsa(dir, 1, &[]);
    let payload = s.to_json();
    let script = r#"
import json, sys
from google.protobuf import json_format
from in_toto_attestation.v1.statement import Statement
import in_toto_attestation.v1.statement_pb2 as spb
from in_toto_attestation.predicates.vsa.v1 import vsa_pb2
text = sys.stdin.read()
pb = spb.Statement()
json_format.Parse(text, pb)
Statement.copy_from_pb(pb).validate()
d = json.loads(text)
p = d["predicate"]
p["verifiedLevels"] = p["verifiedLevels"][0]
vsa = vsa_pb2.VerificationSummary()
json_format.ParseDict(p, vsa)
print(json.dumps({"type": pb.predicate_type, "result": vsa.verification_result,
                  "policy": vsa.policy.digest["sha256"], "inputs": len(vsa.input_attestations),
                  "subjects": [s.name for s in pb.subject]}))
"#;
    let out = python(script, payload.as_bytes(), dir);
    let v = intoto_cjson::from_slice(&out).unwrap();
    let layout_sha = sha256_hex(&fs::read(dir.join("root.layout")).unwrap());
    assert_eq!(
        v.get("type").and_then(|x| x.as_str()),
        Some("https://slsa.dev/verification_summary/v1")
    );
    assert_eq!(v.get("result").and_then(|x| x.as_str()), Some("FAILED"));
    assert_eq!(
        v.get("policy").and_then(|x| x.as_str()),
        Some(layout_sha.as_str())
    );
    assert_eq!(v.get("inputs").and_then(|x| x.as_i64()), Some(1));
    let subjects = v.get("subjects").and_then(|x| x.as_array()).unwrap();
    assert_eq!(subjects.len(), s.subject.len());
}

/// The whole loop with our own tools: `in-toto-run --attestation` (link
/// v0.3) and `in-toto attest provenance` (SLSA provenance v1) record the
/// build step, `in-toto-verify --vsa` verifies the samples' classic layout
/// over it, and `in-toto attest verify` checks the summary.
#[test]
fn attest_tools_feed_verify_and_check_its_vsa() {
    let tmp = samples("vsa-attest-tools");
    let dir = tmp.path();
    let attest = [
        ["in-toto-run", "--attestation"].as_slice(),
        [
            "in-toto",
            "attest",
            "provenance",
            "--builder-id",
            "https://ci.example.com/b",
        ]
        .as_slice(),
    ];
    for (i, tool) in attest.iter().enumerate() {
        fs::remove_file(dir.join("build.a8007901.link")).unwrap();
        let mut run = ours(tool[0]);
        run.args(&tool[1..]).args([
            "-n",
            "build",
            "--signing-key",
            "func",
            "-m",
            "foo.txt",
            "-p",
            "foo.txt",
            "sub",
            "--",
            "true",
        ]);
        expect_code(run, dir, 0);
        let (s, _) = verify_with_vsa(dir, 0, &["--report-json", "report.json"]);
        assert_eq!(summary(&s).verification_result, VerificationResult::Passed);
        let report = fs::read_to_string(dir.join("report.json")).unwrap();
        let kind = ["link-v0.3", "slsa-provenance-v1"][i];
        assert!(report.contains(&format!(r#""kind": "{kind}""#)), "{report}");

        let mut check = ours("in-toto");
        check.args([
            "attest",
            "verify",
            "vsa.json",
            "--key",
            "owner.pub",
            "--type",
            "https://slsa.dev/verification_summary/v1",
            "-s",
            "foo.txt",
        ]);
        let out = expect_code(check, dir, 0);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("verified"),
            "{out:?}"
        );
        // Not by another key.
        let mut check = ours("in-toto");
        check.args(["attest", "verify", "vsa.json", "--key", "func.pub"]);
        expect_code(check, dir, 1);
    }
}
