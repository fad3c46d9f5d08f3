//! Differential tests against the Python oracle: securesystemslib's
//! `encode_canonical` and CPython's `json.loads`/`json.dumps`. Each test
//! sends all its cases to one Python process, as hex-encoded lines.

use intoto_cjson::{Error, Style, from_slice, to_canonical, to_python_json};
use intoto_testkit::python;

use crate::generate::{self, Options, Rng};
use crate::{diff_cases, diff_seed, hex, unhex};

/// Reads lines of `x` + the hex of a document (the `x` keeps empty
/// documents from being empty lines); answers, per document, four hex fields:
/// the canonical bytes (or `float` when securesystemslib refuses), then
/// json.dumps with indent=1, with the default separators, and with compact
/// separators.
const ENCODE_SCRIPT: &str = r#"
import sys, json
from securesystemslib.formats import encode_canonical
from securesystemslib.exceptions import FormatError

docs = sys.stdin.buffer.read().split(b"\n")
out = []
for line in docs:
    if not line:
        continue
    value = json.loads(bytes.fromhex(line[1:].decode()).decode("utf-8"))
    try:
        canonical = encode_canonical(value).encode("utf-8").hex()
    except FormatError:
        canonical = "float"
    styles = [
        json.dumps(value, sort_keys=True, indent=1, separators=(",", ": ")),
        json.dumps(value, sort_keys=True),
        json.dumps(value, sort_keys=True, separators=(",", ":")),
    ]
    out.append(" ".join([canonical] + [s.encode("ascii").hex() for s in styles]))
sys.stdout.write("\n".join(out))
"#;

struct Mismatch {
    doc: String,
    what: &'static str,
    ours: String,
    python: String,
}

fn report(mismatches: &[Mismatch], total: usize) {
    if mismatches.is_empty() {
        return;
    }
    let mut msg = format!(
        "{} of {total} cases differ from Python; the first ones:\n",
        mismatches.len()
    );
    for m in mismatches.iter().take(5) {
        // Long outputs: show where they start to differ.
        let at = m
            .ours
            .chars()
            .zip(m.python.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let from = at.saturating_sub(40);
        let window = |s: &str| s.chars().skip(from).take(100).collect::<String>();
        msg.push_str(&format!(
            "--- document {:?}\n{} (first difference at character {at}):\n  ours:   ...{:?}\n  python: ...{:?}\n",
            m.doc,
            m.what,
            window(&m.ours),
            window(&m.python)
        ));
    }
    panic!("{msg}");
}

/// Generated valid documents (non-ASCII, control characters, DEL, non-NFC
/// strings, astral characters, keys whose code-point and UTF-16 orders
/// differ, deep nesting, big and negative integers, floats, empty
/// containers, every escape form) are read by us and by `json.loads`, then
/// written by `encode_canonical` / `json.dumps` in the three styles and by
/// us; all outputs must be byte-identical. This checks the reader (both
/// sides must read the same value) and both writers at once.
#[test]
fn reader_and_writers_match_python_byte_for_byte() {
    let cases = diff_cases();
    let mut rng = Rng::new(diff_seed());
    let options = Options {
        floats: false,
        max_depth: 4,
        max_len: 5,
        small: false,
    };
    let float_options = Options {
        floats: true,
        ..options
    };
    let docs: Vec<String> = (0..cases)
        .map(|i| {
            // A third of the cases has floats, which canonical JSON refuses.
            let options = if i % 3 == 2 { &float_options } else { &options };
            generate::document(&mut rng, options)
        })
        .collect();
    let input: String = docs
        .iter()
        .map(|d| format!("x{}\n", hex(d.as_bytes())))
        .collect();
    let output = python(ENCODE_SCRIPT, input.as_bytes(), &std::env::temp_dir());
    let output = String::from_utf8(output).unwrap();
    let lines: Vec<&str> = output.split('\n').collect();
    assert_eq!(lines.len(), docs.len(), "one answer per document");

    let mut mismatches = Vec::new();
    let mut refused = 0;
    let mut check = |doc: &str, what: &'static str, ours: String, python: String| {
        if ours != python {
            mismatches.push(Mismatch {
                doc: doc.to_owned(),
                what,
                ours,
                python,
            });
        }
    };
    for (doc, line) in docs.iter().zip(&lines) {
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 4, "answer {line:?}");
        let value = from_slice(doc.as_bytes()).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
        let canonical = match to_canonical(&value) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(Error::Float(_)) => {
                refused += 1;
                "float".to_owned()
            }
            Err(e) => panic!("{doc:?}: {e}"),
        };
        let python_canonical = if fields[0] == "float" {
            "float".to_owned()
        } else {
            String::from_utf8_lossy(&unhex(fields[0])).into_owned()
        };
        check(doc, "canonical", canonical, python_canonical);
        for (style, field) in [
            (Style::Indent1, fields[1]),
            (Style::Spaced, fields[2]),
            (Style::Compact, fields[3]),
        ] {
            let what = match style {
                Style::Indent1 => "json.dumps(indent=1)",
                Style::Spaced => "json.dumps()",
                _ => "json.dumps(separators=(\",\", \":\"))",
            };
            let python = String::from_utf8(unhex(field)).unwrap();
            check(doc, what, to_python_json(&value, style), python);
        }
    }
    report(&mismatches, docs.len());
    // The float cases really exercised the refusal path.
    assert!(refused > 0 || cases < 30, "no float case was generated");
}

/// Strict Python: json.loads on strictly decoded UTF-8 that also refuses
/// duplicate keys, NaN/Infinity and lone surrogates; that is the language our
/// reader implements. Answers `reject` or the compact json.dumps in hex.
const STRICT_SCRIPT: &str = r#"
import sys, json

def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)

def no_constants(name):
    raise ValueError(name)

def strict(doc):
    try:
        text = doc.decode("utf-8")
        value = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)
        json.dumps(value, ensure_ascii=False).encode("utf-8")  # lone surrogates fail here
    except (ValueError, UnicodeError, RecursionError):
        return "reject"
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii").hex()

out = [strict(bytes.fromhex(line[1:].decode())) for line in sys.stdin.buffer.read().split(b"\n") if line]
sys.stdout.write("\n".join(out))
"#;

/// Bytes inserted by mutations: structure, number and escape characters,
/// whitespace JSON does not allow, control bytes, and pieces of invalid or
/// special UTF-8 (including the BOM).
const INSERTS: &[&[u8]] = &[
    b"\"",
    b"\\",
    b",",
    b":",
    b"[",
    b"]",
    b"{",
    b"}",
    b"0",
    b"1",
    b"-",
    b"+",
    b".",
    b"e",
    b"E",
    b" ",
    b"\t",
    b"\n",
    b"\r",
    b"\x0b",
    b"\x0c",
    b"\x00",
    b"\x1f",
    b"\x7f",
    b"u",
    b"n",
    b"t",
    b"N",
    b"I",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\\u",
    b"\\ud83d",
    b"\\ude00",
    b"\\ud83d\\ude00",
    b"\\u00e9",
    b"\\x",
    b"\xd9\xa3",
    b"\xc2\xa0",
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"\"a\":1,",
    b"\"k\":0,",
    b"\"\":null,",
    b"01",
    b"-0",
    b"1e5",
];

/// Fragments put next to a digit: the ways to get a number wrong (or right).
const NUMBER_FRAGMENTS: &[&[u8]] = &[
    b".",
    b"e",
    b"E",
    b"e+",
    b"E-",
    b".e1",
    b"0",
    b"00",
    b"-",
    b"+",
    b".5",
    b"e5",
    b"x",
    b"_",
    b"\xd9\xa3",
];

/// What may follow a backslash.
const ESCAPE_FRAGMENTS: &[&[u8]] = &[
    b"u",
    b"x",
    b"U0041",
    b"'",
    b"/",
    b"ud800",
    b"udc00",
    b"ud83d\\u",
    b"ud83d\\ude00",
    b"u12",
    b"u00G0",
    b"\"",
    b"a",
    b"0",
    b"\t",
    b"n",
    b"b",
    b"f",
    b"r",
    b"uD83D\\uDE00",
    b"ud83d\\n",
];

/// Byte positions in `doc` where `pred` holds.
fn positions(doc: &[u8], pred: impl Fn(u8) -> bool) -> Vec<usize> {
    doc.iter()
        .enumerate()
        .filter(|(_, b)| pred(**b))
        .map(|(i, _)| i)
        .collect()
}

fn mutate(rng: &mut Rng, doc: &[u8]) -> Vec<u8> {
    let mut doc = doc.to_vec();
    let count = if rng.chance(75) { 1 } else { 2 };
    for _ in 0..count {
        let at = rng.below(doc.len() + 1);
        match rng.below(7) {
            0 if at < doc.len() => {
                doc.remove(at);
            }
            1 if at < doc.len() => {
                let insert = *rng.pick(INSERTS);
                doc.splice(at..at + 1, insert.iter().copied());
            }
            2 => {
                // Right after an object's opening brace, a member that may
                // repeat a key already there.
                let braces = positions(&doc, |b| b == b'{');
                if !braces.is_empty() {
                    let at = *rng.pick(&braces) + 1;
                    let member: &[u8] = rng.pick::<&[u8]>(&[
                        &b"\"a\":1,"[..],
                        b"\"k\":0,",
                        b"\"signed\":{},",
                        b"\"\":0,",
                        b"\"\\u0061\":2,",
                    ]);
                    doc.splice(at..at, member.iter().copied());
                }
            }
            3 => {
                let digits = positions(&doc, |b| b.is_ascii_digit());
                if !digits.is_empty() {
                    let at = *rng.pick(&digits) + rng.below(2);
                    let fragment = *rng.pick(NUMBER_FRAGMENTS);
                    doc.splice(at..at, fragment.iter().copied());
                }
            }
            4 => {
                let backslashes = positions(&doc, |b| b == b'\\');
                if !backslashes.is_empty() {
                    let at = *rng.pick(&backslashes) + 1;
                    let end = (at + rng.below(2)).min(doc.len());
                    let fragment = *rng.pick(ESCAPE_FRAGMENTS);
                    doc.splice(at..end, fragment.iter().copied());
                }
            }
            5 => {
                // Raw bytes inside a string.
                let quotes = positions(&doc, |b| b == b'"');
                if !quotes.is_empty() {
                    let at = *rng.pick(&quotes) + 1;
                    let raw: &[u8] = rng.pick::<&[u8]>(&[
                        &b"\x00"[..],
                        b"\x1f",
                        b"\n",
                        b"\t",
                        b"\x7f",
                        b"\xc3\xa9",
                        b"\xff",
                        b"\xed\xa0\x80",
                        b"\xe2\x80\xa8",
                    ]);
                    doc.splice(at..at, raw.iter().copied());
                }
            }
            _ => {
                let insert = *rng.pick(INSERTS);
                doc.splice(at..at, insert.iter().copied());
            }
        }
    }
    doc
}

/// Documents with random mutations are accepted by us exactly when strict
/// Python accepts them, and then read to the same value. This checks the
/// grammar (every rule, both ways) rather than examples.
#[test]
fn mutated_documents_are_accepted_exactly_when_strict_python_accepts_them() {
    let cases = diff_cases();
    let mut rng = Rng::new(diff_seed() ^ 0xA5A5_A5A5);
    let options = Options {
        floats: true,
        max_depth: 3,
        max_len: 4,
        small: true,
    };
    // The documents are small, so five per case cost little.
    let mut docs: Vec<Vec<u8>> = Vec::new();
    while docs.len() < cases * 5 {
        let doc = generate::document(&mut rng, &options);
        // Several mutants of each document, and the document itself.
        docs.push(doc.clone().into_bytes());
        for _ in 0..3 {
            docs.push(mutate(&mut rng, doc.as_bytes()));
        }
    }
    let input: String = docs.iter().map(|d| format!("x{}\n", hex(d))).collect();
    let output = String::from_utf8(python(
        STRICT_SCRIPT,
        input.as_bytes(),
        &std::env::temp_dir(),
    ))
    .unwrap();
    let answers: Vec<&str> = output.split('\n').collect();
    assert_eq!(answers.len(), docs.len(), "one answer per document");

    let mut mismatches = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for (doc, answer) in docs.iter().zip(&answers) {
        let python = if *answer == "reject" {
            rejected += 1;
            "reject".to_owned()
        } else {
            accepted += 1;
            String::from_utf8(unhex(answer)).unwrap()
        };
        let ours = match from_slice(doc) {
            Ok(value) => to_python_json(&value, Style::Compact),
            Err(e) => format!("reject ({e})"),
        };
        let same = ours == python || (python == "reject" && ours.starts_with("reject ("));
        if !same {
            mismatches.push(Mismatch {
                doc: String::from_utf8_lossy(doc).into_owned(),
                what: "strict reading",
                ours,
                python,
            });
        }
    }
    report(&mismatches, docs.len());
    // Both outcomes occurred often enough for the comparison to mean something.
    if cases >= 100 {
        assert!(
            accepted * 10 >= docs.len() && rejected * 10 >= docs.len(),
            "accepted {accepted}, rejected {rejected}"
        );
    }
}

/// Python's `json.dumps` of the number in each line (`x` + hex of its text).
const FLOAT_SCRIPT: &str = r#"
import sys, json
lines = [l for l in sys.stdin.buffer.read().split(b"\n") if l]
sys.stdout.write("\n".join(json.dumps(json.loads(bytes.fromhex(l[1:].decode()))) for l in lines))
"#;

/// Floats are written as CPython's `repr`: random bit patterns (written
/// short and long), short decimals, and numbers exactly halfway between two
/// shortest candidates (where the tie must go to the even digit).
#[test]
fn floats_are_written_as_python_repr() {
    let cases = diff_cases() * 10;
    let mut rng = Rng::new(diff_seed() ^ 0xF10A7);
    let mut texts = Vec::new();
    while texts.len() < cases {
        let f = f64::from_bits(rng.next_u64());
        if f.is_finite() {
            texts.push(format!("{f:e}"));
            texts.push(format!("{f:.19e}"));
        }
        // m / 2^k with a 50 to 53 bit m is exact and has many ties.
        let m = (1u64 << 49) + rng.next_u64() % ((1u64 << 53) - (1u64 << 49));
        let k = 1 + rng.below(4) as i32;
        texts.push(format!("{:.4}", m as f64 / f64::from(2i32.pow(k as u32))));
        let digits = 1 + rng.below(17);
        let mantissa = rng.next_u64() % 10u64.pow(digits as u32);
        let exponent = rng.below(80) as i32 - 40;
        texts.push(format!("{mantissa}e{exponent}"));
    }
    let input: String = texts
        .iter()
        .map(|t| format!("x{}\n", hex(t.as_bytes())))
        .collect();
    let output = String::from_utf8(python(
        FLOAT_SCRIPT,
        input.as_bytes(),
        &std::env::temp_dir(),
    ))
    .unwrap();
    let answers: Vec<&str> = output.split('\n').collect();
    assert_eq!(answers.len(), texts.len(), "one answer per number");
    let mut mismatches = Vec::new();
    for (text, python) in texts.iter().zip(answers) {
        let ours = to_python_json(&from_slice(text.as_bytes()).unwrap(), Style::Spaced);
        if ours != python {
            mismatches.push(Mismatch {
                doc: text.clone(),
                what: "float repr",
                ours,
                python: python.to_owned(),
            });
        }
    }
    report(&mismatches, texts.len());
}
