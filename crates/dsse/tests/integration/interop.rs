//! Interoperability with securesystemslib's DSSE implementation (the
//! oracle venv's `securesystemslib.dsse.Envelope`, `SSlibKey`,
//! `CryptoSigner`), both ways, for Ed25519, RSA (PSS) and ECDSA P-256 and
//! P-384 keys. One Python process runs all of it.

use intoto_cjson::{Map, Value};
use intoto_crypto::{PrivateKey, PublicKey};
use intoto_dsse::Envelope;
use intoto_testkit::TempDir;

use crate::common::keys;

/// A payload type with a non-ASCII character (PAE lengths count bytes) and
/// a payload that is not even UTF-8.
const PAYLOAD_TYPE: &str = "application/vnd.example+json; note=caf\u{e9}";

fn payload() -> Vec<u8> {
    let mut p = "{\"x\": \"\u{1F600} \u{e9}\"}\n".as_bytes().to_vec();
    p.extend_from_slice(&[0, 0xff, 0xfe, b' ', b'1', b'2']);
    p
}

const SCRIPT: &str = r#"
import json, sys
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib.dsse import Envelope
from securesystemslib.signer import CryptoSigner, SSlibKey

data = json.load(sys.stdin)
payload = bytes.fromhex(data["payload_hex"])
out = {"keyids": {}, "ours_verified": {}, "theirs": {}, "tampered": {}}
pubs, signers = [], []
for k in data["keys"]:
    d = dict(k["key_dict"])
    keyid = d.pop("keyid")
    pub = SSlibKey.from_dict(keyid, d)
    priv = load_pem_private_key(k["pem"].encode(), None)
    signer = CryptoSigner(priv, pub)
    out["keyids"][k["name"]] = SSlibKey.from_crypto(priv.public_key()).keyid
    env = Envelope.from_dict(json.loads(data["ours"][k["name"]]))
    assert env.payload == payload and env.payload_type == data["payload_type"]
    out["ours_verified"][k["name"]] = sorted(env.verify([pub], 1))
    bad = Envelope.from_dict(json.loads(data["ours"][k["name"]]))
    bad.payload_type = bad.payload_type + "x"
    try:
        bad.verify([pub], 1)
        out["tampered"][k["name"]] = "verified"
    except Exception as e:
        out["tampered"][k["name"]] = type(e).__name__
    mine = Envelope(payload, data["payload_type"], {})
    mine.sign(signer)
    out["theirs"][k["name"]] = json.dumps(mine.to_dict())
    pubs.append(pub)
    signers.append(signer)
multi = Envelope.from_dict(json.loads(data["ours_multi"]))
out["ours_multi_verified"] = sorted(multi.verify(pubs, len(pubs)))
theirs = Envelope(payload, data["payload_type"], {})
for s in signers:
    theirs.sign(s)
out["theirs_multi"] = json.dumps(theirs.to_dict())
print(json.dumps(out))
"#;

fn key_entry(name: &str, key: &PrivateKey) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), name.into());
    m.insert(
        "pem".into(),
        key.to_pkcs8_pem(None).unwrap().as_str().into(),
    );
    m.insert("key_dict".into(), key.public_key().to_key_dict());
    Value::Object(m)
}

#[test]
fn envelopes_verify_both_ways_with_securesystemslib() {
    let k = keys();
    let named: Vec<(&str, &PrivateKey)> = vec![
        ("ed25519", &k.alice),
        ("rsa", &k.rsa),
        ("p256", &k.p256),
        ("p384", &k.p384),
    ];
    let mut ours = Map::new();
    let mut multi = Envelope::new(payload(), PAYLOAD_TYPE);
    for (name, key) in &named {
        let mut env = Envelope::new(payload(), PAYLOAD_TYPE);
        env.sign(*key).unwrap();
        ours.insert((*name).into(), env.to_json().into());
        multi.sign(*key).unwrap();
    }
    let mut input = Map::new();
    input.insert(
        "payload_hex".into(),
        intoto_crypto::digest::to_hex(&payload()).into(),
    );
    input.insert("payload_type".into(), PAYLOAD_TYPE.into());
    input.insert(
        "keys".into(),
        named.iter().map(|(n, key)| key_entry(n, key)).collect(),
    );
    input.insert("ours".into(), Value::Object(ours));
    input.insert("ours_multi".into(), multi.to_json().into());
    let input = intoto_cjson::to_python_json(&Value::Object(input), intoto_cjson::Style::Compact);

    let dir = TempDir::new("dsse-interop");
    let out = intoto_testkit::python(SCRIPT, input.as_bytes(), dir.path());
    let out = intoto_cjson::from_slice(&out).unwrap();

    let publics: Vec<&PublicKey> = named.iter().map(|(_, key)| key.public_key()).collect();
    for (name, key) in &named {
        let keyid = key.public_key().keyid().as_str();
        // Same key ids on both sides.
        assert_eq!(
            out.get("keyids").unwrap().get(name).unwrap().as_str(),
            Some(keyid)
        );
        // Ours verify there, and a changed payload type does not.
        let accepted = out.get("ours_verified").unwrap().get(name).unwrap();
        assert_eq!(accepted, &Value::from(vec![Value::from(keyid)]), "{name}");
        assert_eq!(
            out.get("tampered").unwrap().get(name).unwrap().as_str(),
            Some("VerificationError"),
            "{name}"
        );
        // Theirs verify here, and only with the right key.
        let json = out
            .get("theirs")
            .unwrap()
            .get(name)
            .unwrap()
            .as_str()
            .unwrap();
        let env = Envelope::from_slice(json.as_bytes()).unwrap();
        let verified = env
            .verify_with_type(PAYLOAD_TYPE, &[key.public_key()], 1)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(verified.payload(), payload());
        let others: Vec<&PublicKey> = publics
            .iter()
            .copied()
            .filter(|p| p.keyid() != key.public_key().keyid())
            .collect();
        assert!(env.verify(&others, 1).is_err(), "{name}");
    }
    // Multi-signature envelopes, 4 of 4, both ways.
    let mut expected: Vec<&str> = publics.iter().map(|p| p.keyid().as_str()).collect();
    expected.sort_unstable();
    let expected: Value = expected.into_iter().collect();
    assert_eq!(out.get("ours_multi_verified").unwrap(), &expected);
    let theirs = out.get("theirs_multi").unwrap().as_str().unwrap();
    let env = Envelope::from_slice(theirs.as_bytes()).unwrap();
    assert_eq!(env.verify(&publics, 4).unwrap().signers().len(), 4);
    // The same envelope re-encoded in the URL-safe alphabet without padding.
    let url_safe = Envelope::from_slice(
        url_safe_unpadded(&intoto_cjson::from_slice(theirs.as_bytes()).unwrap()).as_bytes(),
    )
    .unwrap();
    assert_eq!(url_safe, env);
}

/// Rewrites every base64 member of an envelope in the URL-safe alphabet
/// without padding.
fn url_safe_unpadded(v: &Value) -> String {
    let convert = |s: &str| s.replace('+', "-").replace('/', "_").replace('=', "");
    let mut m = v.as_object().unwrap().clone();
    let p = convert(m["payload"].as_str().unwrap());
    m.insert("payload".into(), p.into());
    let sigs: Vec<Value> = m["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let mut s = s.as_object().unwrap().clone();
            let sig = convert(s["sig"].as_str().unwrap());
            s.insert("sig".into(), sig.into());
            Value::Object(s)
        })
        .collect();
    m.insert("signatures".into(), sigs.into());
    String::from_utf8(intoto_cjson::to_canonical(&Value::Object(m)).unwrap()).unwrap()
}
