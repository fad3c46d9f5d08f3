//! `ArtifactPattern` against Python's `fnmatch.fnmatchcase`, on generated
//! pattern and path pairs (fixed seed; 10 x `INTOTO_DIFF_CASES` pairs,
//! 3000 by default), all checked in one oracle process.

use intoto::model::rule::ArtifactPattern;
use intoto_cjson::Value;

use super::support::{Rng, case_count, json, jstr, oracle};

const PATTERN_CHARS: &[char] = &[
    'a', 'b', 'c', 'z', '/', '.', '*', '*', '?', '[', '[', ']', ']', '!', '-', '-', '^', '\\', 'é',
    '\n', '&', '~',
];
const PATH_CHARS: &[char] = &[
    'a', 'b', 'c', 'z', '/', '.', '-', ']', '[', '!', '^', '\\', 'é', '\n', '*', 'A', '~',
];

fn random_string(rng: &mut Rng, alphabet: &[char], max: usize) -> String {
    (0..rng.below(max + 1))
        .map(|_| *rng.pick(alphabet))
        .collect()
}

/// A path shaped by the pattern, so that many pairs match: stars become
/// short random strings, `?` a random character, everything else is copied
/// (brackets included, so classes match or not by chance).
fn instantiate(rng: &mut Rng, pattern: &str) -> String {
    let mut out = String::new();
    for c in pattern.chars() {
        match c {
            '*' => out.push_str(&random_string(rng, PATH_CHARS, 3)),
            '?' => out.push(*rng.pick(PATH_CHARS)),
            _ if rng.chance(8) => out.push(*rng.pick(PATH_CHARS)),
            c => out.push(c),
        }
    }
    out
}

/// Drops the brackets of a class so that its members appear in the path.
fn unbracket(rng: &mut Rng, path: &str) -> String {
    path.chars()
        .filter(|c| !matches!(c, '[' | ']') || rng.chance(20))
        .collect()
}

#[test]
fn fnmatch_agrees_with_python() {
    let mut rng = Rng::new(0x00F0_0D5E_ED01);
    let mut pairs: Vec<(String, String)> = Vec::new();
    let fixed = [
        "*", "**", "*.py", "[!s]*", "[^s]*", "[]]", "[!]]", "[a-c-e]", "[z-a]", "[a--]", "[!z-a]",
        "[--a]", "[a-zy-b]", "[", "[abc", "[!]", "[\\]", "a\\*", "[a-]", "[-a]", "[!-a]", "*[",
        "[]-a]", "[!--]",
    ];
    let total = 10 * case_count(300);
    while pairs.len() < total {
        let pattern = if pairs.len() < fixed.len() * 4 {
            fixed[pairs.len() / 4].to_owned()
        } else {
            random_string(&mut rng, PATTERN_CHARS, 8)
        };
        let derived = instantiate(&mut rng, &pattern);
        let unbracketed = unbracket(&mut rng, &derived);
        pairs.push((pattern.clone(), random_string(&mut rng, PATH_CHARS, 6)));
        pairs.push((pattern.clone(), derived));
        pairs.push((pattern.clone(), unbracketed));
        pairs.push((pattern.clone(), pattern));
    }
    let input = Value::Array(
        pairs
            .iter()
            .map(|(p, s)| Value::Array(vec![jstr(p), jstr(s)]))
            .collect(),
    );
    let script = r#"
import sys, json
from fnmatch import fnmatchcase
cases = json.loads(sys.stdin.read(), strict=False)
out = []
for pattern, name in cases:
    try:
        out.append("1" if fnmatchcase(name, pattern) else "0")
    except Exception:
        out.append("E")
sys.stdout.write("".join(out))
"#;
    let verdicts = oracle(script, &json(&input));
    assert_eq!(verdicts.len(), pairs.len());
    let mut matched = 0;
    let mut mismatches = Vec::new();
    for ((pattern, path), verdict) in pairs.iter().zip(verdicts.chars()) {
        let ours = ArtifactPattern::new(pattern).matches(path);
        matched += usize::from(ours);
        let theirs = match verdict {
            '1' => true,
            '0' => false,
            _ => panic!("fnmatch raised for pattern {pattern:?}"),
        };
        if ours != theirs {
            mismatches.push(format!(
                "pattern {pattern:?} path {path:?}: python {theirs}, ours {ours}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // The generator must exercise both outcomes.
    assert!(
        matched > pairs.len() / 5 && matched < pairs.len() * 4 / 5,
        "{matched} of {} matched",
        pairs.len()
    );
}
