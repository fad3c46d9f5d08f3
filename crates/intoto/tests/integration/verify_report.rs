//! The verification report: every failure is collected (not only the
//! first), each explained with its step, rule, artifacts and digests and
//! where each digest came from; the stages, traces and the JSON form.

use std::fs;

use intoto::model::rule::ArtifactKind;
use intoto::verify::{
    FailureKind, LinkStatus, NotConsumedReason, REPORT_FORMAT_VERSION, RuleProblem, Stage,
    StageStatus, Verdict, verify,
};
use intoto_cjson::Value;

use crate::verify_support::*;

/// A chain where everything that can go wrong at once does: `fetch` has no
/// link, `build`'s only link is signed by the wrong key, `package` took a
/// different `src.tar` than `build` produced and its product rule catches
/// a stray file, and `publish` requires a file it does not have.
fn broken() -> (Env, intoto::verify::VerificationReport) {
    let env = Env::new("report");
    let (owner, alice, bob, mallory) = (key(), key(), key(), key());
    let mut l = layout();
    step(&mut l, "fetch", &[&alice], &[], &[]);
    step(&mut l, "build", &[&alice], &[], &["CREATE src.tar"]);
    step(
        &mut l,
        "package",
        &[&bob],
        &["MATCH src.tar WITH PRODUCTS FROM build", "DISALLOW *"],
        &["MODIFY src.tar", "CREATE app.tgz", "DISALLOW *"],
    );
    step(&mut l, "publish", &[&bob], &["REQUIRE app.tgz"], &[]);
    inspection(&mut l, "never-runs", &["true"], &[], &[]);
    // build's link, signed by mallory in alice's place.
    let build = link("build", &[], &[("src.tar", "good")]);
    let md = signed(intoto::model::Payload::Link(build), &[&mallory], false);
    env.put_as("build", public(&alice).keyid().as_str(), &md);
    env.put_link(
        &link(
            "package",
            &[("src.tar", "evil")],
            &[("src.tar", "evil"), ("app.tgz", "app"), ("stray", "?")],
        ),
        &bob,
    );
    env.put_link(&link("publish", &[], &[]), &bob);
    let r = env.verify(&signed_layout(&l, &[&owner]), &[public(&owner)]);
    (env, r)
}

#[test]
fn every_failure_is_collected_in_the_reference_order() {
    let (_env, r) = broken();
    assert_eq!(r.verdict, Verdict::Fail);
    let kinds: Vec<(&str, Stage, Option<&str>)> = r
        .failures
        .iter()
        .map(|f| (f.reference_kind.as_str(), f.stage, f.item()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("LinkNotFoundError", Stage::ReadLinks, Some("fetch")),
            (
                "ThresholdVerificationError",
                Stage::LinkSignatures,
                Some("build")
            ),
            ("RuleVerificationError", Stage::StepRules, Some("package")),
            ("RuleVerificationError", Stage::StepRules, Some("package")),
            ("RuleVerificationError", Stage::StepRules, Some("publish")),
        ],
        "{r}"
    );
    // The first line is what the reference reports.
    assert_eq!(
        r.failures[0].reference_line(),
        "LinkNotFoundError: Step 'fetch' requires '1' link metadata file(s), found '0'."
    );
    // Inspections never ran, and the report says why.
    let s = r.stage(Stage::Inspections).unwrap();
    assert_eq!(s.status, StageStatus::Skipped);
    assert!(
        s.note
            .as_deref()
            .unwrap()
            .contains("only when every earlier check passed")
    );
    assert_eq!(
        r.stage(Stage::StepRules).unwrap().status,
        StageStatus::Failed
    );
    assert_eq!(
        r.stage(Stage::LayoutSignatures).unwrap().status,
        StageStatus::Passed
    );
    assert!(r.summary_link.is_none());
}

#[test]
fn rule_failures_name_rule_artifact_and_digests_with_their_sources() {
    let (env, r) = broken();
    if std::env::var_os("SHOW_REPORT").is_some() {
        eprintln!("{r}");
    }
    let package_rules: Vec<_> = r
        .failures
        .iter()
        .filter(|f| f.item() == Some("package"))
        .collect();
    // expected_materials: DISALLOW * caught src.tar, which MATCH did not
    // consume because build has no verified link.
    let FailureKind::Rule {
        kind,
        rule_index,
        rule,
        problem: RuleProblem::Disallowed { artifacts },
        ..
    } = &package_rules[0].kind
    else {
        panic!("{r}")
    };
    assert_eq!((*kind, *rule_index), (ArtifactKind::Materials, 1));
    assert_eq!(rule, &["DISALLOW", "*"]);
    assert_eq!(artifacts.len(), 1);
    assert_eq!(artifacts[0].artifact.source.path, "src.tar");
    assert_eq!(artifacts[0].artifact.digests, digest("evil"));
    assert_eq!(
        artifacts[0].not_consumed[0].reason,
        NotConsumedReason::NoLinkForStep {
            step: "build".into()
        }
    );
    // expected_products: MODIFY src.tar did not consume it (unchanged),
    // and `stray` was matched by no rule.
    let FailureKind::Rule {
        problem: RuleProblem::Disallowed { artifacts },
        ..
    } = &package_rules[1].kind
    else {
        panic!("{r}")
    };
    let paths: Vec<&str> = artifacts
        .iter()
        .map(|a| a.artifact.source.path.as_str())
        .collect();
    assert_eq!(paths, ["src.tar", "stray"]);
    let NotConsumedReason::Unchanged { material, product } = &artifacts[0].not_consumed[0].reason
    else {
        panic!("{r}")
    };
    assert_eq!(material.digests, digest("evil"));
    assert_eq!(product.source.kind, ArtifactKind::Products);
    let package_file = env.dir.join(intoto::model::Link::file_name(
        "package",
        r.step("package").unwrap().authorized[0].as_str(),
    ));
    assert_eq!(
        material.source.file.as_deref(),
        Some(package_file.as_path())
    );
    assert!(artifacts[1].not_consumed.is_empty());
    // REQUIRE: there is no such artifact.
    let FailureKind::Rule {
        problem: RuleProblem::RequiredMissing { path, consumed_by },
        ..
    } = &r.failures[4].kind
    else {
        panic!("{r}")
    };
    assert_eq!((path.as_str(), *consumed_by), ("app.tgz", None));

    // The text names all of it.
    let text = r.to_string();
    for needle in [
        "Verification failed: 5 problems found.",
        "[read-links] step 'fetch': 0 of the 1 required link file(s) found; looked for:\n      ",
        "[link-signatures] step 'build': 0 distinct authorised functionaries validly signed, 1 required\n      ",
        ": No signature found for key '",
        "'package', expected_materials, rule 2 'DISALLOW *' matched 1 artifact:",
        "there is no verified link for step 'build'",
        "rule 1 'MODIFY src.tar': not modified: materials and products both have {sha256: ",
        "'stray' {sha256: ",
        "(no earlier rule matched it)",
        "'publish', expected_materials, rule 1 'REQUIRE app.tgz' did not find 'app.tgz': there is no such artifact",
        "Not checked: inspections, inspection-rules.",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // The per-link outcome explains the threshold failure.
    let build = r.step("build").unwrap();
    assert_eq!(build.links[0].status, LinkStatus::BadSignature);
    assert!(
        build.links[0]
            .detail
            .as_deref()
            .unwrap()
            .starts_with("No signature found for key")
    );
}

/// A MATCH whose digests differ says what was expected, from which link,
/// and what was found where.
#[test]
fn match_digest_mismatch_is_explained() {
    let env = Env::new("report-match");
    let (owner, alice, bob) = (key(), key(), key());
    let mut l = layout();
    step(&mut l, "build", &[&alice], &[], &["CREATE dist/app"]);
    step(
        &mut l,
        "package",
        &[&bob],
        &[
            "MATCH app IN dist WITH PRODUCTS IN dist FROM build",
            "DISALLOW *",
        ],
        &[],
    );
    let build_file = env.put_link(&link("build", &[], &[("dist/app", "good")]), &alice);
    let package_file = env.put_link(&link("package", &[("dist/app", "evil")], &[]), &bob);
    let r = env.verify(&signed_layout(&l, &[&owner]), &[public(&owner)]);
    assert_eq!(r.failures.len(), 1, "{r}");
    let FailureKind::Rule {
        problem: RuleProblem::Disallowed { artifacts },
        ..
    } = &r.failures[0].kind
    else {
        panic!("{r}")
    };
    let NotConsumedReason::DigestsDiffer { expected, found } = &artifacts[0].not_consumed[0].reason
    else {
        panic!("{r}")
    };
    assert_eq!(expected.digests, digest("good"));
    assert_eq!(expected.source.item, "build");
    assert_eq!(expected.source.kind, ArtifactKind::Products);
    assert_eq!(expected.source.path, "dist/app");
    assert_eq!(expected.source.file.as_deref(), Some(build_file.as_path()));
    assert_eq!(found.digests, digest("evil"));
    assert_eq!(found.source.item, "package");
    assert_eq!(found.source.file.as_deref(), Some(package_file.as_path()));
    let text = r.to_string();
    let good = &digest("good")["sha256"];
    let evil = &digest("evil")["sha256"];
    assert!(
        text.contains(&format!(
            "expected {{sha256: {good}}} from build products 'dist/app' in {}",
            build_file.display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "found    {{sha256: {evil}}} in package materials 'dist/app' in {}",
            package_file.display()
        )),
        "{text}"
    );
    // The reference's own message, with its full trace.
    assert!(r.failures[0].reference_message.starts_with(
        "'DISALLOW *' matched the following artifacts: ['dist/app']\nFull trace for 'expected_materials' of item 'package':"
    ));
}

/// The JSON report: versioned, with verdict, stages, steps, rule traces,
/// failures and the summary link.
#[test]
fn json_report() {
    let (_env, r) = broken();
    let v = intoto_cjson::from_slice(r.to_json().as_bytes()).unwrap();
    let get = |v: &Value, k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    assert_eq!(
        get(&v, "format_version").as_i64(),
        Some(i64::from(REPORT_FORMAT_VERSION))
    );
    assert_eq!(get(&v, "verdict").as_str(), Some("fail"));
    let Value::Array(stages) = get(&v, "stages") else {
        panic!()
    };
    assert_eq!(stages.len(), Stage::ALL.len());
    let Value::Array(failures) = get(&v, "failures") else {
        panic!()
    };
    assert_eq!(failures.len(), 5);
    let rule = &failures[2];
    assert_eq!(get(rule, "type").as_str(), Some("rule"));
    assert_eq!(get(rule, "item").as_str(), Some("package"));
    assert_eq!(
        get(&get(rule, "reference"), "kind").as_str(),
        Some("RuleVerificationError")
    );
    let problem = get(rule, "problem");
    assert_eq!(get(&problem, "type").as_str(), Some("disallowed"));
    let Value::Array(caught) = get(&problem, "artifacts") else {
        panic!()
    };
    assert_eq!(get(&caught[0], "path").as_str(), Some("src.tar"));
    let Value::Array(steps) = get(&v, "steps") else {
        panic!()
    };
    assert_eq!(get(&steps[1], "threshold_met"), Value::Bool(false));
    let Value::Array(rules) = get(&steps[2], "rules") else {
        panic!()
    };
    assert_eq!(get(&rules[1], "artifact_kind").as_str(), Some("products"));

    // A passing chain: summary link and rule traces with consumed artifacts.
    let env = Env::new("report-json-pass");
    let (owner, alice) = (key(), key());
    let mut l = layout();
    step(
        &mut l,
        "build",
        &[&alice],
        &["ALLOW src/*"],
        &["CREATE dist/*"],
    );
    env.put_link(
        &link(
            "build",
            &[("src/a.c", "a")],
            &[("src/a.c", "a"), ("dist/a", "bin")],
        ),
        &alice,
    );
    let r = env.verify(&signed_layout(&l, &[&owner]), &[public(&owner)]);
    assert!(r.passed(), "{r}");
    let v = intoto_cjson::from_slice(r.to_json().as_bytes()).unwrap();
    assert_eq!(get(&v, "verdict").as_str(), Some("pass"));
    let summary = get(&v, "summary_link");
    assert_eq!(get(&summary, "_type").as_str(), Some("link"));
    let Value::Array(steps) = get(&v, "steps") else {
        panic!()
    };
    let Value::Array(rules) = get(&steps[0], "rules") else {
        panic!()
    };
    let Value::Array(product_rules) = get(&rules[1], "rules") else {
        panic!()
    };
    assert_eq!(
        get(&product_rules[0], "consumed"),
        Value::Array(vec!["dist/a".into()])
    );
    assert_eq!(
        get(&rules[1], "unconsumed"),
        Value::Array(vec!["src/a.c".into()])
    );
    // The documentation describes this version.
    let doc =
        fs::read_to_string(intoto_testkit::workspace_root().join("docs/report-json.md")).unwrap();
    assert!(doc.contains(&format!("\"format_version\": {REPORT_FORMAT_VERSION}")));
}

/// `-v`: the reference's progress lines, in its order.
#[test]
fn log_lines_follow_the_reference() {
    let env = Env::new("report-log");
    let (owner, alice) = (key(), key());
    let mut l = layout();
    step(&mut l, "build", &[&alice], &["ALLOW *"], &[]);
    inspection(&mut l, "check", &["true"], &[], &[]);
    env.put_link(&link("build", &[("a", "a")], &[]), &alice);
    let lines = Lines::default();
    let exec = ScriptExec::returning(0);
    let opts = env.options(&exec).log(&lines);
    let r = verify(&signed_layout(&l, &[&owner]), &[public(&owner)], &opts);
    assert!(r.passed(), "{r}");
    let keyid8 = public(&alice).keyid().short().to_owned();
    let expected = [
        "Verifying layout metadata signatures...",
        "Extracting layout from metadata...",
        "Verifying layout expiration...",
        "Reading link metadata files...",
        "Verifying link metadata signatures...",
        "Verifying sublayouts...",
        "Verifying alignment of reported commands...",
        &format!("Verifying command alignment for 'build.{keyid8}.link'..."),
        "Verifying threshold constraints...",
        "Skipping threshold verification for step 'build' with threshold '1'...",
        "Verifying Step rules...",
        "Verifying material rules for 'build'...",
        "Verifying 'ALLOW *'...",
        "Verifying product rules for 'build'...",
        "Executing Inspection commands...",
        "Executing command for inspection 'check'...",
        "Running 'check'...",
        "Recording materials '.'...",
        "Running command 'true'...",
        "Recording products '.'...",
        "Creating link metadata...",
        "Generating link metadata using Metablock...",
        "Verifying Inspection rules...",
        "Verifying material rules for 'check'...",
        "Verifying product rules for 'check'...",
        "The software product passed all verification.",
    ];
    assert_eq!(*lines.info.lock().unwrap(), expected);
}
