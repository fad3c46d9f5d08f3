//! Statements in DSSE envelopes: signed with payload type
//! `application/vnd.in-toto+json`, verified over the payload bytes as
//! received, and only then parsed.

use intoto_attestation::{
    Error, PAYLOAD_TYPE, Predicate, STATEMENT_V0_1, STATEMENT_V1, Statement, VerifiedStatement,
};
use intoto_dsse::Envelope;

use crate::common::{keys, link_statement, other_statement, provenance_statement};

#[test]
fn sign_and_verify() {
    let k = keys();
    let s = link_statement(true);
    let env = s.sign(&[&k.alice, &k.bob]).unwrap();
    assert_eq!(env.payload_type, PAYLOAD_TYPE);
    assert_eq!(env.payload, s.to_json().into_bytes());
    let received = Envelope::from_slice(env.to_json().as_bytes()).unwrap();
    let v = VerifiedStatement::verify(&received, &[k.alice.public_key(), k.bob.public_key()], 2)
        .unwrap();
    assert_eq!(v.statement(), &s);
    assert_eq!(v.signers().len(), 2);
    assert_eq!(v.payload_type(), PAYLOAD_TYPE);
    // Not enough distinct signers for 2 of a list that has alice twice.
    let one = s.sign(&[&k.alice]).unwrap();
    assert!(matches!(
        VerifiedStatement::verify(&one, &[k.alice.public_key(), k.alice.public_key()], 2),
        Err(Error::Dsse(intoto_dsse::Error::Threshold {
            valid: 1,
            threshold: 2,
            ..
        }))
    ));
}

#[test]
fn signing_refuses_an_invalid_statement() {
    let mut s = link_statement(false);
    s.subject[0].name = None;
    assert_eq!(
        s.sign(&[&keys().alice]).unwrap_err().to_string(),
        "'subject[0].name' is required"
    );
}

#[test]
fn predicate_specific_payload_types_are_statements_too() {
    let k = keys();
    let s = provenance_statement();
    let mut env = Envelope::new(
        s.to_json().into_bytes(),
        "application/vnd.in-toto.provenance+json",
    );
    env.sign(&k.alice).unwrap();
    let v = VerifiedStatement::verify(&env, &[k.alice.public_key()], 1).unwrap();
    assert_eq!(v.payload_type(), "application/vnd.in-toto.provenance+json");
    assert!(matches!(v.statement().predicate, Predicate::Provenance(_)));
}

#[test]
fn wrong_payload_type() {
    let k = keys();
    let s = other_statement();
    for pt in [
        "application/json",
        "application/vnd.in-toto+cbor",
        "application/vnd.in-toto.provenance+dsse",
    ] {
        let mut env = Envelope::new(s.to_json().into_bytes(), pt);
        env.sign(&k.alice).unwrap();
        let err = VerifiedStatement::verify(&env, &[k.alice.public_key()], 1).unwrap_err();
        assert!(
            matches!(&err, Error::PayloadType { found } if found == pt),
            "{pt}"
        );
        assert!(Statement::from_envelope_unverified(&env).is_err());
    }
    // Changing the type after signing breaks the signature.
    let mut env = s.sign(&[&k.alice]).unwrap();
    env.payload_type = "application/vnd.in-toto.scan+json".into();
    assert!(matches!(
        VerifiedStatement::verify(&env, &[k.alice.public_key()], 1),
        Err(Error::Dsse(intoto_dsse::Error::Threshold { valid: 0, .. }))
    ));
}

#[test]
fn tampering_and_untrusted_signers() {
    let k = keys();
    let s = link_statement(true);
    let env = s.sign(&[&k.alice]).unwrap();
    // A subject's digest changed after signing.
    let mut tampered = env.clone();
    let text = String::from_utf8(tampered.payload.clone()).unwrap();
    tampered.payload = text.replacen("aaaa", "aaab", 1).into_bytes();
    assert_ne!(tampered.payload, env.payload);
    assert!(matches!(
        VerifiedStatement::verify(&tampered, &[k.alice.public_key()], 1),
        Err(Error::Dsse(_))
    ));
    // Signed by someone not trusted.
    let theirs = s.sign(&[&k.mallory]).unwrap();
    assert!(VerifiedStatement::verify(&theirs, &[k.alice.public_key()], 1).is_err());
    assert!(matches!(
        VerifiedStatement::verify(&env, &[k.alice.public_key()], 0),
        Err(Error::Dsse(intoto_dsse::Error::ZeroThreshold))
    ));
}

/// Signs arbitrary payload bytes as a Statement envelope.
fn signed_payload(payload: &str) -> Envelope {
    let mut env = Envelope::new(payload.as_bytes().to_vec(), PAYLOAD_TYPE);
    env.sign(&keys().alice).unwrap();
    env
}

#[test]
fn the_signed_payload_is_parsed_strictly_after_verification() {
    let alice = keys().alice.public_key();
    let sha = "a".repeat(64);
    // Duplicate keys: honest subject first, evil one last.
    let dup = format!(
        r#"{{"_type": "{STATEMENT_V1}", "subject": [{{"name": "a", "digest": {{"sha256": "{sha}"}}}}], "predicateType": "https://x/p", "subject": [{{"name": "evil", "digest": {{"sha256": "{}"}}}}]}}"#,
        "b".repeat(64)
    );
    let err = VerifiedStatement::verify(&signed_payload(&dup), &[alice], 1).unwrap_err();
    assert!(matches!(err, Error::Json(_)), "{err}");
    // A validly signed classic link is not a Statement.
    let link = r#"{"_type": "link", "name": "x", "materials": {}, "products": {}, "byproducts": {}, "command": [], "environment": {}}"#;
    let err = VerifiedStatement::verify(&signed_payload(link), &[alice], 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not an in-toto Statement: '_type' is 'link' (expected 'https://in-toto.io/Statement/v1')"
    );
    // Malformed subjects and digests.
    for (payload, message) in [
        (
            format!(r#"{{"_type": "{STATEMENT_V1}", "predicateType": "https://x/p"}}"#),
            "'subject' is required",
        ),
        (
            format!(
                r#"{{"_type": "{STATEMENT_V1}", "subject": [{{"name": "a", "digest": {{"sha256": "{}"}}}}], "predicateType": "https://x/p"}}"#,
                &sha[1..]
            ),
            "'subject[0].digest': digest 'sha256': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' has 63 hex digits, expected 64",
        ),
        (
            "not json".to_owned(),
            "the payload is not valid JSON: invalid literal, expected true, false or null at line 1 column 1",
        ),
    ] {
        let err = VerifiedStatement::verify(&signed_payload(&payload), &[alice], 1).unwrap_err();
        assert_eq!(err.to_string(), message, "{payload}");
    }
    // A deprecated Statement type verifies, and says so.
    let old = format!(
        r#"{{"_type": "{STATEMENT_V0_1}", "subject": [{{"name": "a", "digest": {{"sha256": "{sha}"}}}}], "predicateType": "https://x/p"}}"#
    );
    let v = VerifiedStatement::verify(&signed_payload(&old), &[alice], 1).unwrap();
    assert_eq!(v.statement().deprecations().len(), 1);
}
