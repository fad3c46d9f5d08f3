//! The DSSE mistakes of security.md section F: each one is an envelope an
//! honest signer never made, and each must be refused.

use intoto_dsse::{Envelope, Error, Signature, encode_base64, pae};

use crate::common::{INTOTO, keys, payload, signed};

fn assert_unverified(env: &Envelope) {
    let alice = keys().alice.public_key();
    match env.verify(&[alice], 1) {
        Err(Error::Threshold {
            valid: 0,
            threshold: 1,
            ..
        }) => {}
        other => panic!("expected an unmet threshold, got {other:?}"),
    }
}

/// A signature by alice over `msg`, labelled with her key id.
fn alice_signature(msg: &[u8]) -> Signature {
    let alice = &keys().alice;
    Signature {
        keyid: Some(alice.public_key().keyid().as_str().to_owned()),
        sig: alice.sign(msg).unwrap(),
    }
}

#[test]
fn positive_control() {
    let env = signed(&[&keys().alice]);
    let verified = env
        .verify_with_type(INTOTO, &[keys().alice.public_key()], 1)
        .unwrap();
    assert_eq!(verified.payload(), payload());
    assert_eq!(verified.payload_type(), INTOTO);
}

#[test]
fn payload_type_changed_after_signing() {
    let mut env = signed(&[&keys().alice]);
    env.payload_type = "application/vnd.in-toto.link+json".into();
    assert_unverified(&env);
    // The type check of verify_with_type reports the type itself.
    let err = env
        .verify_with_type(INTOTO, &[keys().alice.public_key()], 1)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsupported payload type 'application/vnd.in-toto.link+json' (expected 'application/vnd.in-toto+json')"
    );
}

#[test]
fn signature_made_under_another_payload_type() {
    let mut env = Envelope::new(payload(), "application/json");
    env.sign(&keys().alice).unwrap();
    env.payload_type = INTOTO.into();
    assert_unverified(&env);
}

#[test]
fn payload_type_case_is_significant() {
    let mut env = signed(&[&keys().alice]);
    env.payload_type = INTOTO.to_uppercase();
    assert_unverified(&env);
    assert!(matches!(
        env.verify_with_type(INTOTO, &[keys().alice.public_key()], 1),
        Err(Error::PayloadType { .. })
    ));
}

#[test]
fn signature_over_the_raw_payload() {
    let mut env = Envelope::new(payload(), INTOTO);
    env.signatures.push(alice_signature(&payload()));
    assert_unverified(&env);
}

#[test]
fn pae_over_the_base64_text() {
    let mut env = Envelope::new(payload(), INTOTO);
    let b64 = encode_base64(&payload());
    env.signatures
        .push(alice_signature(&pae(INTOTO, b64.as_bytes())));
    assert_unverified(&env);
}

#[test]
fn signature_over_the_envelope_json() {
    let mut env = Envelope::new(payload(), INTOTO);
    let json = env.to_json();
    env.signatures.push(alice_signature(json.as_bytes()));
    assert_unverified(&env);
}

#[test]
fn payload_swapped() {
    let mut env = signed(&[&keys().alice]);
    env.payload = payload().into_iter().rev().collect();
    assert_unverified(&env);
    // Even a change that keeps the JSON meaning (whitespace) breaks it: the
    // bytes are verified, not a re-serialisation.
    let mut env = signed(&[&keys().alice]);
    env.payload = payload().iter().copied().filter(|b| *b != b' ').collect();
    assert_unverified(&env);
}

#[test]
fn length_tricks() {
    // Bytes moved between the type and the body: the naive concatenation is
    // the same, the PAE is not.
    let mut env = Envelope::new(b"c".to_vec(), "a b");
    env.sign(&keys().alice).unwrap();
    let moved = Envelope {
        payload: b"b c".to_vec(),
        payload_type: "a".into(),
        ..env.clone()
    };
    assert_unverified(&moved);

    // A signature over a PAE with a shorter declared body, presented with
    // the body extended to absorb the rest.
    let short = pae(INTOTO, b"{}");
    let mut env = Envelope::new(b"{} trailing".to_vec(), INTOTO);
    env.signatures.push(alice_signature(&short));
    assert_unverified(&env);

    // The PAE of (type, body) re-read as a body under an empty type.
    let inner = pae(INTOTO, &payload());
    let mut env = Envelope::new(inner.clone(), "");
    env.signatures.push(alice_signature(&inner));
    assert_unverified(&env);

    // Lengths in another notation (leading zero) are not the PAE.
    let mut padded = b"DSSEv1 028 ".to_vec();
    padded.extend_from_slice(INTOTO.as_bytes());
    padded.extend_from_slice(format!(" {} ", payload().len()).as_bytes());
    padded.extend_from_slice(&payload());
    let mut env = Envelope::new(payload(), INTOTO);
    env.signatures.push(alice_signature(&padded));
    assert_unverified(&env);
}

#[test]
fn invalid_base64_is_refused_before_anything_else() {
    let good = signed(&[&keys().alice]).to_json();
    let sig = encode_base64(&signed(&[&keys().alice]).signatures[0].sig);
    let cases = [
        good.replacen("\"payload\": \"", "\"payload\": \"!", 1),
        good.replacen("\"payload\": \"", "\"payload\": \" ", 1),
        good.replace(&sig, &format!("{sig}=")),
        good.replace(&sig, &sig[..sig.len() - 3]),
        // Both alphabets in one string: '-' (URL-safe) and '+' (standard).
        good.replace(&sig, &format!("-+{}", &sig.replace('=', "")[2..])),
    ];
    for case in cases {
        if case == good {
            continue;
        }
        match Envelope::from_slice(case.as_bytes()) {
            Err(Error::Base64 { .. }) => {}
            other => panic!("expected a base64 error for {case}, got {other:?}"),
        }
    }
}

#[test]
fn unsigned_envelope_and_zero_threshold() {
    let env = Envelope::new(payload(), INTOTO);
    assert_unverified(&env);
    let signed = signed(&[&keys().alice]);
    assert!(matches!(
        signed.verify(&[keys().alice.public_key()], 0),
        Err(Error::ZeroThreshold)
    ));
    assert!(matches!(
        signed.verify(&[], 1),
        Err(Error::Threshold {
            valid: 0,
            trusted: 0,
            ..
        })
    ));
}

#[test]
fn signature_by_an_untrusted_key_does_not_count_and_does_not_hurt() {
    let k = keys();
    let env = signed(&[&k.carl, &k.alice]);
    assert_unverified(&signed(&[&k.carl]));
    let verified = env.verify(&[k.alice.public_key()], 1).unwrap();
    assert_eq!(verified.signers().len(), 1);
    // Garbage signatures next to a good one are skipped.
    let mut noisy = signed(&[&k.alice]);
    noisy.signatures.insert(
        0,
        Signature {
            keyid: None,
            sig: vec![0; 64],
        },
    );
    noisy.signatures.push(Signature {
        keyid: Some(k.alice.public_key().keyid().as_str().to_owned() + "0"),
        sig: vec![],
    });
    assert!(noisy.verify(&[k.alice.public_key()], 1).is_ok());
}
