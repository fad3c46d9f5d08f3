//! In-toto attestations: `in-toto-run --attestation`,
//! `in-toto-record stop --attestation`, `in-toto attest provenance`,
//! `in-toto attest sign` and `in-toto attest verify`.
//!
//! What we write is checked with securesystemslib's DSSE (signatures) and
//! the `in-toto-attestation` Python bindings (Statement, link and
//! provenance protos); what they write verifies here. Each kind of bad
//! input is one test that checks the message names the file and the
//! reason, the exit status, and that nothing was written.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use intoto_cjson::{Map, Style, Value, to_python_json};

use crate::run::listing;
use crate::util::*;

const PROVENANCE: &str = "https://slsa.dev/provenance/v1";
const LINK: &str = "https://in-toto.io/attestation/link/v0.3";
const BUILDER: &str = "https://ci.example.com/runner";

/// A directory with keys `alice`, `bob` (and `.pub`s) and a small tree.
fn setup(label: &str) -> TempDir {
    let dir = TempDir::new(label);
    for name in ["alice", "bob"] {
        let mut c = ours("in-toto");
        c.args(["key", "generate", "-o", name]);
        expect_code(c, dir.path(), 0);
    }
    dir.write("src/a.c", "int main() { return 0; }\n");
    dir.write("src/b.h", "/* header */\n");
    dir
}

fn attest(args: &[&str]) -> Command {
    let mut c = ours("in-toto");
    c.arg("attest").args(args);
    c
}

fn keyid(dir: &Path, key: &str) -> String {
    let mut c = ours("in-toto");
    c.args(["key", "id", key]);
    let out = expect_code(c, dir, 0);
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// The one file `<step>.<keyid[:8]>.link` of `key` in `dir`.
fn link_path(dir: &Path, step: &str, key: &str) -> std::path::PathBuf {
    let id = keyid(dir, key);
    dir.join(format!("{step}.{}.link", &id[..8]))
}

fn json(bytes: &[u8]) -> Value {
    intoto_cjson::from_slice(bytes).unwrap()
}

fn payload(envelope: &Value) -> Value {
    let p = envelope.get("payload").and_then(Value::as_str).unwrap();
    json(&STANDARD.decode(p).unwrap())
}

/// The oracle's view of an envelope: verified with securesystemslib's
/// DSSE against the public keys `pubs` (threshold `threshold`), its
/// payload parsed strictly (unknown fields refused) into the bindings'
/// Statement and validated, and its predicate parsed into the typed proto
/// (link or provenance). Returns the Statement, and the link as link.md's
/// conversion gives it back (for link Statements).
const ORACLE: &str = r#"
import json, sys
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey
try:
    from google.protobuf import json_format
    import in_toto_attestation.v1.statement_pb2 as spb
    from in_toto_attestation.v1.statement import Statement
    from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor
    from in_toto_attestation.predicates.link.v0 import link_pb2
    from in_toto_attestation.predicates.provenance.v1 import provenance_pb2
except ImportError as e:
    sys.exit("the in-toto-attestation bindings are missing from the oracle venv (%s): "
             "pip install in-toto-attestation==0.9.3 into it" % e)
a = json.load(sys.stdin)
keys = [SSlibKey.from_crypto(load_pem_public_key(open(p, "rb").read())) for p in a["pubs"]]
env = Envelope.from_dict(json.load(open(a["file"])))
signers = env.verify(keys, a["threshold"])
out = {"payload_type": env.payload_type, "signers": sorted(signers)}
if a.get("classic"):
    out["classic"] = json.loads(env.payload)
    print(json.dumps(out)); sys.exit(0)
pb = spb.Statement()
json_format.Parse(env.payload, pb)
Statement.copy_from_pb(pb).validate()
d = json.loads(env.payload)
typed = {
    "https://in-toto.io/attestation/link/v0.3": link_pb2.Link,
    "https://slsa.dev/provenance/v1": provenance_pb2.Provenance,
}[d["predicateType"]]()
json_format.ParseDict(d["predicate"], typed)
for rd in list(pb.subject):
    ResourceDescriptor.copy_from_pb(rd).validate()
if d["predicateType"].endswith("/link/v0.3"):
    for rd in typed.materials:
        ResourceDescriptor.copy_from_pb(rd).validate()
    p = d["predicate"]
    out["link"] = {
        "name": p["name"],
        "command": p["command"],
        "materials": {m["name"]: m["digest"] for m in p["materials"]},
        "products": {s["name"]: s["digest"] for s in d["subject"]},
        "byproducts": p["byproducts"],
        "environment": p["environment"],
    }
else:
    for rd in typed.build_definition.resolved_dependencies:
        ResourceDescriptor.copy_from_pb(rd).validate()
out["statement"] = d
print(json.dumps(out))
"#;

fn oracle(dir: &Path, file: &Path, pubs: &[&str], threshold: usize, classic: bool) -> Value {
    let pubs: Vec<Value> = pubs.iter().map(|p| Value::from(*p)).collect();
    let mut input = Map::new();
    input.insert("file".into(), file.to_string_lossy().as_ref().into());
    input.insert("pubs".into(), Value::Array(pubs));
    input.insert("threshold".into(), Value::from(threshold as i64));
    input.insert("classic".into(), Value::from(classic));
    let stdin = to_python_json(&Value::Object(input), Style::Compact);
    json(&python(ORACLE, stdin.as_bytes(), dir))
}

/// The classic link's members as the oracle read them from a
/// `--use-dsse` link.
fn classic_members(v: &Value) -> Value {
    let c = v.get("classic").unwrap();
    let mut m = Map::new();
    for k in [
        "name",
        "command",
        "materials",
        "products",
        "byproducts",
        "environment",
    ] {
        m.insert(k.into(), c.get(k).unwrap().clone());
    }
    Value::Object(m)
}

#[test]
fn run_attestation_verifies_with_securesystemslib_and_the_bindings() {
    let dir = setup("attest-run");
    fs::create_dir(dir.join("att")).unwrap();
    fs::create_dir(dir.join("classic")).unwrap();
    // --use-dsse alongside --attestation is harmless.
    let flags: [(&str, &[&str]); 2] = [
        ("att", &["--attestation", "--use-dsse"]),
        ("classic", &["--use-dsse"]),
    ];
    for (out_dir, flag) in flags {
        let mut c = ours("in-toto-run");
        c.args([
            "-n",
            "build",
            "--signing-key",
            "alice",
            "-m",
            "src",
            "-p",
            "out.txt",
            "-d",
            out_dir,
        ]);
        c.args(flag);
        c.args(["--", "sh", "-c", "cat src/a.c > out.txt; echo built"]);
        expect_code(c, dir.path(), 0);
    }
    let att = link_path(&dir.join("att"), "build", "../alice");
    let classic = link_path(&dir.join("classic"), "build", "../alice");
    let ours_view = oracle(dir.path(), &att, &["alice.pub"], 1, false);
    let classic_view = oracle(dir.path(), &classic, &["alice.pub"], 1, true);
    assert_eq!(
        ours_view.get("payload_type").and_then(Value::as_str),
        Some("application/vnd.in-toto+json")
    );
    let statement = ours_view.get("statement").unwrap();
    assert_eq!(
        statement.get("_type").and_then(Value::as_str),
        Some("https://in-toto.io/Statement/v1")
    );
    assert_eq!(
        statement.get("predicateType").and_then(Value::as_str),
        Some(LINK)
    );
    // The same evidence as the classic link of the same run.
    let link = ours_view.get("link").unwrap();
    assert_eq!(link, &classic_members(&classic_view));
    let materials = link.get("materials").and_then(Value::as_object).unwrap();
    assert_eq!(
        materials.keys().cloned().collect::<Vec<_>>(),
        ["src/a.c", "src/b.h"]
    );
    assert!(
        link.get("products")
            .and_then(|p| p.get("out.txt"))
            .is_some()
    );
    assert_eq!(
        link.get("byproducts")
            .and_then(|b| b.get("stdout"))
            .and_then(Value::as_str),
        Some("")
    );

    // And our own verifier accepts it, with the product checked.
    let mut c = attest(&["verify", att.to_str().unwrap(), "--key", "alice.pub"]);
    c.args(["-s", "out.txt", "--type", LINK]);
    let out = expect_code(c, dir.path(), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("verified"), "{text}");
    assert!(text.contains("out.txt (sha256)"), "{text}");
}

#[test]
fn record_attestation_verifies_and_matches_the_classic_link() {
    let dir = setup("attest-record");
    fs::create_dir(dir.join("att")).unwrap();
    fs::create_dir(dir.join("classic")).unwrap();
    for (out_dir, flag) in [("att", Some("--attestation")), ("classic", None)] {
        let mut c = ours("in-toto-record");
        c.args(["start", "-n", "edit", "--signing-key", "alice", "-m", "src"]);
        c.arg("--use-dsse");
        expect_code(c, dir.path(), 0);
        let mut c = ours("in-toto-record");
        c.args(["stop", "-n", "edit", "--signing-key", "alice", "-p", "src"]);
        c.args(["-d", out_dir]);
        c.args(flag);
        expect_code(c, dir.path(), 0);
    }
    // The unfinished link is gone after each stop.
    assert!(
        !listing(dir.path())
            .iter()
            .any(|p| p.ends_with(".link-unfinished"))
    );
    let att = link_path(&dir.join("att"), "edit", "../alice");
    let classic = link_path(&dir.join("classic"), "edit", "../alice");
    let ours_view = oracle(dir.path(), &att, &["alice.pub"], 1, false);
    let classic_view = oracle(dir.path(), &classic, &["alice.pub"], 1, true);
    let link = ours_view.get("link").unwrap();
    assert_eq!(link, &classic_members(&classic_view));
    assert_eq!(
        link.get("products")
            .and_then(Value::as_object)
            .unwrap()
            .len(),
        2
    );

    // --attestation at start is accepted too (the unfinished link is DSSE).
    let mut c = ours("in-toto-record");
    c.args(["start", "-n", "two", "--signing-key", "bob", "-m", "src"]);
    c.arg("--attestation");
    expect_code(c, dir.path(), 0);
    let mut c = ours("in-toto-record");
    c.args(["stop", "-n", "two", "--signing-key", "bob", "-p", "src"]);
    c.arg("--attestation");
    expect_code(c, dir.path(), 0);
    let two = link_path(dir.path(), "two", "bob");
    let view = oracle(dir.path(), &two, &["bob.pub"], 1, false);
    assert_eq!(
        view.get("link")
            .and_then(|l| l.get("name"))
            .and_then(Value::as_str),
        Some("two")
    );
}

#[test]
fn attestation_needs_a_pem_signing_key() {
    let dir = setup("attest-nokey");
    let before = listing(dir.path());
    let mut c = ours("in-toto-run");
    c.args(["-n", "x", "--gpg", "--attestation", "--", "true"]);
    let out = expect_code(c, dir.path(), 2);
    assert!(
        stderr(&out).contains("--attestation needs --signing-key"),
        "{}",
        stderr(&out)
    );
    let mut c = ours("in-toto-run");
    c.args(["-n", "x", "--attestation", "--", "true"]);
    let out = expect_code(c, dir.path(), 2);
    assert!(stderr(&out).contains("--signing-key"), "{}", stderr(&out));
    let mut c = ours("in-toto-record");
    c.args(["stop", "-n", "x", "--gpg", "--attestation"]);
    let out = expect_code(c, dir.path(), 2);
    assert!(
        stderr(&out).contains("--attestation needs --signing-key"),
        "{}",
        stderr(&out)
    );
    assert_eq!(listing(dir.path()), before);
}

fn provenance(dir: &Path, extra: &[&str], code: i32) -> Output {
    let mut c = attest(&[
        "provenance",
        "-n",
        "build",
        "-k",
        "alice",
        "--builder-id",
        BUILDER,
        "-m",
        "src",
        "-p",
        "out.txt",
    ]);
    c.args(extra);
    expect_code(c, dir, code)
}

#[test]
fn provenance_validates_with_the_bindings_and_verifies() {
    let dir = setup("attest-prov");
    provenance(
        dir.path(),
        &["--", "sh", "-c", "cat src/a.c src/b.h > out.txt"],
        0,
    );
    let file = link_path(dir.path(), "build", "alice");
    let view = oracle(dir.path(), &file, &["alice.pub"], 1, false);
    let statement = view.get("statement").unwrap();
    assert_eq!(
        statement.get("predicateType").and_then(Value::as_str),
        Some(PROVENANCE)
    );
    let subject = statement.get("subject").and_then(Value::as_array).unwrap();
    assert_eq!(subject.len(), 1);
    assert_eq!(
        subject[0].get("name").and_then(Value::as_str),
        Some("out.txt")
    );
    let p = statement.get("predicate").unwrap();
    let bd = p.get("buildDefinition").unwrap();
    assert_eq!(
        bd.get("buildType").and_then(Value::as_str),
        Some("https://in-toto.io/attestation/provenance/in-toto-run/v1")
    );
    assert_eq!(
        to_python_json(bd.get("externalParameters").unwrap(), Style::Compact),
        r#"{"command":["sh","-c","cat src/a.c src/b.h > out.txt"]}"#
    );
    assert_eq!(
        bd.get("internalParameters")
            .and_then(|i| i.get("inTotoStep"))
            .and_then(Value::as_str),
        Some("build")
    );
    let deps: Vec<&str> = bd
        .get("resolvedDependencies")
        .and_then(Value::as_array)
        .unwrap()
        .iter()
        .map(|d| d.get("name").and_then(Value::as_str).unwrap())
        .collect();
    assert_eq!(deps, ["src/a.c", "src/b.h"]);
    let rd = p.get("runDetails").unwrap();
    assert_eq!(
        rd.get("builder")
            .and_then(|b| b.get("id"))
            .and_then(Value::as_str),
        Some(BUILDER)
    );
    for t in ["startedOn", "finishedOn"] {
        let v = rd
            .get("metadata")
            .and_then(|m| m.get(t))
            .and_then(Value::as_str)
            .unwrap();
        assert!(v.ends_with('Z') && v.len() == 20, "{t}: {v}");
    }

    let file_arg = file.to_str().unwrap();
    let mut c = attest(&["verify", file_arg, "--key", "alice.pub", "-s", "out.txt"]);
    c.args(["--type", PROVENANCE]);
    expect_code(c, dir.path(), 0);

    // A modified product fails, naming the attestation and the file.
    fs::write(dir.join("out.txt"), "tampered\n").unwrap();
    let c = attest(&["verify", file_arg, "--key", "alice.pub", "-s", "out.txt"]);
    let out = expect_code(c, dir.path(), 1);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "{file_arg}: subject 'out.txt' does not match the local file 'out.txt': sha256 is"
        )),
        "{err}"
    );
}

#[test]
fn provenance_passes_the_command_status_through_and_honours_output() {
    let dir = setup("attest-prov-status");
    let out = provenance(
        dir.path(),
        &["-o", "p.json", "--", "sh", "-c", "echo x > out.txt; exit 3"],
        3,
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let envelope = json(&fs::read(dir.join("p.json")).unwrap());
    let statement = payload(&envelope);
    assert_eq!(
        statement
            .get("subject")
            .and_then(Value::as_array)
            .map(<[Value]>::len),
        Some(1)
    );
    assert!(!link_path(dir.path(), "build", "alice").exists());
    // Without -o: '<step>.<keyid[:8]>.link' in the metadata directory.
    fs::create_dir(dir.join("meta")).unwrap();
    provenance(dir.path(), &["-d", "meta", "--", "true"], 0);
    let written = link_path(&dir.join("meta"), "build", "../alice");
    let statement = payload(&json(&fs::read(&written).unwrap()));
    assert_eq!(
        statement.get("predicateType").and_then(Value::as_str),
        Some(PROVENANCE)
    );
}

#[test]
fn provenance_usage_errors_exit_2_and_write_nothing() {
    let dir = setup("attest-prov-usage");
    let before = listing(dir.path());
    let cases: &[(&[&str], &str)] = &[
        (
            &["provenance", "-n", "b", "-k", "alice", "--", "true"],
            "the following arguments are required: --builder-id",
        ),
        (
            &[
                "provenance",
                "-n",
                "b",
                "--builder-id",
                BUILDER,
                "--",
                "true",
            ],
            "the following arguments are required: -k/--signing-key",
        ),
        (
            &[
                "provenance",
                "-n",
                "b",
                "-k",
                "alice",
                "--builder-id",
                "not a uri",
            ],
            "argument --builder-id: 'not a uri' is not a valid URI",
        ),
        (
            &[
                "provenance",
                "-n",
                "b",
                "-k",
                "alice",
                "--builder-id",
                BUILDER,
                "--build-type",
                "HTTPS://X",
            ],
            "argument --build-type: 'HTTPS://X' is not a valid URI",
        ),
        (
            &[
                "provenance",
                "-n",
                "../b",
                "-k",
                "alice",
                "--builder-id",
                BUILDER,
            ],
            "argument -n/--step-name:",
        ),
    ];
    for (args, msg) in cases {
        let out = expect_code(attest(args), dir.path(), 2);
        assert!(stderr(&out).contains(msg), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(listing(dir.path()), before);
}

fn sign(dir: &Path, predicate: &str, ty: &str, keys: &[&str], out: &str, code: i32) -> Output {
    let mut c = attest(&["sign", "--predicate", predicate, "--type", ty]);
    c.args(["-s", "src/a.c", "-s", "./src/b.h", "-o", out]);
    for k in keys {
        c.args(["-k", k]);
    }
    expect_code(c, dir, code)
}

fn verify(dir: &Path, file: &str, args: &[&str], code: i32) -> Output {
    let mut c = attest(&["verify", file]);
    c.args(args);
    expect_code(c, dir, code)
}

/// The single error line of a failed `attest verify`, which must name
/// `file`.
#[track_caller]
fn error_line(out: &Output, file: &str) -> String {
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "{err}");
    let prefix = format!("in-toto attest verify: error: {file}: ");
    assert!(err.starts_with(&prefix), "{err}");
    err.trim_end().to_owned()
}

#[test]
fn sign_and_verify_round_trip_with_two_keys() {
    let dir = setup("attest-sign");
    dir.write(
        "scan.json",
        r#"{"result": "clean", "scanner": {"id": "x"}}"#,
    );
    let ty = "https://example.com/scan/v1";
    sign(dir.path(), "scan.json", ty, &["alice", "bob"], "s.json", 0);
    let statement = payload(&json(&fs::read(dir.join("s.json")).unwrap()));
    let names: Vec<&str> = statement
        .get("subject")
        .and_then(Value::as_array)
        .unwrap()
        .iter()
        .map(|s| s.get("name").and_then(Value::as_str).unwrap())
        .collect();
    assert_eq!(names, ["src/a.c", "src/b.h"]);
    assert_eq!(
        to_python_json(statement.get("predicate").unwrap(), Style::Compact),
        r#"{"result":"clean","scanner":{"id":"x"}}"#
    );
    let both = ["--key", "alice.pub", "--key", "bob.pub", "--threshold", "2"];
    let mut args = both.to_vec();
    args.extend(["-s", "src/a.c", "-s", "src/b.h", "--type", ty]);
    let out = verify(dir.path(), "s.json", &args, 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("(alice.pub)") && text.contains("(bob.pub)"),
        "{text}"
    );

    // securesystemslib agrees that both keys signed.
    let view = oracle(
        dir.path(),
        &dir.join("s.json"),
        &["alice.pub", "bob.pub"],
        2,
        true,
    );
    assert_eq!(
        view.get("signers")
            .and_then(Value::as_array)
            .map(<[Value]>::len),
        Some(2)
    );

    // The wrong predicate type.
    let out = verify(
        dir.path(),
        "s.json",
        &["--key", "alice.pub", "--type", PROVENANCE],
        1,
    );
    let line = error_line(&out, "s.json");
    assert!(
        line.ends_with(&format!(
            "the predicate type is '{ty}', expected '{PROVENANCE}'"
        )),
        "{line}"
    );
    // A subject that is not in the attestation.
    dir.write("other.txt", "x");
    let out = verify(
        dir.path(),
        "s.json",
        &["--key", "alice.pub", "-s", "other.txt"],
        1,
    );
    let line = error_line(&out, "s.json");
    assert!(
        line.ends_with("no subject named 'other.txt' (for the local file 'other.txt')"),
        "{line}"
    );
}

#[test]
fn a_key_not_given_does_not_count() {
    let dir = setup("attest-otherkey");
    dir.write("p.json", "{}");
    sign(
        dir.path(),
        "p.json",
        "https://example.com/p/v1",
        &["alice"],
        "s.json",
        0,
    );
    let out = verify(dir.path(), "s.json", &["--key", "bob.pub"], 1);
    let line = error_line(&out, "s.json");
    assert!(
        line.contains("signature threshold not met: 0 of the 1 required"),
        "{line}"
    );
    // Signed by alice only: alice and bob with threshold 2 fails.
    let out = verify(
        dir.path(),
        "s.json",
        &["--key", "alice.pub", "--key", "bob.pub", "--threshold", "2"],
        1,
    );
    let line = error_line(&out, "s.json");
    assert!(
        line.contains("signature threshold not met: 1 of the 2 required"),
        "{line}"
    );
}

/// Rewrites the envelope `file` in `dir` with `edit`.
fn edit_envelope(dir: &Path, file: &str, edit: impl FnOnce(&mut Map)) {
    let mut envelope = json(&fs::read(dir.join(file)).unwrap());
    let Value::Object(m) = &mut envelope else {
        panic!("not an object")
    };
    edit(m);
    fs::write(dir.join(file), to_python_json(&envelope, Style::Compact)).unwrap();
}

#[test]
fn one_key_signing_twice_does_not_reach_a_threshold_of_two() {
    let dir = setup("attest-twice");
    dir.write("p.json", "{}");
    sign(
        dir.path(),
        "p.json",
        "https://example.com/p/v1",
        &["alice"],
        "s.json",
        0,
    );
    // A second copy of alice's signature, under bob's key id.
    let bob = keyid(dir.path(), "bob.pub");
    edit_envelope(dir.path(), "s.json", |m| {
        let Some(Value::Array(sigs)) = m.get_mut("signatures") else {
            panic!("no signatures")
        };
        let mut copy = sigs[0].clone();
        if let Value::Object(c) = &mut copy {
            c.insert("keyid".into(), bob.as_str().into());
        }
        sigs.push(copy);
    });
    // Listing alice twice does not help either.
    let out = verify(
        dir.path(),
        "s.json",
        &["--key", "alice.pub", "--key", "bob.pub", "--threshold", "2"],
        1,
    );
    let line = error_line(&out, "s.json");
    assert!(
        line.contains("signature threshold not met: 1 of the 2 required distinct trusted keys verified a signature (2 signatures"),
        "{line}"
    );
    // Under one key id twice, the envelope is refused as it is read.
    edit_envelope(dir.path(), "s.json", |m| {
        let Some(Value::Array(sigs)) = m.get_mut("signatures") else {
            panic!("no signatures")
        };
        sigs[1] = sigs[0].clone();
    });
    let out = verify(dir.path(), "s.json", &["--key", "alice.pub"], 1);
    let line = error_line(&out, "s.json");
    assert!(
        line.contains("multiple signatures found for keyid"),
        "{line}"
    );
    let out = verify(
        dir.path(),
        "s.json",
        &["--key", "alice.pub", "--key", "alice", "--threshold", "2"],
        2,
    );
    assert!(
        stderr(&out).contains("argument --threshold: 2 is more than the 1 distinct key given"),
        "{}",
        stderr(&out)
    );
}

/// Signs an empty predicate with alice into `s.json`, applies `edit` to the
/// envelope, and returns the one error line `attest verify` (exit 1) gives.
fn verify_edited_envelope(label: &str, edit: impl FnOnce(&mut Map)) -> String {
    let dir = setup(label);
    dir.write("p.json", "{}");
    sign(
        dir.path(),
        "p.json",
        "https://example.com/p/v1",
        &["alice"],
        "s.json",
        0,
    );
    edit_envelope(dir.path(), "s.json", edit);
    let out = verify(dir.path(), "s.json", &["--key", "alice.pub"], 1);
    error_line(&out, "s.json")
}

#[test]
fn a_wrong_payload_type_is_refused() {
    let line = verify_edited_envelope("attest-ptype", |m| {
        m.insert("payloadType".into(), "application/json".into());
    });
    assert!(
        line.contains(
            "unsupported payload type 'application/json' (expected 'application/vnd.in-toto+json')"
        ),
        "{line}"
    );
}

#[test]
fn classic_links_and_layouts_are_not_attestations() {
    let dir = setup("attest-classic");
    for (out_dir, dsse) in [("mb", false), ("dsse", true)] {
        fs::create_dir(dir.join(out_dir)).unwrap();
        let mut c = ours("in-toto-run");
        c.args([
            "-n",
            "build",
            "--signing-key",
            "alice",
            "-m",
            "src",
            "-d",
            out_dir,
        ]);
        if dsse {
            c.arg("--use-dsse");
        }
        c.args(["--", "true"]);
        expect_code(c, dir.path(), 0);
    }
    let mb = link_path(&dir.join("mb"), "build", "../alice");
    let mb = mb.strip_prefix(dir.path()).unwrap().to_str().unwrap();
    let out = verify(dir.path(), mb, &["--key", "alice.pub"], 1);
    let line = error_line(&out, mb);
    assert!(
        line.ends_with("a classic in-toto Metablock ('_type' 'link'), not an attestation (a DSSE envelope of a Statement)"),
        "{line}"
    );
    let dsse = link_path(&dir.join("dsse"), "build", "../alice");
    let dsse = dsse.strip_prefix(dir.path()).unwrap().to_str().unwrap();
    let out = verify(dir.path(), dsse, &["--key", "alice.pub"], 1);
    let line = error_line(&out, dsse);
    assert!(
        line.ends_with(
            "the payload is a classic in-toto link ('_type' 'link'), not an attestation Statement"
        ),
        "{line}"
    );
    // A layout, in both containers (made by the reference).
    for (name, is_dsse) in [("root.layout", false), ("root.dsse.layout", true)] {
        python_layout(dir.path(), "alice", "bob.pub", name, is_dsse);
        let out = verify(dir.path(), name, &["--key", "alice.pub"], 1);
        let line = error_line(&out, name);
        assert!(line.contains("'_type' 'layout'"), "{line}");
    }
}

#[test]
fn invalid_base64_is_refused() {
    let line = verify_edited_envelope("attest-b64", |m| {
        m.insert("payload".into(), "not*base64!".into());
    });
    assert!(line.contains("invalid base64 in 'payload'"), "{line}");
}

/// Signs `statement_json` (a payload written here, not by our tools) with
/// the key `alice` in `dir` into `file`.
fn sign_raw(dir: &Path, statement_json: &str, file: &str) {
    let pem = fs::read(dir.join("alice")).unwrap();
    let key = intoto_crypto::PrivateKey::from_pem(&pem, None).unwrap();
    let mut envelope = intoto_dsse::Envelope::new(
        statement_json.as_bytes().to_vec(),
        "application/vnd.in-toto+json",
    );
    envelope.sign(&key).unwrap();
    fs::write(dir.join(file), envelope.to_json()).unwrap();
}

#[test]
fn malformed_statements_are_refused_naming_the_field() {
    let dir = setup("attest-malformed");
    let sha = "a".repeat(64);
    let cases = [
        (
            format!(
                r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"a","digest":{{"sha256":"{}"}}}}],"predicateType":"https://example.com/p/v1","predicate":{{}}}}"#,
                &sha[..40]
            ),
            "'subject[0].digest': digest 'sha256': '".to_owned() + &sha[..40] + "' has 40 hex digits, expected 64",
        ),
        (
            format!(
                r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"a","digest":{{"sha256":"{}"}}}}],"predicateType":"https://example.com/p/v1","predicate":{{}}}}"#,
                "z".repeat(64)
            ),
            "is not lower-case hex".to_owned(),
        ),
        (
            r#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://example.com/p/v1","predicate":{}}"#.to_owned(),
            "'subject' is required".to_owned(),
        ),
        (
            r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a"}],"predicateType":"https://example.com/p/v1","predicate":{}}"#.to_owned(),
            "'subject[0]'".to_owned(),
        ),
        (
            format!(
                r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"a","digest":{{"sha256":"{sha}"}}}}],"predicateType":"not a type","predicate":{{}}}}"#
            ),
            "'predicateType': 'not a type' is not a valid URI".to_owned(),
        ),
        (
            format!(
                r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"a","digest":{{"sha256":"{sha}"}}}}],"predicateType":"{PROVENANCE}","predicate":{{"buildDefinition":{{}},"runDetails":{{"builder":{{"id":"https://b.example"}}}}}}}}"#
            ),
            "'predicate.buildDefinition.buildType' is required".to_owned(),
        ),
    ];
    for (i, (statement, msg)) in cases.iter().enumerate() {
        let file = format!("bad{i}.json");
        sign_raw(dir.path(), statement, &file);
        let out = verify(dir.path(), &file, &["--key", "alice.pub"], 1);
        let line = error_line(&out, &file);
        assert!(line.contains(msg.as_str()), "case {i}: {line}");
    }
}

#[test]
fn verify_usage_errors_exit_2() {
    let dir = setup("attest-verify-usage");
    dir.write("p.json", "{}");
    let cases: &[(&[&str], &str)] = &[
        (
            &["verify", "p.json"],
            "the following arguments are required: --key",
        ),
        (
            &["verify", "p.json", "--key", "alice.pub", "--threshold", "0"],
            "argument --threshold: invalid value: '0'",
        ),
        (
            &["verify", "p.json", "--key", "alice.pub", "--type", "nope"],
            "argument --type: 'nope' is not a valid URI",
        ),
        (
            &["verify"],
            "the following arguments are required: --key, <FILE>",
        ),
        (&["bogus"], "invalid choice: 'bogus'"),
    ];
    for (args, msg) in cases {
        let out = expect_code(attest(args), dir.path(), 2);
        assert!(stderr(&out).contains(msg), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn sign_refuses_bad_input_and_keeps_the_old_output() {
    let dir = setup("attest-sign-bad");
    dir.write("out.json", "old");
    dir.write("list.json", "[1, 2]");
    dir.write("bad.json", "{\"a\": ");
    dir.write(
        "prov.json",
        r#"{"buildDefinition": {"buildType": "https://x/y"}}"#,
    );
    dir.write("p.json", "{}");
    let ty = "https://example.com/p/v1";
    let cases: &[(&str, &str, &[&str], i32, &str)] = &[
        (
            "list.json",
            ty,
            &["alice"],
            1,
            "list.json: the predicate must be a JSON object, found array",
        ),
        ("bad.json", ty, &["alice"], 1, "bad.json: not valid JSON"),
        (
            "prov.json",
            PROVENANCE,
            &["alice"],
            1,
            "prov.json: 'predicate.runDetails' is required",
        ),
        ("p.json", ty, &["nokey"], 1, "nokey"),
        ("p.json", "Not A URI", &["alice"], 2, "argument --type"),
    ];
    for (predicate, t, keys, code, msg) in cases {
        let out = sign(dir.path(), predicate, t, keys, "out.json", *code);
        assert!(stderr(&out).contains(msg), "{predicate}: {}", stderr(&out));
        assert_eq!(fs::read(dir.join("out.json")).unwrap(), b"old");
    }
    // A missing subject file is named.
    let mut c = attest(&["sign", "--predicate", "p.json", "--type", ty, "-k", "alice"]);
    c.args(["-s", "missing.bin", "-o", "out.json"]);
    let out = expect_code(c, dir.path(), 1);
    assert!(
        stderr(&out).contains("missing.bin: cannot read"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(dir.join("out.json")).unwrap(), b"old");
}

#[test]
fn python_signed_statements_verify() {
    let dir = setup("attest-python");
    let script = r#"
import hashlib, json, sys
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib.dsse import Envelope
from securesystemslib.signer import CryptoSigner
from google.protobuf import json_format
from in_toto_attestation.v1.statement import Statement
from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor
data = open("src/a.c", "rb").read()
rd = ResourceDescriptor(name="src/a.c", digest={
    "sha256": hashlib.sha256(data).hexdigest(),
    "sha512": hashlib.sha512(data).hexdigest()}).pb
st = Statement([rd], "https://example.com/test-result/v1", {"result": "PASSED"})
st.validate()
payload = json_format.MessageToJson(st.pb).encode()
env = Envelope(payload, "application/vnd.in-toto+json", {})
env.sign(CryptoSigner(load_pem_private_key(open("alice", "rb").read(), None)))
json.dump(env.to_dict(), open("py.json", "w"))
"#;
    python(script, b"", dir.path());
    let out = verify(
        dir.path(),
        "py.json",
        &[
            "--key",
            "alice.pub",
            "-s",
            "src/a.c",
            "--type",
            "https://example.com/test-result/v1",
        ],
        0,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("src/a.c (sha256, sha512)"), "{text}");
    // The sha512 is checked too.
    fs::write(dir.join("src/a.c"), "changed").unwrap();
    let out = verify(
        dir.path(),
        "py.json",
        &["--key", "alice.pub", "-s", "src/a.c"],
        1,
    );
    let err = stderr(&out);
    assert!(
        err.contains("sha256 is") && err.contains("sha512 is"),
        "{err}"
    );
}

#[test]
fn bundles_pass_when_one_envelope_does() {
    let dir = setup("attest-bundle");
    dir.write("p.json", "{}");
    let ty = "https://example.com/p/v1";
    sign(dir.path(), "p.json", ty, &["alice"], "a.json", 0);
    sign(dir.path(), "p.json", ty, &["bob"], "b.json", 0);
    let a = fs::read_to_string(dir.join("a.json")).unwrap();
    let b = fs::read_to_string(dir.join("b.json")).unwrap();
    dir.write("all.intoto.jsonl", format!("{b}\nnot json\n{a}\n"));
    let out = verify(
        dir.path(),
        "all.intoto.jsonl",
        &["--key", "alice.pub", "-s", "src/a.c"],
        0,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("all.intoto.jsonl:"), "{text}");
    dir.write("bob.intoto.jsonl", format!("{b}\n{b}\n"));
    let out = verify(dir.path(), "bob.intoto.jsonl", &["--key", "alice.pub"], 1);
    let err = stderr(&out);
    assert!(
        err.contains("bob.intoto.jsonl: no envelope of the bundle passed"),
        "{err}"
    );
}
