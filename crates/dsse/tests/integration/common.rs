//! Keys and helpers shared by the tests.

use std::sync::OnceLock;

use intoto_cjson::Value;
use intoto_crypto::{Curve, KeySpec, PrivateKey, PublicKey};
use intoto_dsse::Envelope;

/// The in-toto payload type.
pub(crate) const INTOTO: &str = "application/vnd.in-toto+json";

/// A few keys, made once per test binary.
pub(crate) struct Keys {
    pub(crate) alice: PrivateKey,
    pub(crate) bob: PrivateKey,
    pub(crate) carl: PrivateKey,
    pub(crate) rsa: PrivateKey,
    pub(crate) p256: PrivateKey,
    pub(crate) p384: PrivateKey,
}

pub(crate) fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        alice: PrivateKey::generate(KeySpec::Ed25519).unwrap(),
        bob: PrivateKey::generate(KeySpec::Ecdsa(Curve::P256)).unwrap(),
        carl: PrivateKey::generate(KeySpec::Ed25519).unwrap(),
        rsa: PrivateKey::generate(KeySpec::Rsa { bits: 2048 }).unwrap(),
        p256: PrivateKey::generate(KeySpec::Ecdsa(Curve::P256)).unwrap(),
        p384: PrivateKey::generate(KeySpec::Ecdsa(Curve::P384)).unwrap(),
    })
}

/// A statement-like payload.
pub(crate) fn payload() -> Vec<u8> {
    br#"{"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://example.com/p/v1", "subject": [{"digest": {"sha256": "aa"}, "name": "a"}]}"#.to_vec()
}

/// An envelope over [`payload`] signed by `signers`.
pub(crate) fn signed(signers: &[&PrivateKey]) -> Envelope {
    let mut env = Envelope::new(payload(), INTOTO);
    for s in signers {
        env.sign(*s).unwrap();
    }
    env
}

/// The same key as `key`, under another key id (as a layout might list it
/// under a legacy id).
pub(crate) fn relabelled(key: &PublicKey, keyid: &str) -> PublicKey {
    let mut dict = key.to_key_dict().into_object().unwrap();
    dict.insert("keyid".into(), Value::from(keyid));
    PublicKey::from_key_dict(&Value::Object(dict)).unwrap()
}

/// The same key material as `key` with another (valid) scheme.
pub(crate) fn with_scheme(key: &PublicKey, scheme: &str) -> PublicKey {
    let mut dict = key.to_key_dict().into_object().unwrap();
    dict.insert("scheme".into(), Value::from(scheme));
    PublicKey::from_key_dict(&Value::Object(dict)).unwrap()
}
