//! Layouts verified over attestations: steps recorded as link v0.3
//! Statements, SLSA provenance v1, and a mix with classic links under a
//! threshold, read from `<step>.<keyid[:8]>.link` files and from bundles;
//! every tampering fails with a report naming the cause.

use std::path::PathBuf;

use intoto::model::{Layout, Link, Payload};
use intoto::verify::{
    FailureKind, LinkStatus, SummaryOptions, VerificationReport, verification_summary,
    verify_files_with,
};
use intoto_attestation::{
    Bundle, LinkPredicate, Predicate, Provenance, ResourceDescriptor, Statement, VerificationResult,
};
use intoto_crypto::PrivateKey;
use intoto_crypto::digest::sha256_hex;
use intoto_dsse::Envelope;

use crate::verify_support::{
    Env, ScriptExec, inspection, key, layout, public, signed, signed_layout, step,
};

/// The files of the chain: sources, the binary, the package.
const SRC_A: &str = "int main() { return 0; }\n";
const SRC_B: &str = "#define X 1\n";
const BIN: &str = "\x7fELF binary";
const TAR: &str = "tarball bytes";

/// The sha256 of `content` as an attestation DigestSet, and with `both` a
/// second algorithm (a stand-in "sha512" value, derived from the content;
/// only attestations compare it).
fn att_digest(content: &str, both: bool) -> intoto_attestation::DigestSet {
    let mut d = intoto_attestation::DigestSet::new();
    let h = sha256_hex(content.as_bytes());
    d.insert("sha256", h.clone()).unwrap();
    if both {
        d.insert("sha512", format!("{h}{h}")).unwrap();
    }
    d
}

fn rd(name: &str, content: &str, both: bool) -> ResourceDescriptor {
    ResourceDescriptor::named(name, att_digest(content, both))
}

struct Keys {
    owner: PrivateKey,
    clone: PrivateKey,
    build: PrivateKey,
    pack1: PrivateKey,
    pack2: PrivateKey,
    stranger: PrivateKey,
}

/// The chain's evidence, before it is written (so each test can spoil one
/// piece).
struct Chain {
    keys: Keys,
    layout: Layout,
    clone: Statement,
    build: Statement,
    package_link: Link,
    package: Statement,
}

fn chain() -> Chain {
    let keys = Keys {
        owner: key(),
        clone: key(),
        build: key(),
        pack1: key(),
        pack2: key(),
        stranger: key(),
    };
    let mut l = layout();
    step(
        &mut l,
        "clone",
        &[&keys.clone],
        &["DISALLOW *"],
        &["CREATE src/*", "DISALLOW *"],
    );
    step(
        &mut l,
        "build",
        &[&keys.build],
        &["MATCH src/* WITH PRODUCTS FROM clone", "DISALLOW *"],
        &["CREATE app.bin", "DISALLOW *"],
    );
    step(
        &mut l,
        "package",
        &[&keys.pack1, &keys.pack2],
        &["MATCH app.bin WITH PRODUCTS FROM build", "DISALLOW *"],
        &["CREATE app.tar.gz", "DISALLOW *"],
    );
    l.steps[2].threshold = 2;
    inspection(
        &mut l,
        "check-package",
        &["check", "app.tar.gz"],
        &["MATCH app.tar.gz WITH PRODUCTS FROM package", "DISALLOW *"],
        &[],
    );

    let mut clone = LinkPredicate::new("clone");
    clone.command = vec!["git".into(), "clone".into()];
    let clone = Statement::new(
        vec![rd("src/a.c", SRC_A, true), rd("src/b.h", SRC_B, true)],
        Predicate::Link(clone),
    );

    let mut build = Provenance::new(
        "https://example.com/build/make/v1",
        "https://ci.example.com",
    );
    let bd = &mut build.build_definition;
    bd.resolved_dependencies = vec![rd("src/a.c", SRC_A, true), rd("src/b.h", SRC_B, true)];
    bd.internal_parameters
        .insert("inTotoStep".into(), "build".into());
    bd.external_parameters.insert(
        "command".into(),
        intoto_cjson::Value::Array(vec!["make".into()]),
    );
    let build = Statement::new(
        vec![rd("app.bin", BIN, false)],
        Predicate::Provenance(build),
    );

    let package_link =
        crate::verify_support::link("package", &[("app.bin", BIN)], &[("app.tar.gz", TAR)]);
    let package = Statement::from_classic_link(&classic(&package_link)).unwrap();
    Chain {
        keys,
        layout: l,
        clone,
        build,
        package_link,
        package,
    }
}

/// The attestation crate's view of a classic link.
fn classic(link: &Link) -> intoto_attestation::ClassicLink {
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
    intoto_attestation::ClassicLink {
        name: link.name.clone(),
        command: link.command.clone(),
        materials: conv(&link.materials),
        products: conv(&link.products),
        ..Default::default()
    }
}

/// A verification environment: `links/` holds evidence, `ws/` the
/// product the inspection records, `root.layout` the signed layout.
struct World {
    env: Env,
    chain: Chain,
}

impl World {
    fn new(label: &str) -> Self {
        let env = Env::new(label);
        std::fs::create_dir_all(env.path().join("links")).unwrap();
        std::fs::create_dir_all(env.path().join("ws")).unwrap();
        std::fs::write(env.path().join("ws/app.tar.gz"), TAR).unwrap();
        Self {
            env,
            chain: chain(),
        }
    }

    fn links(&self) -> PathBuf {
        self.env.path().join("links")
    }

    fn layout_path(&self) -> PathBuf {
        self.env.path().join("root.layout")
    }

    /// The file the verifier reads for `key`'s evidence of `step`.
    fn file(&self, step: &str, key: &PrivateKey) -> PathBuf {
        self.links()
            .join(Link::file_name(step, key.public_key().keyid().as_str()))
    }

    fn put_envelope(&self, step: &str, key: &PrivateKey, env: &Envelope) -> PathBuf {
        let path = self.file(step, key);
        std::fs::write(&path, env.to_json()).unwrap();
        path
    }

    fn put_statement(&self, step: &str, key: &PrivateKey, s: &Statement) -> PathBuf {
        self.put_envelope(step, key, &s.sign(&[key]).unwrap())
    }

    /// Writes the whole untampered chain (except what `skip` names).
    fn write(&self, skip: &[&str]) {
        let c = &self.chain;
        let k = &c.keys;
        std::fs::write(
            self.layout_path(),
            signed_layout(&c.layout, &[&k.owner]).to_bytes(),
        )
        .unwrap();
        if !skip.contains(&"clone") {
            self.put_statement("clone", &k.clone, &c.clone);
        }
        if !skip.contains(&"build") {
            self.put_statement("build", &k.build, &c.build);
        }
        if !skip.contains(&"package1") {
            let md = signed(Payload::Link(c.package_link.clone()), &[&k.pack1], false);
            std::fs::write(self.file("package", &k.pack1), md.to_bytes()).unwrap();
        }
        if !skip.contains(&"package2") {
            self.put_statement("package", &k.pack2, &c.package);
        }
    }

    fn verify(&self) -> VerificationReport {
        // The inspection records `ws/` as it is: the scripted command does
        // nothing.
        let exec = ScriptExec::returning(0);
        let opts = self
            .env
            .options(&exec)
            .link_dir(self.links())
            .work_dir(self.env.path().join("ws"))
            .persist_inspection_links(false)
            .keep_links(true)
            .record_digests(true);
        verify_files_with(
            &self.layout_path(),
            &[],
            &[public(&self.chain.keys.owner)],
            &opts,
        )
    }
}

fn failures(r: &VerificationReport) -> String {
    r.to_string()
}

fn assert_fails_with(r: &VerificationReport, needles: &[&str]) {
    assert!(!r.passed(), "verification passed");
    let text = failures(r);
    for n in needles {
        assert!(text.contains(n), "{n:?} not in:\n{text}");
    }
}

#[test]
fn attestations_verify_under_a_classic_layout() {
    let w = World::new("att-pass");
    w.write(&[]);
    let r = w.verify();
    assert!(r.passed(), "{r}");
    let kinds: Vec<Vec<&str>> = r
        .steps
        .iter()
        .map(|s| {
            s.links
                .iter()
                .map(|l| l.format.map(|f| f.as_str()).unwrap_or("-"))
                .collect()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            vec!["link-v0.3"],
            vec!["slsa-provenance-v1"],
            vec!["link", "link-v0.3"]
        ]
    );
    assert_eq!(r.step("package").unwrap().signers.len(), 2);
    // Every algorithm of a descriptor is kept: MATCH compared both.
    let build = &r.step("build").unwrap().links[0];
    let link = build.link.as_ref().unwrap();
    assert_eq!(link.materials["src/a.c"].len(), 2);
    assert_eq!(link.command, ["make"]);
    assert_eq!(link.name, "build");
    // The JSON report says what each piece of evidence was.
    let json = r.to_json();
    assert!(json.contains(r#""kind": "slsa-provenance-v1""#), "{json}");
    assert!(json.contains(r#""payload": "statement""#), "{json}");
    // Digests were recorded for a summary.
    let layout_bytes = std::fs::read(w.layout_path()).unwrap();
    assert_eq!(
        r.layout_sha256.as_deref(),
        Some(sha256_hex(&layout_bytes).as_str())
    );
    let pkg = std::fs::read(w.file("package", &w.chain.keys.pack2)).unwrap();
    assert_eq!(
        r.step("package").unwrap().links[1].sha256.as_deref(),
        Some(sha256_hex(&pkg).as_str())
    );
}

#[test]
fn a_step_from_a_bundle() {
    let w = World::new("att-bundle");
    w.write(&["clone"]);
    let k = &w.chain.keys;
    let clone = w.chain.clone.sign(&[&k.clone]).unwrap();
    // An unrelated attestation, a line that is no envelope, and a
    // provenance without a step name share the bundle; they are noted.
    let sbom = Statement::new(
        vec![rd("app.bin", BIN, false)],
        Predicate::Other {
            predicate_type: "https://example.com/sbom/v1".into(),
            predicate: None,
        },
    )
    .sign(&[&k.clone])
    .unwrap();
    let mut typed = Envelope::new(clone.payload.clone(), "application/vnd.in-toto.link+json");
    typed.sign(&k.clone).unwrap();
    let mut text = Bundle::write([&sbom, &clone]);
    text.extend_from_slice(b"this is not json\n");
    text.extend_from_slice(Bundle::write([&typed]).as_slice());
    std::fs::write(w.links().join("evidence.intoto.jsonl"), text).unwrap();
    let r = w.verify();
    assert!(r.passed(), "{r}");
    let check = &r.step("clone").unwrap().links[1];
    assert_eq!(check.line, Some(2));
    assert!(check.counted);
    assert_eq!(check.status, LinkStatus::Verified);
    let warnings: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        warnings.iter().any(|w| w.contains("line 1")
            && w.contains("predicate type https://example.com/sbom/v1 is not a link")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("line 3")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains(
            "line 4: payload type 'application/vnd.in-toto.link+json' is not 'application/vnd.in-toto+json'"
        )),
        "{warnings:?}"
    );
    // The VSA lists the bundle once, with its digest.
    let vsa = verification_summary(
        &r,
        &SummaryOptions::new(intoto_attestation::Timestamp::parse("2025-06-01T12:00:00Z").unwrap()),
    )
    .unwrap();
    let Predicate::Vsa(p) = &vsa.predicate else {
        panic!("not a VSA")
    };
    assert_eq!(p.verification_result, VerificationResult::Passed);
    let inputs = p.input_attestations.as_ref().unwrap();
    assert_eq!(inputs.len(), 4, "{inputs:?}");
    assert!(
        inputs
            .iter()
            .any(|i| i.uri().unwrap().ends_with("/links/evidence.intoto.jsonl"))
    );
    assert_eq!(vsa.subject.len(), 1);
    assert_eq!(vsa.subject[0].name(), Some("app.tar.gz"));
    assert_eq!(p.resource_uri, "file:app.tar.gz");
    let layout_bytes = std::fs::read(w.layout_path()).unwrap();
    assert_eq!(
        p.policy.digest().unwrap().get("sha256"),
        Some(sha256_hex(&layout_bytes).as_str())
    );
}

#[test]
fn a_changed_final_product_fails() {
    let w = World::new("att-artifact");
    w.write(&[]);
    std::fs::write(w.env.path().join("ws/app.tar.gz"), "evil").unwrap();
    let r = w.verify();
    assert_fails_with(
        &r,
        &[
            "check-package",
            "MATCH app.tar.gz WITH PRODUCTS FROM package",
        ],
    );
    // The summary of a failure says so, and still names the products.
    let vsa = verification_summary(
        &r,
        &SummaryOptions::new(intoto_attestation::Timestamp::parse("2025-06-01T12:00:00Z").unwrap()),
    )
    .unwrap();
    let Predicate::Vsa(p) = &vsa.predicate else {
        panic!("not a VSA")
    };
    assert_eq!(p.verification_result, VerificationResult::Failed);
    assert_eq!(p.verified_levels, ["FAILED"]);
    assert_eq!(vsa.subject[0].name(), Some("app.tar.gz"));
}

#[test]
fn a_changed_subject_fails_at_the_rules() {
    let w = World::new("att-subject");
    w.write(&["build"]);
    let mut build = w.chain.build.clone();
    build.subject = vec![rd("app.bin", "another binary", false)];
    // Validly re-signed: only the rules can catch it.
    w.put_statement("build", &w.chain.keys.build, &build);
    let r = w.verify();
    assert_fails_with(
        &r,
        &[
            "'package', expected_materials",
            "MATCH app.bin WITH PRODUCTS FROM build",
            "app.bin",
        ],
    );
}

#[test]
fn a_flipped_signature_byte_fails() {
    let w = World::new("att-sig");
    w.write(&["clone"]);
    let mut env = w.chain.clone.sign(&[&w.chain.keys.clone]).unwrap();
    env.signatures[0].sig[0] ^= 1;
    let file = w.put_envelope("clone", &w.chain.keys.clone, &env);
    let r = w.verify();
    assert_fails_with(
        &r,
        &[
            "step 'clone': 0 distinct authorised functionaries validly signed, 1 required",
            &file.display().to_string(),
            "Invalid signature",
            "(link v0.3 attestation): bad-signature",
        ],
    );
}

#[test]
fn a_changed_payload_type_fails() {
    let w = World::new("att-ptype");
    w.write(&["build"]);
    let mut env = w.chain.build.sign(&[&w.chain.keys.build]).unwrap();
    env.payload_type = "application/json".into();
    let file = w.put_envelope("build", &w.chain.keys.build, &env);
    let r = w.verify();
    assert_fails_with(
        &r,
        &[
            &format!("step 'build': cannot read {}", file.display()),
            "unsupported DSSE payload type 'application/json'",
        ],
    );
}

#[test]
fn an_unknown_predicate_type_fails() {
    let w = World::new("att-pred");
    w.write(&["clone"]);
    let other = Statement::new(
        w.chain.clone.subject.clone(),
        Predicate::Other {
            predicate_type: "https://example.com/sbom/v1".into(),
            predicate: None,
        },
    );
    let file = w.put_statement("clone", &w.chain.keys.clone, &other);
    let r = w.verify();
    assert_fails_with(
        &r,
        &[
            &file.display().to_string(),
            "predicate type https://example.com/sbom/v1 is not a link (link v0.3 or SLSA provenance v1)",
        ],
    );
    assert_eq!(
        r.step("clone").unwrap().links[0].status,
        LinkStatus::Rejected
    );
}

#[test]
fn a_predicate_for_another_step_fails() {
    let w = World::new("att-name");
    w.write(&["clone"]);
    let mut s = w.chain.clone.clone();
    if let Predicate::Link(p) = &mut s.predicate {
        p.name = "fetch".into();
    }
    let file = w.put_statement("clone", &w.chain.keys.clone, &s);
    let r = w.verify();
    assert!(r.failures.iter().any(|f| matches!(
        &f.kind,
        FailureKind::LinkNameMismatch { step, name, file: f } if step == "clone" && name == "fetch" && *f == file
    )));
    assert_fails_with(&r, &["is validly signed but is a link for step 'fetch'"]);

    // A provenance naming another step in `inTotoStep` too.
    let w = World::new("att-name-prov");
    w.write(&["build"]);
    let mut s = w.chain.build.clone();
    if let Predicate::Provenance(p) = &mut s.predicate {
        p.build_definition
            .internal_parameters
            .insert("inTotoStep".into(), "compile".into());
    }
    w.put_statement("build", &w.chain.keys.build, &s);
    assert_fails_with(&w.verify(), &["is a link for step 'compile'"]);
}

#[test]
fn a_key_not_in_the_layout_fails() {
    let w = World::new("att-stranger");
    w.write(&["clone"]);
    let k = &w.chain.keys;
    // Filed under the functionary's name, signed by a stranger.
    let env = w.chain.clone.sign(&[&k.stranger]).unwrap();
    w.put_envelope("clone", &k.clone, &env);
    // And in a bundle.
    std::fs::write(w.links().join("more.intoto.jsonl"), Bundle::write([&env])).unwrap();
    let r = w.verify();
    assert_fails_with(
        &r,
        &[
            "step 'clone': 0 distinct authorised functionaries",
            "No signature found for key",
            &format!(
                "more.intoto.jsonl:1: signed by key(s) {}, none of which the layout authorises for step 'clone'",
                k.stranger.public_key().keyid()
            ),
        ],
    );
}

#[test]
fn one_key_twice_does_not_meet_a_threshold_of_two() {
    let w = World::new("att-twice");
    w.write(&["package2"]);
    let k = &w.chain.keys;
    // The first packager's attestation too, in a bundle: its key counts once.
    let env = w.chain.package.sign(&[&k.pack1]).unwrap();
    std::fs::write(w.links().join("pkg.intoto.jsonl"), Bundle::write([&env])).unwrap();
    let r = w.verify();
    assert_fails_with(
        &r,
        &[
            "step 'package': 1 distinct authorised functionary validly signed, 2 required",
            "pkg.intoto.jsonl:1: its key already counted for another link",
        ],
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.message.contains("are both signed by key")),
        "{:?}",
        r.warnings
    );

    // Filed under the second packager's name: no signature by that key.
    std::fs::remove_file(w.links().join("pkg.intoto.jsonl")).unwrap();
    w.put_envelope("package", &k.pack2, &env);
    assert_fails_with(&w.verify(), &["No signature found for key"]);

    // Signed twice by one key: the envelope is refused as it is read.
    let mut twice = env.clone();
    twice.signatures.push(env.signatures[0].clone());
    let file = w.put_envelope("package", &k.pack2, &twice);
    assert_fails_with(
        &w.verify(),
        &[
            &format!("step 'package': cannot read {}", file.display()),
            "multiple signatures found for keyid",
        ],
    );
}

#[test]
fn a_statement_is_not_a_layout() {
    let w = World::new("att-layout");
    w.write(&[]);
    let env = w.chain.clone.sign(&[&w.chain.keys.owner]).unwrap();
    std::fs::write(w.layout_path(), env.to_json()).unwrap();
    let r = w.verify();
    assert_fails_with(
        &r,
        &[
            "the payload is an in-toto attestation (a Statement",
            "not a link or layout",
        ],
    );
    assert!(
        r.to_string()
            .contains(&w.layout_path().display().to_string()),
        "{r}"
    );
}

#[test]
fn a_layout_in_a_bundle_is_not_evidence() {
    let w = World::new("att-layout-bundle");
    w.write(&["clone"]);
    let k = &w.chain.keys;
    // A DSSE layout signed by the functionary, posing as the clone link.
    let md = signed(Payload::Layout(w.chain.layout.clone()), &[&k.clone], true);
    let intoto::model::Metadata::Dsse(env) = md else {
        panic!("not DSSE")
    };
    std::fs::write(w.links().join("x.intoto.jsonl"), Bundle::write([&env])).unwrap();
    let r = w.verify();
    assert_fails_with(
        &r,
        &["step 'clone': 0 of the 1 required link file(s) found"],
    );
    assert!(
        r.warnings.iter().any(|w| w
            .message
            .contains("x.intoto.jsonl' line 1: not a valid in-toto Statement")),
        "{:?}",
        r.warnings
    );
}

/// Bad evidence files never panic, and each is named with its reason.
#[test]
fn damaged_evidence_is_named() {
    let w = World::new("att-damaged");
    w.write(&["clone"]);
    let k = &w.chain.keys;
    let good = w.chain.clone.sign(&[&k.clone]).unwrap();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{".to_vec(), "not valid JSON"),
        (
            {
                let mut e = Envelope::new(b"not json".to_vec(), "application/vnd.in-toto+json");
                e.sign(&k.clone).unwrap();
                e.to_json().into_bytes()
            },
            "not valid JSON",
        ),
        (
            {
                let mut e = Envelope::new(
                    br#"{"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "a"}], "predicateType": "https://in-toto.io/attestation/link/v0.3", "predicate": {"name": "clone"}}"#.to_vec(),
                    "application/vnd.in-toto+json",
                );
                e.sign(&k.clone).unwrap();
                e.to_json().into_bytes()
            },
            "not a valid in-toto Statement: 'subject[0]",
        ),
        (
            good.to_json()
                .replace("payloadType", "payloadtype")
                .into_bytes(),
            "cannot read",
        ),
    ];
    for (bytes, needle) in cases {
        std::fs::write(w.file("clone", &k.clone), &bytes).unwrap();
        let r = w.verify();
        assert_fails_with(&r, &["step 'clone'", needle]);
    }
}

#[test]
fn provenance_that_names_no_step_is_bound_by_its_file_name_with_a_warning() {
    let w = World::new("att-unnamed-prov");
    w.write(&["build"]);
    let mut s = w.chain.build.clone();
    if let Predicate::Provenance(p) = &mut s.predicate {
        p.build_definition.internal_parameters.remove("inTotoStep");
    }
    let file = w.put_statement("build", &w.chain.keys.build, &s);
    let r = w.verify();
    assert!(r.passed(), "{r}");
    let warnings: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
    let expected = format!(
        "'{}' is SLSA provenance that names no step (no buildDefinition.internalParameters.inTotoStep): only its file name ties it to step 'build'",
        file.display()
    );
    assert!(warnings.contains(&expected.as_str()), "{warnings:?}");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.item.as_deref() == Some("build") && w.message == expected)
    );

    // With the step named, there is no such warning.
    let w = World::new("att-named-prov");
    w.write(&[]);
    let r = w.verify();
    assert!(r.passed(), "{r}");
    assert!(
        !r.warnings
            .iter()
            .any(|w| w.message.contains("names no step")),
        "{:?}",
        r.warnings
    );
}
