//! The DSSE protocol's own test vector (protocol.md, "Test Vectors"):
//! ECDSA P-256 with SHA-256, signature as raw `r || s`.

use intoto_crypto::PublicKey;
use intoto_dsse::{Envelope, Error, decode_base64, encode_base64, pae};

const PAYLOAD_TYPE: &str = "http://example.com/HelloWorld";
const X: &str = "46950820868899156662930047687818585632848591499744589407958293238635476079160";
const Y: &str = "5640078356564379163099075877009565129882514886557779369047442380624545832820";
const ENVELOPE: &str = r#"{"payload": "aGVsbG8gd29ybGQ=",
 "payloadType": "http://example.com/HelloWorld",
 "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}"#;

/// A decimal number as `len` big-endian bytes.
fn decimal_to_bytes(decimal: &str, len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    for digit in decimal.bytes() {
        let mut carry = u32::from(digit - b'0');
        for byte in out.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0, "number too large");
    }
    out
}

/// The vector's public key as SPKI PEM.
fn vector_key() -> PublicKey {
    // SubjectPublicKeyInfo for id-ecPublicKey / prime256v1, uncompressed point.
    let mut der = vec![
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
    ];
    der.extend(decimal_to_bytes(X, 32));
    der.extend(decimal_to_bytes(Y, 32));
    let b64 = encode_base64(&der);
    let body: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        body.join("\n")
    );
    PublicKey::from_pem(pem.as_bytes()).unwrap()
}

/// A DER INTEGER for a big-endian unsigned value.
fn der_integer(bytes: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if v.first().is_none_or(|b| b & 0x80 != 0) {
        v.insert(0, 0);
    }
    let mut out = vec![0x02, v.len() as u8];
    out.extend(v);
    out
}

/// Raw `r || s` as a DER `ECDSA-Sig-Value` (what `ecdsa-sha2-nistp256` keys verify).
fn raw_to_der(raw: &[u8]) -> Vec<u8> {
    let (r, s) = raw.split_at(raw.len() / 2);
    let mut body = der_integer(r);
    body.extend(der_integer(s));
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

#[test]
fn pae_matches_the_vector() {
    assert_eq!(
        pae(PAYLOAD_TYPE, b"hello world"),
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    );
}

#[test]
fn the_vector_envelope_verifies() {
    let env = Envelope::from_slice(ENVELOPE.as_bytes()).unwrap();
    assert_eq!(env.payload, b"hello world");
    assert_eq!(env.payload_type, PAYLOAD_TYPE);
    assert_eq!(env.signatures.len(), 1);
    assert_eq!(env.signatures[0].keyid, None);
    assert_eq!(env.signatures[0].sig.len(), 64);
    assert_eq!(
        env.pae(),
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    );

    // Our ECDSA keys take DER signatures; the vector's is raw r || s.
    let key = vector_key();
    let der = Envelope {
        signatures: vec![intoto_dsse::Signature {
            keyid: None,
            sig: raw_to_der(&env.signatures[0].sig),
        }],
        ..env.clone()
    };
    let verified = der.verify_with_type(PAYLOAD_TYPE, &[&key], 1).unwrap();
    assert_eq!(verified.payload(), b"hello world");
    assert_eq!(verified.signers().len(), 1);

    // The raw form does not parse as DER, and a changed body or type fails.
    assert!(matches!(
        env.verify(&[&key], 1),
        Err(Error::Threshold { valid: 0, .. })
    ));
    let mut body = der.clone();
    body.payload = b"hello world!".to_vec();
    assert!(body.verify(&[&key], 1).is_err());
    let mut other_type = der.clone();
    other_type.payload_type = "http://example.com/HelloWorlD".into();
    assert!(other_type.verify(&[&key], 1).is_err());
}

#[test]
fn the_vector_in_the_url_safe_alphabet_is_the_same_envelope() {
    let env = Envelope::from_slice(ENVELOPE.as_bytes()).unwrap();
    let sig =
        "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==";
    let url_safe = sig.replace('+', "-").replace('/', "_");
    for (payload, sig) in [
        ("aGVsbG8gd29ybGQ=", url_safe.as_str()),
        ("aGVsbG8gd29ybGQ", url_safe.trim_end_matches('=')),
        ("aGVsbG8gd29ybGQ", sig.trim_end_matches('=')),
    ] {
        let json = format!(
            r#"{{"payload": "{payload}", "payloadType": "{PAYLOAD_TYPE}", "signatures": [{{"sig": "{sig}"}}]}}"#
        );
        assert_eq!(
            Envelope::from_slice(json.as_bytes()).unwrap(),
            env,
            "{json}"
        );
    }
    assert_eq!(decode_base64("aGVsbG8gd29ybGQ").unwrap(), b"hello world");
}
