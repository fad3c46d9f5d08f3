//! Sample Statements, keys and helpers shared by the tests.

use std::sync::OnceLock;

use intoto_attestation::predicate::{BuildMetadata, Builder};
use intoto_attestation::{
    DigestSet, LinkPredicate, Predicate, Provenance, ResourceDescriptor, Statement, Timestamp,
    VerificationResult, VerificationSummary,
};
use intoto_cjson::{Map, Value};
use intoto_crypto::{Curve, KeySpec, PrivateKey};

/// 64 hex digits of `c`.
pub(crate) fn hex64(c: char) -> String {
    c.to_string().repeat(64)
}

/// A digest set from pairs.
pub(crate) fn digests(pairs: &[(&str, &str)]) -> DigestSet {
    let mut set = DigestSet::new();
    for (a, v) in pairs {
        set.insert(*a, *v).unwrap();
    }
    set
}

/// A sha256-only digest set.
pub(crate) fn sha256(c: char) -> DigestSet {
    digests(&[("sha256", &hex64(c))])
}

/// Parses JSON text.
pub(crate) fn json(text: &str) -> Value {
    intoto_cjson::from_slice(text.as_bytes()).unwrap()
}

/// A JSON object from pairs.
pub(crate) fn object(pairs: &[(&str, Value)]) -> Map {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// A link v0.3 Statement for step `build`: two products, two materials.
/// With `numbers`, the byproducts carry the return value as a number, as
/// in-toto-run records it.
pub(crate) fn link_statement(numbers: bool) -> Statement {
    let mut p = LinkPredicate::new("build");
    p.command = vec!["make".into(), "-C".into(), "src dir".into()];
    p.materials = vec![
        ResourceDescriptor::named("src/main.c", sha256('1')),
        ResourceDescriptor::named(
            "Makefile",
            digests(&[("sha256", &hex64('2')), ("sha512", &"3".repeat(128))]),
        ),
    ];
    p.byproducts = object(&[
        ("stdout", Value::from("built\n")),
        ("stderr", Value::from("")),
    ]);
    if numbers {
        p.byproducts
            .insert("return-value".into(), Value::from(0i64));
    }
    p.environment = object(&[("os", Value::from("linux"))]);
    Statement::new(
        vec![
            ResourceDescriptor::named("out/app", sha256('a')),
            ResourceDescriptor::named("out/caf\u{e9}.txt", sha256('b')),
        ],
        Predicate::Link(p),
    )
}

/// A SLSA provenance v1 Statement with every field set.
pub(crate) fn provenance_statement() -> Statement {
    let mut p = Provenance::new(
        "https://example.com/buildtypes/make/v1",
        "https://example.com/builders/ci@v1",
    );
    let bd = &mut p.build_definition;
    bd.external_parameters = object(&[
        ("repository", Value::from("https://example.com/repo")),
        ("ref", Value::from("refs/heads/main")),
    ]);
    bd.internal_parameters = object(&[("runner", Value::from("r-7"))]);
    bd.resolved_dependencies = vec![ResourceDescriptor::for_uri(
        "git+https://example.com/repo@refs/heads/main",
        Some(digests(&[("gitCommit", &"7".repeat(40))])),
    )];
    let rd = &mut p.run_details;
    rd.builder = Builder {
        id: "https://example.com/builders/ci@v1".into(),
        version: [("ci".to_owned(), "1.2.3".to_owned())]
            .into_iter()
            .collect(),
        builder_dependencies: vec![ResourceDescriptor::for_uri(
            "pkg:oci/runner@sha256:abc",
            None,
        )],
        extensions: Map::new(),
    };
    rd.metadata = BuildMetadata {
        invocation_id: Some("run-42".into()),
        started_on: Timestamp::parse("2024-01-02T03:04:05Z"),
        finished_on: Timestamp::parse("2024-01-02T03:14:05Z"),
        extensions: Map::new(),
    };
    rd.byproducts = vec![ResourceDescriptor {
        name: Some("build.log".into()),
        content: Some(b"ok\n".to_vec()),
        media_type: Some("text/plain".into()),
        ..ResourceDescriptor::default()
    }];
    Statement::new(
        vec![ResourceDescriptor::named("app.tar.gz", sha256('c'))],
        Predicate::Provenance(p),
    )
}

/// A VSA v1 Statement; `verifier_version` sets `verifier.version`, which
/// the Python bindings' proto does not have; `dependency_levels` sets
/// `dependencyLevels`, which the bindings write back as strings.
pub(crate) fn vsa_statement(verifier_version: bool, dependency_levels: bool) -> Statement {
    let policy = ResourceDescriptor::for_uri(
        "https://example.com/policies/root.layout",
        Some(sha256('d')),
    );
    let vsa = VerificationSummary {
        verifier: intoto_attestation::predicate::Verifier {
            id: "https://example.com/verifier".into(),
            version: if verifier_version {
                [("in-toto-rs".to_owned(), "0.1.0".to_owned())]
                    .into_iter()
                    .collect()
            } else {
                Default::default()
            },
            extensions: Map::new(),
        },
        time_verified: Timestamp::parse("2024-05-06T07:08:09Z"),
        resource_uri: "https://example.com/app.tar.gz".into(),
        policy,
        input_attestations: Some(vec![ResourceDescriptor::for_uri(
            "https://example.com/build.intoto.jsonl",
            Some(sha256('e')),
        )]),
        verification_result: VerificationResult::Passed,
        verified_levels: vec!["SLSA_BUILD_LEVEL_2".into()],
        dependency_levels: dependency_levels.then(|| {
            [("SLSA_BUILD_LEVEL_1".to_owned(), 3u64)]
                .into_iter()
                .collect()
        }),
        slsa_version: Some("1.0".into()),
        extensions: Map::new(),
    };
    Statement::new(
        vec![ResourceDescriptor::named("app.tar.gz", sha256('c'))],
        Predicate::Vsa(vsa),
    )
}

/// A Statement with a predicate type this crate does not know, and a
/// subject that uses every descriptor field.
pub(crate) fn other_statement() -> Statement {
    let subject = ResourceDescriptor {
        name: Some("image".into()),
        uri: Some("pkg:oci/app@sha256:cc".into()),
        digest: Some(digests(&[
            ("sha256", &hex64('c')),
            ("arn", "arn:aws:ec2:r:1:image/ami-1"),
        ])),
        content: Some(vec![0xfb, 0xff, 0]),
        download_location: Some("https://example.com/dl/app".into()),
        media_type: Some("application/vnd.oci.image.manifest.v1+json".into()),
        annotations: Some(object(&[("reviewed", Value::from(true))])),
        extensions: Map::new(),
    };
    Statement::new(
        vec![subject],
        Predicate::Other {
            predicate_type: "https://example.com/attestation/scan/v1".into(),
            predicate: Some(object(&[
                ("scanner", Value::from("x")),
                ("findings", Value::Array(vec![])),
            ])),
        },
    )
}

/// Keys, made once.
pub(crate) struct Keys {
    pub(crate) alice: PrivateKey,
    pub(crate) bob: PrivateKey,
    pub(crate) mallory: PrivateKey,
}

pub(crate) fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        alice: PrivateKey::generate(KeySpec::Ed25519).unwrap(),
        bob: PrivateKey::generate(KeySpec::Ecdsa(Curve::P256)).unwrap(),
        mallory: PrivateKey::generate(KeySpec::Ed25519).unwrap(),
    })
}
