//! t-of-n thresholds count distinct trusted keys (security.md section C).

use intoto_crypto::PublicKey;
use intoto_dsse::{Envelope, Error, Signature};

use crate::common::{keys, relabelled, signed, with_scheme};

fn valid(env: &Envelope, trusted: &[&PublicKey]) -> usize {
    env.verified_keys(trusted).len()
}

#[test]
fn two_genuine_signers_meet_two() {
    let k = keys();
    let env = signed(&[&k.alice, &k.bob]);
    let trusted = [
        k.alice.public_key(),
        k.bob.public_key(),
        k.carl.public_key(),
    ];
    let verified = env.verify(&trusted, 2).unwrap();
    let ids: Vec<_> = verified
        .signers()
        .iter()
        .map(|p| p.keyid().clone())
        .collect();
    assert_eq!(
        ids,
        vec![
            k.alice.public_key().keyid().clone(),
            k.bob.public_key().keyid().clone()
        ]
    );
    assert!(matches!(
        env.verify(&trusted, 3),
        Err(Error::Threshold {
            valid: 2,
            threshold: 3,
            signatures: 2,
            trusted: 3
        })
    ));
}

#[test]
fn the_same_signature_repeated_without_key_ids_counts_once() {
    let k = keys();
    let mut env = signed(&[&k.alice]);
    let sig = env.signatures[0].sig.clone();
    env.signatures = vec![
        Signature {
            keyid: None,
            sig: sig.clone(),
        },
        Signature {
            keyid: Some(String::new()),
            sig: sig.clone(),
        },
        Signature { keyid: None, sig },
    ];
    let trusted = [k.alice.public_key(), k.carl.public_key()];
    assert_eq!(valid(&env, &trusted), 1);
    assert!(matches!(
        env.verify(&trusted, 2),
        Err(Error::Threshold { valid: 1, .. })
    ));
}

#[test]
fn the_same_signature_under_the_same_key_id_is_malformed() {
    let k = keys();
    let mut env = signed(&[&k.alice]);
    env.signatures.push(env.signatures[0].clone());
    let err = Envelope::from_slice(env.to_json().as_bytes()).unwrap_err();
    assert!(
        matches!(err, Error::DuplicateKeyId(id) if id == k.alice.public_key().keyid().as_str())
    );
    // Built in memory instead, it still counts once.
    assert_eq!(valid(&env, &[k.alice.public_key(), k.carl.public_key()]), 1);
}

#[test]
fn alice_signature_relabelled_with_carl_key_id() {
    let k = keys();
    let mut env = signed(&[&k.alice]);
    let mut copy = env.signatures[0].clone();
    copy.keyid = Some(k.carl.public_key().keyid().as_str().to_owned());
    env.signatures.push(copy);
    let trusted = [k.alice.public_key(), k.carl.public_key()];
    // Carl's key does not verify alice's signature; alice counts once.
    assert_eq!(valid(&env, &trusted), 1);
    assert!(env.verify(&trusted, 2).is_err());

    // Only the relabelled copy: the hint names carl, a trusted key, so only
    // carl's key is tried and nothing counts.
    env.signatures.remove(0);
    assert_eq!(valid(&env, &trusted), 0);
    // A hint that names no trusted key narrows nothing: alice is found.
    assert_eq!(valid(&env, &[k.alice.public_key()]), 1);
}

#[test]
fn two_signatures_by_one_key_under_different_key_ids_count_once() {
    let k = keys();
    // ECDSA signatures are randomised: two distinct, valid signatures by bob.
    let first = signed(&[&k.bob]).signatures.remove(0);
    let mut second = signed(&[&k.bob]).signatures.remove(0);
    assert_ne!(first.sig, second.sig);
    second.keyid = Some("ffff".into());
    let mut env = signed(&[]);
    env.signatures = vec![first, second];
    let trusted = [k.bob.public_key(), k.alice.public_key()];
    assert_eq!(valid(&env, &trusted), 1);
    assert!(env.verify(&trusted, 2).is_err());
}

#[test]
fn one_key_listed_twice_counts_once() {
    let k = keys();
    let env = signed(&[&k.alice]);
    let alice = k.alice.public_key();
    let alias = relabelled(alice, &"ab".repeat(32));
    assert_eq!(valid(&env, &[alice, &alias]), 1);
    assert!(env.verify(&[alice, &alias], 2).is_err());
    // Also when the alias is listed first and the signature names the original id.
    let verified = env.verify(&[&alias, alice], 1).unwrap();
    assert_eq!(verified.signers().len(), 1);

    // The same RSA key material under two schemes is one key too.
    let rsa = k.rsa.public_key();
    let pkcs1 = with_scheme(rsa, "rsa-pkcs1v15-sha256");
    let env = signed(&[&k.rsa]);
    assert_eq!(valid(&env, &[rsa, &pkcs1]), 1);
    assert!(matches!(
        env.verify(&[rsa, &pkcs1], 2),
        Err(Error::Threshold {
            valid: 1,
            trusted: 1,
            ..
        })
    ));
}

#[test]
fn key_ids_do_not_decide_who_signed() {
    let k = keys();
    // Carl signs, claiming to be alice: alice's key is tried and fails;
    // carl is not trusted, so nothing counts.
    let mut env = signed(&[&k.carl]);
    env.signatures[0].keyid = Some(k.alice.public_key().keyid().as_str().to_owned());
    assert_eq!(valid(&env, &[k.alice.public_key()]), 0);
    // Without any key id, each trusted key is tried.
    let mut env = signed(&[&k.alice, &k.bob]);
    for s in &mut env.signatures {
        s.keyid = None;
    }
    assert_eq!(valid(&env, &[k.bob.public_key(), k.alice.public_key()]), 2);
}

#[test]
fn signing_twice_with_one_key_replaces_the_signature() {
    let k = keys();
    let mut env = signed(&[&k.bob]);
    env.sign(&k.bob).unwrap();
    assert_eq!(env.signatures.len(), 1);
    env.sign(&k.alice).unwrap();
    assert_eq!(env.signatures.len(), 2);
}
