//! Glob-semantics attack cases from `research/security.md` B
//! (GHSA-pmwq-pjrm-6p5r): the pattern dialect must be Python's fnmatch.

use std::collections::BTreeMap;

use intoto::model::artifact::Artifacts;
use intoto::model::rule::ArtifactKind::Products;

use super::support::{link, paths, rules, run};

fn passes(rule_texts: &[&str], product: &str) -> bool {
    let links = BTreeMap::from([("step".to_owned(), link(Artifacts::new(), paths(&[product])))]);
    let parsed = rules(rule_texts);
    run("step", Products, &parsed, &links).passed()
}

#[test]
fn negated_class_is_bang_not_caret() {
    let rules = ["ALLOW [!s]*", "DISALLOW *"];
    assert!(!passes(&rules, "secret.txt"));
    assert!(passes(&rules, "public.txt"));
    // `[^s]` is a class of '^' and 's', not a negation.
    let rules = ["ALLOW [^s]*", "DISALLOW *"];
    assert!(!passes(&rules, "public.txt"));
    assert!(passes(&rules, "secret.txt"));
}

#[test]
fn matching_is_case_sensitive() {
    assert!(!passes(&["ALLOW README*", "DISALLOW *"], "readme.evil"));
    assert!(passes(&["ALLOW README*", "DISALLOW *"], "README.md"));
    assert!(!passes(&["ALLOW *.py", "DISALLOW *"], "Foo.PY"));
}

#[test]
fn star_crosses_directories() {
    assert!(!passes(&["DISALLOW *.key"], "deep/dir/id.key"));
    assert!(passes(&["ALLOW *.py", "DISALLOW *"], "src/lib/foo.py"));
    assert!(!passes(&["DISALLOW ?oo/.hidden"], "/oo/.hidden"));
    assert!(!passes(&["DISALLOW *"], ".hidden"));
}

#[test]
fn backslash_does_not_escape() {
    // (Quoted, because the string form is shell-split and would eat the
    // backslash.)
    assert!(passes(&["DISALLOW 'foo\\.py'"], "foo.py"));
    assert!(!passes(&["DISALLOW 'foo\\.py'"], "foo\\.py"));
    // `\*` is a backslash followed by a star, which matches anything after
    // a backslash.
    assert!(!passes(&["DISALLOW 'a\\*'"], "a\\bc"));
}

#[test]
fn require_is_literal_and_prefix_globs_are_literal() {
    assert!(!passes(&["REQUIRE *.py"], "foo.py"));
    assert!(passes(&["REQUIRE *.py"], "*.py"));
    // `MATCH * IN s* ...` finds nothing: the prefix is not a pattern.
    let links = BTreeMap::from([
        ("step".to_owned(), link(Artifacts::new(), paths(&["src/a"]))),
        ("other".to_owned(), link(Artifacts::new(), paths(&["a"]))),
    ]);
    let parsed = rules(&["MATCH * IN s* WITH PRODUCTS FROM other", "DISALLOW *"]);
    assert!(!run("step", Products, &parsed, &links).passed());
    let parsed = rules(&["MATCH * IN src WITH PRODUCTS FROM other", "DISALLOW *"]);
    assert!(run("step", Products, &parsed, &links).passed());
}
