//! Keys: PEM public keys, securesystemslib key dicts, PEM private keys.
//!
//! The input is tried as a PEM public key, as a key dict (when it is JSON),
//! and as a PEM private key without a password and with the password `pw`
//! (the seeds' password). Decryption is only attempted when the key's KDF
//! cost is small (`decryption_is_cheap`), so that one input never costs
//! seconds; the crypto crate's own cap (10 million PBKDF2 iterations) is
//! meant for real keys, not for a fuzzer's throughput.
//!
//! Properties: nothing panics; a key read from PEM has a matching key id
//! and reads back identically from its PEM and from its key dict; a key
//! read from a dict (securesystemslib or GnuPG) reads back identically
//! from the dict it writes and, unless it is a GnuPG key (which has no PEM
//! form), has the same key material as the key in its PEM; a private key's public key
//! survives its PKCS#8 PEM, and a signature it makes verifies.

#![no_main]

use intoto_cjson::from_slice;
use intoto_crypto::{PrivateKey, PublicKey};
use intoto_fuzz::decryption_is_cheap;
use libfuzzer_sys::fuzz_target;

const PASSWORD: &[u8] = b"pw";

fuzz_target!(|data: &[u8]| {
    match PublicKey::from_pem(data) {
        Ok(key) => {
            assert!(key.keyid_matches());
            assert_eq!(key.keyid(), key.computed_keyid());
            let pem = key.to_pem().expect("PEM of a loaded key");
            assert_eq!(PublicKey::from_pem(pem.as_bytes()).expect("own PEM"), key);
            let dict = key.to_key_dict();
            assert_eq!(PublicKey::from_key_dict(&dict).expect("own dict"), key);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }

    if let Ok(value) = from_slice(data) {
        match PublicKey::from_key_dict(&value) {
            Ok(key) => {
                let _ = (
                    key.keytype(),
                    key.scheme(),
                    key.public_value(),
                    key.keyid_matches(),
                );
                let dict = key.to_key_dict();
                assert_eq!(dict, value, "a key dict is kept as given");
                assert_eq!(PublicKey::from_key_dict(&dict).expect("own dict"), key);
                if key.is_gpg() {
                    // A GnuPG key has no PEM form.
                    assert!(key.to_pem().is_err());
                    assert!(key.verify(b"msg", b"sig").is_err());
                } else {
                    let pem = key.to_pem().expect("PEM of a key from a dict");
                    let from_pem = PublicKey::from_pem(pem.as_bytes()).expect("own PEM");
                    assert!(from_pem.same_key_material(&key));
                    assert!(key.same_key_material(&from_pem));
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }

    let mut passwords = vec![None];
    if decryption_is_cheap(data) {
        passwords.push(Some(PASSWORD));
    }
    for password in passwords {
        match PrivateKey::from_pem(data, password) {
            Ok(private) => check_private(&private),
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});

fn check_private(private: &PrivateKey) {
    let public = private.public_key();
    assert!(public.keyid_matches());
    let pem = public.to_pem().expect("public PEM");
    assert_eq!(
        &PublicKey::from_pem(pem.as_bytes()).expect("public PEM reads"),
        public
    );

    let pkcs8 = private.to_pkcs8_pem(None).expect("PKCS#8 PEM");
    let again = PrivateKey::from_pem(pkcs8.as_bytes(), None).expect("own PKCS#8 reads");
    assert_eq!(again.public_key(), public);

    let msg = b"in-toto fuzz";
    let sig = private.sign(msg).expect("signing works");
    public.verify(msg, &sig).expect("own signature verifies");
    assert!(public.verify(b"another message", &sig).is_err());
}
