//! The report: what each rule consumed, why offending artifacts were not
//! consumed, and the reference's message format.

use std::collections::BTreeMap;

use intoto::model::artifact::Artifacts;
use intoto::model::rule::ArtifactKind::{Materials, Products};
use intoto::rules::{NotConsumed, Problem};

use super::support::{artifacts, link, paths, rules, run};

/// The untar example of spec 1.3: the tarball differs from the packaged one.
#[test]
fn reference_message_for_disallow() {
    let links = BTreeMap::from([
        (
            "untar".to_owned(),
            link(
                artifacts(&[("demo-project.tar.gz", "11"), ("root.layout", "22")]),
                artifacts(&[
                    ("demo-project.tar.gz", "11"),
                    ("root.layout", "22"),
                    ("demo-project/foo.py", "33"),
                ]),
            ),
        ),
        (
            "package".to_owned(),
            link(
                Artifacts::new(),
                artifacts(&[("demo-project.tar.gz", "99")]),
            ),
        ),
    ]);
    let parsed = rules(&[
        "MATCH demo-project.tar.gz WITH PRODUCTS FROM package",
        "DISALLOW demo-project.tar.gz",
        "ALLOW *",
    ]);
    let report = run("untar", Materials, &parsed, &links);
    assert_eq!(report.violations().len(), 1);
    let v = &report.violations()[0];
    assert_eq!(v.rule_index, 1);
    assert_eq!(
        report.reference_message(v),
        "'DISALLOW demo-project.tar.gz' matched the following artifacts: ['demo-project.tar.gz']\n\
         Full trace for 'expected_materials' of item 'untar':\n\
         Available materials (used for queue):\n\
         ['demo-project.tar.gz', 'root.layout']\n\
         Available products:\n\
         ['demo-project.tar.gz', 'demo-project/foo.py', 'root.layout']\n\
         Queue after 'MATCH demo-project.tar.gz WITH PRODUCTS FROM package':\n\
         ['demo-project.tar.gz', 'root.layout']\n"
    );
    let Problem::Disallowed { artifacts } = &v.problem else {
        panic!("not DISALLOW")
    };
    assert_eq!(artifacts.len(), 1);
    assert_eq!(artifacts[0].not_consumed.len(), 1);
    assert_eq!(artifacts[0].not_consumed[0].rule_index, 0);
    assert_eq!(
        artifacts[0].not_consumed[0].reason.to_string(),
        "digests differ: here {sha256: 11}, package products {sha256: 99}"
    );
    // The last rule consumed everything that was left.
    assert_eq!(
        report.consumed_by(2).collect::<Vec<_>>(),
        ["demo-project.tar.gz", "root.layout"]
    );
    assert_eq!(
        report.to_string(),
        "expected_materials of 'untar': 1 failed rule\n\
         rule 2 'DISALLOW demo-project.tar.gz' matched 1 artifact:\n  \
         'demo-project.tar.gz'\n    \
         not consumed by rule 1 'MATCH demo-project.tar.gz WITH PRODUCTS FROM package': \
         digests differ: here {sha256: 11}, package products {sha256: 99}"
    );
}

#[test]
fn reference_message_for_require() {
    let links = BTreeMap::from([("s".to_owned(), link(paths(&["a", "b"]), paths(&["c"])))]);
    let parsed = rules(&["allow a", "REQUIRE a", "REQUIRE zz"]);
    let report = run("s", Materials, &parsed, &links);
    assert_eq!(report.violations().len(), 2);
    assert_eq!(
        report.reference_message(&report.violations()[0]),
        "'REQUIRE a' did not find a in: {'b'}\n\
         Full trace for 'expected_materials' of item 's':\n\
         Available materials (used for queue):\n['a', 'b']\n\
         Available products:\n['c']\n\
         Queue after 'allow a':\n['b']\n"
    );
    let Problem::RequiredMissing { path, consumed_by } = report.violations()[0].problem else {
        panic!()
    };
    assert_eq!((path, consumed_by), ("a", Some(0)));
    let Problem::RequiredMissing { path, consumed_by } = report.violations()[1].problem else {
        panic!()
    };
    assert_eq!((path, consumed_by), ("zz", None));
    assert!(
        report
            .to_string()
            .contains("rule 2 'REQUIRE a' did not find 'a': it was consumed by rule 1")
    );
    assert!(
        report
            .to_string()
            .contains("rule 3 'REQUIRE zz' did not find 'zz': there is no such artifact")
    );
    let empty = rules(&["ALLOW *", "REQUIRE x"]);
    let report = run("s", Materials, &empty, &links);
    assert!(
        report
            .reference_message(&report.violations()[0])
            .starts_with("'REQUIRE x' did not find x in: set()\n")
    );
}

/// Every kind of "looked at it but did not consume it".
#[test]
fn reasons_for_not_consuming() {
    let links = BTreeMap::from([
        (
            "s".to_owned(),
            link(
                artifacts(&[
                    ("same", "01"),
                    ("gone", "02"),
                    ("kept", "03"),
                    ("only-m", "04"),
                ]),
                artifacts(&[
                    ("same", "01"),
                    ("kept", "03"),
                    ("new", "05"),
                    ("sub/x", "06"),
                    ("sub/y", "07"),
                ]),
            ),
        ),
        (
            "build".to_owned(),
            link(
                Artifacts::new(),
                artifacts(&[("out/y", "70"), ("x-other", "00")]),
            ),
        ),
    ]);
    let parsed = rules(&[
        "CREATE same",
        "DELETE kept",
        "MODIFY same",
        "MODIFY new",
        "MATCH * IN sub WITH PRODUCTS IN out FROM build",
        "MATCH new WITH MATERIALS FROM nowhere",
        "DISALLOW *",
    ]);
    let report = run("s", Products, &parsed, &links);
    assert_eq!(report.violations().len(), 1);
    let Problem::Disallowed { artifacts } = &report.violations()[0].problem else {
        panic!()
    };
    let reasons = |path: &str| -> Vec<(usize, NotConsumed<'_>)> {
        let a = artifacts.iter().find(|a| a.path == path).unwrap();
        a.not_consumed
            .iter()
            .map(|m| (m.rule_index, m.reason.clone()))
            .collect()
    };
    assert_eq!(
        reasons("same"),
        [
            (0, NotConsumed::AlsoInMaterials),
            (2, NotConsumed::Unchanged)
        ]
    );
    assert_eq!(reasons("kept"), [(1, NotConsumed::StillInProducts)]);
    assert_eq!(
        reasons("new"),
        [
            (3, NotConsumed::MissingFrom(Materials)),
            (5, NotConsumed::NoLinkForStep { step: "nowhere" })
        ]
    );
    assert_eq!(
        reasons("sub/x"),
        [(
            4,
            NotConsumed::NotFound {
                step: "build",
                dest_type: Products,
                dest_path: Some("out/x".to_owned())
            }
        )]
    );
    let y = reasons("sub/y");
    assert_eq!(y.len(), 1);
    assert_eq!(
        y[0].1.to_string(),
        "digests differ: here {sha256: 07}, build products 'out/y' {sha256: 70}"
    );
    assert_eq!(
        reasons("sub/x")[0].1.to_string(),
        "not found in build products 'out/x'"
    );
    assert_eq!(
        NotConsumed::NoLinkForStep { step: "nowhere" }.to_string(),
        "no link for step 'nowhere'"
    );
}

/// `MATCH ... IN prefix` meeting a path whose rest starts with `/` or holds a
/// backslash: the reference would look up another artifact (usually a
/// `KeyError`); we report a violation (stricter than the reference).
#[test]
fn ambiguous_paths_below_a_source_prefix_fail() {
    let links = BTreeMap::from([
        (
            "s".to_owned(),
            link(Artifacts::new(), paths(&["a//x", "a/b\\c", "a/ok"])),
        ),
        (
            "o".to_owned(),
            link(Artifacts::new(), paths(&["/x", "b/c", "b\\c", "ok"])),
        ),
    ]);
    let parsed = rules(&["MATCH * IN a WITH PRODUCTS FROM o"]);
    let report = run("s", Products, &parsed, &links);
    assert_eq!(report.consumed_by(0).collect::<Vec<_>>(), ["a/ok"]);
    assert_eq!(report.violations().len(), 1);
    let v = &report.violations()[0];
    let Problem::AmbiguousMatchPath { artifacts } = &v.problem else {
        panic!()
    };
    let got: Vec<(&str, &str)> = artifacts
        .iter()
        .map(|a| (a.path, a.looked_up.as_str()))
        .collect();
    assert_eq!(got, [("a//x", "/x"), ("a/b\\c", "a/b/c")]);
    assert_eq!(report.reference_message(v), "'/x'");
    // Without a source prefix the same paths are plain names.
    let parsed = rules(&["MATCH * WITH PRODUCTS IN a FROM s"]);
    let links2 = BTreeMap::from([
        ("t".to_owned(), link(Artifacts::new(), paths(&["/x", "ok"]))),
        ("s".to_owned(), links["s"].clone()),
    ]);
    let report = run("t", Products, &parsed, &links2);
    assert!(report.passed());
    // join("a", "/x") is "/x", which `s` lacks; join("a", "ok") is "a/ok".
    assert_eq!(report.consumed_by(0).collect::<Vec<_>>(), ["ok"]);
}
