//! Rule strings against the reference's `shlex.split` + `rulelib.unpack_rule`
//! (what `add_material_rule_from_string` does): generated strings with
//! keywords in any case, quoting, escapes and malformed shapes; the tokens,
//! the parsed fields and the error messages must agree.

use intoto::model::rule::{ArtifactRule, RuleKind};
use intoto_cjson::Value;

use super::support::{Rng, case_count, json, jstr, oracle, unhex};

const WORDS: &[&str] = &[
    "MATCH",
    "match",
    "Match",
    "WITH",
    "with",
    "IN",
    "in",
    "FROM",
    "from",
    "MATERIALS",
    "products",
    "PrOdUcTs",
    "PONIES",
    "CREATE",
    "delete",
    "Modify",
    "ALLOW",
    "disallow",
    "REQUIRE",
    "SUBVERT",
    "foo",
    "*.py",
    "dist/*",
    "build",
    "",
    "a b",
    "it's",
    "é",
];

fn quote(rng: &mut Rng, word: &str) -> String {
    match rng.below(10) {
        0 => format!("'{word}'"),
        1 => format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\"")),
        2 if !word.is_empty() => word.chars().flat_map(|c| ['\\', c]).collect(),
        3 if rng.chance(8) => format!("{word}'"),
        4 if rng.chance(8) => format!("{word}\\"),
        5 if rng.chance(8) => format!("\"{word}\\q\""),
        _ if word.is_empty() || word.contains([' ', '\'']) => {
            format!("'{}'", word.replace('\'', "'\"'\"'"))
        }
        _ => word.to_owned(),
    }
}

fn generate(rng: &mut Rng) -> String {
    let shapes: [&[&str]; 6] = [
        &["MATCH", "P", "WITH", "T", "FROM", "S"],
        &["MATCH", "P", "IN", "X", "WITH", "T", "FROM", "S"],
        &["MATCH", "P", "WITH", "T", "IN", "X", "FROM", "S"],
        &["MATCH", "P", "IN", "X", "WITH", "T", "IN", "X", "FROM", "S"],
        &["G", "P"],
        &["G", "P", "P"],
    ];
    let mut words: Vec<String> = Vec::new();
    if rng.chance(70) {
        for slot in *rng.pick(&shapes) {
            let w = match *slot {
                "P" | "X" | "S" => rng
                    .pick(&["foo", "*.py", "dist/*", "", "a b", "it's", "é", "sub/"])
                    .to_string(),
                "T" => rng
                    .pick(&["MATERIALS", "products", "PrOdUcTs", "PONIES"])
                    .to_string(),
                "G" => rng
                    .pick(&[
                        "CREATE", "delete", "Modify", "ALLOW", "disallow", "REQUIRE", "SUBVERT",
                        "match",
                    ])
                    .to_string(),
                keyword => {
                    if rng.chance(5) {
                        rng.pick(WORDS).to_string()
                    } else if rng.chance(50) {
                        keyword.to_lowercase()
                    } else {
                        keyword.to_owned()
                    }
                }
            };
            words.push(w);
        }
        // Occasionally drop or add a word.
        if rng.chance(10) && !words.is_empty() {
            let i = rng.below(words.len());
            words.remove(i);
        }
        if rng.chance(10) {
            words.push(rng.pick(WORDS).to_string());
        }
    } else {
        for _ in 0..rng.below(11) {
            words.push(rng.pick(WORDS).to_string());
        }
    }
    let sep = |rng: &mut Rng| rng.pick(&[" ", " ", "  ", "\t", "\n"]).to_string();
    let mut text = sep(rng).repeat(usize::from(rng.chance(20)));
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            text.push_str(&sep(rng));
        }
        text.push_str(&quote(rng, w));
    }
    text
}

#[test]
fn rule_strings_agree_with_python() {
    let mut rng = Rng::new(0x5EED_0002);
    let texts: Vec<String> = (0..2 * case_count(300))
        .map(|_| generate(&mut rng))
        .collect();
    let script = r#"
import sys, json, shlex
from in_toto.rulelib import unpack_rule, ALL_RULES
ours = "create, modify, delete, allow, disallow, require, match"
def h(s):
    return s.encode().hex()
out = []
for text in json.loads(sys.stdin.read(), strict=False):
    try:
        tokens = shlex.split(text)
    except ValueError as e:
        out.append("SPLIT\t" + h(str(e)))
        continue
    try:
        d = unpack_rule(tokens)
    except Exception as e:
        out.append("ERR\t" + h(str(e).replace(", ".join(ALL_RULES), ours)))
        continue
    fields = [d["rule_type"], d["pattern"], d.get("source_prefix", ""), d.get("dest_type", ""),
              d.get("dest_prefix", ""), d.get("dest_name", "")]
    out.append("OK\t" + ",".join(h(t) for t in tokens) + "\t" + "\t".join(h(f) for f in fields))
print("\n".join(out))
"#;
    let input = Value::Array(texts.iter().map(|t| jstr(t)).collect());
    let output = oracle(script, &json(&input));
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), texts.len());
    let (mut ok, mut err) = (0, 0);
    for (text, line) in texts.iter().zip(lines) {
        let fields: Vec<&str> = line.split('\t').collect();
        let ours = text.parse::<ArtifactRule>();
        match fields[0] {
            "OK" => {
                ok += 1;
                let rule = ours.unwrap_or_else(|e| panic!("{text:?}: python accepts, we say {e}"));
                // Accepted rules have at least two tokens, so the split is exact.
                let tokens: Vec<String> = fields[1].split(',').map(unhex).collect();
                assert_eq!(rule.tokens(), tokens, "{text:?}");
                let f: Vec<String> = fields[2..].iter().map(|x| unhex(x)).collect();
                assert_eq!(rule.keyword().to_lowercase(), f[0], "{text:?}");
                assert_eq!(rule.pattern_str(), f[1], "{text:?}");
                if let RuleKind::Match(m) = rule.kind() {
                    assert_eq!(m.source_prefix.as_deref().unwrap_or(""), f[2], "{text:?}");
                    assert_eq!(m.dest_type.as_str(), f[3], "{text:?}");
                    assert_eq!(m.dest_prefix.as_deref().unwrap_or(""), f[4], "{text:?}");
                    assert_eq!(m.dest_step, f[5], "{text:?}");
                }
            }
            "ERR" | "SPLIT" => {
                err += 1;
                let e = ours
                    .err()
                    .unwrap_or_else(|| panic!("{text:?}: python rejects, we accept"));
                let expected = unhex(fields[1]);
                if fields[0] == "SPLIT" {
                    assert!(
                        matches!(e, intoto::model::rule::RuleError::Split { reason, .. } if reason == expected),
                        "{text:?}: {e:?}"
                    );
                } else {
                    assert_eq!(e.to_string(), expected, "{text:?}");
                }
            }
            other => panic!("bad oracle line {other}"),
        }
    }
    assert!(
        ok > texts.len() / 5 && err > texts.len() / 5,
        "{ok} accepted, {err} rejected"
    );
}
