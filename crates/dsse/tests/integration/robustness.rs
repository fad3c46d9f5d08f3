//! Damaged and hostile input gives typed errors, never a panic, and no
//! damage ever verifies as a different payload. The number of generated
//! cases is `INTOTO_FUZZ_CASES` (default 300), from a fixed seed.

use intoto_dsse::{Envelope, Error};

use crate::common::{INTOTO, keys, signed};

use intoto_testkit::Rng;

fn cases() -> usize {
    intoto_testkit::case_count("INTOTO_FUZZ_CASES", 300)
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    const INTERESTING: &[u8] = b"\"{}[],:= +/-_\\0123456789AZaz\x00\xff";
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(3) {
        if out.is_empty() {
            break;
        }
        let at = rng.below(out.len());
        match rng.below(5) {
            0 => out[at] ^= 1 << rng.below(8),
            1 => {
                out.remove(at);
            }
            2 => out.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            3 => out.truncate(at),
            _ => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                let copy = out[at..end].to_vec();
                let to = rng.below(out.len());
                out.splice(to..to, copy);
            }
        }
    }
    out
}

#[test]
fn mutated_envelopes_never_panic_and_never_verify_as_something_else() {
    let k = keys();
    let original = signed(&[&k.alice, &k.bob]);
    let json = original.to_json().into_bytes();
    let trusted = [k.alice.public_key(), k.bob.public_key()];
    let mut rng = Rng::new(0x5eed_d55e_0000_0001);
    let (mut parsed, mut verified) = (0, 0);
    for _ in 0..cases() {
        let input = mutate(&mut rng, &json);
        let Ok(env) = Envelope::from_slice(&input) else {
            continue;
        };
        parsed += 1;
        if let Ok(v) = env.verify(&trusted, 1) {
            verified += 1;
            assert_eq!(
                v.payload(),
                original.payload.as_slice(),
                "{}",
                String::from_utf8_lossy(&input)
            );
            assert_eq!(v.payload_type(), INTOTO);
        }
    }
    // The generator must exercise both outcomes, or the test proves nothing.
    assert!(
        parsed > 0 && verified > 0,
        "parsed {parsed}, verified {verified}"
    );
}

#[test]
fn hostile_json_is_a_typed_error() {
    let deep = "[".repeat(100_000);
    let cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xef\xbb\xbf{}".to_vec(),
        deep.into_bytes(),
        b"{\"payload\": \"\\ud800\", \"payloadType\": \"t\", \"signatures\": []}".to_vec(),
        b"{\"payload\": \"\", \"payload\": \"aGk=\", \"payloadType\": \"t\", \"signatures\": []}"
            .to_vec(),
        b"{\"payload\": \"\xff\", \"payloadType\": \"t\", \"signatures\": []}".to_vec(),
        b"{\"payload\": NaN}".to_vec(),
        b"null".to_vec(),
    ];
    for input in cases {
        match Envelope::from_slice(&input) {
            Err(Error::Json(_) | Error::NotAnObject { .. }) => {}
            other => panic!("{}: {other:?}", String::from_utf8_lossy(&input)),
        }
    }
}
