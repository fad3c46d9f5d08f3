//! `in-toto layout create|show|lint`: TOML layouts against the reference's
//! API, the reference reading our layouts, and every bad-input case.

use std::fs;
use std::path::{Path, PathBuf};

use intoto_cjson::Value;

use crate::util::*;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/layouts")
}

fn ours_layout(args: &[&str]) -> std::process::Command {
    let mut c = ours("in-toto");
    c.arg("layout").args(args);
    c
}

/// Python: builds, with the reference's API, the layout a TOML file
/// describes (read with `tomllib`, mapped as docs/layout-toml.md says), and
/// either compares it with `signed` (a layout we made: its signature must
/// verify with `owner_pub`, and `Layout.read` must give the same steps,
/// rules, keys and readme) or signs it with `owner` into `out`.
const PY_FROM_TOML: &str = r#"
import json, os, sys, tomllib, attr
from in_toto.models.layout import Layout, Step, Inspection
from in_toto.models.metadata import Metadata, Metablock, Envelope
from in_toto.models._signer import load_public_key_from_file, load_crypto_signer_from_pkcs8_file
a = json.load(sys.stdin)
doc = tomllib.load(open(a["toml"], "rb"))
base = os.path.dirname(a["toml"])
layout = Layout()
layout.set_relative_expiration(months=4)
layout.readme = doc.get("readme", "")
ids = {}
for name, path in doc.get("functionaries", {}).items():
    ids[name] = layout.add_functionary_key_from_path(os.path.join(base, path))["keyid"]
def command(value, set_from_string):
    if isinstance(value, str):
        set_from_string(value)
        return None
    return list(value)
for s in doc.get("steps", []):
    step = Step(name=s["name"], threshold=s.get("threshold", 1))
    step.pubkeys = [ids[n] for n in s.get("functionaries", [])]
    words = command(s.get("expected_command", []), step.set_expected_command_from_string)
    if words is not None:
        step.expected_command = words
    for r in s.get("materials", []):
        step.add_material_rule_from_string(r)
    for r in s.get("products", []):
        step.add_product_rule_from_string(r)
    layout.steps.append(step)
for i in doc.get("inspections", []):
    insp = Inspection(name=i["name"])
    words = command(i["run"], insp.set_run_from_string)
    if words is not None:
        insp.run = words
    for r in i.get("materials", []):
        insp.add_material_rule_from_string(r)
    for r in i.get("products", []):
        insp.add_product_rule_from_string(r)
    layout.inspect.append(insp)
layout.validate()
if a.get("out"):
    md = Envelope.from_signable(layout) if a["dsse"] else Metablock(signed=layout)
    md.create_signature(load_crypto_signer_from_pkcs8_file(a["owner"]))
    md.dump(a["out"])
    sys.exit(0)
md = Metadata.load(a["signed"])
md.verify_signature(load_public_key_from_file(a["owner_pub"]))
assert type(md).__name__ == ("Envelope" if a["dsse"] else "Metablock"), type(md)
read = md.get_payload()
if not a["dsse"]:
    read = Layout.read(json.load(open(a["signed"]))["signed"])
read.validate()
mine, theirs = attr.asdict(read), attr.asdict(layout)
mine.pop("expires"); theirs.pop("expires")
assert mine == theirs, json.dumps({"ours": mine, "python": theirs}, indent=1)
print(read.expires)
"#;

fn py_args(pairs: &[(&str, &str)], flags: &[(&str, bool)]) -> Vec<u8> {
    let mut m = intoto_cjson::Map::new();
    for (k, v) in pairs {
        m.insert((*k).into(), (*v).into());
    }
    for (k, v) in flags {
        m.insert((*k).into(), Value::Bool(*v));
    }
    intoto_cjson::to_python_json(&Value::Object(m), intoto_cjson::Style::Spaced).into_bytes()
}

/// A temporary directory holding an example TOML layout (copied from
/// examples/layouts) and fresh keys for its functionaries and the owner.
fn example_dir(toml: &str, functionaries: &[(&str, &str)], owner_kind: &str) -> TempDir {
    let tmp = TempDir::new("layout-example");
    fs::copy(examples().join(toml), tmp.join(toml)).unwrap();
    fs::create_dir(tmp.join("keys")).unwrap();
    for (name, kind) in functionaries {
        python_keypair(tmp.path(), &format!("keys/{name}"), kind, None);
    }
    python_keypair(tmp.path(), "owner", owner_kind, None);
    tmp
}

fn create_and_compare(tmp: &TempDir, toml: &str, dsse: bool) {
    let mut c = ours_layout(&[
        "create",
        toml,
        "--signing-key",
        "owner",
        "-o",
        "root.layout",
    ]);
    if dsse {
        c.arg("--use-dsse");
    }
    let out = expect_code(c, tmp.path(), 0);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("wrote root.layout ("));
    // The layouts are clean: create printed no warnings.
    assert_eq!(stderr(&out), "");
    // The reference's tool verifies the signature ...
    let mut c = theirs("in-toto-sign");
    c.args(["-f", "root.layout", "-k", "owner.pub", "--verify"]);
    expect_code(c, tmp.path(), 0);
    // ... and its API reads back what it builds itself from the same description.
    let input = py_args(
        &[
            ("toml", toml),
            ("signed", "root.layout"),
            ("owner_pub", "owner.pub"),
        ],
        &[("dsse", dsse)],
    );
    let expires = python(PY_FROM_TOML, &input, tmp.path());
    assert!(!expires.is_empty());
}

#[test]
fn two_stage_example_matches_the_python_api() {
    let tmp = example_dir("two-stage.toml", &[("alice", "ed25519")], "ed25519");
    create_and_compare(&tmp, "two-stage.toml", false);
    create_and_compare(&tmp, "two-stage.toml", true);
}

#[test]
fn demo_example_matches_the_python_api() {
    let tmp = example_dir(
        "demo.toml",
        &[("bob", "ed25519"), ("carl", "ecdsa-p256"), ("dave", "rsa")],
        "rsa",
    );
    create_and_compare(&tmp, "demo.toml", false);
    // Two owners, one with an encrypted key.
    python_keypair(tmp.path(), "owner2", "ed25519", Some("pw"));
    let c = ours_layout(&[
        "create",
        "demo.toml",
        "-k",
        "owner",
        "-k",
        "owner2",
        "-P",
        "pw",
        "-o",
        "two.layout",
    ]);
    expect_code(c, tmp.path(), 0);
    let mut c = theirs("in-toto-sign");
    c.args([
        "-f",
        "two.layout",
        "-k",
        "owner.pub",
        "owner2.pub",
        "--verify",
    ]);
    expect_code(c, tmp.path(), 0);
}

/// Quoting, keyword case, prefixes, array commands, non-ASCII text and
/// absolute dates are read as the reference's API reads the same strings.
#[test]
fn tricky_strings_match_the_python_api() {
    let tmp = TempDir::new("layout-tricky");
    python_keypair(tmp.path(), "a", "ecdsa-p521", None);
    python_keypair(tmp.path(), "owner", "ed25519", None);
    let toml = r#"
readme = "caf\u00e9 \"quoted\" \\ back\nslash\ttab \u2603"
expires = 2099-12-31T23:59:59Z
[functionaries]
"a functionary" = "a.pub"
[[steps]]
name = "st\u00e9p one"
functionaries = ["a functionary"]
expected_command = "sh -c 'echo \"hi  there\"' \\$HOME # not a comment"
materials = [
  "allow 'dir with space/*'",
  "Match *.py In src With materials In lib From st\u00e9p\\ one",
  "MATCH x IN '' WITH PRODUCTS IN '' FROM other",
  "REQUIRE \"q'uote\"",
  "disallow *",
]
products = ["CREATE [!.]*", "DISALLOW *"]
[[steps]]
name = "other"
expected_command = ["a b", "", "'c'"]
[[inspections]]
name = "insp"
run = ["printf", "%s\n", "x y"]
products = ["MATCH * WITH MATERIALS FROM insp"]
"#;
    fs::write(tmp.join("tricky.toml"), toml).unwrap();
    // The layout is valid but odd; create warns and writes it.
    let c = ours_layout(&["create", "tricky.toml", "-k", "owner", "-o", "root.layout"]);
    let out = expect_code(c, tmp.path(), 0);
    assert!(stderr(&out).contains("warning:"), "{}", stderr(&out));
    let input = py_args(
        &[
            ("toml", "tricky.toml"),
            ("signed", "root.layout"),
            ("owner_pub", "owner.pub"),
        ],
        &[("dsse", false)],
    );
    let expires = python(PY_FROM_TOML, &input, tmp.path());
    assert_eq!(
        String::from_utf8(expires).unwrap().trim(),
        "2099-12-31T23:59:59Z"
    );
}

#[test]
fn the_committed_examples_are_clean() {
    for toml in ["two-stage.toml", "demo.toml"] {
        let mut c = ours_layout(&["lint", "--strict", toml]);
        c.current_dir(examples());
        let out = expect_code(c, &examples(), 0);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{toml}: no warnings\n")
        );
    }
    // show reads TOML too, and names keys after the functionaries.
    let out = expect_code(ours_layout(&["show", "demo.toml"]), &examples(), 0);
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.contains("  bob (keys/bob.pub)\n"), "{shown}");
    assert!(
        shown.contains("    functionaries: threshold 2 of 2\n"),
        "{shown}"
    );
    assert!(!shown.contains("signatures:"), "{shown}");
}

fn strings_of(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(|s| s.as_str().unwrap().to_owned()).collect(),
        other => panic!("not an array: {other:?}"),
    }
}

/// Asserts that `shown` contains every part of the layout `signed`.
fn assert_shows_all(shown: &str, signed: &Value, names: &[(&str, &str)]) {
    let has = |needle: &str| assert!(shown.contains(needle), "missing {needle:?} in:\n{shown}");
    has(&format!(
        "expires: {}",
        signed.get("expires").unwrap().as_str().unwrap()
    ));
    for line in signed.get("readme").unwrap().as_str().unwrap().lines() {
        has(&format!("    {line}\n"));
    }
    let Value::Object(keys) = signed.get("keys").unwrap() else {
        panic!()
    };
    for (id, key) in keys {
        let kt = key.get("keytype").unwrap().as_str().unwrap();
        has(&format!("    {id}  {kt}/"));
    }
    for (id_prefix, name) in names {
        let id = keys.keys().find(|k| k.starts_with(id_prefix)).unwrap();
        has(&format!("{id}  {name}"));
    }
    let Value::Array(steps) = signed.get("steps").unwrap() else {
        panic!()
    };
    for (i, s) in steps.iter().enumerate() {
        let pubkeys = strings_of(s.get("pubkeys").unwrap());
        has(&format!(
            "  {}. {}\n    functionaries: threshold {} of {}\n",
            i + 1,
            s.get("name").unwrap().as_str().unwrap(),
            s.get("threshold").unwrap().as_i64().unwrap(),
            pubkeys.len()
        ));
        for k in &pubkeys {
            has(&format!("      {k}"));
        }
        has(&format!(
            "    expected command: {}\n",
            strings_of(s.get("expected_command").unwrap()).join(" ")
        ));
        for list in ["expected_materials", "expected_products"] {
            let Value::Array(rules) = s.get(list).unwrap() else {
                panic!()
            };
            for r in rules {
                has(&format!("      {}\n", strings_of(r).join(" ")));
            }
        }
    }
    let Value::Array(insps) = signed.get("inspect").unwrap() else {
        panic!()
    };
    for (i, s) in insps.iter().enumerate() {
        has(&format!(
            "  {}. {}\n    run: {}\n",
            i + 1,
            s.get("name").unwrap().as_str().unwrap(),
            strings_of(s.get("run").unwrap()).join(" ")
        ));
        for list in ["expected_materials", "expected_products"] {
            let Value::Array(rules) = s.get(list).unwrap() else {
                panic!()
            };
            for r in rules {
                has(&format!("      {}\n", strings_of(r).join(" ")));
            }
        }
    }
    has(&format!("Steps: {}\n", steps.len()));
    has(&format!("Inspections: {}\n", insps.len()));
}

fn key_id(dir: &Path, pub_file: &str) -> String {
    let mut c = ours("in-toto");
    c.args(["key", "id", pub_file]);
    let out = expect_code(c, dir, 0);
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn show_of_python_layouts_shows_all_of_them() {
    // The demo, built and signed by the reference's API.
    let tmp = example_dir(
        "demo.toml",
        &[
            ("bob", "ed25519"),
            ("carl", "ecdsa-p384"),
            ("dave", "ed25519"),
        ],
        "ed25519",
    );
    let input = py_args(
        &[
            ("toml", "demo.toml"),
            ("owner", "owner"),
            ("out", "python.layout"),
        ],
        &[("dsse", false)],
    );
    python(PY_FROM_TOML, &input, tmp.path());
    let bob = key_id(tmp.path(), "keys/bob.pub");
    let owner = key_id(tmp.path(), "owner.pub");
    fs::copy(tmp.join("owner.pub"), tmp.join("keys/owner.pub")).unwrap();
    let c = ours_layout(&["show", "python.layout", "--keys", "keys"]);
    let shown = String::from_utf8(expect_code(c, tmp.path(), 0).stdout).unwrap();
    let md = intoto_cjson::from_slice(&fs::read(tmp.join("python.layout")).unwrap()).unwrap();
    assert_shows_all(&shown, md.get("signed").unwrap(), &[(&bob, "keys/bob.pub")]);
    assert!(
        shown.contains(&format!(
            "  signatures: 1\n    {owner}  keys/owner.pub  valid\n"
        )),
        "{shown}"
    );

    // The DOT graph has one edge per MATCH rule.
    let c = ours_layout(&["show", "python.layout", "--format", "dot"]);
    let dot = String::from_utf8(expect_code(c, tmp.path(), 0).stdout).unwrap();
    let edges = dot
        .lines()
        .filter(|l| l.split(" [").next().unwrap().contains(" -> "))
        .count();
    assert_eq!(edges, 5, "{dot}");
    assert!(
        dot.contains(
            "step2 -> inspection0 [label=\"demo-project.tar.gz\\nPRODUCTS -> materials\"];"
        ),
        "{dot}"
    );

    // The reference's two-stage example as DSSE, with a readme in quotes and
    // non-ASCII; a wrong key marks nothing valid.
    let tmp = TempDir::new("layout-show-dsse");
    python_keypair(tmp.path(), "owner", "ed25519", None);
    python_keypair(tmp.path(), "func", "rsa", None);
    python_layout(tmp.path(), "owner", "func.pub", "root.layout", true);
    let c = ours_layout(&["show", "root.layout", "--keys", "func.pub"]);
    let shown = String::from_utf8(expect_code(c, tmp.path(), 0).stdout).unwrap();
    let md = intoto_cjson::from_slice(&fs::read(tmp.join("root.layout")).unwrap()).unwrap();
    let Value::String(payload) = md.get("payload").unwrap() else {
        panic!()
    };
    use base64::Engine as _;
    let payload = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .unwrap();
    let signed = intoto_cjson::from_slice(&payload).unwrap();
    let func = key_id(tmp.path(), "func.pub");
    assert_shows_all(&shown, &signed, &[(&func, "func.pub")]);
    assert!(shown.contains("caf\u{e9} \"two-stage\" example"), "{shown}");
    assert!(
        shown.contains("not checked (no matching public key given)"),
        "{shown}"
    );
}

/// Fresh keys `alice.pub`, `bob.pub` and `owner` in a new directory.
fn bad_input_dir() -> TempDir {
    let tmp = TempDir::new("layout-bad");
    for name in ["alice", "bob", "owner"] {
        let mut c = ours("in-toto");
        c.args(["key", "generate", "-o", name]);
        expect_code(c, tmp.path(), 0);
    }
    tmp
}

const GOOD: &str = r#"expires = "1 year"

[functionaries]
alice = "alice.pub"
bob = "bob.pub"

[[steps]]
name = "build"
functionaries = ["alice", "bob"]
expected_command = "make"
materials = ["ALLOW src/*", "DISALLOW *"]
products = ["CREATE out/*", "DISALLOW *"]

[[inspections]]
name = "check"
run = "test -d out"
materials = ["MATCH out/* WITH PRODUCTS FROM build"]
"#;

/// `GOOD` with `from` replaced by `to`: `layout create` fails (exit 1) with a
/// message at `line:column` containing `needle`, and writes nothing.
#[track_caller]
fn refused(from: &str, to: &str, at: &str, needle: &str) {
    let tmp = bad_input_dir();
    assert!(GOOD.contains(from), "{from}");
    fs::write(tmp.join("layout.toml"), GOOD.replacen(from, to, 1)).unwrap();
    let c = ours_layout(&[
        "create",
        "layout.toml",
        "--signing-key",
        "owner",
        "-o",
        "root.layout",
    ]);
    let out = expect_code(c, tmp.path(), 1);
    let err = stderr(&out);
    let prefix = format!("in-toto layout: error: layout.toml:{at}: ");
    assert!(err.starts_with(&prefix), "expected {prefix:?}, got:\n{err}");
    assert!(err.contains(needle), "expected {needle:?} in:\n{err}");
    assert!(!tmp.join("root.layout").exists(), "nothing may be written");
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        7,
        "no stray files"
    );
    // show and lint refuse it the same way.
    for sub in ["show", "lint"] {
        let out = expect_code(ours_layout(&[sub, "layout.toml"]), tmp.path(), 1);
        assert!(stderr(&out).starts_with(&prefix), "{sub}: {}", stderr(&out));
    }
}

#[test]
fn the_good_base_case_is_accepted() {
    let tmp = bad_input_dir();
    fs::write(tmp.join("layout.toml"), GOOD).unwrap();
    let c = ours_layout(&[
        "create",
        "layout.toml",
        "--signing-key",
        "owner",
        "-o",
        "root.layout",
    ]);
    let out = expect_code(c, tmp.path(), 0);
    assert_eq!(stderr(&out), "");
    assert!(tmp.join("root.layout").exists());
}

#[test]
fn bad_unknown_top_level_key() {
    refused(
        "expires = \"1 year\"\n",
        "expires = \"1 year\"\nexpiry = \"2 years\"\n",
        "2:1",
        "unknown field `expiry`",
    );
}

#[test]
fn bad_unknown_key_in_a_step() {
    refused(
        "products = [",
        "product = [",
        "12:1",
        "unknown field `product`",
    );
}

#[test]
fn bad_unknown_key_in_an_inspection() {
    refused(
        "run = \"test -d out\"",
        "run = \"test -d out\"\nexpected_command = \"x\"",
        "17:1",
        "unknown field `expected_command`",
    );
}

#[test]
fn bad_toml_syntax() {
    refused(
        "name = \"check\"",
        "name = \"check",
        "15:14",
        "invalid basic string",
    );
}

#[test]
fn bad_missing_key_file() {
    refused(
        "bob = \"bob.pub\"",
        "bob = \"carol.pub\"",
        "5:7",
        "functionary 'bob': cannot use the public key file",
    );
}

#[test]
fn bad_key_file_that_is_not_a_key() {
    refused(
        "bob = \"bob.pub\"",
        "bob = \"layout.toml\"",
        "5:7",
        "functionary 'bob': cannot use the public key file",
    );
}

#[test]
fn bad_two_functionaries_with_one_key() {
    refused(
        "bob = \"bob.pub\"",
        "bob = \"alice.pub\"",
        "5:7",
        "functionary 'bob' has the same key",
    );
}

#[test]
fn bad_unknown_functionary() {
    refused(
        "[\"alice\", \"bob\"]",
        "[\"alice\", \"carol\"]",
        "9:27",
        "names functionary 'carol', which is not defined in [functionaries] (defined: alice, bob)",
    );
}

#[test]
fn bad_functionary_listed_twice() {
    refused(
        "[\"alice\", \"bob\"]",
        "[\"alice\", \"alice\"]",
        "9:27",
        "lists functionary 'alice' twice",
    );
}

#[test]
fn bad_rule_keyword() {
    refused(
        "\"ALLOW src/*\"",
        "\"PERMIT src/*\"",
        "11:14",
        "Wrong rule format, rules must start with one of",
    );
}

#[test]
fn bad_match_rule_shape() {
    refused(
        "MATCH out/* WITH PRODUCTS FROM build",
        "MATCH out/* WITH PRODUCTS build",
        "17:14",
        "match rules must have the format",
    );
}

#[test]
fn bad_match_rule_destination() {
    refused(
        "WITH PRODUCTS FROM",
        "WITH OUTPUTS FROM",
        "17:14",
        "either MATERIALS or PRODUCTS",
    );
}

#[test]
fn bad_generic_rule_length() {
    refused(
        "\"CREATE out/*\"",
        "\"CREATE out/* out/x\"",
        "12:13",
        "generic rules must have one of the formats",
    );
}

#[test]
fn bad_rule_with_an_unclosed_quote() {
    refused(
        "\"ALLOW src/*\"",
        "\"ALLOW 'src/*\"",
        "11:14",
        "No closing quotation",
    );
}

#[test]
fn bad_duplicate_step_name() {
    refused(
        "[[inspections]]",
        "[[steps]]\nname = \"build\"\n\n[[inspections]]",
        "15:8",
        "the name 'build' is already used on line 8",
    );
}

#[test]
fn bad_inspection_named_like_a_step() {
    refused(
        "name = \"check\"",
        "name = \"build\"",
        "15:8",
        "inspection 'build': the name 'build' is already used on line 8",
    );
}

#[test]
fn bad_name_unusable_in_file_names() {
    refused(
        "name = \"build\"",
        "name = \"../build\"",
        "8:8",
        "cannot be used in link file names",
    );
}

#[test]
fn bad_expiry_in_the_past() {
    refused(
        "expires = \"1 year\"",
        "expires = 2020-01-01",
        "1:11",
        "'expires' is 2020-01-01T00:00:00Z, which is not in the future",
    );
}

#[test]
fn bad_expiry_of_zero_days() {
    refused(
        "expires = \"1 year\"",
        "expires = \"0 days\"",
        "1:11",
        "which is not in the future",
    );
}

#[test]
fn bad_expiry_text() {
    refused(
        "expires = \"1 year\"",
        "expires = \"4 moons\"",
        "1:11",
        "unknown unit 'moons'",
    );
}

#[test]
fn bad_expiry_without_a_time_zone() {
    refused(
        "expires = \"1 year\"",
        "expires = 2030-01-01T00:00:00",
        "1:11",
        "ambiguous",
    );
}

#[test]
fn bad_missing_expiry() {
    refused(
        "expires = \"1 year\"",
        "readme = \"no expiry\"",
        "1:1",
        "'expires' is missing",
    );
}

#[test]
fn bad_threshold_zero() {
    refused(
        "expected_command = \"make\"",
        "threshold = 0",
        "10:13",
        "threshold is 0, but it must be at least 1",
    );
}

#[test]
fn bad_threshold_type() {
    refused(
        "expected_command = \"make\"",
        "threshold = \"2\"",
        "10:13",
        "",
    );
}

#[test]
fn bad_unsplittable_command() {
    refused(
        "expected_command = \"make\"",
        "expected_command = \"make 'all\"",
        "10:20",
        "expected_command: cannot split",
    );
}

#[test]
fn bad_command_word_type() {
    refused(
        "expected_command = \"make\"",
        "expected_command = [\"make\", 1]",
        "10:20",
        "word 2 is a integer",
    );
}

#[test]
fn bad_inspection_without_a_command() {
    refused(
        "run = \"test -d out\"",
        "run = \"\"",
        "16:7",
        "an inspection needs a command to run",
    );
}

#[test]
fn bad_inspection_missing_run() {
    refused("run = \"test -d out\"\n", "", "14:1", "missing field `run`");
}

#[test]
fn bad_step_without_a_name() {
    refused("name = \"build\"\n", "", "7:1", "missing field `name`");
}

#[test]
fn bad_signing_key_writes_nothing() {
    let tmp = bad_input_dir();
    fs::write(tmp.join("layout.toml"), GOOD).unwrap();
    let c = ours_layout(&[
        "create",
        "layout.toml",
        "-k",
        "owner",
        "-k",
        "alice.pub",
        "-o",
        "root.layout",
    ]);
    let out = expect_code(c, tmp.path(), 1);
    assert!(stderr(&out).contains("alice.pub"), "{}", stderr(&out));
    assert!(!tmp.join("root.layout").exists());
}

#[test]
fn lint_points_into_the_toml_and_strict_fails() {
    let tmp = bad_input_dir();
    let toml = GOOD
        .replacen(
            "\"DISALLOW *\"]\nproducts",
            "\"REQUIRE src/a.c\"]\nproducts",
            1,
        )
        .replacen(
            "functionaries = [\"alice\", \"bob\"]",
            "functionaries = [\"alice\"]\nthreshold = 2",
            1,
        )
        .replacen("FROM build", "FROM biuld", 1);
    fs::write(tmp.join("layout.toml"), &toml).unwrap();
    let out = expect_code(ours_layout(&["lint", "layout.toml"]), tmp.path(), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    let expected = [
        "layout.toml:5:1: warning: functionary key ",
        "layout.toml:8:8: warning: step 'build': the threshold is 2 but only 1 functionary is authorised",
        "layout.toml:12:29: warning: step 'build', materials rule 2 'REQUIRE src/a.c': this rule always fails: rule 1 'ALLOW src/*' consumes 'src/a.c' first",
        "layout.toml:8:8: warning: step 'build', materials: the list does not end with 'DISALLOW *'",
        "layout.toml:8:8: warning: step 'build', products: no later step and no inspection MATCHes these products",
        "layout.toml:18:14: warning: inspection 'check', materials rule 1 'MATCH out/* WITH PRODUCTS FROM biuld': the layout has no step or inspection named 'biuld'",
        "layout.toml: 6 warnings",
    ];
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{text}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(line.starts_with(want), "expected {want:?}, got {line:?}");
    }
    assert!(
        lines[0].ends_with("no step authorises this key [unused-key] (functionary bob (bob.pub))"),
        "{}",
        lines[0]
    );
    expect_code(
        ours_layout(&["lint", "--strict", "layout.toml"]),
        tmp.path(),
        1,
    );

    // create prints the same warnings to stderr, and still writes the layout.
    let c = ours_layout(&["create", "layout.toml", "-k", "owner", "-o", "root.layout"]);
    let out = expect_code(c, tmp.path(), 0);
    assert_eq!(stderr(&out).lines().count(), 6, "{}", stderr(&out));
    // A signed layout is linted too, without line numbers.
    let out = expect_code(
        ours_layout(&["lint", "--strict", "root.layout"]),
        tmp.path(),
        1,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("root.layout: warning: step 'build': the threshold is 2"),
        "{text}"
    );
    assert!(text.ends_with("root.layout: 6 warnings\n"), "{text}");
}

#[test]
fn show_and_lint_refuse_links() {
    let tmp = TempDir::new("layout-link");
    fs::copy(
        ref_samples().join("build.a8007901.link"),
        tmp.join("build.link"),
    )
    .unwrap();
    for sub in ["show", "lint"] {
        let out = expect_code(ours_layout(&[sub, "build.link"]), tmp.path(), 1);
        assert!(
            stderr(&out).contains("expected layout metadata, found link"),
            "{}",
            stderr(&out)
        );
    }
}
