//! DSA signature verification over a precomputed digest (FIPS 186-4), with
//! RustCrypto's `dsa` crate. Only public values are handled here, so its
//! variable-time arithmetic is of no concern.

use dsa::signature::hazmat::PrehashVerifier;
use dsa::{BoxedUint, Components, Signature, VerifyingKey};

use crate::gpg::packet::strip_zeros;

/// DSA domain parameters and public value, big-endian.
pub(crate) struct DsaPublic<'a> {
    pub(crate) p: &'a [u8],
    pub(crate) q: &'a [u8],
    pub(crate) g: &'a [u8],
    pub(crate) y: &'a [u8],
}

/// Verifies the signature `(r, s)` of `digest` (truncated to the size of
/// `q` as FIPS 186-4 says). `false` for anything malformed: parameters of a
/// size DSA does not define (L/N = 1024/160, 2048/224, 2048/256,
/// 3072/256), a `y` outside the subgroup, `r` or `s` out of range.
pub(crate) fn verify_prehash(key: &DsaPublic<'_>, digest: &[u8], r: &[u8], s: &[u8]) -> bool {
    let (p, q, g, y) = (
        strip_zeros(key.p),
        strip_zeros(key.q),
        strip_zeros(key.g),
        strip_zeros(key.y),
    );
    let (r, s) = (strip_zeros(r), strip_zeros(s));
    if [p, q, g, y, r, s].iter().any(|v| v.is_empty())
        || g.len() > p.len()
        || y.len() > p.len()
        || r.len() > q.len()
        || s.len() > q.len()
        || digest.is_empty()
    {
        return false;
    }
    let p = BoxedUint::from_be_slice_vartime(p);
    let precision = p.bits_precision();
    let q = BoxedUint::from_be_slice_vartime(q);
    let (Ok(g), Ok(y)) = (
        BoxedUint::from_be_slice(g, precision),
        BoxedUint::from_be_slice(y, precision),
    ) else {
        return false;
    };
    let Ok(components) = Components::from_components(p, q, g) else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_components(components, y) else {
        return false;
    };
    let Some(signature) = Signature::from_components(
        BoxedUint::from_be_slice_vartime(r),
        BoxedUint::from_be_slice_vartime(s),
    ) else {
        return false;
    };
    key.verify_prehash(digest, &signature).is_ok()
}

/// Reads a DER `Dss-Sig-Value` (`SEQUENCE { r INTEGER, s INTEGER }`), the
/// form the reference stores DSA signatures in. Strict DER; `None` when
/// malformed or negative.
pub(crate) fn decode_dss_der(der_bytes: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    use der::asn1::UintRef;
    use der::{Decode, Reader, SliceReader};
    let mut reader = SliceReader::new(der_bytes).ok()?;
    let pair = reader
        .sequence(|seq: &mut SliceReader<'_>| {
            let r = UintRef::decode(seq)?;
            let s = UintRef::decode(seq)?;
            Ok::<_, der::Error>((r.as_bytes().to_vec(), s.as_bytes().to_vec()))
        })
        .ok()?;
    reader.finish().ok()?;
    Some(pair)
}

/// Encodes `(r, s)` as a DER `Dss-Sig-Value`, as Python's
/// `encode_dss_signature` does (minimal INTEGERs).
pub(crate) fn encode_dss_der(r: &[u8], s: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    der_uint(&mut body, r);
    der_uint(&mut body, s);
    let mut out = vec![0x30];
    der_len(&mut out, body.len());
    out.extend_from_slice(&body);
    out
}

fn der_uint(out: &mut Vec<u8>, value: &[u8]) {
    let v = strip_zeros(value);
    let mut content = Vec::with_capacity(v.len() + 1);
    if v.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(v);
    out.push(0x02);
    der_len(out, content.len());
    out.extend_from_slice(&content);
}

fn der_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.len() - 1);
        let significant = &bytes[skip..];
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dss_der_round_trips_and_is_minimal() {
        let der = encode_dss_der(&[0, 0x80, 1], &[0x7f]);
        assert_eq!(
            der,
            [0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x01, 0x02, 0x01, 0x7f]
        );
        assert_eq!(
            decode_dss_der(&der).unwrap(),
            (vec![0x80, 0x01], vec![0x7f])
        );
        assert_eq!(encode_dss_der(&[], &[0]), [0x30, 6, 2, 1, 0, 2, 1, 0]);
        // Long-form lengths.
        let big = vec![0x11u8; 200];
        let der = encode_dss_der(&big, &big);
        assert_eq!(&der[..4], &[0x30, 0x82, 0x01, 0x96]);
        assert_eq!(decode_dss_der(&der).unwrap(), (big.clone(), big));
    }

    #[test]
    fn malformed_dss_der_is_refused() {
        let good = encode_dss_der(&[5], &[6]);
        assert!(decode_dss_der(&good).is_some());
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(decode_dss_der(&trailing).is_none());
        assert!(decode_dss_der(&good[..good.len() - 1]).is_none());
        // A negative INTEGER.
        assert!(decode_dss_der(&[0x30, 6, 2, 1, 0x85, 2, 1, 6]).is_none());
        assert!(decode_dss_der(&[]).is_none());
    }

    #[test]
    fn nonsense_parameters_do_not_verify() {
        let key = DsaPublic {
            p: &[0x17],
            q: &[0x0b],
            g: &[0x04],
            y: &[0x02],
        };
        assert!(!verify_prehash(&key, &[1; 32], &[1], &[1]));
        let empty = DsaPublic {
            p: &[],
            q: &[],
            g: &[],
            y: &[],
        };
        assert!(!verify_prehash(&empty, &[1; 32], &[1], &[1]));
    }
}
