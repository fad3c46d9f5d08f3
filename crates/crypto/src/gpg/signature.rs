//! GnuPG signatures: OpenPGP signature packets (RFC 4880 section 5.2.3,
//! version 4), the reference's signature dicts (`keyid`, `other_headers`,
//! `signature`), and their verification.

use intoto_cjson::{Map, Value};

use super::error::GpgError;
use super::key::{ALGO_DSA, ALGO_EDDSA, ALGO_RSA, GpgKey, Params};
use super::packet::{
    Reader, SUB_CREATION_TIME, SUB_ISSUER, SUB_ISSUER_FINGERPRINT, TAG_SIGNATURE, read_packet,
    read_subpackets, strip_zeros,
};
use crate::backend::{self, PgpHash, dsa};
use crate::digest::to_hex;
use crate::keyid::KeyId;

/// Signature types (RFC 4880 5.2.1).
pub(crate) const SIG_BINARY: u8 = 0x00;
/// User id certifications (generic, persona, casual, positive).
pub(crate) const SIG_CERTIFICATIONS: [u8; 4] = [0x10, 0x11, 0x12, 0x13];
/// Subkey binding.
pub(crate) const SIG_SUBKEY_BINDING: u8 = 0x18;
/// Key revocation.
pub(crate) const SIG_KEY_REVOCATION: u8 = 0x20;
/// Subkey revocation.
pub(crate) const SIG_SUBKEY_REVOCATION: u8 = 0x28;

/// The hash algorithms the reference accepts on self-signatures.
pub(crate) const CERT_HASHES: [PgpHash; 3] = [PgpHash::Sha1, PgpHash::Sha256, PgpHash::Sha512];

const HASH_ID_SHA256: u8 = 8;

fn hash_from_id(id: u8) -> Option<PgpHash> {
    match id {
        2 => Some(PgpHash::Sha1),
        HASH_ID_SHA256 => Some(PgpHash::Sha256),
        10 => Some(PgpHash::Sha512),
        _ => None,
    }
}

/// The algorithm-specific part of a signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SigValue {
    /// RSA: the signature integer, as stored.
    Rsa(Vec<u8>),
    /// DSA: `r` and `s`.
    Dsa { r: Vec<u8>, s: Vec<u8> },
    /// Ed25519: `R || S`, each left-padded to 32 bytes.
    Ed25519([u8; 64]),
}

impl SigValue {
    fn read(algorithm: u8, r: &mut Reader<'_>) -> Result<Self, String> {
        match algorithm {
            ALGO_RSA => Ok(Self::Rsa(r.mpi("RSA signature")?.to_vec())),
            ALGO_DSA => {
                let sr = r.mpi("DSA r")?.to_vec();
                let ss = r.mpi("DSA s")?.to_vec();
                Ok(Self::Dsa { r: sr, s: ss })
            }
            ALGO_EDDSA => {
                let sr = r.mpi("EdDSA R")?;
                let ss = r.mpi("EdDSA S")?;
                let mut out = [0u8; 64];
                for (half, v) in out.chunks_exact_mut(32).zip([sr, ss]) {
                    let start = 32usize
                        .checked_sub(v.len())
                        .ok_or_else(|| "EdDSA signature value longer than 32 bytes".to_owned())?;
                    half[start..].copy_from_slice(v);
                }
                Ok(Self::Ed25519(out))
            }
            other => Err(unsupported_algorithm(other)),
        }
    }

    /// The `signature` bytes of the reference's dict: the RSA integer as
    /// stored, DER `(r, s)` for DSA, `R || S` for Ed25519.
    fn to_dict_bytes(&self) -> Vec<u8> {
        match self {
            Self::Rsa(s) => s.clone(),
            Self::Dsa { r, s } => dsa::encode_dss_der(r, s),
            Self::Ed25519(rs) => rs.to_vec(),
        }
    }

    /// Reads the `signature` bytes of a dict for a key of `params`' kind;
    /// `None` when they cannot be a signature of such a key.
    fn from_dict_bytes(params: &Params, bytes: &[u8]) -> Option<Self> {
        match params {
            Params::Rsa { .. } => Some(Self::Rsa(bytes.to_vec())),
            Params::Dsa { .. } => {
                let (r, s) = dsa::decode_dss_der(bytes)?;
                Some(Self::Dsa { r, s })
            }
            Params::Ed25519 { .. } => Some(Self::Ed25519(bytes.try_into().ok()?)),
        }
    }
}

fn unsupported_algorithm(algorithm: u8) -> String {
    format!(
        "Signature algorithm '{algorithm}' not supported, please verify that your gpg \
         configuration is creating either DSA, RSA, or EdDSA signatures (see RFC4880 9.1. \
         Public-Key Algorithms)."
    )
}

/// Checks `value` over a precomputed `digest` with the key `params`.
fn check_value(params: &Params, hash: PgpHash, digest: &[u8], value: &SigValue) -> bool {
    match (params, value) {
        (Params::Rsa { n, e }, SigValue::Rsa(sig)) => {
            // GnuPG drops leading zeros of the signature integer, which must
            // be as long as the modulus (RFC 8017 8.2.2).
            let modulus_len = strip_zeros(n).len();
            let sig = strip_zeros(sig);
            let Some(pad) = modulus_len.checked_sub(sig.len()) else {
                return false;
            };
            let mut padded = vec![0u8; pad];
            padded.extend_from_slice(sig);
            backend::verify_rsa_pkcs1_digest(n, e, hash, digest, &padded)
        }
        (Params::Dsa { p, q, g, y }, SigValue::Dsa { r, s }) => {
            let key = dsa::DsaPublic { p, q, g, y };
            dsa::verify_prehash(&key, digest, r, s)
        }
        (Params::Ed25519 { q }, SigValue::Ed25519(sig)) => backend::verify_ed25519(q, digest, sig),
        _ => false,
    }
}

/// The v4 trailer that ends the hashed data: `0x04 0xFF || 4-byte length`.
fn trailer(other_headers: &[u8]) -> [u8; 6] {
    let len = u32::try_from(other_headers.len())
        .unwrap_or(u32::MAX)
        .to_be_bytes();
    [0x04, 0xff, len[0], len[1], len[2], len[3]]
}

/// The digest a v4 signature signs: `H(content || other_headers || trailer)`.
fn signed_digest(hash: PgpHash, content: &[&[u8]], other_headers: &[u8]) -> Vec<u8> {
    let trailer = trailer(other_headers);
    let mut parts: Vec<&[u8]> = content.to_vec();
    parts.push(other_headers);
    parts.push(&trailer);
    backend::pgp_digest(hash, &parts)
}

/// A signature packet, read.
#[derive(Clone, Debug)]
pub(crate) struct ParsedSignature {
    pub(crate) hash: PgpHash,
    /// The version 4 header and hashed subpackets: what the signature
    /// covers besides the content.
    pub(crate) other_headers: Vec<u8>,
    /// The issuer fingerprint (subpacket 33), lowercase hex.
    pub(crate) fingerprint: Option<String>,
    /// The issuer key id (subpacket 16), lowercase hex.
    pub(crate) short_keyid: Option<String>,
    /// Hashed subpackets, in order.
    pub(crate) hashed: Vec<(u8, Vec<u8>)>,
    pub(crate) value: SigValue,
}

impl ParsedSignature {
    /// Reads a version 4 signature packet body of one of `types`, made
    /// with one of `hashes`, with the reference's checks: an issuer
    /// (fingerprint or key id, consistent) and a creation time are
    /// required.
    pub(crate) fn parse(body: &[u8], types: &[u8], hashes: &[PgpHash]) -> Result<Self, String> {
        let mut r = Reader::new(body);
        let version = r.u8("signature version")?;
        if version != 4 {
            return Err(format!(
                "Signature version '{version}' not supported, must be one of {{4}}."
            ));
        }
        let sig_type = r.u8("signature type")?;
        if !types.contains(&sig_type) {
            return Err(format!(
                "Signature type '{sig_type}' not supported (see RFC4880 5.2.1. Signature Types)."
            ));
        }
        let algorithm = r.u8("signature algorithm")?;
        if ![ALGO_RSA, ALGO_DSA, ALGO_EDDSA].contains(&algorithm) {
            return Err(unsupported_algorithm(algorithm));
        }
        let hash_id = r.u8("hash algorithm")?;
        let hash = hash_from_id(hash_id)
            .filter(|h| hashes.contains(h))
            .ok_or_else(|| {
                format!(
                    "Hash algorithm '{hash_id}' not supported (see RFC4880 9.4. Hash Algorithms)."
                )
            })?;
        let hashed_len = usize::from(r.be16("hashed subpacket length")?);
        let hashed_area = r.bytes(hashed_len, "hashed subpackets")?;
        let other_headers = body.get(..r.pos()).unwrap_or_default().to_vec();
        let unhashed_len = usize::from(r.be16("unhashed subpacket length")?);
        let unhashed_area = r.bytes(unhashed_len, "unhashed subpackets")?;
        let hashed = read_subpackets(hashed_area)?;
        let unhashed = read_subpackets(unhashed_area)?;

        // The issuer may be in either area; as the reference, a hashed one
        // wins over an unhashed one, and the last of a kind wins.
        let mut fingerprint = None;
        let mut short_keyid = None;
        for sub in unhashed.iter().chain(hashed.iter()) {
            match sub.kind {
                SUB_ISSUER_FINGERPRINT => {
                    fingerprint = Some(to_hex(sub.data.get(1..).unwrap_or_default()));
                }
                SUB_ISSUER => short_keyid = Some(to_hex(sub.data)),
                _ => {}
            }
        }
        let fingerprint = fingerprint.filter(|f| !f.is_empty());
        let short_keyid = short_keyid.filter(|s| !s.is_empty());
        if fingerprint.is_none() && short_keyid.is_none() {
            return Err(
                "This signature packet seems to be corrupted. It does not have an \
                 'Issuer' or 'Issuer Fingerprint' subpacket."
                    .into(),
            );
        }
        if let (Some(f), Some(s)) = (&fingerprint, &short_keyid)
            && !f.ends_with(s.as_str())
        {
            return Err(format!(
                "This signature packet seems to be corrupted. The key ID '{s}' of the 'Issuer' \
                 subpacket must match the lower 64 bits of the fingerprint '{f}' of the \
                 'Issuer Fingerprint' subpacket."
            ));
        }
        let creation = hashed
            .iter()
            .rev()
            .find(|s| s.kind == SUB_CREATION_TIME)
            .map(|s| s.data);
        if !matches!(creation, Some(d) if d.len() == 4 && d != [0, 0, 0, 0]) {
            return Err(
                "This signature packet seems to be corrupted. It does not have a \
                 'Signature Creation Time' subpacket."
                    .into(),
            );
        }
        r.be16("left 16 bits of the hash")?;
        let value = SigValue::read(algorithm, &mut r)?;
        Ok(Self {
            hash,
            other_headers,
            fingerprint,
            short_keyid,
            hashed: hashed.iter().map(|s| (s.kind, s.data.to_vec())).collect(),
            value,
        })
    }

    /// The issuer: the fingerprint, else the short key id.
    pub(crate) fn issuer(&self) -> &str {
        self.fingerprint
            .as_deref()
            .or(self.short_keyid.as_deref())
            .unwrap_or_default()
    }

    /// The last hashed subpacket of `kind`.
    pub(crate) fn hashed_subpacket(&self, kind: u8) -> Option<&[u8]> {
        self.hashed
            .iter()
            .rev()
            .find(|(k, _)| *k == kind)
            .map(|(_, d)| d.as_slice())
    }

    /// The signature creation time (present: [`parse`](Self::parse) checks).
    pub(crate) fn creation_time(&self) -> u32 {
        self.hashed_subpacket(SUB_CREATION_TIME)
            .and_then(|d| d.try_into().ok())
            .map(u32::from_be_bytes)
            .unwrap_or(0)
    }

    /// Whether this signature over `content` verifies with `key`.
    pub(crate) fn verifies(&self, key: &Params, content: &[&[u8]]) -> bool {
        let digest = signed_digest(self.hash, content, &self.other_headers);
        check_value(key, self.hash, &digest, &self.value)
    }
}

/// A GnuPG signature as the reference stores it in a Metablock:
/// `{"keyid", "other_headers", "signature"}` (hex strings).
///
/// * `keyid`: the fingerprint of the (sub)key that signed;
/// * `other_headers`: the version 4 signature header and hashed subpackets;
/// * `signature`: the RSA signature integer, a DER `(r, s)` for DSA, or
///   `R || S` for Ed25519.
///
/// The signed digest is `SHA-256(content || other_headers || 0x04 0xFF ||
/// be32(len(other_headers)))`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GpgSignature {
    keyid: KeyId,
    other_headers: Vec<u8>,
    signature: Vec<u8>,
}

impl GpgSignature {
    /// A signature from its parts.
    pub fn new(keyid: KeyId, other_headers: Vec<u8>, signature: Vec<u8>) -> Self {
        Self {
            keyid,
            other_headers,
            signature,
        }
    }

    /// The fingerprint of the key or subkey that signed.
    pub fn keyid(&self) -> &KeyId {
        &self.keyid
    }

    /// The signed signature headers.
    pub fn other_headers(&self) -> &[u8] {
        &self.other_headers
    }

    /// The signature value, in the reference's encoding.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// Whether a Metablock signature entry has the GnuPG shape (both
    /// `signature` and `other_headers`), which is how the reference tells
    /// GnuPG signatures from others.
    pub fn is_gpg_entry(v: &Value) -> bool {
        v.get("signature").is_some() && v.get("other_headers").is_some()
    }

    /// Reads a signature dict. Fails with
    /// [`GpgError::MalformedSignature`] when a member is missing or not hex.
    pub fn from_value(v: &Value) -> Result<Self, GpgError> {
        let keyid_str = v.get("keyid").and_then(Value::as_str).unwrap_or_default();
        let malformed = |reason: String| GpgError::MalformedSignature {
            keyid: keyid_str.to_owned(),
            reason,
        };
        let keyid = KeyId::new(keyid_str)
            .map_err(|_| malformed("'keyid' must be a non-empty hex string".into()))?;
        let hex = |k: &str| -> Result<Vec<u8>, GpgError> {
            let s = v
                .get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| malformed(format!("'{k}' must be a string")))?;
            crate::digest::from_hex(s)
                .ok_or_else(|| malformed(format!("'{k}' is not a hex string")))
        };
        Ok(Self {
            keyid,
            other_headers: hex("other_headers")?,
            signature: hex("signature")?,
        })
    }

    /// The signature dict (lowercase hex).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("keyid".into(), Value::from(self.keyid.as_str()));
        m.insert(
            "other_headers".into(),
            Value::from(to_hex(&self.other_headers)),
        );
        m.insert("signature".into(), Value::from(to_hex(&self.signature)));
        Value::Object(m)
    }

    /// Reads the output of `gpg --detach-sign --digest-algo SHA256`: a
    /// version 4 binary-document signature with SHA-256 by an RSA, DSA or
    /// EdDSA key, which must name its issuer's fingerprint (GnuPG 2.1 and
    /// later always do).
    pub fn from_packet(data: &[u8]) -> Result<Self, GpgError> {
        let parsed = read_detached(data)?;
        let keyid = parsed
            .fingerprint
            .as_deref()
            .ok_or_else(|| GpgError::SignaturePacket {
                reason: "it names no issuer fingerprint (GnuPG older than 2.1?)".into(),
            })
            .and_then(|f| {
                KeyId::new(f).map_err(|_| GpgError::SignaturePacket {
                    reason: "the issuer fingerprint is empty".into(),
                })
            })?;
        Ok(Self::from_parsed(keyid, &parsed))
    }

    pub(crate) fn from_parsed(keyid: KeyId, parsed: &ParsedSignature) -> Self {
        Self {
            keyid,
            other_headers: parsed.other_headers.clone(),
            signature: parsed.value.to_dict_bytes(),
        }
    }
}

/// Reads a detached signature packet as the reference does (only its first
/// packet is looked at).
pub(crate) fn read_detached(data: &[u8]) -> Result<ParsedSignature, GpgError> {
    let bad = |reason: String| GpgError::SignaturePacket { reason };
    let packet = read_packet(data).map_err(bad)?;
    if packet.tag != TAG_SIGNATURE {
        return Err(bad(format!(
            "Expected packet {TAG_SIGNATURE}, but got {} instead!",
            packet.tag
        )));
    }
    ParsedSignature::parse(packet.body, &[SIG_BINARY], &[PgpHash::Sha256]).map_err(bad)
}

/// Verifies `sig` over `msg` with `main` (a main key) or the subkey the
/// signature names, as the reference does, and more strictly:
///
/// * the signing key must be `main` or one of its subkeys (a subkey that
///   the keyring showed revoked gives [`GpgError::KeyRevoked`]);
/// * the signing key, and the main key when a subkey signed, must not have
///   expired at `now_unix` ([`GpgError::KeyExpired`]);
/// * RSA and DSA keys need 2048 bits ([`GpgError::WeakKey`]);
/// * `other_headers` must be those of a version 4 binary-document
///   signature with SHA-256 by the signing key's algorithm.
pub(crate) fn verify(
    main: &GpgKey,
    msg: &[u8],
    sig: &GpgSignature,
    now_unix: i64,
) -> Result<(), GpgError> {
    let signer = if sig.keyid == main.keyid {
        main
    } else if let Some(sub) = main.subkeys.iter().find(|s| s.keyid == sig.keyid) {
        sub
    } else if main.revoked_subkeys.contains(&sig.keyid) {
        return Err(GpgError::KeyRevoked {
            keyid: sig.keyid.to_string(),
            main_keyid: Some(main.keyid.to_string()),
        });
    } else {
        return Err(GpgError::WrongKey {
            keyid: main.keyid.to_string(),
            signature_keyid: sig.keyid.to_string(),
        });
    };
    signer.check_expiry(now_unix)?;
    main.check_expiry(now_unix)?;
    signer.check_strength()?;
    let invalid = |reason: &str| GpgError::InvalidSignature {
        keyid: sig.keyid.to_string(),
        reason: reason.to_owned(),
    };
    check_headers(&sig.other_headers, signer.params.algorithm()).map_err(|r| invalid(&r))?;
    let value = SigValue::from_dict_bytes(&signer.params, &sig.signature)
        .ok_or_else(|| invalid("the signature value is malformed"))?;
    let digest = signed_digest(PgpHash::Sha256, &[msg], &sig.other_headers);
    if check_value(&signer.params, PgpHash::Sha256, &digest, &value) {
        Ok(())
    } else {
        Err(invalid("the signature does not verify"))
    }
}

/// Checks that `other_headers` is a well-formed version 4 header of a
/// binary-document signature with SHA-256 by `algorithm`.
fn check_headers(h: &[u8], algorithm: u8) -> Result<(), String> {
    let mut r = Reader::new(h);
    let head = r.bytes(4, "signature headers")?;
    if head != [4, SIG_BINARY, algorithm, HASH_ID_SHA256] {
        return Err(format!(
            "its headers (version, type, algorithm, hash: {:?}) are not those of a version 4 \
             binary-document signature with SHA-256 by this key ({:?})",
            head,
            [4, SIG_BINARY, algorithm, HASH_ID_SHA256]
        ));
    }
    let len = usize::from(r.be16("hashed subpacket length")?);
    let area = r.bytes(len, "hashed subpackets")?;
    if !r.is_empty() {
        return Err("its headers have trailing bytes".into());
    }
    read_subpackets(area)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(body: &[u8]) -> Vec<u8> {
        let mut p = vec![0x88, u8::try_from(body.len()).unwrap()];
        p.extend_from_slice(body);
        p
    }

    /// A version 4 EdDSA binary signature body with the given subpackets.
    fn eddsa_body(hashed: &[u8], unhashed: &[u8]) -> Vec<u8> {
        let mut b = vec![4, SIG_BINARY, ALGO_EDDSA, HASH_ID_SHA256];
        b.extend_from_slice(&u16::try_from(hashed.len()).unwrap().to_be_bytes());
        b.extend_from_slice(hashed);
        b.extend_from_slice(&u16::try_from(unhashed.len()).unwrap().to_be_bytes());
        b.extend_from_slice(unhashed);
        b.extend_from_slice(&[0xab, 0xcd]);
        // R with a dropped leading zero (31 bytes), S full.
        b.extend_from_slice(&[0x00, 0xf8]);
        b.extend_from_slice(&[0x11; 31]);
        b.extend_from_slice(&[0x01, 0x00]);
        b.extend_from_slice(&[0x80; 32]);
        b
    }

    fn fpr_subpacket(fpr: &[u8; 20]) -> Vec<u8> {
        let mut s = vec![22, SUB_ISSUER_FINGERPRINT, 4];
        s.extend_from_slice(fpr);
        s
    }

    const CREATED: [u8; 6] = [5, SUB_CREATION_TIME, 0x60, 0, 0, 0];

    #[test]
    fn detached_signature_becomes_the_reference_dict() {
        let mut hashed = fpr_subpacket(&[0xaa; 20]);
        hashed.extend_from_slice(&CREATED);
        let body = eddsa_body(
            &hashed,
            &[
                9, SUB_ISSUER, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
            ],
        );
        let sig = GpgSignature::from_packet(&packet(&body)).unwrap();
        assert_eq!(sig.keyid().as_str(), "aa".repeat(20));
        assert_eq!(sig.other_headers(), &body[..6 + hashed.len()]);
        let mut expected = vec![0u8];
        expected.extend_from_slice(&[0x11; 31]);
        expected.extend_from_slice(&[0x80; 32]);
        assert_eq!(sig.signature(), expected.as_slice());
        let round = GpgSignature::from_value(&sig.to_value()).unwrap();
        assert_eq!(round, sig);
    }

    #[test]
    fn detached_signature_requirements() {
        let created_only = eddsa_body(&CREATED, &[]);
        let err = GpgSignature::from_packet(&packet(&created_only)).unwrap_err();
        assert!(err.to_string().contains("'Issuer'"), "{err}");

        let no_time = eddsa_body(&fpr_subpacket(&[1; 20]), &[]);
        let err = GpgSignature::from_packet(&packet(&no_time)).unwrap_err();
        assert!(err.to_string().contains("Creation Time"), "{err}");

        // Only a short key id: fine for parsing, but no fingerprint.
        let mut hashed = CREATED.to_vec();
        hashed.extend_from_slice(&[9, SUB_ISSUER, 1, 2, 3, 4, 5, 6, 7, 8]);
        let short = eddsa_body(&hashed, &[]);
        let parsed = read_detached(&packet(&short)).unwrap();
        assert_eq!(parsed.short_keyid.as_deref(), Some("0102030405060708"));
        assert!(GpgSignature::from_packet(&packet(&short)).is_err());

        // Inconsistent issuer subpackets.
        let mut hashed = fpr_subpacket(&[1; 20]);
        hashed.extend_from_slice(&CREATED);
        hashed.extend_from_slice(&[9, SUB_ISSUER, 9, 9, 9, 9, 9, 9, 9, 9]);
        let err = read_detached(&packet(&eddsa_body(&hashed, &[]))).unwrap_err();
        assert!(err.to_string().contains("must match"), "{err}");

        // Not a signature packet; not a binary signature.
        let err = GpgSignature::from_packet(&[0xb4, 1, 0x41]).unwrap_err();
        assert!(
            err.to_string().contains("Expected packet 2, but got 13"),
            "{err}"
        );
        let mut text = eddsa_body(&CREATED, &[]);
        text[1] = 0x01;
        assert!(read_detached(&packet(&text)).is_err());
        let mut sha1 = eddsa_body(&CREATED, &[]);
        sha1[3] = 2;
        assert!(read_detached(&packet(&sha1)).is_err());
    }

    #[test]
    fn headers_must_be_a_binary_sha256_signature_by_the_key() {
        let good = [4, 0, ALGO_RSA, 8, 0, 6, 5, 2, 1, 2, 3, 4];
        assert!(check_headers(&good, ALGO_RSA).is_ok());
        assert!(check_headers(&good, ALGO_DSA).is_err());
        let mut text = good;
        text[1] = 1;
        assert!(check_headers(&text, ALGO_RSA).is_err());
        let mut sha512 = good;
        sha512[3] = 10;
        assert!(check_headers(&sha512, ALGO_RSA).is_err());
        assert!(check_headers(&good[..good.len() - 1], ALGO_RSA).is_err());
        let mut trailing = good.to_vec();
        trailing.push(0);
        assert!(check_headers(&trailing, ALGO_RSA).is_err());
        assert!(check_headers(&[], ALGO_RSA).is_err());
    }

    #[test]
    fn malformed_dicts_are_named() {
        let v = intoto_cjson::from_slice(
            br#"{"keyid": "ab", "other_headers": "zz", "signature": "00"}"#,
        )
        .unwrap();
        let err = GpgSignature::from_value(&v).unwrap_err();
        assert_eq!(
            err.to_string(),
            "malformed GPG signature by key 'ab': 'other_headers' is not a hex string"
        );
        let v = intoto_cjson::from_slice(br#"{"keyid": "ab", "other_headers": "00"}"#).unwrap();
        assert!(GpgSignature::from_value(&v).is_err());
        assert!(!GpgSignature::is_gpg_entry(&v));
    }
}
