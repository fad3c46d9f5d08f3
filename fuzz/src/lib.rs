//! Helpers shared by the fuzz targets: JSON value predicates, an independent
//! `fnmatch` oracle, and a cost check for encrypted private keys.
//!
//! Fuzz targets assert properties, so panics here are the point: a panic is
//! a finding.

use std::sync::OnceLock;

use intoto_cjson::Value;
use intoto_crypto::PublicKey;

pub mod fnmatch_oracle;

/// Whether any number in `v` has a fraction or an exponent (canonical JSON
/// refuses those, and the Python writer rewrites their text).
pub fn has_non_integer(v: &Value) -> bool {
    match v {
        Value::Number(n) => !n.is_integer(),
        Value::Array(a) => a.iter().any(has_non_integer),
        Value::Object(m) => m.values().any(has_non_integer),
        _ => false,
    }
}

/// Whether any number in `v` is a non-integer too large for an `f64` (the
/// Python writer prints it as `Infinity`, which is not JSON).
pub fn has_infinite(v: &Value) -> bool {
    match v {
        Value::Number(n) => !n.is_integer() && n.as_f64().is_none_or(f64::is_infinite),
        Value::Array(a) => a.iter().any(has_infinite),
        Value::Object(m) => m.values().any(has_infinite),
        _ => false,
    }
}

/// Whether any string or key in `v` holds a character below U+0020
/// (canonical JSON writes those raw, which strict JSON does not accept).
pub fn has_control_char(v: &Value) -> bool {
    let ctl = |s: &str| s.chars().any(|c| c < ' ');
    match v {
        Value::String(s) => ctl(s),
        Value::Array(a) => a.iter().any(has_control_char),
        Value::Object(m) => m.iter().any(|(k, v)| ctl(k) || has_control_char(v)),
        _ => false,
    }
}

/// Equality up to the spelling of non-integer numbers: integers, strings,
/// keys and structure must be identical; a non-integer must stay a
/// non-integer with the same `f64` value (what Python's `float` gives).
pub fn equivalent(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x.is_integer() || y.is_integer() {
                x == y
            } else {
                match (x.as_f64(), y.as_f64()) {
                    (Some(p), Some(q)) => p.to_bits() == q.to_bits(),
                    _ => false,
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equivalent(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kp, p), (kq, q))| kp == kq && equivalent(p, q))
        }
        _ => a == b,
    }
}

/// The nesting depth of `v` as the reader counts it: a scalar is 0, `[]` 1.
pub fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Largest PBKDF2 iteration count a fuzz input may make the crypto crate
/// compute (the crate itself accepts up to 10 million, seconds of work).
pub const FUZZ_MAX_PBKDF2_ITERATIONS: u32 = 4096;
/// Largest scrypt work (N * r * p) a fuzz input may make the crate compute.
pub const FUZZ_MAX_SCRYPT_WORK: u64 = 1 << 14;

/// Whether trying `pem` with a password is cheap: false when an
/// `ENCRYPTED PRIVATE KEY` block in it asks for more key-derivation work
/// than the limits above. Reads the blocks as the crypto crate does (lines
/// trimmed, header lines with `:` skipped, whitespace dropped, padded
/// standard base64); a block that does not decode or parse here does not
/// decode or parse there either, and fails before any key derivation.
pub fn decryption_is_cheap(pem: &[u8]) -> bool {
    use base64ct::{Base64, Encoding};
    use pkcs8::der::Decode;

    const BEGIN: &[u8] = b"-----BEGIN ENCRYPTED PRIVATE KEY-----";
    let mut lines = pem.split(|&b| b == b'\n').map(<[u8]>::trim_ascii);
    while let Some(line) = lines.next() {
        if line != BEGIN {
            continue;
        }
        let mut body = String::new();
        for line in lines.by_ref() {
            if line.starts_with(b"-----") {
                break;
            }
            if line.contains(&b':') {
                continue;
            }
            if let Ok(text) = std::str::from_utf8(line) {
                body.extend(text.chars().filter(|c| !c.is_ascii_whitespace()));
            }
        }
        let Ok(der) = Base64::decode_vec(&body) else {
            continue;
        };
        let Ok(info) = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der) else {
            continue;
        };
        let Some(params) = info.encryption_algorithm.pbes2() else {
            continue;
        };
        if let Some(p) = params.kdf.pbkdf2()
            && p.iteration_count > FUZZ_MAX_PBKDF2_ITERATIONS
        {
            return false;
        }
        if let Some(s) = params.kdf.scrypt() {
            let work = s
                .cost_parameter
                .checked_mul(u64::from(s.block_size))
                .and_then(|w| w.checked_mul(u64::from(s.parallelization)));
            if work.is_none_or(|w| w > FUZZ_MAX_SCRYPT_WORK) {
                return false;
            }
        }
    }
    true
}

/// The reference samples' two Ed25519 public keys (`owner.pub` signs
/// `root.layout`, `func.pub` the link), so that seeds verify.
pub fn sample_keys() -> &'static [PublicKey] {
    static KEYS: OnceLock<Vec<PublicKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        [
            include_bytes!("../../tests/fixtures/python-in-toto-3.1.0/samples/owner.pub")
                .as_slice(),
            include_bytes!("../../tests/fixtures/python-in-toto-3.1.0/samples/func.pub").as_slice(),
        ]
        .iter()
        .map(|pem| PublicKey::from_pem(pem).expect("a sample key"))
        .collect()
    })
}
