//! Ports of the rule cases of the reference's `tests/test_verifylib.py`
//! (in-toto 3.1.0): `TestVerifyRule`, `TestVerifyMatchRule`,
//! `TestVerifyItemRules` and `TestVerifyAllItemRules`.
//!
//! The reference tests call `verify_<type>_rule(pattern, queue, materials,
//! products)` with a free-standing queue; our engine always starts the queue
//! from the item's own materials or products. A case whose artifact is "not
//! queued" is ported by letting an earlier `ALLOW` consume it. Cases whose
//! queue holds an artifact that is neither a material nor a product ("In
//! real life this shouldn't be in the queue either") describe a state the
//! engine cannot reach and are left out. `test_fail_wrong_source_type` is
//! left out because `ArtifactKind` only has the two valid values.

use std::collections::BTreeMap;

use intoto::model::artifact::Artifacts;
use intoto::model::rule::ArtifactKind::{self, Materials, Products};
use intoto::rules::{LinkArtifacts, Problem};

use super::support::{artifacts, consumed, link, paths, rules, run};

const SHA_A: &str = "d65165279105ca6773180500688df4bdc69a2c7b771752f0a46ef120b7fd8ec3";
const SHA_B: &str = "155c693a6b7481f48626ebfc545f05236df679f0099225d6d0bc472e6dd21155";

/// One table row: the rule under test runs on `kind` of an item with these
/// materials and products; `hide` first lets `ALLOW <hide>` consume the
/// artifact ("not queued"). `expected` is what the rule under test consumes.
struct Row {
    source: &'static str,
    rule: &'static str,
    kind: ArtifactKind,
    materials: Artifacts,
    products: Artifacts,
    hide: Option<&'static str>,
    expected: &'static [&'static str],
}

fn check_rows(rows: Vec<Row>) {
    for row in rows {
        let links = BTreeMap::from([("item".to_owned(), link(row.materials, row.products))]);
        let mut texts = Vec::new();
        if let Some(hide) = row.hide {
            texts.push(format!("ALLOW {hide}"));
        }
        texts.push(row.rule.to_owned());
        let parsed = rules(&texts.iter().map(String::as_str).collect::<Vec<_>>());
        let report = run("item", row.kind, &parsed, &links);
        let got = consumed(&report).pop().unwrap();
        assert_eq!(got, row.expected, "{}: {}", row.source, row.rule);
    }
}

/// test_verify_delete_rule
#[test]
fn delete_rule() {
    let s = "test_verify_rule.test_verify_delete_rule";
    check_rows(vec![
        // Consume deleted artifact
        Row {
            source: s,
            rule: "DELETE foo",
            kind: Materials,
            materials: paths(&["foo"]),
            products: paths(&[]),
            hide: None,
            expected: &["foo"],
        },
        // Consume multiple deleted artifacts with wildcard
        Row {
            source: s,
            rule: "DELETE *",
            kind: Materials,
            materials: paths(&["foo", "bar"]),
            products: paths(&[]),
            hide: None,
            expected: &["bar", "foo"],
        },
        // Don't consume created artifact (in products only)
        Row {
            source: s,
            rule: "DELETE foo",
            kind: Products,
            materials: paths(&[]),
            products: paths(&["foo"]),
            hide: None,
            expected: &[],
        },
        // Don't consume deleted but not queued artifact
        Row {
            source: s,
            rule: "DELETE foo",
            kind: Materials,
            materials: paths(&["foo"]),
            products: paths(&[]),
            hide: Some("foo"),
            expected: &[],
        },
        // Don't consume deleted but not matched artifact
        Row {
            source: s,
            rule: "DELETE bar",
            kind: Materials,
            materials: paths(&["foo"]),
            products: paths(&[]),
            hide: None,
            expected: &[],
        },
    ]);
}

/// test_verify_create_rule
#[test]
fn create_rule() {
    let s = "TestVerifyRule.test_verify_create_rule";
    check_rows(vec![
        // Consume created artifact
        Row {
            source: s,
            rule: "CREATE foo",
            kind: Products,
            materials: paths(&[]),
            products: paths(&["foo"]),
            hide: None,
            expected: &["foo"],
        },
        // Consume multiple created artifacts with wildcard
        Row {
            source: s,
            rule: "CREATE *",
            kind: Products,
            materials: paths(&[]),
            products: paths(&["foo", "bar"]),
            hide: None,
            expected: &["bar", "foo"],
        },
        // Don't consume deleted artifact (in materials only)
        Row {
            source: s,
            rule: "CREATE foo",
            kind: Materials,
            materials: paths(&["foo"]),
            products: paths(&[]),
            hide: None,
            expected: &[],
        },
        // Don't consume created but not queued artifact
        Row {
            source: s,
            rule: "CREATE foo",
            kind: Products,
            materials: paths(&[]),
            products: paths(&["foo"]),
            hide: Some("foo"),
            expected: &[],
        },
        // Don't consume created but not matched artifact
        Row {
            source: s,
            rule: "CREATE bar",
            kind: Products,
            materials: paths(&[]),
            products: paths(&["foo"]),
            hide: None,
            expected: &[],
        },
    ]);
}

/// test_verify_modify_rule (each case on both queues: the artifact is a
/// material and a product, so either queue holds it).
#[test]
fn modify_rule() {
    let s = "TestVerifyRule.test_verify_modify_rule";
    for kind in [Materials, Products] {
        check_rows(vec![
            // Consume modified artifact
            Row {
                source: s,
                rule: "MODIFY foo",
                kind,
                materials: artifacts(&[("foo", SHA_A)]),
                products: artifacts(&[("foo", SHA_B)]),
                hide: None,
                expected: &["foo"],
            },
            // Consume multiple modified artifacts with wildcard
            Row {
                source: s,
                rule: "MODIFY *",
                kind,
                materials: artifacts(&[("foo", SHA_A), ("bar", SHA_A)]),
                products: artifacts(&[("foo", SHA_B), ("bar", SHA_B)]),
                hide: None,
                expected: &["bar", "foo"],
            },
            // Don't consume unmodified artifact
            Row {
                source: s,
                rule: "MODIFY foo",
                kind,
                materials: artifacts(&[("foo", SHA_A)]),
                products: artifacts(&[("foo", SHA_A)]),
                hide: None,
                expected: &[],
            },
            // Don't consume modified but not queued artifact
            Row {
                source: s,
                rule: "MODIFY foo",
                kind,
                materials: artifacts(&[("foo", SHA_A)]),
                products: artifacts(&[("foo", SHA_B)]),
                hide: Some("foo"),
                expected: &[],
            },
            // Don't consume modified but not matched artifact
            Row {
                source: s,
                rule: "MODIFY bar",
                kind,
                materials: artifacts(&[("foo", SHA_A)]),
                products: artifacts(&[("foo", SHA_B)]),
                hide: None,
                expected: &[],
            },
        ]);
    }
}

/// test_verify_allow_rule
#[test]
fn allow_rule() {
    let s = "TestVerifyRule.test_verify_allow_rule";
    check_rows(vec![
        // Consume allowed artifact
        Row {
            source: s,
            rule: "ALLOW foo",
            kind: Materials,
            materials: paths(&["foo"]),
            products: paths(&[]),
            hide: None,
            expected: &["foo"],
        },
        // Consume multiple allowed artifacts with wildcard
        Row {
            source: s,
            rule: "ALLOW *",
            kind: Materials,
            materials: paths(&["foo", "bar"]),
            products: paths(&[]),
            hide: None,
            expected: &["bar", "foo"],
        },
        // Consume multiple allowed artifacts with wildcard 2
        Row {
            source: s,
            rule: "ALLOW foo*",
            kind: Materials,
            materials: paths(&["foo", "foobar", "bar"]),
            products: paths(&[]),
            hide: None,
            expected: &["foo", "foobar"],
        },
        // Don't consume unmatched artifacts
        Row {
            source: s,
            rule: "ALLOW bar",
            kind: Materials,
            materials: paths(&["foo"]),
            products: paths(&[]),
            hide: None,
            expected: &[],
        },
        // Don't consume artifacts if nothing is in the queue
        Row {
            source: s,
            rule: "ALLOW foo",
            kind: Materials,
            materials: paths(&[]),
            products: paths(&[]),
            hide: None,
            expected: &[],
        },
    ]);
}

/// test_verify_disallow_rule and test_verify_require_rule: (rule, queue,
/// should fail).
#[test]
fn disallow_and_require_rules() {
    let cases: [(&str, &str, &[&str], bool); 8] = [
        (
            "TestVerifyRule.test_verify_disallow_rule",
            "DISALLOW foo",
            &["foo"],
            true,
        ),
        (
            "TestVerifyRule.test_verify_disallow_rule",
            "DISALLOW *",
            &["foo", "bar"],
            true,
        ),
        (
            "TestVerifyRule.test_verify_disallow_rule",
            "DISALLOW foo",
            &["bar"],
            false,
        ),
        (
            "TestVerifyRule.test_verify_disallow_rule",
            "DISALLOW *",
            &[],
            false,
        ),
        (
            "TestVerifyRule.test_verify_require_rule",
            "REQUIRE foo",
            &["foo"],
            false,
        ),
        (
            "TestVerifyRule.test_verify_require_rule",
            "REQUIRE foo",
            &["bar"],
            true,
        ),
        // A pattern is passed, which should be interpreted *literally*
        (
            "TestVerifyRule.test_verify_require_rule",
            "REQUIRE *",
            &["*"],
            false,
        ),
        (
            "TestVerifyRule.test_verify_require_rule",
            "REQUIRE *",
            &["foo"],
            true,
        ),
    ];
    for (source, rule, queue, should_fail) in cases {
        let links = BTreeMap::from([("item".to_owned(), link(paths(queue), Artifacts::new()))]);
        let parsed = rules(&[rule]);
        let report = run("item", Materials, &parsed, &links);
        assert_eq!(
            !report.passed(),
            should_fail,
            "{source}: {rule} on {queue:?}"
        );
        // Neither rule consumes anything.
        assert!(report.consumed_by(0).next().is_none());
    }
}

fn match_setup() -> (Artifacts, Artifacts, BTreeMap<String, LinkArtifacts>) {
    let (sha_foo, sha_foobar) = (SHA_A, SHA_B);
    let sha_bar = "cfdaaf1ab2e4661952a9dec5e8fa3c360c1b06b1a073e8493a7c46d2af8c504b";
    let sha_barfoo = "2036784917e49b7685c7c17e03ddcae4a063979aa296ee5090b5bb8f8aeafc5d";
    let materials = artifacts(&[
        ("foo", sha_foo),
        ("foobar", sha_foobar),
        ("sub/foo", sha_foo),
        ("sub/foobar", sha_foobar),
        ("lib/foo", sha_foo),
        ("lib/foobar", sha_foobar),
        ("lib/build/foo", sha_foo),
        ("lib/build/foobar", sha_foobar),
    ]);
    let products = artifacts(&[
        ("bar", sha_bar),
        ("barfoo", sha_barfoo),
        ("sub/bar", sha_bar),
        ("sub/barfoo", sha_barfoo),
        ("sub/lib/bar", sha_bar),
        ("sub/lib/barfoo", sha_barfoo),
        ("build/bar", sha_bar),
        ("build/barfoo", sha_barfoo),
    ]);
    let links = BTreeMap::from([(
        "dest-item".to_owned(),
        link(materials.clone(), products.clone()),
    )]);
    (materials, products, links)
}

/// TestVerifyMatchRule.test_verify_match_rule: (rule, queue/source
/// artifacts, hide everything first, expected). The source item is not the
/// destination; its queue is the destination's materials or products, as
/// in the reference test.
#[test]
fn match_rule() {
    let (materials, products, mut links) = match_setup();
    let m = || materials.clone();
    let p = || products.clone();
    let cases: Vec<(&str, ArtifactKind, Artifacts, bool, &[&str])> = vec![
        // Consume foo matching with dest material foo
        (
            "MATCH foo WITH MATERIALS FROM dest-item",
            Materials,
            m(),
            false,
            &["foo"],
        ),
        // Consume foo matching with dest product foo
        (
            "MATCH bar WITH PRODUCTS FROM dest-item",
            Products,
            p(),
            false,
            &["bar"],
        ),
        // Consume sub/foo matching with dest material foo
        (
            "MATCH foo IN sub WITH MATERIALS FROM dest-item",
            Materials,
            m(),
            false,
            &["sub/foo"],
        ),
        // Consume sub/foo matching with dest material foo (ignore trailing /)
        (
            "MATCH foo IN sub/ WITH MATERIALS FROM dest-item",
            Materials,
            m(),
            false,
            &["sub/foo"],
        ),
        // Consume sub/bar matching with dest product bar
        (
            "MATCH bar IN sub WITH PRODUCTS FROM dest-item",
            Products,
            p(),
            false,
            &["sub/bar"],
        ),
        // Consume foo matching with dest material sub/foo
        (
            "MATCH foo WITH MATERIALS IN sub FROM dest-item",
            Materials,
            m(),
            false,
            &["foo"],
        ),
        // Consume bar matching with dest product sub/bar
        (
            "MATCH bar WITH PRODUCTS IN sub FROM dest-item",
            Products,
            p(),
            false,
            &["bar"],
        ),
        // Consume bar matching with dest product sub/bar (ignore trailing /)
        (
            "MATCH bar WITH PRODUCTS IN sub/ FROM dest-item",
            Products,
            p(),
            false,
            &["bar"],
        ),
        // Consume foo* matching with dest material foo*
        (
            "MATCH foo* WITH MATERIALS FROM dest-item",
            Materials,
            m(),
            false,
            &["foo", "foobar"],
        ),
        // Consume sub/foo* matching with dest material foo*
        (
            "MATCH foo* IN sub WITH MATERIALS FROM dest-item",
            Materials,
            m(),
            false,
            &["sub/foo", "sub/foobar"],
        ),
        // Consume bar* matching with dest product bar*
        (
            "MATCH bar* WITH PRODUCTS FROM dest-item",
            Products,
            p(),
            false,
            &["bar", "barfoo"],
        ),
        // Consume bar* matching with dest product sub/bar*
        (
            "MATCH bar* WITH PRODUCTS IN sub FROM dest-item",
            Products,
            p(),
            false,
            &["bar", "barfoo"],
        ),
        // Don't consume (empty queue)
        (
            "MATCH foo WITH MATERIALS FROM dest-item",
            Materials,
            m(),
            true,
            &[],
        ),
        // Don't consume (no destination artifact)
        (
            "MATCH foo WITH PRODUCTS FROM dest-item",
            Materials,
            m(),
            false,
            &[],
        ),
        // Don't consume (non-matching hashes)
        (
            "MATCH foo WITH MATERIALS FROM dest-item",
            Materials,
            artifacts(&[("foo", "deadbeef")]),
            false,
            &[],
        ),
        // Don't consume (missing link)
        (
            "MATCH foo WITH MATERIALS FROM dest-item-missing-link",
            Materials,
            m(),
            false,
            &[],
        ),
        // Ensures the sub/bar file matches the product file in the sub folder
        (
            "MATCH bar IN sub WITH PRODUCTS IN sub FROM dest-item",
            Products,
            p(),
            false,
            &["sub/bar"],
        ),
        // Ensures sub/bar and sub/barfoo match the products in the sub folder
        (
            "MATCH bar* IN sub WITH PRODUCTS IN sub/ FROM dest-item",
            Products,
            p(),
            false,
            &["sub/bar", "sub/barfoo"],
        ),
        // Ensure the sub/bar file matches the product file in sub/lib
        (
            "MATCH bar IN sub WITH PRODUCTS IN sub/lib FROM dest-item",
            Products,
            p(),
            false,
            &["sub/bar"],
        ),
        // Do not consume. Missing link
        (
            "MATCH bar IN sub WITH PRODUCTS IN sub FROM dest-item-missing-link",
            Products,
            p(),
            false,
            &[],
        ),
        // Ensures the sub/foo file matches the material file in lib
        (
            "MATCH foo IN sub WITH MATERIALS IN lib FROM dest-item",
            Materials,
            m(),
            false,
            &["sub/foo"],
        ),
        // Ensures sub/foo and sub/foobar match material files in lib
        (
            "MATCH foo* IN sub WITH MATERIALS IN lib/ FROM dest-item",
            Materials,
            m(),
            false,
            &["sub/foo", "sub/foobar"],
        ),
        // Ensures the sub/foo file matches the material file in lib/build
        (
            "MATCH foo IN sub WITH MATERIALS IN lib/build FROM dest-item",
            Materials,
            m(),
            false,
            &["sub/foo"],
        ),
        // Ensures sub/foo and sub/foobar match the material files in lib/build
        (
            "MATCH foo* IN sub WITH MATERIALS IN lib/build FROM dest-item",
            Materials,
            m(),
            false,
            &["sub/foo", "sub/foobar"],
        ),
    ];
    for (i, (rule, kind, source, hide_all, expected)) in cases.into_iter().enumerate() {
        let own = match kind {
            Materials => link(source, Artifacts::new()),
            _ => link(Artifacts::new(), source),
        };
        links.insert("source-item".to_owned(), own);
        let texts: Vec<&str> = if hide_all {
            vec!["ALLOW *", rule]
        } else {
            vec![rule]
        };
        let parsed = rules(&texts);
        let report = run("source-item", kind, &parsed, &links);
        assert_eq!(
            consumed(&report).pop().unwrap(),
            expected,
            "TestVerifyMatchRule.test_verify_match_rule case {i}: {rule}"
        );
        assert!(report.passed());
    }
}

fn item_rules_links() -> BTreeMap<String, LinkArtifacts> {
    let (s1, s2) = (
        SHA_A,
        "cfdaaf1ab2e4661952a9dec5e8fa3c360c1b06b1a073e8493a7c46d2af8c504b",
    );
    BTreeMap::from([(
        "item".to_owned(),
        link(
            artifacts(&[("foo", s1), ("foobar", s1), ("bar", s1), ("foobarbaz", s1)]),
            artifacts(&[("baz", s1), ("foo", s1), ("bar", s2), ("foobarbaz", s1)]),
        ),
    )])
}

/// TestVerifyItemRules.test_pass_rules_with_each_rule_type (with a MATCH
/// against the item itself).
#[test]
fn item_rules_pass_with_each_rule_type() {
    let links = item_rules_links();
    let parsed = rules(&[
        "DELETE foobar",
        "REQUIRE foobarbaz",
        "CREATE baz",
        "MODIFY bar",
        "MATCH foo WITH MATERIALS FROM item",
        "ALLOW foobarbaz",
        "DISALLOW *",
    ]);
    for kind in [Materials, Products] {
        let report = run("item", kind, &parsed, &links);
        assert!(report.passed(), "{report}");
        assert_eq!(report.unconsumed().count(), 0);
    }
    // The item's own link also serves MATCH ... FROM item when `links` does
    // not list it.
    let own = links["item"].as_item();
    let empty = BTreeMap::<String, LinkArtifacts>::new();
    let report = intoto::rules::verify_item_rules("item", Materials, &parsed, own, &empty);
    assert!(report.passed(), "{report}");
}

/// TestVerifyItemRules.test_fail_disallow_not_consumed_artifacts
#[test]
fn item_rules_fail_disallow_not_consumed() {
    let links = item_rules_links();
    let parsed = rules(&["DISALLOW *"]);
    let report = run("item", Materials, &parsed, &links);
    assert!(!report.passed());
    let Problem::Disallowed { artifacts } = &report.violations()[0].problem else {
        panic!("not DISALLOW")
    };
    let found: Vec<&str> = artifacts.iter().map(|a| a.path).collect();
    assert_eq!(found, ["bar", "foo", "foobar", "foobarbaz"]);
}

/// TestVerifyItemRules.test_pass_not_consumed_artifacts
#[test]
fn item_rules_pass_not_consumed() {
    let links = item_rules_links();
    let report = run("item", Materials, &[], &links);
    assert!(report.passed());
    assert_eq!(report.unconsumed().count(), 4);
}

/// TestVerifyAllItemRules: write-code -> package (steps) -> untar
/// (inspection), every item's rules pass.
#[test]
fn all_item_rules_pass() {
    let sha_foo = SHA_A;
    let foo_tar = "93c3c35a039a6a3d53e81c5dbee4ebb684de57b7c8be11b8739fd35804a0e918";
    let links = BTreeMap::from([
        (
            "write-code".to_owned(),
            link(Artifacts::new(), artifacts(&[("foo", sha_foo)])),
        ),
        (
            "package".to_owned(),
            link(
                artifacts(&[("foo", sha_foo)]),
                artifacts(&[("foo.tar.gz", foo_tar)]),
            ),
        ),
        (
            "untar".to_owned(),
            link(
                artifacts(&[("foo.tar.gz", foo_tar)]),
                artifacts(&[("dir/foo", sha_foo)]),
            ),
        ),
    ]);
    let items: [(&str, &[&str], &[&str]); 3] = [
        ("write-code", &[], &["CREATE foo"]),
        (
            "package",
            &["MATCH foo WITH PRODUCTS FROM write-code"],
            &["CREATE foo.tar.gz", "DELETE foo"],
        ),
        (
            "untar",
            &[
                "REQUIRE foo.tar.gz",
                "MATCH foo.tar.gz WITH PRODUCTS FROM package",
            ],
            &["MATCH foo IN dir WITH PRODUCTS FROM write-code"],
        ),
    ];
    for (name, material_rules, product_rules) in items {
        for (kind, texts) in [(Materials, material_rules), (Products, product_rules)] {
            let parsed = rules(texts);
            let report = run(name, kind, &parsed, &links);
            assert!(report.passed(), "{report}");
        }
    }
    // And the consumption is what the chain intends.
    let parsed = rules(&["MATCH foo IN dir WITH PRODUCTS FROM write-code"]);
    assert_eq!(
        consumed(&run("untar", Products, &parsed, &links)),
        [["dir/foo"]]
    );
}
