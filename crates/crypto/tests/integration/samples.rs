//! The reference's deterministic sample vectors
//! (`tests/fixtures/python-in-toto-3.1.0/samples/`).

use intoto_crypto::{KeyId, PrivateKey, PublicKey, Signer};

use crate::common::{flip_bit, hex, parse_json, sample, unhex};

const OWNER_KEYID: &str = "63d00ee3cf4f5c61ad94efa696c68f13b608fe56ecea13fb144a6fd18e9235b9";
const FUNC_KEYID: &str = "a8007901c02a96e7414dcb1e7694c7462913ff6e2526c12f9875dc3f6a508075";

#[test]
fn sample_public_keys_give_the_reference_keyids() {
    for (file, keyid) in [("owner.pub", OWNER_KEYID), ("func.pub", FUNC_KEYID)] {
        let key = PublicKey::from_pem(&sample(file)).unwrap();
        assert_eq!(key.keyid().as_str(), keyid, "{file}");
        assert_eq!(key.computed_keyid().as_str(), keyid);
        assert!(key.keyid_matches());
        assert_eq!(key.keytype(), "ed25519");
        assert_eq!(key.scheme(), "ed25519");
        assert_eq!(key.public_value().len(), 64);
        // SPKI PEM comes back byte for byte.
        assert_eq!(key.to_pem().unwrap().as_bytes(), sample(file).as_slice());
    }
}

#[test]
fn sample_private_keys_match_their_public_keys() {
    for (name, keyid) in [("owner", OWNER_KEYID), ("func", FUNC_KEYID)] {
        let private = PrivateKey::from_pem(&sample(name), None).unwrap();
        let public = PublicKey::from_pem(&sample(&format!("{name}.pub"))).unwrap();
        assert_eq!(private.public_key(), &public);
        assert_eq!(private.public_key().keyid().as_str(), keyid);
        // Python wrote these PKCS#8 files; ours are byte-identical.
        assert_eq!(
            private.to_pkcs8_pem(None).unwrap().as_bytes(),
            sample(name).as_slice()
        );
    }
}

#[test]
fn signing_build_canonical_with_func_reproduces_the_link_signature() {
    let func = PrivateKey::from_pem(&sample("func"), None).unwrap();
    let link = parse_json(&sample("build.a8007901.link"));
    let sig = link.get("signatures").unwrap().as_array().unwrap()[0].clone();
    assert_eq!(sig.get("keyid").unwrap().as_str(), Some(FUNC_KEYID));
    let expected = sig.get("sig").unwrap().as_str().unwrap();

    let signer: &dyn Signer = &func;
    let ours = signer.sign(&sample("build.canonical")).unwrap();
    assert_eq!(hex(&ours), expected);
    assert_eq!(signer.public_key().keyid().short(), "a8007901");
}

#[test]
fn layout_key_dicts_parse_and_round_trip() {
    let layout = parse_json(&sample("root.layout"));
    let keys = layout.get("signed").unwrap().get("keys").unwrap();
    let keys = keys.as_object().unwrap();
    assert!(!keys.is_empty());
    for (id, dict) in keys {
        let key = PublicKey::from_key_dict(dict).unwrap();
        assert_eq!(&key.to_key_dict(), dict);
        assert_eq!(key.keyid(), &id.parse::<KeyId>().unwrap());
        assert!(key.keyid_matches());
        // The dict made from the PEM file is the same dict.
        let from_pem = PublicKey::from_pem(&sample("func.pub")).unwrap();
        assert_eq!(from_pem.to_key_dict(), *dict);
        assert!(from_pem.same_key_material(&key));
    }
}

#[test]
fn sample_signatures_verify_and_tampering_fails() {
    for (metadata, canonical, pubkey) in [
        ("root.layout", "root.canonical", "owner.pub"),
        ("build.a8007901.link", "build.canonical", "func.pub"),
    ] {
        let key = PublicKey::from_pem(&sample(pubkey)).unwrap();
        let doc = parse_json(&sample(metadata));
        let sig = doc.get("signatures").unwrap().as_array().unwrap()[0]
            .get("sig")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned();
        let sig = unhex(&sig);
        let msg = sample(canonical);
        key.verify(&msg, &sig).unwrap();
        assert!(key.verify(&flip_bit(&msg, 100), &sig).is_err());
        assert!(key.verify(&msg, &flip_bit(&sig, 3)).is_err());
        assert!(key.verify(&msg, &sig[..63]).is_err(), "truncated");
        assert!(
            key.verify(&msg, &[sig.clone(), vec![0]].concat()).is_err(),
            "too long"
        );
        assert!(key.verify(&msg, &[]).is_err(), "empty");
    }
    // The owner's signature does not verify with func's key.
    let func = PublicKey::from_pem(&sample("func.pub")).unwrap();
    let layout = parse_json(&sample("root.layout"));
    let sig = layout.get("signatures").unwrap().as_array().unwrap()[0]
        .get("sig")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        func.verify(&sample("root.canonical"), &unhex(&sig))
            .is_err()
    );
}
