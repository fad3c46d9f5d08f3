//! The typed predicates: link v0.3 (with the classic-link conversion),
//! SLSA provenance v1 and SLSA VSA v1.

use std::collections::BTreeMap;

use intoto_attestation::{
    ClassicLink, Error, LINK_V0_3, Predicate, STATEMENT_V1, Statement, VerificationResult,
};
use intoto_cjson::Value;

use crate::common::{hex64, json, link_statement, object, provenance_statement, vsa_statement};

fn statement(predicate_type: &str, subject: &str, predicate: &str) -> String {
    format!(
        r#"{{"_type": "{STATEMENT_V1}", "subject": {subject}, "predicateType": "{predicate_type}", "predicate": {predicate}}}"#
    )
}

fn subject() -> String {
    format!(
        r#"[{{"name": "out", "digest": {{"sha256": "{}"}}}}]"#,
        hex64('a')
    )
}

fn error(predicate_type: &str, predicate: &str) -> String {
    Statement::from_slice(statement(predicate_type, &subject(), predicate).as_bytes())
        .unwrap_err()
        .to_string()
}

fn artifacts(pairs: &[(&str, char)]) -> BTreeMap<String, BTreeMap<String, String>> {
    pairs
        .iter()
        .map(|(p, c)| {
            (
                (*p).to_owned(),
                [("sha256".to_owned(), hex64(*c))].into_iter().collect(),
            )
        })
        .collect()
}

// ---- link v0.3 ----

#[test]
fn link_to_classic_as_link_md_defines_it() {
    let s = link_statement(true);
    let classic = s.to_classic_link().unwrap();
    assert_eq!(classic.name, "build");
    assert_eq!(classic.command, vec!["make", "-C", "src dir"]);
    assert_eq!(
        classic.products.keys().collect::<Vec<_>>(),
        vec!["out/app", "out/caf\u{e9}.txt"]
    );
    assert_eq!(classic.products["out/app"]["sha256"], hex64('a'));
    assert_eq!(classic.materials["Makefile"].len(), 2);
    assert_eq!(
        classic.byproducts.get("return-value"),
        Some(&Value::from(0i64))
    );
    assert_eq!(classic.environment.get("os"), Some(&Value::from("linux")));
}

#[test]
fn classic_to_link_and_back_is_the_identity() {
    let classic = ClassicLink {
        name: "package".into(),
        command: vec!["tar".into(), "czf".into(), "x.tgz".into(), "src".into()],
        materials: artifacts(&[("src/a.py", '1'), ("src/b.py", '2')]),
        products: artifacts(&[("x.tgz", '3')]),
        byproducts: object(&[
            ("return-value", Value::from(0i64)),
            ("stdout", Value::from("")),
        ]),
        environment: object(&[]),
    };
    let s = Statement::from_classic_link(&classic).unwrap();
    assert_eq!(s.predicate_type(), LINK_V0_3);
    assert_eq!(s.subject.len(), 1);
    assert_eq!(s.subject[0].name(), Some("x.tgz"));
    assert_eq!(s.to_classic_link().unwrap(), classic);
    // Through JSON as well.
    let again = Statement::from_slice(s.to_json().as_bytes()).unwrap();
    assert_eq!(again.to_classic_link().unwrap(), classic);
    // A step with no products is a Statement with no subjects.
    let no_products = ClassicLink {
        products: BTreeMap::new(),
        ..classic
    };
    let s = Statement::from_classic_link(&no_products).unwrap();
    assert!(s.subject.is_empty());
    assert_eq!(s.to_classic_link().unwrap(), no_products);
}

#[test]
fn classic_links_with_bad_digests_are_refused() {
    let mut classic = ClassicLink {
        name: "s".into(),
        products: artifacts(&[("p", 'a')]),
        ..ClassicLink::default()
    };
    classic.materials.insert("m".into(), BTreeMap::new());
    assert_eq!(
        Statement::from_classic_link(&classic)
            .unwrap_err()
            .to_string(),
        "'predicate.materials[0].digest' is required"
    );
    classic.materials = BTreeMap::new();
    classic
        .products
        .get_mut("p")
        .unwrap()
        .insert("sha256".into(), "ABC".into());
    assert_eq!(
        Statement::from_classic_link(&classic)
            .unwrap_err()
            .to_string(),
        "'subject[0].digest': digest 'sha256': 'ABC' is not lower-case hex"
    );
    classic.products = BTreeMap::new();
    classic.name.clear();
    assert_eq!(
        Statement::from_classic_link(&classic)
            .unwrap_err()
            .to_string(),
        "'predicate.name' must not be empty"
    );
}

#[test]
fn other_predicates_are_not_links() {
    let err = provenance_statement().to_classic_link().unwrap_err();
    assert!(matches!(err, Error::PredicateType { .. }));
    assert_eq!(
        err.to_string(),
        "expected predicate type 'https://in-toto.io/attestation/link/v0.3', found 'https://slsa.dev/provenance/v1'"
    );
}

#[test]
fn link_rules() {
    let d = |c: char| format!(r#"{{"sha256": "{}"}}"#, hex64(c));
    for (predicate, message) in [
        (r#"{}"#.to_owned(), "'predicate.name' is required"),
        (
            r#"{"name": ""}"#.to_owned(),
            "'predicate.name' must not be empty",
        ),
        (
            r#"{"name": 1}"#.to_owned(),
            "'predicate.name' must be a string, found number",
        ),
        (
            r#"{"name": "s", "command": "make"}"#.to_owned(),
            "'predicate.command' must be an array, found string",
        ),
        (
            r#"{"name": "s", "command": ["make", 1]}"#.to_owned(),
            "'predicate.command[1]' must be a string, found number",
        ),
        (
            r#"{"name": "s", "materials": {"a": {}}}"#.to_owned(),
            "'predicate.materials' must be an array, found object",
        ),
        (
            format!(
                r#"{{"name": "s", "materials": [{{"digest": {}}}]}}"#,
                d('1')
            ),
            "'predicate.materials[0].name' is required",
        ),
        (
            r#"{"name": "s", "materials": [{"name": "m", "uri": "https://x/m"}]}"#.to_owned(),
            "'predicate.materials[0].digest' is required",
        ),
        (
            format!(
                r#"{{"name": "s", "materials": [{{"name": "m", "digest": {}}}, {{"name": "m", "digest": {}}}]}}"#,
                d('1'),
                d('2')
            ),
            "'predicate.materials': the name 'm' appears more than once",
        ),
        (
            r#"{"name": "s", "byproducts": []}"#.to_owned(),
            "'predicate.byproducts' must be an object, found array",
        ),
        (
            r#"{"name": "s", "environment": "x"}"#.to_owned(),
            "'predicate.environment' must be an object, found string",
        ),
    ] {
        assert_eq!(error(LINK_V0_3, &predicate), message, "{predicate}");
    }
    // Subjects of a link are products: named, uniquely.
    let two = format!(
        r#"[{{"name": "p", "digest": {}}}, {{"name": "p", "digest": {}}}]"#,
        d('a'),
        d('b')
    );
    let unnamed = format!(r#"[{{"digest": {}}}]"#, d('a'));
    for (subject, message) in [
        (two, "'subject': the name 'p' appears more than once"),
        (unnamed, "'subject[0].name' is required"),
    ] {
        let text = statement(LINK_V0_3, &subject, r#"{"name": "s"}"#);
        assert_eq!(
            Statement::from_slice(text.as_bytes())
                .unwrap_err()
                .to_string(),
            message
        );
    }
    // The same subjects are fine for other predicates.
    let text = statement(
        "https://x/p",
        &format!(r#"[{{"digest": {}}}]"#, d('a')),
        "{}",
    );
    assert!(Statement::from_slice(text.as_bytes()).is_ok());
}

#[test]
fn link_optional_fields_default_and_are_written() {
    let s = Statement::from_slice(
        statement(LINK_V0_3, &subject(), r#"{"name": "s", "command": null}"#).as_bytes(),
    )
    .unwrap();
    let Predicate::Link(link) = &s.predicate else {
        panic!("a link")
    };
    assert!(link.command.is_empty() && link.materials.is_empty());
    assert_eq!(
        s.to_value().get("predicate").unwrap(),
        &json(
            r#"{"byproducts": {}, "command": [], "environment": {}, "materials": [], "name": "s"}"#
        )
    );
}

// ---- SLSA provenance v1 ----

/// A provenance predicate as GitHub Actions writes one (shape of the
/// github-actions-buildtypes workflow/v1 example), with extension fields.
const GITHUB_LIKE: &str = r#"{
  "buildDefinition": {
    "buildType": "https://actions.github.io/buildtypes/workflow/v1",
    "externalParameters": {"workflow": {"ref": "refs/heads/main", "repository": "https://github.com/octo-org/octo-repo", "path": ".github/workflow/release.yml"}},
    "internalParameters": {"github": {"event_name": "workflow_dispatch", "repository_id": "1", "runner_environment": "github-hosted"}},
    "resolvedDependencies": [{"uri": "git+https://github.com/octo-org/octo-repo@refs/heads/main", "digest": {"gitCommit": "c27d339ee6075c1f744c5d4b200f7901aad2c369"}}]
  },
  "runDetails": {
    "builder": {"id": "https://github.com/actions/runner/github-hosted"},
    "metadata": {"invocationId": "https://github.com/octo-org/octo-repo/actions/runs/1/attempts/1", "startedOn": "2023-01-01T12:34:56Z"},
    "examplebuilder_isCodeReviewed": true
  }
}"#;

#[test]
fn provenance_reads_a_real_world_shape() {
    let s = Statement::from_slice(
        statement("https://slsa.dev/provenance/v1", &subject(), GITHUB_LIKE).as_bytes(),
    )
    .unwrap();
    let Predicate::Provenance(p) = &s.predicate else {
        panic!("provenance")
    };
    assert_eq!(
        p.build_definition.build_type,
        "https://actions.github.io/buildtypes/workflow/v1"
    );
    assert_eq!(
        p.run_details.builder.id,
        "https://github.com/actions/runner/github-hosted"
    );
    assert_eq!(p.build_definition.resolved_dependencies.len(), 1);
    assert_eq!(
        p.run_details.metadata.started_on.as_ref().unwrap().as_str(),
        "2023-01-01T12:34:56Z"
    );
    assert!(
        p.run_details
            .extensions
            .contains_key("examplebuilder_isCodeReviewed")
    );
    // Writing gives back the same JSON value.
    assert_eq!(s.to_value().get("predicate").unwrap(), &json(GITHUB_LIKE));
}

#[test]
fn provenance_rules() {
    let pt = "https://slsa.dev/provenance/v1";
    let ok_bd = r#""buildDefinition": {"buildType": "https://x/t"}"#;
    let ok_rd = r#""runDetails": {"builder": {"id": "https://x/b"}}"#;
    for (predicate, message) in [
        (
            format!("{{{ok_rd}}}"),
            "'predicate.buildDefinition' is required",
        ),
        (format!("{{{ok_bd}}}"), "'predicate.runDetails' is required"),
        (
            format!(r#"{{"buildDefinition": {{}}, {ok_rd}}}"#),
            "'predicate.buildDefinition.buildType' is required",
        ),
        (
            format!(r#"{{"buildDefinition": {{"buildType": "make"}}, {ok_rd}}}"#),
            "'predicate.buildDefinition.buildType': 'make' is not a valid URI: it has no scheme",
        ),
        (
            format!(r#"{{{ok_bd}, "runDetails": {{}}}}"#),
            "'predicate.runDetails.builder' is required",
        ),
        (
            format!(r#"{{{ok_bd}, "runDetails": {{"builder": {{"id": ""}}}}}}"#),
            "'predicate.runDetails.builder.id' must not be empty",
        ),
        (
            format!(
                r#"{{{ok_bd}, "runDetails": {{"builder": {{"id": "https://x/b", "version": {{"a": 1}}}}}}}}"#
            ),
            "'predicate.runDetails.builder.version.a' must be a string, found number",
        ),
        (
            format!(
                r#"{{"buildDefinition": {{"buildType": "https://x/t", "externalParameters": []}}, {ok_rd}}}"#
            ),
            "'predicate.buildDefinition.externalParameters' must be an object, found array",
        ),
        (
            format!(
                r#"{{"buildDefinition": {{"buildType": "https://x/t", "resolvedDependencies": [{{"name": "n"}}]}}, {ok_rd}}}"#
            ),
            "'predicate.buildDefinition.resolvedDependencies[0]': a ResourceDescriptor needs at least one of 'uri', 'digest' or 'content'",
        ),
        (
            format!(
                r#"{{{ok_bd}, "runDetails": {{"builder": {{"id": "https://x/b"}}, "metadata": {{"startedOn": "2024-01-01T00:00:00+01:00"}}}}}}"#
            ),
            "'predicate.runDetails.metadata.startedOn': '2024-01-01T00:00:00+01:00' is not an RFC 3339 UTC timestamp (YYYY-MM-DDTHH:MM:SS[.frac]Z)",
        ),
        (
            format!(
                r#"{{{ok_bd}, "runDetails": {{"builder": {{"id": "https://x/b"}}, "byproducts": {{}}}}}}"#
            ),
            "'predicate.runDetails.byproducts' must be an array, found object",
        ),
    ] {
        assert_eq!(error(pt, &predicate), message, "{predicate}");
    }
    // Unset, null and empty mean the same.
    let minimal = r#"{"buildDefinition": {"buildType": "https://x/t", "externalParameters": null, "resolvedDependencies": []}, "runDetails": {"builder": {"id": "https://x/b", "version": {}}, "metadata": null}}"#;
    let s = Statement::from_slice(statement(pt, &subject(), minimal).as_bytes()).unwrap();
    assert_eq!(
        s.to_value().get("predicate").unwrap(),
        &json(
            r#"{"buildDefinition": {"buildType": "https://x/t", "externalParameters": {}}, "runDetails": {"builder": {"id": "https://x/b"}}}"#
        )
    );
}

// ---- SLSA VSA v1 ----

/// The VSA specification's example (made valid JSON, with digests filled in).
fn spec_vsa() -> String {
    format!(
        r#"{{
  "verifier": {{"id": "https://example.com/publication_verifier", "version": {{"slsa-verifier-linux-amd64": "v2.3.0", "slsa-framework/slsa-verifier/actions/installer": "v2.3.0"}}}},
  "timeVerified": "1985-04-12T23:20:50.52Z",
  "resourceUri": "https://example.com/example-1.2.3.tar.gz",
  "policy": {{"uri": "https://example.com/example_tarball.policy", "digest": {{"sha256": "{}"}}}},
  "inputAttestations": [{{"uri": "https://example.com/provenances/example-1.2.3.tar.gz.intoto.jsonl", "digest": {{"sha256": "{}"}}}}],
  "verificationResult": "PASSED",
  "verifiedLevels": ["SLSA_BUILD_LEVEL_3"],
  "dependencyLevels": {{"SLSA_BUILD_LEVEL_3": 5, "SLSA_BUILD_LEVEL_2": 7, "SLSA_BUILD_LEVEL_1": 1}},
  "slsaVersion": "1.0"
}}"#,
        hex64('1'),
        hex64('2')
    )
}

#[test]
fn vsa_reads_the_specification_example() {
    let text = statement(
        "https://slsa.dev/verification_summary/v1",
        &subject(),
        &spec_vsa(),
    );
    let s = Statement::from_slice(text.as_bytes()).unwrap();
    let Predicate::Vsa(v) = &s.predicate else {
        panic!("a VSA")
    };
    assert_eq!(v.verification_result, VerificationResult::Passed);
    assert_eq!(v.verifier.version.len(), 2);
    assert_eq!(
        v.dependency_levels.as_ref().unwrap()["SLSA_BUILD_LEVEL_2"],
        7
    );
    assert_eq!(
        v.time_verified.as_ref().unwrap().as_str(),
        "1985-04-12T23:20:50.52Z"
    );
    assert_eq!(s.to_value().get("predicate").unwrap(), &json(&spec_vsa()));
    // Our own sample round-trips too.
    let ours = vsa_statement(true, true);
    assert_eq!(
        Statement::from_slice(ours.to_json().as_bytes()).unwrap(),
        ours
    );
}

#[test]
fn vsa_dependency_levels_unset_differs_from_empty() {
    let pt = "https://slsa.dev/verification_summary/v1";
    let base = spec_vsa();
    let unset = base.replace(
        r#""dependencyLevels": {"SLSA_BUILD_LEVEL_3": 5, "SLSA_BUILD_LEVEL_2": 7, "SLSA_BUILD_LEVEL_1": 1},"#,
        "",
    );
    let empty = base.replace(
        r#"{"SLSA_BUILD_LEVEL_3": 5, "SLSA_BUILD_LEVEL_2": 7, "SLSA_BUILD_LEVEL_1": 1}"#,
        "{}",
    );
    let read = |p: &str| match Statement::from_slice(statement(pt, &subject(), p).as_bytes())
        .unwrap()
        .predicate
    {
        Predicate::Vsa(v) => v.dependency_levels,
        _ => panic!("a VSA"),
    };
    assert_eq!(read(&unset), None);
    assert_eq!(read(&empty), Some(BTreeMap::new()));
}

#[test]
fn vsa_rules() {
    let pt = "https://slsa.dev/verification_summary/v1";
    let base = spec_vsa();
    for (from, to, message) in [
        (
            r#""verifier": {"id": "https://example.com/publication_verifier", "#,
            r#""verifier": {"#,
            "'predicate.verifier.id' is required",
        ),
        (
            r#""resourceUri": "https://example.com/example-1.2.3.tar.gz","#,
            "",
            "'predicate.resourceUri' is required",
        ),
        (
            r#""policy": {"uri": "https://example.com/example_tarball.policy", "#,
            r#""policy": {"#,
            "'predicate.policy.uri' is required",
        ),
        (
            r#""verificationResult": "PASSED""#,
            r#""verificationResult": "passed""#,
            "'predicate.verificationResult': 'passed' is neither 'PASSED' nor 'FAILED'",
        ),
        (
            r#""verificationResult": "PASSED","#,
            "",
            "'predicate.verificationResult' is required",
        ),
        (
            r#""verifiedLevels": ["SLSA_BUILD_LEVEL_3"],"#,
            "",
            "'predicate.verifiedLevels' is required",
        ),
        (
            r#"["SLSA_BUILD_LEVEL_3"]"#,
            r#"["SLSA_BUILD_LEVEL_3", "SLSA_BUILD_LEVEL_2"]"#,
            "'predicate.verifiedLevels': more than one level for the SLSA track 'BUILD'",
        ),
        (
            r#"["SLSA_BUILD_LEVEL_3"]"#,
            r#"["SLSA_BUILD_LEVEL_3", ""]"#,
            "'predicate.verifiedLevels[1]' must not be empty",
        ),
        (
            r#""SLSA_BUILD_LEVEL_2": 7"#,
            r#""SLSA_BUILD_LEVEL_2": "7""#,
            "'predicate.dependencyLevels.SLSA_BUILD_LEVEL_2' must be a non-negative integer, found string",
        ),
        (
            r#""SLSA_BUILD_LEVEL_2": 7"#,
            r#""SLSA_BUILD_LEVEL_2": -7"#,
            "'predicate.dependencyLevels.SLSA_BUILD_LEVEL_2' must be a non-negative integer, found number",
        ),
        (
            r#""slsaVersion": "1.0""#,
            r#""slsaVersion": "v1""#,
            "'predicate.slsaVersion': 'v1' is not of the form <major>.<minor>",
        ),
        (
            r#""timeVerified": "1985-04-12T23:20:50.52Z""#,
            r#""timeVerified": "1985-04-12""#,
            "'predicate.timeVerified': '1985-04-12' is not an RFC 3339 UTC timestamp (YYYY-MM-DDTHH:MM:SS[.frac]Z)",
        ),
        (
            r#""uri": "https://example.com/provenances/example-1.2.3.tar.gz.intoto.jsonl", "digest""#,
            r#""uri": "https://example.com/provenances/example-1.2.3.tar.gz.intoto.jsonl", "x""#,
            "'predicate.inputAttestations[0].digest' is required",
        ),
    ] {
        assert!(base.contains(from), "{from}");
        assert_eq!(error(pt, &base.replace(from, to)), message, "{from}");
    }
    // Several tracks, custom values and FAILED are fine.
    let many = base.replace(
        r#"["SLSA_BUILD_LEVEL_3"]"#,
        r#"["SLSA_BUILD_LEVEL_3", "SLSA_SOURCE_LEVEL_UNEVALUATED", "FAILED", "EXAMPLE_CUSTOM"]"#,
    );
    assert!(Statement::from_slice(statement(pt, &subject(), &many).as_bytes()).is_ok());
}
