//! Integration tests of intoto-cjson: the reference's sample vectors, and
//! differential tests against the Python oracle (securesystemslib and
//! CPython's `json`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod differential;
mod generate;
mod python_accepts;
mod samples;

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes lowercase or uppercase hex; panics on bad input (test helper).
pub(crate) fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd-length hex {text:?}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// Decodes standard base64 with padding (test helper).
pub(crate) fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let text = text.trim_end_matches('=');
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64 digit") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// The number of generated cases for differential tests
/// (`INTOTO_DIFF_CASES`, default 300).
pub(crate) fn diff_cases() -> usize {
    std::env::var("INTOTO_DIFF_CASES")
        .ok()
        .map(|v| v.parse().expect("INTOTO_DIFF_CASES must be a number"))
        .unwrap_or(300)
}

/// The seed for generated cases (`INTOTO_DIFF_SEED`, default fixed).
pub(crate) fn diff_seed() -> u64 {
    std::env::var("INTOTO_DIFF_SEED")
        .ok()
        .map(|v| v.parse().expect("INTOTO_DIFF_SEED must be a number"))
        .unwrap_or(0x1D70_7050_C0DE_5EED)
}

#[test]
fn base64_helper_decodes() {
    assert_eq!(base64_decode("aGk="), b"hi");
    assert_eq!(base64_decode("aGVsbG8h"), b"hello!");
    assert_eq!(unhex(&hex(b"\x00\xffA")), b"\x00\xffA");
}
