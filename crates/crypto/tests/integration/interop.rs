//! Interoperability with the Python oracle (in-toto 3.1.0 on
//! securesystemslib and `cryptography`), both ways. Each test runs one
//! Python process for all key types, to stay fast.

use intoto_cjson::Value;
use intoto_crypto::{Curve, KeyError, KeySpec, PrivateKey, PublicKey};
use serde_json::json;

use crate::common::{flip_bit, from_value, hex, to_value, unhex};

const PASSWORD: &str = "correct horse battery staple";

/// Python makes keys of every supported kind in every PEM format, the
/// reference's key dicts for them, and signatures (for RSA also PSS
/// signatures with other salt lengths, other hashes, and PKCS#1 v1.5).
const PYTHON_MAKES_KEYS: &str = r#"
import json, os, sys, tempfile
from cryptography.hazmat.primitives import hashes, serialization as s
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from in_toto.models._signer import load_crypto_signer_from_pkcs8_file, load_public_key_from_file

password = sys.argv[1].encode()
msg = bytes(range(256)) + "in-toto caf\u00e9".encode()
specs = [
    ("ed25519", lambda: ed25519.Ed25519PrivateKey.generate()),
    ("rsa2048", lambda: rsa.generate_private_key(65537, 2048)),
    ("rsa3072", lambda: rsa.generate_private_key(65537, 3072)),
    ("p256", lambda: ec.generate_private_key(ec.SECP256R1())),
    ("p384", lambda: ec.generate_private_key(ec.SECP384R1())),
    ("p521", lambda: ec.generate_private_key(ec.SECP521R1())),
]
tmp = tempfile.mkdtemp()
out = []
for name, gen in specs:
    k = gen()
    e = {"name": name}
    enc = s.BestAvailableEncryption(password)
    e["pkcs8"] = k.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()).decode()
    e["pkcs8_encrypted"] = k.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, enc).decode()
    if name != "ed25519":
        e["traditional"] = k.private_bytes(
            s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, s.NoEncryption()).decode()
    e["spki"] = k.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo).decode()
    if name.startswith("rsa"):
        e["pkcs1_public"] = k.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.PKCS1).decode()
    pub_path = os.path.join(tmp, name + ".pub")
    with open(pub_path, "w") as f:
        f.write(e["spki"])
    e["key_dict"] = load_public_key_from_file(pub_path)
    key_path = os.path.join(tmp, name)
    with open(key_path, "w") as f:
        f.write(e["pkcs8"])
    e["sig"] = load_crypto_signer_from_pkcs8_file(key_path).sign(msg).signature
    if name.startswith("rsa"):
        other = {}
        for salt in [0, 20, 31, 33, 64, padding.PSS.MAX_LENGTH]:
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt)
            other["rsassa-pss-sha256/%s" % salt] = k.sign(msg, pss, hashes.SHA256()).hex()
        for h in [hashes.SHA384(), hashes.SHA512()]:
            pss = padding.PSS(mgf=padding.MGF1(h), salt_length=padding.PSS.DIGEST_LENGTH)
            other["rsassa-pss-sha%d/digest" % (h.digest_size * 8)] = k.sign(msg, pss, h).hex()
            pss = padding.PSS(mgf=padding.MGF1(h), salt_length=padding.PSS.MAX_LENGTH)
            other["rsassa-pss-sha%d/max" % (h.digest_size * 8)] = k.sign(msg, pss, h).hex()
        for h in [hashes.SHA256(), hashes.SHA384(), hashes.SHA512()]:
            other["rsa-pkcs1v15-sha%d/-" % (h.digest_size * 8)] = k.sign(msg, padding.PKCS1v15(), h).hex()
        e["other_sigs"] = other
    out.append(e)
print(json.dumps({"msg": msg.hex(), "keys": out}))
"#;

fn with_scheme(dict: &Value, scheme: &str) -> Value {
    let mut m = dict.as_object().unwrap().clone();
    m.insert("scheme".to_owned(), Value::from(scheme));
    Value::Object(m)
}

#[test]
fn python_keys_and_signatures_work_here() {
    let tmp = tempfile::tempdir().unwrap();
    let script = format!("import sys; sys.argv = ['x', {PASSWORD:?}]\n{PYTHON_MAKES_KEYS}");
    let out = intoto_testkit::python(&script, b"", tmp.path());
    let out: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let msg = unhex(out["msg"].as_str().unwrap());
    let keys = out["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 6);
    let text = |e: &serde_json::Value, k: &str| e[k].as_str().unwrap().to_owned();

    for e in keys {
        let name = text(e, "name");
        let expected = to_value(&e["key_dict"]);

        // Public keys: the same dict and key id as `load_public_key_from_file`.
        let public = PublicKey::from_pem(text(e, "spki").as_bytes()).unwrap();
        assert_eq!(public.to_key_dict(), expected, "{name}: dict from SPKI PEM");
        assert!(public.keyid_matches());
        assert_eq!(public.to_pem().unwrap(), text(e, "spki"), "{name}: to_pem");
        if let Some(pkcs1) = e["pkcs1_public"].as_str() {
            let from_pkcs1 = PublicKey::from_pem(pkcs1.as_bytes()).unwrap();
            assert_eq!(
                from_pkcs1.to_key_dict(),
                expected,
                "{name}: dict from PKCS#1 PEM"
            );
        }
        let from_dict = PublicKey::from_key_dict(&expected).unwrap();
        assert_eq!(from_dict, public);

        // Private keys in every format give the same public key.
        let plain = PrivateKey::from_pem(text(e, "pkcs8").as_bytes(), None).unwrap();
        assert_eq!(plain.public_key(), &public, "{name}: PKCS#8");
        let encrypted = text(e, "pkcs8_encrypted");
        let decrypted =
            PrivateKey::from_pem(encrypted.as_bytes(), Some(PASSWORD.as_bytes())).unwrap();
        assert_eq!(decrypted.public_key(), &public, "{name}: encrypted PKCS#8");
        assert_eq!(
            PrivateKey::from_pem(encrypted.as_bytes(), Some(b"wrong")).unwrap_err(),
            KeyError::WrongPassword,
            "{name}"
        );
        assert_eq!(
            PrivateKey::from_pem(encrypted.as_bytes(), None).unwrap_err(),
            KeyError::PasswordRequired
        );
        if let Some(traditional) = e["traditional"].as_str() {
            let k = PrivateKey::from_pem(traditional.as_bytes(), None).unwrap();
            assert_eq!(k.public_key(), &public, "{name}: traditional PEM");
            assert_eq!(
                PrivateKey::from_pem(traditional.as_bytes(), Some(b"pw")).unwrap_err(),
                KeyError::PasswordNotExpected
            );
        }

        // Python's signature verifies; a flipped bit anywhere does not.
        let sig = unhex(&text(e, "sig"));
        public
            .verify(&msg, &sig)
            .unwrap_or_else(|_| panic!("{name}: Python signature"));
        assert!(public.verify(&flip_bit(&msg, 7), &sig).is_err(), "{name}");
        assert!(
            public.verify(&msg, &flip_bit(&sig, sig.len() * 4)).is_err(),
            "{name}"
        );

        // ECDSA: the deprecated keytype (= the scheme name) works the same.
        if public.keytype() == "ecdsa" {
            let mut m = expected.as_object().unwrap().clone();
            m.insert("keytype".to_owned(), Value::from(public.scheme()));
            let legacy = PublicKey::from_key_dict(&Value::Object(m)).unwrap();
            legacy.verify(&msg, &sig).unwrap();
            assert!(legacy.same_key_material(&public));
        }

        // RSA: any PSS salt length, other hashes, PKCS#1 v1.5, each only
        // under its own scheme.
        if let Some(other) = e["other_sigs"].as_object() {
            for (label, sig_hex) in other {
                let scheme = label.split('/').next().unwrap();
                let sig = unhex(sig_hex.as_str().unwrap());
                let key = PublicKey::from_key_dict(&with_scheme(&expected, scheme)).unwrap();
                key.verify(&msg, &sig)
                    .unwrap_or_else(|_| panic!("{name}: {label} must verify"));
                assert!(
                    key.verify(&flip_bit(&msg, 9), &sig).is_err(),
                    "{name} {label}"
                );
                assert!(
                    key.verify(&msg, &flip_bit(&sig, 11)).is_err(),
                    "{name} {label}"
                );
                for wrong in [
                    "rsassa-pss-sha256",
                    "rsassa-pss-sha384",
                    "rsa-pkcs1v15-sha256",
                    "rsa-pkcs1v15-sha512",
                ] {
                    if wrong != scheme {
                        let key = PublicKey::from_key_dict(&with_scheme(&expected, wrong)).unwrap();
                        assert!(
                            key.verify(&msg, &sig).is_err(),
                            "{name}: {label} under {wrong}"
                        );
                    }
                }
            }
        }
    }
}

/// Python checks what we made: it loads our keys (plain and encrypted)
/// with the reference's loader, compares the key dicts, verifies our
/// signatures, and rejects tampered ones and wrong passwords.
const PYTHON_CHECKS_OURS: &str = r#"
import json, sys
from securesystemslib.signer import Signature, SSlibKey
from in_toto.models._signer import load_crypto_signer_from_pkcs8_file, load_public_key_from_file

cases = json.load(sys.stdin)
results = []
for c in cases:
    r = {"name": c["name"]}
    msg = bytes.fromhex(c["msg"])
    password = c["password"].encode()
    plain = load_crypto_signer_from_pkcs8_file(c["plain_path"], None)
    enc = load_crypto_signer_from_pkcs8_file(c["encrypted_path"], password)
    r["plain_keyid"] = plain.public_key.keyid
    r["encrypted_keyid"] = enc.public_key.keyid
    d = plain.public_key.to_dict()
    d["keyid"] = plain.public_key.keyid
    r["plain_dict"] = d
    r["pub_file_dict"] = load_public_key_from_file(c["pub_path"])
    key = SSlibKey.from_dict(c["keyid"], dict(c["key_dict"]))

    def verifies(sig_hex, data):
        try:
            key.verify_signature(Signature(c["keyid"], sig_hex), data)
            return True
        except Exception:
            return False

    r["ours_verifies"] = verifies(c["sig"], msg)
    r["flipped_sig_verifies"] = verifies(c["flipped_sig"], msg)
    r["flipped_msg_verifies"] = verifies(c["sig"], bytes.fromhex(c["flipped_msg"]))
    r["python_sig"] = enc.sign(msg).signature
    try:
        load_crypto_signer_from_pkcs8_file(c["encrypted_path"], b"wrong password")
        r["wrong_password"] = "loaded"
    except Exception as e:
        r["wrong_password"] = "%s: %s" % (type(e).__name__, e)
    results.append(r)
print(json.dumps(results))
"#;

#[test]
fn our_keys_and_signatures_work_in_python() {
    let tmp = tempfile::tempdir().unwrap();
    let msg: Vec<u8> = b"signed by Rust \x00\x01\xff caf\xc3\xa9".to_vec();
    let specs = [
        ("ed25519", KeySpec::Ed25519),
        ("rsa2048", KeySpec::Rsa { bits: 2048 }),
        ("rsa3072", KeySpec::rsa_default()),
        ("p256", KeySpec::Ecdsa(Curve::P256)),
        ("p384", KeySpec::Ecdsa(Curve::P384)),
        ("p521", KeySpec::Ecdsa(Curve::P521)),
    ];
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for (name, spec) in specs {
        let key = PrivateKey::generate(spec).unwrap();
        let plain_path = tmp.path().join(format!("{name}.pem"));
        let encrypted_path = tmp.path().join(format!("{name}.enc.pem"));
        let pub_path = tmp.path().join(format!("{name}.pub"));
        std::fs::write(&plain_path, key.to_pkcs8_pem(None).unwrap().as_bytes()).unwrap();
        let encrypted = key.to_pkcs8_pem(Some(PASSWORD.as_bytes())).unwrap();
        assert!(encrypted.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        std::fs::write(&encrypted_path, encrypted.as_bytes()).unwrap();
        std::fs::write(&pub_path, key.public_key().to_pem().unwrap()).unwrap();
        // Our own round trip first.
        let reloaded =
            PrivateKey::from_pem(encrypted.as_bytes(), Some(PASSWORD.as_bytes())).unwrap();
        assert_eq!(reloaded.public_key(), key.public_key());

        let sig = key.sign(&msg).unwrap();
        key.public_key().verify(&msg, &sig).unwrap();
        cases.push(json!({
            "name": name,
            "msg": hex(&msg),
            "password": PASSWORD,
            "plain_path": plain_path,
            "encrypted_path": encrypted_path,
            "pub_path": pub_path,
            "keyid": key.public_key().keyid().as_str(),
            "key_dict": from_value(&key.public_key().to_key_dict()),
            "sig": hex(&sig),
            "flipped_sig": hex(&flip_bit(&sig, 13)),
            "flipped_msg": hex(&flip_bit(&msg, 5)),
        }));
        ours.push(key);
    }
    let input = serde_json::to_vec(&cases).unwrap();
    let out = intoto_testkit::python(PYTHON_CHECKS_OURS, &input, tmp.path());
    let results: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    assert_eq!(results.len(), ours.len());
    for (r, key) in results.iter().zip(&ours) {
        let name = r["name"].as_str().unwrap();
        let keyid = key.public_key().keyid().as_str();
        assert_eq!(r["plain_keyid"], keyid, "{name}");
        assert_eq!(r["encrypted_keyid"], keyid, "{name}");
        assert_eq!(
            to_value(&r["plain_dict"]),
            key.public_key().to_key_dict(),
            "{name}"
        );
        assert_eq!(
            to_value(&r["pub_file_dict"]),
            key.public_key().to_key_dict(),
            "{name}"
        );
        assert_eq!(
            r["ours_verifies"], true,
            "{name}: Python verifies our signature"
        );
        assert_eq!(r["flipped_sig_verifies"], false, "{name}");
        assert_eq!(r["flipped_msg_verifies"], false, "{name}");
        assert!(
            r["wrong_password"]
                .as_str()
                .unwrap()
                .starts_with("ValueError"),
            "{name}: {}",
            r["wrong_password"]
        );
        // And Python's signature with the key it loaded from our encrypted file verifies here.
        let python_sig = unhex(r["python_sig"].as_str().unwrap());
        key.public_key().verify(&msg, &python_sig).unwrap();
        // Ed25519 is deterministic: both sides make the same signature.
        if name == "ed25519" {
            assert_eq!(python_sig, key.sign(&msg).unwrap());
        }
    }
}

/// A legacy (securesystemslib 0.x) RSA key dict: `keyid_hash_algorithms`
/// and `keyval.private` are kept, and the legacy key id is recognised.
#[test]
fn legacy_key_dicts_round_trip_and_their_keyids_match() {
    let key = PrivateKey::generate(KeySpec::Rsa { bits: 2048 }).unwrap();
    let pem = key.public_key().public_value().to_owned();
    let script = r#"
import hashlib, json, sys
from securesystemslib.formats import encode_canonical
from securesystemslib.signer import Signature, SSlibKey
pem = sys.stdin.read()
algs = ["sha256", "sha512"]
legacy = {"keyid_hash_algorithms": algs, "keytype": "rsa", "keyval": {"public": pem}, "scheme": "rsassa-pss-sha256"}
canon = encode_canonical(legacy).encode()
d = dict(legacy, keyval={"private": "", "public": pem}, keyid=hashlib.sha256(canon).hexdigest())
k = SSlibKey.from_dict(d["keyid"], dict(d))
out = dict(k.to_dict(), keyid=k.keyid)
print(json.dumps({"dict": out, "sha512": hashlib.sha512(canon).hexdigest()}))
"#;
    let tmp = tempfile::tempdir().unwrap();
    let out = intoto_testkit::python(script, pem.as_bytes(), tmp.path());
    let out: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let dict = to_value(&out["dict"]);
    let legacy = PublicKey::from_key_dict(&dict).unwrap();
    assert_eq!(legacy.to_key_dict(), dict);
    assert!(legacy.keyid_matches());
    assert_ne!(legacy.keyid(), legacy.computed_keyid());
    assert_eq!(legacy.computed_keyid(), key.public_key().keyid());
    assert!(legacy.same_key_material(key.public_key()));
    // The SHA-512 legacy id also matches.
    let mut m = dict.as_object().unwrap().clone();
    m.insert(
        "keyid".to_owned(),
        Value::from(out["sha512"].as_str().unwrap()),
    );
    assert!(
        PublicKey::from_key_dict(&Value::Object(m))
            .unwrap()
            .keyid_matches()
    );
    // And it verifies our signatures.
    let sig = key.sign(b"legacy").unwrap();
    legacy.verify(b"legacy", &sig).unwrap();
}
