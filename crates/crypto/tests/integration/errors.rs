//! Every way loading or using a key can fail has a typed error; these
//! tests name the cases, mirroring the reference's error cases.

use intoto_cjson::{Map, Value};
use intoto_crypto::{Curve, KeyError, KeySpec, PrivateKey, PublicKey};

use crate::common::{data, parse_json, sample};

fn key_dict(pairs: &[(&str, Value)]) -> Value {
    let m: Map = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    Value::Object(m)
}

fn keyval(public: &str) -> Value {
    key_dict(&[("public", Value::from(public))])
}

fn func_dict() -> Value {
    PublicKey::from_pem(&sample("func.pub"))
        .unwrap()
        .to_key_dict()
}

fn with_member(dict: &Value, key: &str, value: Value) -> Value {
    let mut m = dict.as_object().unwrap().clone();
    m.insert(key.to_owned(), value);
    Value::Object(m)
}

fn without_member(dict: &Value, key: &str) -> Value {
    let mut m = dict.as_object().unwrap().clone();
    m.remove(key);
    Value::Object(m)
}

// --- private keys: passwords -------------------------------------------

#[test]
fn encrypted_key_without_password() {
    let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
    let pem = key.to_pkcs8_pem(Some(b"secret")).unwrap();
    let err = PrivateKey::from_pem(pem.as_bytes(), None).unwrap_err();
    assert_eq!(err, KeyError::PasswordRequired);
    assert_eq!(
        err.to_string(),
        "password was not given but private key is encrypted"
    );
}

#[test]
fn encrypted_key_with_wrong_password() {
    let key = PrivateKey::generate(KeySpec::Ecdsa(Curve::P256)).unwrap();
    let pem = key.to_pkcs8_pem(Some(b"secret")).unwrap();
    for wrong in [&b"Secret"[..], b"", b"secret "] {
        let err = PrivateKey::from_pem(pem.as_bytes(), Some(wrong)).unwrap_err();
        assert_eq!(err, KeyError::WrongPassword);
    }
    let loaded = PrivateKey::from_pem(pem.as_bytes(), Some(b"secret")).unwrap();
    assert_eq!(loaded.public_key(), key.public_key());
}

#[test]
fn password_given_for_unencrypted_key() {
    // Including the empty password a bare `-P` prompt produces.
    for password in [&b"x"[..], b""] {
        for name in ["func", "owner"] {
            let err = PrivateKey::from_pem(&sample(name), Some(password)).unwrap_err();
            assert_eq!(err, KeyError::PasswordNotExpected);
        }
    }
    let rsa = PrivateKey::generate(KeySpec::Rsa { bits: 2048 }).unwrap();
    let pem = rsa.to_pkcs8_pem(None).unwrap();
    let err = PrivateKey::from_pem(pem.as_bytes(), Some(b"")).unwrap_err();
    assert_eq!(err, KeyError::PasswordNotExpected);
}

#[test]
fn scrypt_encrypted_pkcs8_loads() {
    let err = PrivateKey::from_pem(&data("rsa-scrypt.pem"), Some(b"wrong")).unwrap_err();
    assert_eq!(err, KeyError::WrongPassword);
    let key = PrivateKey::from_pem(&data("rsa-scrypt.pem"), Some(b"pw")).unwrap();
    let public = PublicKey::from_pem(&data("rsa-scrypt.pub")).unwrap();
    assert_eq!(key.public_key(), &public);
}

#[test]
fn legacy_pem_encryption_is_unsupported() {
    let pem = data("rsa-legacy-encrypted.pem");
    assert_eq!(
        PrivateKey::from_pem(&pem, None).unwrap_err(),
        KeyError::PasswordRequired
    );
    let err = PrivateKey::from_pem(&pem, Some(b"pw")).unwrap_err();
    assert!(
        matches!(err, KeyError::UnsupportedEncryption { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("PKCS#8"), "{err}");
}

#[test]
fn encrypting_with_an_empty_password_is_refused() {
    let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
    assert_eq!(
        key.to_pkcs8_pem(Some(b"")).unwrap_err(),
        KeyError::EmptyPassword
    );
}

#[test]
fn error_messages_hold_no_secrets() {
    let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
    let pem = key.to_pkcs8_pem(Some(b"hunter2-password")).unwrap();
    let err = PrivateKey::from_pem(pem.as_bytes(), Some(b"wrong-password-xyz")).unwrap_err();
    let msg = format!("{err} {err:?}");
    assert!(!msg.contains("hunter2") && !msg.contains("xyz"), "{msg}");
    let plain = key.to_pkcs8_pem(None).unwrap();
    let body = plain.lines().nth(1).unwrap();
    let err = PrivateKey::from_pem(plain.as_bytes(), Some(b"x")).unwrap_err();
    assert!(!format!("{err:?}").contains(&body[..20]));
    assert!(!format!("{key:?}").contains(&body[..20]));
}

// --- private keys: wrong kind of input ----------------------------------

#[test]
fn public_key_given_where_a_private_key_is_needed() {
    let err = PrivateKey::from_pem(&sample("func.pub"), None).unwrap_err();
    assert_eq!(
        err,
        KeyError::NotAPrivateKey {
            found: "PUBLIC KEY".to_owned()
        }
    );
    assert!(
        err.to_string()
            .contains("are you sure this is a private key?")
    );
}

#[test]
fn private_key_given_where_a_public_key_is_needed() {
    let err = PublicKey::from_pem(&sample("func")).unwrap_err();
    assert_eq!(
        err,
        KeyError::NotAPublicKey {
            found: "PRIVATE KEY".to_owned()
        }
    );
}

#[test]
fn unsupported_key_types_are_refused() {
    for (file, key_type) in [
        ("ed448.pem", "Ed448"),
        ("dsa.pem", "DSA"),
        ("dsa-traditional.pem", "DSA"),
        ("x25519.pem", "X25519"),
    ] {
        let err = PrivateKey::from_pem(&data(file), None).unwrap_err();
        assert_eq!(
            err,
            KeyError::UnsupportedKeyType {
                key_type: key_type.to_owned()
            },
            "{file}"
        );
    }
    for (file, key_type) in [("ed448.pub", "Ed448"), ("dsa.pub", "DSA")] {
        let err = PublicKey::from_pem(&data(file)).unwrap_err();
        assert_eq!(
            err,
            KeyError::UnsupportedKeyType {
                key_type: key_type.to_owned()
            },
            "{file}"
        );
    }
}

#[test]
fn unsupported_curve_is_refused() {
    for file in ["secp256k1.pem", "secp256k1-sec1.pem"] {
        let err = PrivateKey::from_pem(&data(file), None).unwrap_err();
        assert_eq!(err.to_string(), "unsupported curve 'secp256k1'", "{file}");
    }
    let err = PublicKey::from_pem(&data("secp256k1.pub")).unwrap_err();
    assert_eq!(err.to_string(), "unsupported curve 'secp256k1'");
}

#[test]
fn openssh_keys_are_refused() {
    let err = PrivateKey::from_pem(&data("p256-openssh.pem"), None).unwrap_err();
    assert!(matches!(err, KeyError::UnsupportedFormat { .. }), "{err}");
    let err = PublicKey::from_pem(&data("p256-openssh.pub")).unwrap_err();
    assert!(matches!(err, KeyError::UnsupportedFormat { .. }), "{err}");
}

#[test]
fn rsa_keys_below_2048_bits_are_refused() {
    let err = PrivateKey::from_pem(&data("rsa1024.pem"), None).unwrap_err();
    assert!(
        matches!(err, KeyError::UnsupportedRsaKeySize { bits: 1024, .. }),
        "{err}"
    );
    let err = PublicKey::from_pem(&data("rsa1024.pub")).unwrap_err();
    assert!(
        matches!(err, KeyError::UnsupportedRsaKeySize { bits: 1024, .. }),
        "{err}"
    );
}

#[test]
fn malformed_pem_is_refused() {
    let cases: [&[u8]; 6] = [
        b"",
        b"not a key",
        b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIEJCQkJC\n",
        b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
        b"\x30\x82\x01\x00",
        b"-----BEGIN PUBLIC KEY-----\n\xff\xfe\n-----END PUBLIC KEY-----\n",
    ];
    for input in cases {
        let err = PrivateKey::from_pem(input, None).unwrap_err();
        assert!(
            matches!(err, KeyError::MalformedPem { .. }),
            "{input:?}: {err}"
        );
        let err = PublicKey::from_pem(input).unwrap_err();
        assert!(
            matches!(err, KeyError::MalformedPem { .. }),
            "{input:?}: {err}"
        );
    }
}

#[test]
fn valid_pem_with_broken_der_is_a_malformed_key() {
    let pem = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    let err = PrivateKey::from_pem(pem, None).unwrap_err();
    assert!(matches!(err, KeyError::MalformedKey { .. }), "{err}");
    let pem = b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    let err = PublicKey::from_pem(pem).unwrap_err();
    assert!(matches!(err, KeyError::MalformedKey { .. }), "{err}");
}

#[test]
fn ungeneratable_rsa_sizes_are_refused() {
    for bits in [1024, 2047, 2049, 5000, 16384] {
        let err = PrivateKey::generate(KeySpec::Rsa { bits }).unwrap_err();
        assert!(
            matches!(err, KeyError::UnsupportedRsaKeySize { bits: b, .. } if b == bits),
            "{err}"
        );
    }
}

// --- key dicts ----------------------------------------------------------

#[test]
fn unregistered_keytype_scheme_pairs_are_unsupported() {
    let base = func_dict();
    for (keytype, scheme) in [
        ("rsa", "rsa-pkcs1v15-sha224"),
        ("ed25519", "rsassa-pss-sha256"),
        ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384"),
        ("ml-dsa", "ml-dsa-65/1"),
    ] {
        let dict = with_member(
            &with_member(&base, "keytype", Value::from(keytype)),
            "scheme",
            Value::from(scheme),
        );
        let err = PublicKey::from_key_dict(&dict).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Unsupported public key {keytype}/{scheme}")
        );
    }
    let err = PublicKey::from_key_dict(&without_member(&base, "scheme")).unwrap_err();
    assert_eq!(err.to_string(), "Unsupported public key ed25519/None");
}

#[test]
fn gpg_key_dicts_are_read_as_gpg_keys() {
    let dict = parse_json(
        br#"{"creation_time": 1795666784, "hashes": ["pgp+SHA2"],
             "keyid": "23d6f542fcfc692a1b4a20b4f69044c22ca96659",
             "keyval": {"private": "", "public": {"e": "010001", "n": "a7fc85"}},
             "method": "pgp+rsa-pkcsv1.5", "type": "rsa"}"#,
    );
    let key = PublicKey::from_key_dict(&dict).unwrap();
    assert!(key.is_gpg());
    assert_eq!(key.to_key_dict(), dict);
    assert_eq!((key.keytype(), key.scheme()), ("rsa", "pgp+rsa-pkcsv1.5"));
    // A 24-bit "modulus" is a key dict, but no key to trust.
    let sig = intoto_crypto::gpg::GpgSignature::new(
        key.keyid().clone(),
        vec![4, 0, 1, 8, 0, 0],
        vec![1, 2, 3],
    );
    let err = key.verify_gpg(b"x", &sig, 0).unwrap_err();
    assert!(err.to_string().contains("RSA 24-bit"), "{err}");
}

#[test]
fn key_dict_without_keyid() {
    let err = PublicKey::from_key_dict(&without_member(&func_dict(), "keyid")).unwrap_err();
    assert!(matches!(err, KeyError::InvalidKeyDict { .. }), "{err}");
    assert!(err.to_string().contains("keyid"));
    let err = PublicKey::from_key_dict(&Value::from("a string")).unwrap_err();
    assert!(matches!(err, KeyError::InvalidKeyDict { .. }), "{err}");
}

#[test]
fn key_dict_with_non_hex_keyid() {
    let err = PublicKey::from_key_dict(&with_member(&func_dict(), "keyid", Value::from("alice")))
        .unwrap_err();
    assert!(matches!(err, KeyError::InvalidKeyId { .. }), "{err}");
}

#[test]
fn key_dict_without_public_string() {
    let base = func_dict();
    for bad in [
        without_member(&base, "keyval"),
        with_member(&base, "keyval", Value::from("x")),
        with_member(&base, "keyval", key_dict(&[("private", Value::from(""))])),
        with_member(&base, "keyval", key_dict(&[("public", Value::from(1))])),
    ] {
        let err = PublicKey::from_key_dict(&bad).unwrap_err();
        assert!(matches!(err, KeyError::InvalidKeyDict { .. }), "{err}");
    }
}

#[test]
fn key_dict_whose_public_value_is_not_a_key() {
    let base = func_dict();
    for public in [
        "",
        "zz",
        &"0".repeat(62),
        &"g".repeat(64),
        "-----BEGIN PUBLIC KEY-----",
    ] {
        let err =
            PublicKey::from_key_dict(&with_member(&base, "keyval", keyval(public))).unwrap_err();
        assert!(
            matches!(err, KeyError::InvalidPublicValue { .. }),
            "{public:?}: {err}"
        );
        assert!(std::error::Error::source(&err).is_some());
    }
    // Uppercase hex is a valid Ed25519 value (Python's bytes.fromhex takes it).
    let upper = base
        .get("keyval")
        .unwrap()
        .get("public")
        .unwrap()
        .as_str()
        .unwrap()
        .to_uppercase();
    PublicKey::from_key_dict(&with_member(&base, "keyval", keyval(&upper))).unwrap();
}

#[test]
fn key_dict_whose_key_does_not_fit_its_scheme() {
    let p384 = PrivateKey::generate(KeySpec::Ecdsa(Curve::P384)).unwrap();
    let dict = p384.public_key().to_key_dict();
    assert_eq!(
        dict.get("scheme").unwrap().as_str(),
        Some("ecdsa-sha2-nistp384")
    );
    let as_p256 = with_member(&dict, "scheme", Value::from("ecdsa-sha2-nistp256"));
    let err = PublicKey::from_key_dict(&as_p256).unwrap_err();
    let KeyError::InvalidPublicValue { reason, .. } = &err else {
        panic!("{err}");
    };
    assert!(
        matches!(**reason, KeyError::SchemeMismatch { .. }),
        "{reason}"
    );

    // An ECDSA key declared as RSA, and an RSA key declared as ECDSA.
    let as_rsa = with_member(
        &with_member(&dict, "keytype", Value::from("rsa")),
        "scheme",
        Value::from("rsassa-pss-sha256"),
    );
    assert!(matches!(
        PublicKey::from_key_dict(&as_rsa).unwrap_err(),
        KeyError::InvalidPublicValue { .. }
    ));
    let rsa = PrivateKey::generate(KeySpec::Rsa { bits: 2048 }).unwrap();
    let rsa_dict = rsa.public_key().to_key_dict();
    let as_ecdsa = with_member(
        &with_member(&rsa_dict, "keytype", Value::from("ecdsa")),
        "scheme",
        Value::from("ecdsa-sha2-nistp256"),
    );
    assert!(matches!(
        PublicKey::from_key_dict(&as_ecdsa).unwrap_err(),
        KeyError::InvalidPublicValue { .. }
    ));
}

#[test]
fn relabelled_keyid_is_kept_but_does_not_match() {
    // The reference never recomputes key ids; we keep the stored one too,
    // and `keyid_matches` lets callers be stricter.
    let other = "b".repeat(64);
    let dict = with_member(&func_dict(), "keyid", Value::from(other.as_str()));
    let key = PublicKey::from_key_dict(&dict).unwrap();
    assert_eq!(key.keyid().as_str(), other);
    assert!(!key.keyid_matches());
    assert_eq!(
        key.computed_keyid(),
        PublicKey::from_pem(&sample("func.pub")).unwrap().keyid()
    );
    assert!(key.same_key_material(&PublicKey::from_pem(&sample("func.pub")).unwrap()));
    assert!(!key.same_key_material(&PublicKey::from_pem(&sample("owner.pub")).unwrap()));
}

#[test]
fn extra_members_survive_a_round_trip() {
    let dict = with_member(
        &func_dict(),
        "unknown",
        parse_json(br#"{"a": [1, true, null]}"#),
    );
    let mut kv = dict.get("keyval").unwrap().as_object().unwrap().clone();
    kv.insert("private".to_owned(), Value::from(""));
    let dict = with_member(&dict, "keyval", Value::Object(kv));
    let key = PublicKey::from_key_dict(&dict).unwrap();
    assert_eq!(key.to_key_dict(), dict);
    assert!(key.keyid_matches());
}

#[test]
fn signatures_of_another_scheme_do_not_verify() {
    // A P-256 key verifies SHA-256 ECDSA only; an Ed25519 signature or an
    // ECDSA signature of another key never verifies.
    let p256 = PrivateKey::generate(KeySpec::Ecdsa(Curve::P256)).unwrap();
    let ed = PrivateKey::from_pem(&sample("func"), None).unwrap();
    let msg = b"message";
    let ed_sig = ed.sign(msg).unwrap();
    assert!(p256.public_key().verify(msg, &ed_sig).is_err());
    let other = PrivateKey::generate(KeySpec::Ecdsa(Curve::P256)).unwrap();
    assert!(
        p256.public_key()
            .verify(msg, &other.sign(msg).unwrap())
            .is_err()
    );
    assert!(
        ed.public_key()
            .verify(msg, &p256.sign(msg).unwrap())
            .is_err()
    );
    // The error is opaque.
    let err = p256.public_key().verify(msg, b"garbage").unwrap_err();
    assert_eq!(err.to_string(), "invalid signature");
}

#[test]
fn compressed_ec_points_are_normalised_like_python() {
    let compressed = PublicKey::from_pem(&data("p256-compressed.pub")).unwrap();
    let uncompressed = PublicKey::from_pem(&data("p256-uncompressed.pub")).unwrap();
    assert_eq!(compressed.to_key_dict(), uncompressed.to_key_dict());
    assert_eq!(
        compressed.public_value().as_bytes(),
        data("p256-uncompressed.pub").as_slice()
    );
}
