//! Bundles: JSON Lines of envelopes, read order-independently, with
//! unrecognised lines ignored and counted.

use intoto_attestation::{Bundle, IgnoredReason, Predicate};
use intoto_dsse::Envelope;

use crate::common::{keys, link_statement, other_statement, provenance_statement, vsa_statement};

/// The lines of a bundle with three good attestations, one by an untrusted
/// key, a foreign envelope, and junk.
fn lines() -> Vec<String> {
    let k = keys();
    let mut foreign = Envelope::new(b"\xa1\x01\x02".to_vec(), "application/vnd.novulz+cbor");
    foreign.sign(&k.alice).unwrap();
    let mut tampered = provenance_statement().sign(&[&k.alice]).unwrap();
    tampered.payload.push(b' ');
    vec![
        link_statement(true).sign(&[&k.alice]).unwrap().to_json(),
        provenance_statement()
            .sign(&[&k.alice, &k.bob])
            .unwrap()
            .to_json(),
        foreign.to_json(),
        "this is not JSON".to_owned(),
        vsa_statement(true, false)
            .sign(&[&k.bob])
            .unwrap()
            .to_json(),
        "{\"payloadType\": \"application/vnd.in-toto+json\"}".to_owned(),
        other_statement().sign(&[&k.mallory]).unwrap().to_json(),
        "   ".to_owned(),
        tampered.to_json(),
    ]
}

fn summary(bundle: &Bundle) -> (Vec<String>, Vec<String>, Vec<&'static str>) {
    let k = keys();
    let result = bundle.verify_all(&[k.alice.public_key(), k.bob.public_key()], 1);
    let verified = result
        .verified
        .iter()
        .map(|(_, v)| v.statement().predicate_type().to_owned())
        .collect();
    let rejected = result.rejected.iter().map(|(_, e)| e.to_string()).collect();
    let mut ignored: Vec<&'static str> = bundle
        .ignored()
        .iter()
        .map(|l| match &l.reason {
            IgnoredReason::Blank => "blank",
            IgnoredReason::NotAnEnvelope(_) => "not an envelope",
            IgnoredReason::ForeignPayloadType(_) => "foreign",
            _ => "other",
        })
        .collect();
    ignored.sort_unstable();
    (verified, rejected, ignored)
}

#[test]
fn lines_are_sorted_out_and_counted() {
    let text = lines().join("\n") + "\n";
    let bundle = Bundle::from_slice(text.as_bytes());
    assert_eq!(bundle.entries().len(), 5);
    let ignored: Vec<(usize, &str)> = bundle
        .ignored()
        .iter()
        .map(|l| {
            (
                l.line,
                match &l.reason {
                    IgnoredReason::Blank => "blank",
                    IgnoredReason::NotAnEnvelope(_) => "not an envelope",
                    IgnoredReason::ForeignPayloadType(t) => {
                        assert_eq!(t, "application/vnd.novulz+cbor");
                        "foreign"
                    }
                    _ => "other",
                },
            )
        })
        .collect();
    assert_eq!(
        ignored,
        vec![
            (3, "foreign"),
            (4, "not an envelope"),
            (6, "not an envelope"),
            (8, "blank")
        ]
    );
    let (verified, rejected, _) = summary(&bundle);
    let mut verified = verified;
    verified.sort_unstable();
    assert_eq!(
        verified,
        vec![
            "https://in-toto.io/attestation/link/v0.3",
            "https://slsa.dev/provenance/v1",
            "https://slsa.dev/verification_summary/v1"
        ]
    );
    assert_eq!(rejected.len(), 2);
    assert!(
        rejected
            .iter()
            .all(|e| e.starts_with("signature threshold not met"))
    );
    // Entries remember their lines.
    let k = keys();
    let result = bundle.verify_all(&[k.bob.public_key()], 1);
    let mut lines: Vec<usize> = result.verified.iter().map(|(e, _)| e.line).collect();
    lines.sort_unstable();
    assert_eq!(lines, vec![2, 5]);
    assert!(
        result
            .verified
            .iter()
            .any(|(_, v)| matches!(v.statement().predicate, Predicate::Vsa(_)))
    );
}

#[test]
fn the_order_of_lines_does_not_matter() {
    let base = lines();
    let reference = summary(&Bundle::from_slice(base.join("\n").as_bytes()));
    // Every rotation and the reversal, with LF or CRLF line ends.
    for shift in 0..base.len() {
        let mut l = base.clone();
        l.rotate_left(shift);
        for sep in ["\n", "\r\n"] {
            assert_eq!(
                summary(&Bundle::from_slice(l.join(sep).as_bytes())),
                reference,
                "{shift}"
            );
        }
    }
    let mut reversed = base.clone();
    reversed.reverse();
    let bundle = Bundle::from_slice(reversed.join("\n").as_bytes());
    assert_eq!(summary(&bundle), reference);
    // The entries themselves come out in the same order.
    let a: Vec<Envelope> = Bundle::from_slice(base.join("\n").as_bytes())
        .entries()
        .iter()
        .map(|e| e.envelope.clone())
        .collect();
    let b: Vec<Envelope> = bundle
        .entries()
        .iter()
        .map(|e| e.envelope.clone())
        .collect();
    assert_eq!(a, b);
}

#[test]
fn write_and_read_back() {
    let k = keys();
    let envelopes = vec![
        link_statement(false).sign(&[&k.alice]).unwrap(),
        other_statement().sign(&[&k.bob]).unwrap(),
    ];
    let bytes = Bundle::write(&envelopes);
    assert_eq!(bytes.iter().filter(|b| **b == b'\n').count(), 2);
    assert!(bytes.ends_with(b"\n"));
    let bundle = Bundle::from_slice(&bytes);
    assert!(bundle.ignored().is_empty());
    assert_eq!(bundle.entries().len(), 2);
    for e in &envelopes {
        assert!(bundle.entries().iter().any(|x| &x.envelope == e));
    }
    assert!(Bundle::from_slice(b"").entries().is_empty());
    assert!(Bundle::from_slice(b"").ignored().is_empty());
    assert_eq!(Bundle::from_slice(b"\n").ignored().len(), 1);
    assert_eq!(Bundle::from_slice(b"\n\n").ignored().len(), 2);
    let junk = Bundle::from_slice(b"\xff\xfe\n{}\n[1]");
    assert_eq!(junk.ignored().len(), 3);
    assert!(
        junk.ignored()
            .iter()
            .all(|l| matches!(l.reason, IgnoredReason::NotAnEnvelope(_)))
    );
}
