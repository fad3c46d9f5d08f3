//! The layout-building API against the reference: a layout we build and
//! sign is read and verified by the Python reference, and equals the one
//! the reference's own API builds for the same example.

use intoto::keys::{load_private_key, load_public_key};
use intoto::metadata_io::write_metadata;
use intoto::model::{Inspection, Layout, Metadata, Payload, Step};
use intoto::time::{FixedClock, Timestamp};
use intoto_testkit::{TempDir, copy_tree, oracle_tool, python, ref_samples};

fn two_stage(dir: &std::path::Path) -> Layout {
    let clock = FixedClock(Timestamp::parse("2026-01-31T12:00:00Z").unwrap());
    let mut layout = Layout::new(&clock);
    layout.set_relative_expiration(&clock, 0, 4, 0);
    assert_eq!(layout.expires.to_string(), "2026-05-31T12:00:00Z");
    layout.readme = "two-stage example".into();
    let func = layout
        .add_functionary_key_from_path(&dir.join("func.pub"))
        .unwrap();
    let mut build = Step::new("build");
    build.add_pubkey(&func);
    build
        .set_expected_command_from_str("python -m build")
        .unwrap();
    for r in ["ALLOW pyproject.toml", "ALLOW src/*", "DISALLOW *"] {
        build.add_material_rule_from_str(r).unwrap();
    }
    for r in ["CREATE dist/*", "DISALLOW *"] {
        build.add_product_rule_from_str(r).unwrap();
    }
    let mut check = Inspection::new("check-dist");
    check.set_run_from_str("test -d dist").unwrap();
    check
        .add_material_rule_from_str("MATCH dist/* WITH PRODUCTS FROM build")
        .unwrap();
    layout.steps.push(build);
    layout.inspect.push(check);
    layout
}

#[test]
fn reference_verifies_and_rebuilds_our_layout() {
    let tmp = TempDir::new("layout-api");
    copy_tree(&ref_samples(), tmp.path());
    let dir = tmp.path();
    let layout = two_stage(dir);
    let owner = load_private_key(&dir.join("owner"), None).unwrap();
    for (file, mut md) in [
        (
            "ours.layout",
            Metadata::new_metablock(&Payload::Layout(layout.clone())),
        ),
        (
            "ours.dsse.layout",
            Metadata::new_dsse(&Payload::Layout(layout)),
        ),
    ] {
        md.sign(&owner).unwrap();
        md.verify_signature(&load_public_key(&dir.join("owner.pub")).unwrap())
            .unwrap();
        write_metadata(&dir.join(file), &md).unwrap();
        let out = oracle_tool("in-toto-sign")
            .args(["-f", file, "-k", "owner.pub", "--verify"])
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The reference's API builds the same layout (same key, same expiry).
    let script = r#"
import json
from in_toto.models.layout import Layout, Step, Inspection
from in_toto.models.metadata import Metadata
layout = Layout()
layout.expires = "2026-05-31T12:00:00Z"
layout.readme = "two-stage example"
key = layout.add_functionary_key_from_path("func.pub")
build = Step(name="build")
build.pubkeys = [key["keyid"]]
build.set_expected_command_from_string("python -m build")
for r in ["ALLOW pyproject.toml", "ALLOW src/*", "DISALLOW *"]:
    build.add_material_rule_from_string(r)
for r in ["CREATE dist/*", "DISALLOW *"]:
    build.add_product_rule_from_string(r)
check = Inspection(name="check-dist")
check.set_run_from_string("test -d dist")
check.add_material_rule_from_string("MATCH dist/* WITH PRODUCTS FROM build")
layout.steps = [build]
layout.inspect = [check]
ours = Metadata.load("ours.layout").get_payload()
import attr
assert attr.asdict(ours) == attr.asdict(layout), (attr.asdict(ours), attr.asdict(layout))
print("same")
"#;
    assert_eq!(python(script, b"", dir), b"same\n");
}

#[test]
fn metadata_loading_errors_name_the_file() {
    let tmp = TempDir::new("layout-errors");
    let dir = tmp.path();
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "trunc.layout",
            br#"{"signatures": [], "signed": {"_type""#,
            "trunc.layout",
        ),
        (
            "dup.layout",
            br#"{"signatures": [], "signatures": [], "signed": {}}"#,
            "duplicate key",
        ),
        (
            "float.link",
            br#"{"signatures": [], "signed": {"_type": "link", "environment": {"x": 1.5}}}"#,
            "",
        ),
        ("other.json", br#"{"hello": 1}"#, "not in-toto metadata"),
        (
            "bad-type.link",
            br#"{"signatures": [], "signed": {"_type": "foo"}}"#,
            "not in-toto metadata",
        ),
        (
            "payload-type.link",
            br#"{"payload": "e30=", "payloadType": "text/plain", "signatures": []}"#,
            "payload type",
        ),
    ];
    for (name, bytes, needle) in cases {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        match intoto::metadata_io::load_metadata(&p) {
            Ok(md) if *name == "float.link" => {
                // Loads, but the signed value cannot be canonicalised: signing fails cleanly.
                assert!(md.signed_bytes().is_err());
            }
            Ok(_) => panic!("{name} loaded"),
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.contains(name) && msg.contains(needle), "{name}: {msg}");
                assert!(!msg.contains('\n'), "{msg}");
            }
        }
    }
    // Not a regular file.
    let err = intoto::metadata_io::load_metadata(dir)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a regular file"), "{err}");
    // A link where a layout is expected is told apart by the payload kind.
    copy_tree(&ref_samples(), dir);
    let md = intoto::metadata_io::load_metadata(&dir.join("build.a8007901.link")).unwrap();
    assert_eq!(md.payload_kind().unwrap(), "link");
    assert!(matches!(md.payload().unwrap(), Payload::Link(_)));
}
