//! Helpers shared by the rule tests.

use std::collections::BTreeMap;

use intoto::model::artifact::{Artifacts, DigestSet};
use intoto::model::rule::{ArtifactKind, ArtifactRule};
use intoto::rules::{ItemRuleReport, LinkArtifacts, verify_item_rules};
use intoto_cjson::Value;

/// A digest set with one sha256 entry.
pub(crate) fn sha256(hex: &str) -> DigestSet {
    DigestSet::from([("sha256".to_owned(), hex.to_owned())])
}

/// Artifacts from `(path, sha256)` pairs.
pub(crate) fn artifacts(pairs: &[(&str, &str)]) -> Artifacts {
    pairs
        .iter()
        .map(|(p, h)| ((*p).to_owned(), sha256(h)))
        .collect()
}

/// Artifacts that all have the same digest.
pub(crate) fn paths(names: &[&str]) -> Artifacts {
    names
        .iter()
        .map(|p| ((*p).to_owned(), sha256("d0")))
        .collect()
}

/// A link's materials and products.
pub(crate) fn link(materials: Artifacts, products: Artifacts) -> LinkArtifacts {
    LinkArtifacts {
        materials,
        products,
    }
}

/// Parses rule strings (as `add_*_rule_from_string` would).
pub(crate) fn rules(texts: &[&str]) -> Vec<ArtifactRule> {
    texts
        .iter()
        .map(|t| t.parse().unwrap_or_else(|e| panic!("{t}: {e}")))
        .collect()
}

/// Runs the engine for `item`, whose own link is `links[item]`.
pub(crate) fn run<'a>(
    item: &'a str,
    kind: ArtifactKind,
    rules: &'a [ArtifactRule],
    links: &'a BTreeMap<String, LinkArtifacts>,
) -> ItemRuleReport<'a> {
    let own = links
        .get(item)
        .unwrap_or_else(|| panic!("no link for {item}"))
        .as_item();
    verify_item_rules(item, kind, rules, own, links)
}

/// What each rule consumed, sorted.
pub(crate) fn consumed(report: &ItemRuleReport<'_>) -> Vec<Vec<String>> {
    (0..report.rules().len())
        .map(|i| report.consumed_by(i).map(str::to_owned).collect())
        .collect()
}

pub(crate) use intoto_testkit::Rng;

/// The number of generated cases: `INTOTO_DIFF_CASES` or `default`.
pub(crate) fn case_count(default: usize) -> usize {
    intoto_testkit::case_count("INTOTO_DIFF_CASES", default)
}

/// JSON for the oracle (canonical form; Python reads it with `strict=False`
/// because canonical JSON leaves control characters raw).
pub(crate) fn json(value: &Value) -> Vec<u8> {
    intoto_cjson::to_canonical(value).expect("canonical JSON")
}

pub(crate) fn jstr(s: &str) -> Value {
    Value::String(s.to_owned())
}

pub(crate) fn jlist<'s>(items: impl IntoIterator<Item = &'s str>) -> Value {
    Value::Array(items.into_iter().map(jstr).collect())
}

pub(crate) fn jartifacts(artifacts: &Artifacts) -> Value {
    Value::Object(
        artifacts
            .iter()
            .map(|(p, d)| {
                (
                    p.clone(),
                    Value::Object(d.iter().map(|(k, v)| (k.clone(), jstr(v))).collect()),
                )
            })
            .collect(),
    )
}

/// Decodes the hex the oracle scripts use to pass arbitrary text back.
pub(crate) fn unhex(hex: &str) -> String {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect();
    String::from_utf8(bytes).expect("utf-8")
}

/// Runs an oracle script in a scratch directory.
pub(crate) fn oracle(script: &str, input: &[u8]) -> String {
    let out = intoto_testkit::python(script, input, &std::env::temp_dir());
    String::from_utf8(out).expect("oracle output is UTF-8")
}
