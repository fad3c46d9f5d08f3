//! The whole engine against the reference's
//! `in_toto.verifylib.verify_item_rules`, on generated items: every rule
//! type, MATCH with and without `IN` prefixes on both sides, globs with `*`,
//! `?`, `[...]`, dots and slashes, generated materials, products and other
//! links. Fixed seed; `INTOTO_DIFF_CASES` cases (300 by default), all in one
//! oracle process.
//!
//! For every case we compare the queue after each rule (the reference's
//! `RULE_TRACE`), the verdict, the index of the first failing rule, and the
//! reference's exact error message (the oracle's sets iterate in sorted
//! order so that messages are deterministic). The one documented
//! difference: a MATCH over a path whose rest below the source prefix starts
//! with `/` or holds a backslash fails here, while the reference crashes
//! with a `KeyError` or consumes a different artifact.

use std::collections::BTreeMap;

use intoto::model::artifact::{Artifacts, DigestSet};
use intoto::model::rule::{ArtifactKind, ArtifactRule, RuleKind};
use intoto::rules::{LinkArtifacts, Problem};
use intoto_cjson::{Map, Value};

use super::support::{Rng, case_count, jartifacts, jlist, json, jstr, oracle, run, unhex};

const COMPONENTS: &[&str] = &[
    "a",
    "b",
    "src",
    "sub",
    "dist",
    ".hidden",
    "x.py",
    "X.PY",
    "foo.tar.gz",
    "[ab]",
    "é",
    "lib",
    "c-d",
    "!n",
    "out",
];
const PREFIXED: &[&str] = &["sub", "out"];

fn digest(rng: &mut Rng) -> DigestSet {
    let pool: [&[(&str, &str)]; 4] = [
        &[("sha256", "00")],
        &[("sha256", "11")],
        &[("sha256", "22")],
        &[("sha256", "00"), ("sha512", "ff")],
    ];
    rng.pick(&pool)
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn other_digest(rng: &mut Rng, d: &DigestSet) -> DigestSet {
    loop {
        let e = digest(rng);
        if &e != d {
            return e;
        }
    }
}

fn path(rng: &mut Rng) -> String {
    let depth = 1 + rng.below(3);
    let mut parts: Vec<String> = (0..depth)
        .map(|i| {
            // Directories that MATCH prefixes name, more often than not.
            if i == 0 && depth > 1 && rng.chance(60) {
                rng.pick(PREFIXED).to_string()
            } else {
                rng.pick(COMPONENTS).to_string()
            }
        })
        .collect();
    if rng.chance(10) {
        // Spellings that make `IN` prefixes ambiguous.
        match rng.below(3) {
            0 => parts.insert(1.min(parts.len()), String::new()),
            1 => parts.push("b\\c".to_owned()),
            _ => parts.insert(0, String::new()),
        }
    }
    parts.join("/")
}

/// A path related to `p` the way prefixes relate artifacts across steps.
fn related(rng: &mut Rng, p: &str) -> String {
    match rng.below(7) {
        0 => p.to_owned(),
        1 | 2 => p
            .split_once('/')
            .map_or_else(|| p.to_owned(), |(_, rest)| rest.to_owned()),
        3 | 4 => format!("{}/{p}", rng.pick(PREFIXED)),
        _ => p.split_once('/').map_or_else(
            || p.to_owned(),
            |(_, rest)| format!("{}/{rest}", rng.pick(PREFIXED)),
        ),
    }
}

fn pattern(rng: &mut Rng, known: &[String]) -> String {
    const GLOBS: &[&str] = &[
        "*",
        "**",
        "*.py",
        "sub/*",
        "*/*",
        "?",
        "[!s]*",
        "[a-c]*",
        "*.[pP][yY]",
        "s*b",
        "*a*",
        ".*",
        "[^s]*",
        "x?py",
        "*\\*",
        "[]ab]*",
        "[!]]*",
        "*/x.py",
        "*b",
        "a/*/*",
        "[",
        "*.gz",
    ];
    match rng.below(10) {
        0..=3 if !known.is_empty() => {
            let p = rng.pick(known).clone();
            let parts: Vec<&str> = p.split('/').collect();
            let i = rng.below(parts.len());
            let glob = *rng.pick(&["*", "?*", "*.py", "[a-z]*", "*[!y]", "*"]);
            match rng.below(3) {
                0 => p,
                _ => parts
                    .iter()
                    .enumerate()
                    .map(|(j, c)| if j == i { glob } else { c })
                    .collect::<Vec<_>>()
                    .join("/"),
            }
        }
        0..=6 => rng.pick(GLOBS).to_string(),
        _ => path(rng),
    }
}

fn keyword(rng: &mut Rng, word: &str) -> String {
    match rng.below(10) {
        0 | 1 => word.to_lowercase(),
        2 => word
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_lowercase()
                } else {
                    c
                }
            })
            .collect(),
        _ => word.to_owned(),
    }
}

fn rule(rng: &mut Rng, known: &[String]) -> Vec<String> {
    let k = |rng: &mut Rng, w: &str| keyword(rng, w);
    match rng.below(100) {
        0..=11 => vec![k(rng, "CREATE"), pattern(rng, known)],
        12..=23 => vec![k(rng, "DELETE"), pattern(rng, known)],
        24..=35 => vec![k(rng, "MODIFY"), pattern(rng, known)],
        36..=47 => vec![k(rng, "ALLOW"), pattern(rng, known)],
        48..=62 => vec![k(rng, "DISALLOW"), pattern(rng, known)],
        63..=72 => {
            let file = if !known.is_empty() && rng.chance(60) {
                rng.pick(known).clone()
            } else {
                pattern(rng, known)
            };
            vec![k(rng, "REQUIRE"), file]
        }
        _ => {
            let mut tokens = vec![k(rng, "MATCH")];
            let split: Vec<(&str, &str)> = known.iter().filter_map(|p| p.split_once('/')).collect();
            if rng.chance(50) {
                // Below a prefix the pattern sees the rest of the path; mostly
                // pick a directory and a rest that occur together.
                let (prefix, rest) = if !split.is_empty() && rng.chance(70) {
                    let (dir, rest) = *rng.pick(&split);
                    let dir = if rng.chance(30) {
                        format!("{dir}/")
                    } else {
                        dir.to_owned()
                    };
                    (dir, rest.to_owned())
                } else {
                    let dir =
                        *rng.pick(&["sub", "sub/", "src", "a", "out", "s*", "a\\b", "", "dist"]);
                    (dir.to_owned(), path(rng))
                };
                tokens.push(match rng.below(3) {
                    0 => rng
                        .pick(&["*", "*", "?*", "*.py", "[!x]*", "*/*"])
                        .to_string(),
                    1 => rest,
                    _ => pattern(rng, &[rest]),
                });
                tokens.extend([k(rng, "IN"), prefix]);
            } else {
                tokens.push(pattern(rng, known));
            }
            let dest_type = *rng.pick(&["MATERIALS", "PRODUCTS"]);
            tokens.extend([k(rng, "WITH"), k(rng, dest_type)]);
            if rng.chance(40) {
                let prefix = *rng.pick(&["sub", "out", "out/", "sub", "out", "", "src/"]);
                tokens.extend([k(rng, "IN"), prefix.to_owned()]);
            }
            tokens.extend([
                k(rng, "FROM"),
                rng.pick(&[
                    "s1", "s1", "s2", "s2", "s1", "s2", "s1", "s2", "item", "missing",
                ])
                .to_string(),
            ]);
            tokens
        }
    }
}

struct Case {
    kind: ArtifactKind,
    rules: Vec<Vec<String>>,
    links: BTreeMap<String, LinkArtifacts>,
}

fn generate(rng: &mut Rng) -> Case {
    let kind = if rng.chance(50) {
        ArtifactKind::Materials
    } else {
        ArtifactKind::Products
    };
    let mut materials = Artifacts::new();
    for _ in 0..rng.below(8) {
        materials.insert(path(rng), digest(rng));
    }
    let mut products = Artifacts::new();
    for (p, d) in &materials {
        if rng.chance(60) {
            let d = if rng.chance(70) {
                d.clone()
            } else {
                other_digest(rng, d)
            };
            products.insert(p.clone(), d);
        }
    }
    for _ in 0..rng.below(5) {
        products.insert(path(rng), digest(rng));
    }
    let known: Vec<String> = materials.keys().chain(products.keys()).cloned().collect();
    let mut links = BTreeMap::new();
    for name in ["s1", "s2"] {
        let mut other = [Artifacts::new(), Artifacts::new()];
        for side in &mut other {
            for p in &known {
                if rng.chance(80) {
                    let (first, second) = match kind {
                        ArtifactKind::Materials => (&materials, &products),
                        _ => (&products, &materials),
                    };
                    let d = first
                        .get(p)
                        .or_else(|| second.get(p))
                        .cloned()
                        .unwrap_or_default();
                    let d = if rng.chance(75) {
                        d
                    } else {
                        other_digest(rng, &d)
                    };
                    side.insert(related(rng, p), d);
                }
            }
            for _ in 0..rng.below(3) {
                side.insert(path(rng), digest(rng));
            }
        }
        let [m, p] = other;
        links.insert(
            name.to_owned(),
            LinkArtifacts {
                materials: m,
                products: p,
            },
        );
    }
    links.insert(
        "item".to_owned(),
        LinkArtifacts {
            materials,
            products,
        },
    );
    let mut rules: Vec<Vec<String>> = (0..rng.below(7)).map(|_| rule(rng, &known)).collect();
    if rng.chance(35) {
        chain(rng, kind, &mut links, &mut rules);
    }
    if rng.chance(50) {
        rules.push(vec![keyword(rng, "DISALLOW"), "*".to_owned()]);
    }
    Case { kind, rules, links }
}

/// Makes `s3` a step whose materials or products mirror the item's
/// artifacts below one directory, moved by a prefix mapping, and adds the
/// MATCH rule that maps them back (so that prefixed MATCH rules consume
/// often, not just by chance).
fn chain(
    rng: &mut Rng,
    kind: ArtifactKind,
    links: &mut BTreeMap<String, LinkArtifacts>,
    rules: &mut Vec<Vec<String>>,
) {
    let own = links["item"].as_item().get(kind).clone();
    let dirs: Vec<&str> = own
        .keys()
        .filter_map(|p| p.split_once('/').map(|(d, _)| d))
        .collect();
    let source_prefix = (!dirs.is_empty() && rng.chance(70)).then(|| rng.pick(&dirs).to_string());
    let dest_prefix = rng
        .chance(60)
        .then(|| rng.pick(&["out", "sub", "out/", "x/y"]).to_string());
    let mut mirrored = Artifacts::new();
    for (p, d) in &own {
        let rest = match &source_prefix {
            Some(dir) => match p
                .strip_prefix(dir.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(rest) => rest,
                None => continue,
            },
            None => p.as_str(),
        };
        if rng.chance(85) {
            let dest = match &dest_prefix {
                Some(prefix) => format!("{}/{rest}", prefix.trim_end_matches('/')),
                None => rest.to_owned(),
            };
            let d = if rng.chance(80) {
                d.clone()
            } else {
                other_digest(rng, d)
            };
            mirrored.insert(dest, d);
        }
    }
    let dest_type = if rng.chance(50) {
        ArtifactKind::Materials
    } else {
        ArtifactKind::Products
    };
    let mut s3 = LinkArtifacts::default();
    match dest_type {
        ArtifactKind::Materials => s3.materials = mirrored,
        _ => s3.products = mirrored,
    }
    links.insert("s3".to_owned(), s3);
    let mut tokens = vec![
        keyword(rng, "MATCH"),
        rng.pick(&["*", "*", "*.py", "?*", "[!a]*", "*/*"])
            .to_string(),
    ];
    if let Some(dir) = source_prefix {
        let dir = if rng.chance(30) {
            format!("{dir}/")
        } else {
            dir
        };
        tokens.extend([keyword(rng, "IN"), dir]);
    }
    tokens.extend([keyword(rng, "WITH"), keyword(rng, dest_type.keyword())]);
    if let Some(prefix) = dest_prefix {
        tokens.extend([keyword(rng, "IN"), prefix]);
    }
    tokens.extend([keyword(rng, "FROM"), "s3".to_owned()]);
    let at = rng.below(rules.len() + 1);
    rules.insert(at, tokens);
}

fn to_json(case: &Case) -> Value {
    let own = &case.links["item"];
    let mut links = Map::new();
    for (name, l) in &case.links {
        let mut m = Map::new();
        m.insert("materials".to_owned(), jartifacts(&l.materials));
        m.insert("products".to_owned(), jartifacts(&l.products));
        links.insert(name.clone(), Value::Object(m));
    }
    let mut m = Map::new();
    m.insert("kind".to_owned(), jstr(case.kind.as_str()));
    m.insert(
        "rules".to_owned(),
        Value::Array(
            case.rules
                .iter()
                .map(|r| jlist(r.iter().map(String::as_str)))
                .collect(),
        ),
    );
    m.insert("links".to_owned(), Value::Object(links));
    m.insert(
        "paths".to_owned(),
        jlist(own.as_item().get(case.kind).keys().map(String::as_str)),
    );
    Value::Object(m)
}

const SCRIPT: &str = r#"
import sys, json
import in_toto.verifylib as v
from in_toto.models.link import Link
from in_toto.exceptions import RuleVerificationError

class SortedSet(set):
    """A set that iterates (and prints) in sorted order, so that the
    reference's messages are deterministic."""
    def __iter__(self):
        return iter(sorted(set.__iter__(self)))
    def __repr__(self):
        items = sorted(set.__iter__(self))
        return "{" + ", ".join(repr(x) for x in items) + "}" if items else "set()"

v.set = SortedSet
out = []
for c in json.loads(sys.stdin.read(), strict=False):
    links = {n: Link(name=n, materials=l["materials"], products=l["products"]) for n, l in c["links"].items()}
    index = {p: i for i, p in enumerate(c["paths"])}
    status, detail = "P", "-"
    try:
        v.verify_item_rules("item", c["kind"], c["rules"], links)
    except RuleVerificationError as e:
        status, detail = "F", str(e).encode().hex()
    except Exception as e:
        status, detail = "E", type(e).__name__
    trace = v.RULE_TRACE["trace"]
    queues = ";".join(",".join(str(index[p]) for p in sorted(t["queue"])) for t in trace)
    out.append("\t".join([status, str(len(trace)), detail, queues]))
print("\n".join(out))
"#;

#[test]
fn engine_agrees_with_python() {
    let mut rng = Rng::new(0x5EED_0003);
    let cases: Vec<Case> = (0..case_count(300)).map(|_| generate(&mut rng)).collect();
    let input = Value::Array(cases.iter().map(to_json).collect());
    let output = oracle(SCRIPT, &json(&input));
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), cases.len());

    let (mut passed, mut failed, mut crashed, mut stricter, mut ambiguous_seen) = (0, 0, 0, 0, 0);
    // MATCH rules with a source / destination prefix that consumed something.
    let (mut source_prefixed, mut dest_prefixed) = (0, 0);
    for (n, (case, line)) in cases.iter().zip(lines).enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        let (status, trace_len, detail) =
            (fields[0], fields[1].parse::<usize>().unwrap(), fields[2]);
        let py_queues: Vec<&str> = if trace_len == 0 {
            Vec::new()
        } else {
            fields[3].split(';').collect()
        };
        assert_eq!(py_queues.len(), trace_len);

        let rules: Vec<ArtifactRule> = case
            .rules
            .iter()
            .map(|r| ArtifactRule::from_list(r).expect("generated rules are valid"))
            .collect();
        let report = run("item", case.kind, &rules, &case.links);
        let ctx = || {
            format!(
                "case {n}: kind {} rules {:?}\nlinks {:?}\n{report}",
                case.kind, case.rules, case.links
            )
        };
        let paths: Vec<&str> = case.links["item"]
            .as_item()
            .get(case.kind)
            .keys()
            .map(String::as_str)
            .collect();

        let ambiguous = report
            .violations()
            .iter()
            .find(|v| matches!(v.problem, Problem::AmbiguousMatchPath { .. }))
            .map(|v| v.rule_index);
        ambiguous_seen += usize::from(ambiguous.is_some());
        let first = report.violations().first().map(|v| v.rule_index);
        for (i, rule) in rules.iter().enumerate() {
            if let RuleKind::Match(m) = rule.kind()
                && report.consumed_by(i).next().is_some()
            {
                source_prefixed += usize::from(m.source_prefix.is_some());
                dest_prefixed += usize::from(m.dest_prefix.is_some());
            }
        }

        // The queue after each rule, as far as the reference got and as long
        // as no ambiguous MATCH made the two diverge.
        for (j, py) in py_queues
            .iter()
            .enumerate()
            .take(ambiguous.unwrap_or(usize::MAX))
        {
            let ours: Vec<String> = report
                .queue_after(j)
                .map(|p| paths.iter().position(|q| *q == p).unwrap().to_string())
                .collect();
            assert_eq!(ours.join(","), *py, "queue after rule {j}\n{}", ctx());
        }

        match status {
            "P" => {
                passed += 1;
                assert_eq!(trace_len, rules.len());
                if ambiguous.is_some() {
                    stricter += 1;
                    assert!(
                        report
                            .violations()
                            .iter()
                            .all(|v| matches!(v.problem, Problem::AmbiguousMatchPath { .. })),
                        "reference passes, we fail\n{}",
                        ctx()
                    );
                } else {
                    assert!(report.passed(), "reference passes, we fail\n{}", ctx());
                }
            }
            "F" => {
                failed += 1;
                assert!(
                    !report.passed(),
                    "reference fails at rule {trace_len}, we pass\n{}",
                    ctx()
                );
                if ambiguous.is_none_or(|a| a > trace_len) {
                    assert_eq!(first, Some(trace_len), "first failing rule\n{}", ctx());
                    let ours = report.reference_message(&report.violations()[0]);
                    assert_eq!(ours, unhex(detail), "message\n{}", ctx());
                }
            }
            "E" => {
                crashed += 1;
                assert_eq!(
                    detail,
                    "KeyError",
                    "unexpected exception in the reference\n{}",
                    ctx()
                );
                assert_eq!(first, Some(trace_len), "{}", ctx());
                assert_eq!(ambiguous, Some(trace_len), "{}", ctx());
            }
            other => panic!("bad oracle status {other}"),
        }
    }
    eprintln!(
        "{} cases: reference passed {passed} (we are stricter on {stricter}), failed {failed}, \
         crashed {crashed}; ambiguous MATCH paths in {ambiguous_seen}; consuming MATCH rules with \
         a source prefix {source_prefixed}, with a destination prefix {dest_prefixed}",
        cases.len()
    );
    // The generator must exercise both verdicts.
    assert!(
        passed > cases.len() / 10 && failed > cases.len() / 10,
        "{passed} passed, {failed} failed"
    );
    assert!(source_prefixed > cases.len() / 20 && dest_prefixed > cases.len() / 20);
}
