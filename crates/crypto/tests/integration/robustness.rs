//! Damaged input never panics: every loader and the verifier return a
//! value or a typed error. Mutations are drawn from a fixed seed; set
//! `INTOTO_CRYPTO_MUTATIONS` to run more than the default 300 per input.

use base64ct::{Base64, Encoding};
use intoto_crypto::{Curve, KeySpec, PrivateKey, PublicKey};

use crate::common::{data, sample};

use intoto_testkit::Rng;

fn cases() -> usize {
    intoto_testkit::case_count("INTOTO_CRYPTO_MUTATIONS", 300)
}

/// The DER inside a one-block PEM, and the block's label.
fn unpem(pem: &str) -> (String, Vec<u8>) {
    let mut lines = pem.lines();
    let label = lines
        .next()
        .unwrap()
        .trim_start_matches("-----BEGIN ")
        .trim_end_matches("-----");
    let body: String = lines.take_while(|l| !l.starts_with("-----END")).collect();
    (label.to_owned(), Base64::decode_vec(&body).unwrap())
}

fn pem(label: &str, der: &[u8]) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        Base64::encode_string(der)
    )
}

fn mutate(rng: &mut Rng, der: &[u8]) -> Vec<u8> {
    let mut out = der.to_vec();
    match rng.below(4) {
        0 => {
            let i = rng.below(out.len());
            out[i] ^= 1 << rng.below(8);
        }
        1 => {
            let i = rng.below(out.len());
            out[i] = rng.next_u64() as u8;
        }
        2 => out.truncate(rng.below(out.len())),
        _ => {
            let i = rng.below(out.len());
            out.insert(i, rng.next_u64() as u8);
        }
    }
    out
}

#[test]
fn damaged_keys_give_errors_not_panics() {
    let ed = PrivateKey::from_pem(&sample("func"), None).unwrap();
    let p384 = PrivateKey::generate(KeySpec::Ecdsa(Curve::P384)).unwrap();
    let rsa = PrivateKey::generate(KeySpec::Rsa { bits: 2048 }).unwrap();
    // (Encrypted keys are left out: each attempt would run the password
    // hash, which is slow by design.)
    let mut inputs: Vec<String> = Vec::new();
    for key in [&ed, &p384, &rsa] {
        inputs.push(key.to_pkcs8_pem(None).unwrap().to_string());
        inputs.push(key.public_key().to_pem().unwrap());
    }
    inputs.push(String::from_utf8(data("secp256k1-sec1.pem")).unwrap());
    inputs.push(String::from_utf8(data("p256-compressed.pub")).unwrap());
    let mut rng = Rng::new(0x1d70_70c0_ffee_2024);
    let n = cases();
    for text in &inputs {
        let (label, der) = unpem(text);
        for _ in 0..n {
            let damaged = pem(&label, &mutate(&mut rng, &der));
            let _ = PrivateKey::from_pem(damaged.as_bytes(), None);
            let _ = PublicKey::from_pem(damaged.as_bytes());
        }
    }
}

#[test]
fn damaged_signatures_never_verify() {
    let msg = b"message";
    let keys = [
        PrivateKey::from_pem(&sample("func"), None).unwrap(),
        PrivateKey::generate(KeySpec::Ecdsa(Curve::P256)).unwrap(),
        PrivateKey::generate(KeySpec::Rsa { bits: 2048 }).unwrap(),
    ];
    let mut rng = Rng::new(42);
    let n = cases();
    for key in &keys {
        let sig = key.sign(msg).unwrap();
        key.public_key().verify(msg, &sig).unwrap();
        for _ in 0..n {
            let damaged = mutate(&mut rng, &sig);
            if damaged != sig {
                assert!(key.public_key().verify(msg, &damaged).is_err());
            }
        }
    }
}
