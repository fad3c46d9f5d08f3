//! `in-toto-verify` against the reference on supply chains made entirely by
//! the reference: its demo (alice owns the layout; bob clones and updates
//! the version, carl packages; the untar inspection checks the tarball)
//! and its two-stage example (build, then the check-dist inspection).
//! Each chain verifies with both; each tampered variant fails with both,
//! with the same first failure, and our report names what is wrong.

use std::path::Path;

use crate::util::*;

/// Python (one process) that builds the demo supply chain with the
/// reference's API in `work/`, then one final-product directory per
/// scenario, each with `root.layout`, `alice.pub`, the links and the
/// tarball. Prints the scenario names.
const DEMO: &str = r#"
import datetime, io, json, os, shutil, sys, tarfile
from in_toto.models.layout import Layout, Step, Inspection
from in_toto.models.metadata import Metablock, Envelope, Metadata
from in_toto.models._signer import load_crypto_signer_from_pkcs8_file
from in_toto.runlib import in_toto_run, in_toto_record_start, in_toto_record_stop

a = json.load(sys.stdin)
dsse = a["dsse"]
root = os.getcwd()
alice, bob, carl = (load_crypto_signer_from_pkcs8_file(n) for n in ("alice", "bob", "carl"))

def layout(expired=False, package_threshold=1):
    l = Layout()
    if expired:
        l.expires = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        l.set_relative_expiration(months=4)
    b = l.add_functionary_key_from_path("bob.pub")
    c = l.add_functionary_key_from_path("carl.pub")
    clone = Step(name="clone")
    clone.pubkeys = [b["keyid"]]
    clone.set_expected_command_from_string("git clone https://github.com/in-toto/demo-project.git")
    clone.add_product_rule_from_string("CREATE demo-project/foo.py")
    clone.add_product_rule_from_string("DISALLOW *")
    update = Step(name="update-version")
    update.pubkeys = [b["keyid"]]
    update.add_material_rule_from_string("MATCH demo-project/* WITH PRODUCTS FROM clone")
    update.add_material_rule_from_string("DISALLOW *")
    update.add_product_rule_from_string("ALLOW demo-project/foo.py")
    update.add_product_rule_from_string("DISALLOW *")
    package = Step(name="package")
    package.pubkeys = [c["keyid"]] + ([b["keyid"]] if package_threshold > 1 else [])
    package.threshold = package_threshold
    package.set_expected_command_from_string("tar --exclude .git -zcvf demo-project.tar.gz demo-project")
    package.add_material_rule_from_string("MATCH demo-project/* WITH PRODUCTS FROM update-version")
    package.add_material_rule_from_string("DISALLOW *")
    package.add_product_rule_from_string("CREATE demo-project.tar.gz")
    package.add_product_rule_from_string("DISALLOW *")
    untar = Inspection(name="untar")
    untar.set_run_from_string("tar xzf demo-project.tar.gz")
    for r in ["MATCH demo-project.tar.gz WITH PRODUCTS FROM package", "ALLOW .keep",
              "ALLOW alice.pub", "ALLOW root.layout", "DISALLOW *"]:
        untar.add_material_rule_from_string(r)
    for r in ["MATCH demo-project/foo.py WITH PRODUCTS FROM update-version",
              "ALLOW demo-project/.git/*", "ALLOW demo-project.tar.gz", "ALLOW .keep",
              "ALLOW alice.pub", "ALLOW root.layout", "DISALLOW *"]:
        untar.add_product_rule_from_string(r)
    l.steps = [clone, update, package]
    l.inspect = [untar]
    return l

def sign_layout(l, path):
    md = Envelope.from_signable(l) if dsse else Metablock(signed=l)
    md.create_signature(alice)
    md.dump(path)

os.makedirs("work")
os.chdir("work")
in_toto_run("clone", [], ["demo-project"],
            [sys.executable, "-c", "import os; os.makedirs('demo-project'); open('demo-project/foo.py', 'w').write('VERSION = \"foo-v0\"\\n')"],
            signer=bob, use_dsse=dsse)
in_toto_record_start("update-version", ["demo-project"], signer=bob, use_dsse=dsse)
with open("demo-project/foo.py", "a") as f:
    f.write("VERSION = \"foo-v1\"\n")
in_toto_record_stop("update-version", ["demo-project"], signer=bob)
in_toto_run("package", ["demo-project"], ["demo-project.tar.gz"],
            ["tar", "--exclude", ".git", "-zcvf", "demo-project.tar.gz", "demo-project"],
            signer=carl, use_dsse=dsse)
os.chdir(root)
links = sorted(f for f in os.listdir("work") if f.endswith(".link"))
assert len(links) == 3, links
package_link = [f for f in links if f.startswith("package.")][0]

def final(name, l=None, skip=(), tar=None, edit=None):
    d = os.path.join(root, name)
    os.makedirs(d)
    shutil.copy("alice.pub", d)
    for f in links:
        if f not in skip:
            shutil.copy(os.path.join("work", f), d)
    if tar is None:
        shutil.copy("work/demo-project.tar.gz", d)
    else:
        with open(os.path.join(d, "demo-project.tar.gz"), "wb") as f:
            f.write(tar)
    sign_layout(l or layout(), os.path.join(d, "root.layout"))
    if edit:
        edit(d)
    print(name)

def evil_tar():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        data = b"VERSION = \"foo-v1\"\nimport evil\n"
        info = tarfile.TarInfo("demo-project/foo.py")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return buf.getvalue()

def break_signature(d):
    p = os.path.join(d, package_link)
    doc = json.load(open(p))
    if "payload" in doc:
        import base64
        payload = json.loads(base64.b64decode(doc["payload"]))
        payload["products"]["demo-project.tar.gz"]["sha256"] = "0" * 64
        doc["payload"] = base64.b64encode(json.dumps(payload, sort_keys=True).encode()).decode()
    else:
        doc["signed"]["products"]["demo-project.tar.gz"]["sha256"] = "0" * 64
    json.dump(doc, open(p, "w"))

def resign_by_bob(d):
    p = os.path.join(d, package_link)
    md = Metadata.load(p)
    md.signatures.clear()
    md.create_signature(bob)
    md.dump(p)

final("ok")
final("artifact-changed", tar=evil_tar())
final("link-signature-broken", edit=break_signature)
final("link-missing", skip=(package_link,))
final("layout-expired", l=layout(expired=True))
final("unauthorised-signer", edit=resign_by_bob)
final("threshold-not-met", l=layout(package_threshold=2))
"#;

struct Run {
    code: i32,
    stderr: String,
}

fn run(tool: std::process::Command, dir: &Path, extra: &[&str]) -> Run {
    let mut cmd = tool;
    cmd.args([
        "--layout",
        "root.layout",
        "--verification-keys",
        "alice.pub",
    ])
    .args(extra)
    .current_dir(dir);
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The reference's first error line: `(in-toto-verify) <Kind>: ...`.
fn first_error_kind(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("(in-toto-verify) "))
        .map(|l| l.split(':').next().unwrap_or_default().to_owned())
}

/// Runs both verifiers on a fresh copy of `dir` each (inspections unpack
/// the tarball into the directory they run in).
fn both(dir: &Path, extra: &[&str]) -> (Run, Run) {
    let theirs_dir = TempDir::new("verify-theirs");
    intoto_testkit::copy_tree(dir, theirs_dir.path());
    let ours_dir = TempDir::new("verify-ours");
    intoto_testkit::copy_tree(dir, ours_dir.path());
    let t = run(theirs("in-toto-verify"), theirs_dir.path(), &[]);
    let o = run(ours("in-toto-verify"), ours_dir.path(), extra);
    (t, o)
}

fn demo_supply_chain(dsse: bool) {
    let tmp = TempDir::new("verify-demo");
    let dir = tmp.path();
    python_keypair(dir, "alice", "rsa", None);
    python_keypair(dir, "bob", "ed25519", None);
    python_keypair(dir, "carl", "ecdsa-p256", None);
    let out = python(DEMO, format!(r#"{{"dsse": {dsse}}}"#).as_bytes(), dir);
    let scenarios: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(scenarios.len(), 7);
    for scenario in &scenarios {
        let d = dir.join(scenario);
        let report = d.join("report.json");
        let report_arg = report.to_string_lossy().into_owned();
        let (t, o) = both(&d, &["--report-json", &report_arg]);
        let context = format!(
            "{scenario} (dsse: {dsse})\n--- theirs ---\n{}\n--- ours ---\n{}",
            t.stderr, o.stderr
        );
        let expected = if scenario == "ok" { 0 } else { 1 };
        assert_eq!(t.code, expected, "theirs: {context}");
        assert_eq!(o.code, expected, "ours: {context}");
        assert_eq!(
            first_error_kind(&o.stderr),
            first_error_kind(&t.stderr),
            "{context}"
        );
        // Both warn about the clone command, which differs from the expected one.
        if scenario == "ok" {
            for s in [&t.stderr, &o.stderr] {
                assert!(
                    s.contains("differs from expected command '['git', 'clone', 'https://github.com/in-toto/demo-project.git']'"),
                    "{context}"
                );
            }
        }
        let json = std::fs::read_to_string(&report).unwrap();
        assert!(json.contains(&format!(
            "\"verdict\": \"{}\"",
            if expected == 0 { "pass" } else { "fail" }
        )));
        match scenario.as_str() {
            "artifact-changed" => {
                if std::env::var_os("SHOW_REPORT").is_some() {
                    eprintln!("{context}");
                }
                // The rule and the artifact, with both digests and their sources.
                for needle in [
                    "'untar', expected_materials, rule 5 'DISALLOW *' matched 1 artifact:",
                    "'demo-project.tar.gz' {sha256: ",
                    "rule 1 'MATCH demo-project.tar.gz WITH PRODUCTS FROM package': digests differ:",
                    "from package products 'demo-project.tar.gz' in ./package.",
                    "in untar materials 'demo-project.tar.gz'",
                ] {
                    assert!(o.stderr.contains(needle), "missing {needle:?}: {context}");
                }
                assert!(json.contains("\"type\": \"digests-differ\""));
            }
            "link-signature-broken" | "unauthorised-signer" => {
                assert!(
                    o.stderr.contains("[link-signatures] step 'package'"),
                    "{context}"
                );
                assert!(o.stderr.contains("./package."), "{context}");
            }
            "link-missing" => {
                assert!(
                    o.stderr.contains("step 'package': 0 of the 1 required"),
                    "{context}"
                );
            }
            "layout-expired" => {
                assert!(o.stderr.contains("the layout expired at"), "{context}");
            }
            "threshold-not-met" => {
                assert!(
                    o.stderr
                        .contains("step 'package': 1 of the 2 required link file(s) found"),
                    "{context}"
                );
            }
            _ => {}
        }
    }
}

#[test]
fn demo_supply_chain_metablock() {
    demo_supply_chain(false);
}

#[test]
fn demo_supply_chain_dsse() {
    demo_supply_chain(true);
}

/// The reference's two-stage example: layout by `python_layout`, the
/// build link by the reference's `in_toto_run`; then tampered variants.
const TWO_STAGE: &str = r#"
import json, os, shutil, sys
from in_toto.models.metadata import Metadata
from in_toto.models._signer import load_crypto_signer_from_pkcs8_file
from in_toto.runlib import in_toto_run
a = json.load(sys.stdin)
os.makedirs("src")
open("pyproject.toml", "w").write("[project]\nname = 'x'\n")
open("src/x.py", "w").write("print('x')\n")
func = load_crypto_signer_from_pkcs8_file("func")
md = in_toto_run("build", ["pyproject.toml", "src"], ["dist"],
                 [sys.executable, "-c", "import os; os.makedirs('dist'); open('dist/x-1.0.tar.gz', 'w').write('sdist')"],
                 signer=func, use_dsse=a["dsse"])
print([f for f in os.listdir(".") if f.startswith("build.")][0])
"#;

#[test]
fn two_stage_example() {
    for dsse in [false, true] {
        let tmp = TempDir::new("verify-two-stage");
        let dir = tmp.path();
        python_keypair(dir, "owner", "ed25519", None);
        python_keypair(dir, "func", "rsa", None);
        python_layout(dir, "owner", "func.pub", "root.layout", dsse);
        let link = python(TWO_STAGE, format!(r#"{{"dsse": {dsse}}}"#).as_bytes(), dir);
        let link = String::from_utf8(link).unwrap().trim().to_owned();
        let verify = |d: &Path| {
            let copies = (TempDir::new("two-theirs"), TempDir::new("two-ours"));
            intoto_testkit::copy_tree(d, copies.0.path());
            intoto_testkit::copy_tree(d, copies.1.path());
            let run = |tool: std::process::Command, d: &Path| {
                let mut cmd = tool;
                cmd.args(["-l", "root.layout", "--verification-keys", "owner.pub"])
                    .current_dir(d);
                let out = cmd.output().unwrap();
                (
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                )
            };
            (
                run(theirs("in-toto-verify"), copies.0.path()),
                run(ours("in-toto-verify"), copies.1.path()),
            )
        };
        let (t, o) = verify(dir);
        assert_eq!((t.0, o.0), (Some(0), Some(0)), "{t:?}\n{o:?}");
        assert_eq!(
            t.1.contains("differs from expected command"),
            o.1.contains("differs from expected command")
        );
        // The build link's products changed after signing.
        let text = std::fs::read_to_string(dir.join(&link)).unwrap();
        let tampered = if dsse {
            text.replacen("\"payload\": \"", "\"payload\": \"e30", 1)
        } else {
            text.replacen("x-1.0.tar.gz", "x-6.6.tar.gz", 1)
        };
        assert_ne!(tampered, text);
        std::fs::write(dir.join(&link), tampered).unwrap();
        let (t, o) = verify(dir);
        assert_eq!((t.0, o.0), (Some(1), Some(1)), "{t:?}\n{o:?}");
        if !dsse {
            assert_eq!(
                first_error_kind(&o.1),
                first_error_kind(&t.1),
                "{t:?}\n{o:?}"
            );
        }
        // No link at all.
        std::fs::remove_file(dir.join(&link)).unwrap();
        let (t, o) = verify(dir);
        assert_eq!((t.0, o.0), (Some(1), Some(1)));
        assert_eq!(first_error_kind(&o.1).as_deref(), Some("LinkNotFoundError"));
        assert_eq!(first_error_kind(&t.1).as_deref(), Some("LinkNotFoundError"));
    }
}
