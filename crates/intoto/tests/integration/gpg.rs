//! GnuPG signatures in metadata: signed through `gpg`, checked in Rust,
//! against the reference (in-toto 3.1.0) in both directions, with a
//! throwaway GnuPG home made here.

use std::path::Path;

use intoto::keys::export_gpg_key;
use intoto::model::{Layout, Link, Metadata, MetadataError, Payload, Step};
use intoto::time::{SystemClock, Timestamp};
use intoto_crypto::gpg::{Gpg, GpgError, GpgSigner};
use intoto_testkit::gpg::GpgHome;
use intoto_testkit::{TempDir, python};

fn signer(home: &GpgHome, id: &str) -> GpgSigner {
    GpgSigner::new(Gpg::new(Some(home.path())), Some(id.to_owned()))
}

/// The reference verifies `file` with the keyring's key `keyid` and prints
/// `ok` or the exception.
const PYTHON_VERIFY: &str = r#"
import json, sys
from securesystemslib._gpg.functions import export_pubkey
from in_toto.models.metadata import Metadata
a = json.load(sys.stdin)
md = Metadata.load(a["file"])
try:
    md.verify_signature(export_pubkey(a["keyid"], a["home"]))
    print("ok")
except Exception as e:
    print(type(e).__name__ + ": " + str(e))
"#;

fn python_verifies(dir: &TempDir, home: &GpgHome, file: &str, keyid: &str) -> String {
    let args = serde_json_like(&[
        ("file", file),
        ("keyid", keyid),
        ("home", &home.path().to_string_lossy()),
    ]);
    String::from_utf8(python(PYTHON_VERIFY, args.as_bytes(), dir.path()))
        .unwrap()
        .trim()
        .to_owned()
}

/// A JSON object of strings (the paths and ids here need no escaping
/// beyond quotes and backslashes).
fn serde_json_like(pairs: &[(&str, &str)]) -> String {
    let items: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "\"{k}\": \"{}\"",
                v.replace('\\', "\\\\").replace('"', "\\\"")
            )
        })
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// A link signed by a signing subkey and a layout that names GnuPG keys,
/// built with our API and signed by an Ed25519 GnuPG key: both verify here
/// and in the reference, and the layout's key dicts read back exactly.
#[test]
fn gpg_signed_metadata_verifies_here_and_in_the_reference() {
    let home = GpgHome::new("metadata");
    let main = home.gen_key("Func <func@example.org>", "rsa2048", "sign", "never");
    let sub = home.add_subkey(&main, "rsa2048", "sign", "never");
    let owner = home.gen_key("Owner <owner@example.org>", "ed25519", "sign", "never");
    let dir = TempDir::new("gpg-metadata");

    let mut link = Link::new("build");
    link.command = vec!["make".into()];
    let mut md = Metadata::new_metablock(&Payload::Link(link));
    let sig = md.sign_gpg(&signer(&home, &main.fpr)).unwrap();
    assert_eq!(
        sig.keyid().as_str(),
        sub.keyid(),
        "gpg signs with the subkey"
    );
    let func_key = export_gpg_key(&main.fpr, Some(home.path())).unwrap();
    md.verify_signature(&func_key).unwrap();
    let name = Link::file_name("build", sig.keyid().as_str());
    std::fs::write(dir.join(&name), md.to_bytes()).unwrap();
    assert_eq!(python_verifies(&dir, &home, &name, &main.fpr), "ok");

    let mut layout = Layout::new(&SystemClock);
    let id = layout.add_functionary_key(func_key.clone());
    let mut step = Step::new("build");
    step.add_pubkey(&id);
    layout.steps.push(step);
    let mut md = Metadata::new_metablock(&Payload::Layout(layout));
    md.sign_gpg(&signer(&home, &owner.fpr)).unwrap();
    std::fs::write(dir.join("root.layout"), md.to_bytes()).unwrap();
    let read = Metadata::from_slice(&std::fs::read(dir.join("root.layout")).unwrap()).unwrap();
    let owner_key = export_gpg_key(&owner.fpr, Some(home.path())).unwrap();
    read.verify_signature(&owner_key).unwrap();
    let Payload::Layout(read_layout) = read.payload().unwrap() else {
        panic!("a layout")
    };
    assert_eq!(read_layout.keys[func_key.keyid().as_str()], func_key);
    assert!(read_layout.keys[func_key.keyid().as_str()].has_gpg_subkey(&sub.keyid()));
    assert_eq!(
        python_verifies(&dir, &home, "root.layout", &owner.fpr),
        "ok"
    );

    // Tampering is caught.
    let text = String::from_utf8(md.to_bytes()).unwrap();
    let tampered = text.replacen("\"build\"", "\"built\"", 1);
    let tampered = Metadata::from_slice(tampered.as_bytes()).unwrap();
    assert!(matches!(
        tampered.verify_signature(&owner_key),
        Err(MetadataError::BadSignature(_))
    ));
}

/// Only the first signature naming the key or one of its subkeys is
/// checked, as in the reference: a bad one hides a good one after it.
#[test]
fn the_first_signature_by_the_key_or_a_subkey_decides() {
    let home = GpgHome::new("first");
    let main = home.gen_key("First <first@example.org>", "rsa2048", "sign", "never");
    let sub = home.add_subkey(&main, "rsa2048", "sign", "never");
    let key = export_gpg_key(&main.fpr, Some(home.path())).unwrap();
    let mut md = Metadata::new_metablock(&Payload::Link(Link::new("x")));
    let by_main = md
        .sign_gpg(&signer(&home, &format!("{}!", main.fpr)))
        .unwrap();
    assert_eq!(by_main.keyid().as_str(), main.keyid());
    let by_sub = md.sign_gpg(&signer(&home, &sub.fpr)).unwrap();
    assert_eq!(by_sub.keyid().as_str(), sub.keyid());
    md.verify_signature(&key).unwrap();

    let Metadata::Metablock(mut block) = md else {
        panic!("a Metablock")
    };
    let first = block.signatures[0].as_object_mut().unwrap();
    let mut bad = first["signature"].as_str().unwrap().to_owned();
    let last = if bad.ends_with('0') { "1" } else { "0" };
    bad.replace_range(bad.len() - 1.., last);
    first.insert("signature".into(), bad.into());
    let md = Metadata::Metablock(block);
    assert!(matches!(
        md.verify_signature(&key),
        Err(MetadataError::BadSignature(id)) if id == main.keyid()
    ));
    // Malformed hex is not a bad signature but a malformed entry.
    let Metadata::Metablock(mut block) = md else {
        panic!("a Metablock")
    };
    let first = block.signatures[0].as_object_mut().unwrap();
    first.insert("other_headers".into(), "xyz".into());
    let err = Metadata::Metablock(block)
        .verify_signature(&key)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "malformed GPG signature by key '{}': 'other_headers' is not a hex string",
            main.keyid()
        )
    );
}

/// The reference's GnuPG-signed link and layout verify here.
#[test]
fn reference_gpg_metadata_verifies_here() {
    let home = GpgHome::new("reference");
    let dsa = home.gen_key("Dsa <dsa@example.org>", "dsa2048", "sign", "never");
    let rsa = home.gen_key("Rsa <rsa@example.org>", "rsa2048", "sign", "never");
    let sub = home.add_subkey(&rsa, "rsa2048", "sign", "never");
    let dir = TempDir::new("gpg-reference");
    let script = r#"
import json, sys
from in_toto.models.layout import Layout, Step
from in_toto.models.link import Link
from in_toto.models.metadata import Metablock
a = json.load(sys.stdin)
layout = Layout()
key = layout.add_functionary_key_from_gpg_keyid(a["rsa"], a["home"])
step = Step(name="build", pubkeys=[key["keyid"]])
layout.steps = [step]
md = Metablock(signed=layout)
md.sign_gpg(a["dsa"], a["home"])
md.dump("root.layout")
link = Metablock(signed=Link(name="build", command=["make"]))
sig = link.sign_gpg(a["rsa"], a["home"])
link.dump("build.link")
print(sig["keyid"])
"#;
    let args = serde_json_like(&[
        ("rsa", &rsa.fpr),
        ("dsa", &dsa.fpr),
        ("home", &home.path().to_string_lossy()),
    ]);
    let out = python(script, args.as_bytes(), dir.path());
    assert_eq!(String::from_utf8(out).unwrap().trim(), sub.keyid());

    let layout = Metadata::from_slice(&std::fs::read(dir.join("root.layout")).unwrap()).unwrap();
    let dsa_key = export_gpg_key(&dsa.fpr, Some(home.path())).unwrap();
    layout.verify_signature(&dsa_key).unwrap();
    let Payload::Layout(l) = layout.payload().unwrap() else {
        panic!("a layout")
    };
    let rsa_key = export_gpg_key(&rsa.fpr, Some(home.path())).unwrap();
    assert_eq!(
        l.keys[&rsa.keyid()],
        rsa_key,
        "the reference's key dict is ours"
    );
    let link = Metadata::from_slice(&std::fs::read(dir.join("build.link")).unwrap()).unwrap();
    link.verify_signature(&l.keys[&rsa.keyid()]).unwrap();
    // The DSA key did not sign the link.
    assert!(matches!(
        link.verify_signature(&dsa_key),
        Err(MetadataError::NoSignature(_))
    ));
}

/// DSSE and GnuPG do not mix, as in the reference; an expired key is not a
/// bad signature but its own error.
#[test]
fn dsse_and_expired_keys() {
    let home = GpgHome::new("dsse");
    let then = ["--faked-system-time", "20200101T000000"];
    let old = home.gen_key_with(&then, "Old <old@example.org>", "ed25519", "sign", "1d");
    let mut dsse = Metadata::new_dsse(&Payload::Link(Link::new("x")));
    let err = dsse.sign_gpg(&signer(&home, &old.fpr)).unwrap_err();
    assert_eq!(err.to_string(), "GPG Signing is not implemented");
    let key = export_gpg_key(&old.fpr, Some(home.path())).unwrap();
    assert!(matches!(
        dsse.verify_signature(&key),
        Err(MetadataError::GpgDsseVerification(_))
    ));

    let faked = GpgSigner::new(
        Gpg::new(Some(home.path())).with_program([home.faked_time_gpg("20200101T000100")]),
        Some(old.fpr.clone()),
    );
    let mut md = Metadata::new_metablock(&Payload::Link(Link::new("x")));
    md.sign_gpg(&faked).unwrap();
    match md.verify_signature(&key) {
        Err(MetadataError::Gpg(GpgError::KeyExpired { keyid, .. })) => {
            assert_eq!(keyid, old.keyid());
        }
        other => panic!("{other:?}"),
    }
    md.verify_signature_at(&key, Timestamp::from_unix(1_577_840_000))
        .unwrap();
}

/// A TOML layout may name GnuPG keys for functionaries: the layout holds
/// the keyring's key dict, as the reference's
/// `add_functionary_key_from_gpg_keyid` adds it; bad ids are errors that
/// name the line.
#[test]
fn toml_layouts_take_gpg_functionaries() {
    use intoto::authoring::{FunctionaryKey, parse_toml_layout};
    let home = GpgHome::new("toml");
    let carol = home.gen_key("Carol <carol@example.org>", "rsa2048", "sign", "never");
    let sub = home.add_subkey(&carol, "rsa2048", "sign", "never");
    let dir = TempDir::new("gpg-toml");
    let h = home.path().to_str().unwrap().replace('\\', "\\\\");
    let text = format!(
        "expires = \"1 month\"\n\
         [functionaries]\n\
         carol = {{ gpg = \"{}\", gpg_home = \"{h}\" }}\n\
         [[steps]]\n\
         name = \"build\"\n\
         functionaries = [\"carol\"]\n",
        carol.fpr
    );
    let toml = parse_toml_layout(&text, Path::new("l.toml"), dir.path(), &SystemClock).unwrap();
    let key = export_gpg_key(&carol.fpr, Some(home.path())).unwrap();
    assert_eq!(toml.layout.keys[&carol.keyid()], key);
    assert!(key.has_gpg_subkey(&sub.keyid()));
    assert_eq!(toml.layout.steps[0].pubkeys, [carol.keyid()]);
    assert_eq!(
        toml.functionaries[0].key,
        FunctionaryKey::Gpg {
            keyid: carol.fpr.clone(),
            home: Some(home.path().to_path_buf()),
        }
    );

    // The reference's API builds the same keys entry.
    let script = r#"
import json, sys
from in_toto.models.layout import Layout
a = json.load(sys.stdin)
layout = Layout()
layout.add_functionary_key_from_gpg_keyid(a["id"], a["home"])
print(json.dumps(layout.keys, sort_keys=True))
"#;
    let args = serde_json_like(&[("id", &carol.fpr), ("home", &home.path().to_string_lossy())]);
    let theirs = python(script, args.as_bytes(), dir.path());
    let keys: intoto_cjson::Map = toml
        .layout
        .keys
        .iter()
        .map(|(id, k)| (id.clone(), k.to_key_dict()))
        .collect();
    let ours = intoto_cjson::to_python_json(
        &intoto_cjson::Value::Object(keys),
        intoto_cjson::Style::Spaced,
    );
    assert_eq!(String::from_utf8(theirs).unwrap().trim(), ours);

    // Bad ids and unknown keys: errors that name the functionary and line.
    for (value, message) in [
        (
            "{ gpg = \"Carol\" }",
            "the GPG key id 'Carol' is not a hex string",
        ),
        (
            &*format!("{{ gpg = \"DEADBEEF\", gpg_home = \"{h}\" }}"),
            "Could not find gpg key 'DEADBEEF' in empty exported key data.",
        ),
    ] {
        let text = format!("expires = \"1 month\"\n[functionaries]\ncarol = {value}\n");
        let err =
            parse_toml_layout(&text, Path::new("l.toml"), dir.path(), &SystemClock).unwrap_err();
        let shown = chain(&err);
        assert!(shown.contains("l.toml:3"), "{shown}");
        assert!(shown.contains("functionary 'carol'"), "{shown}");
        assert!(shown.contains(message), "{shown}");
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}
