//! The cryptographic backend: the only module that names `aws-lc-rs`.
//!
//! Everything here works on DER bytes and the crate's own small types, so
//! that the backend could be swapped without touching the rest. Failures
//! are reported as `()` or as a [`KeyError::Backend`]; callers decide what
//! the user sees.
//!
//! RSA-PSS verification needs one thing aws-lc-rs does not offer: Python
//! verifies PSS signatures with `PSS.AUTO`, i.e. *any* salt length, while
//! aws-lc-rs only takes a fixed salt length (and needs a `'static`
//! parameter set for it). Signatures with the usual salt length (= digest
//! length, what Python and we sign with) are checked by aws-lc-rs; any
//! other signature is then checked by [`rsa_pss`], which recovers the salt
//! length from the encoded message as RFC 8017 section 9.1.2 allows.

pub(crate) mod dsa;
mod rsa_pss;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, EcdsaSigningAlgorithm, Ed25519KeyPair, KeyPair as _,
    ParsedPublicKey, RsaKeyPair, UnparsedPublicKey, VerificationAlgorithm,
};
use zeroize::Zeroizing;

use crate::error::KeyError;
use crate::material::Material;
use crate::scheme::{Curve, HashAlg, Scheme};

/// Fills `buf` with random bytes from the operating system's generator.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), KeyError> {
    aws_lc_rs::rand::fill(buf).map_err(|_| KeyError::Backend {
        operation: "generating random bytes",
    })
}

/// Validates an RSA public key given as PKCS#1 `RSAPublicKey` or SPKI DER,
/// and returns its canonical PKCS#1 DER and its modulus size in bits.
pub(crate) fn rsa_public_key(der: &[u8]) -> Option<(Vec<u8>, usize)> {
    let key = aws_lc_rs::rsa::PublicKey::from_der(der).ok()?;
    let pkcs1 = key.as_ref().to_vec();
    let bits = sig::RsaParameters::public_modulus_len(&pkcs1).ok()?;
    Some((pkcs1, usize::try_from(bits).ok()?))
}

fn ecdsa_verification(curve: Curve) -> &'static dyn VerificationAlgorithm {
    match curve {
        Curve::P256 => &sig::ECDSA_P256_SHA256_ASN1,
        Curve::P384 => &sig::ECDSA_P384_SHA384_ASN1,
        Curve::P521 => &sig::ECDSA_P521_SHA512_ASN1,
    }
}

fn ecdsa_signing(curve: Curve) -> &'static EcdsaSigningAlgorithm {
    match curve {
        Curve::P256 => &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        Curve::P384 => &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
        Curve::P521 => &sig::ECDSA_P521_SHA512_ASN1_SIGNING,
    }
}

/// Validates an EC point (X9.62: uncompressed or compressed) on `curve` and
/// returns the key's SPKI DER with the point uncompressed, which is how
/// Python's `cryptography` re-serialises it.
pub(crate) fn ec_public_spki(curve: Curve, point: &[u8]) -> Option<Vec<u8>> {
    // A bare point makes the backend build a fresh key, whose encoding is
    // always the uncompressed form.
    let key = ParsedPublicKey::new(ecdsa_verification(curve), point).ok()?;
    let der = key.as_der().ok()?;
    Some(der.as_ref().to_vec())
}

/// Verifies `signature` over `msg` with `material` under exactly `scheme`.
/// Any mismatch between scheme and key is a failure.
pub(crate) fn verify(scheme: Scheme, material: &Material, msg: &[u8], signature: &[u8]) -> bool {
    match (scheme, material) {
        (Scheme::Ed25519, Material::Ed25519(pk)) => UnparsedPublicKey::new(&sig::ED25519, pk)
            .verify(msg, signature)
            .is_ok(),
        (Scheme::Ecdsa(curve), Material::Ecdsa { curve: c, point }) if curve == *c => {
            UnparsedPublicKey::new(ecdsa_verification(curve), point)
                .verify(msg, signature)
                .is_ok()
        }
        (Scheme::RsaPkcs1v15(hash), Material::Rsa { pkcs1, .. }) => {
            let alg: &'static dyn VerificationAlgorithm = match hash {
                HashAlg::Sha256 => &sig::RSA_PKCS1_2048_8192_SHA256,
                HashAlg::Sha384 => &sig::RSA_PKCS1_2048_8192_SHA384,
                HashAlg::Sha512 => &sig::RSA_PKCS1_2048_8192_SHA512,
            };
            UnparsedPublicKey::new(alg, pkcs1)
                .verify(msg, signature)
                .is_ok()
        }
        (Scheme::RsaPss(hash), Material::Rsa { pkcs1, bits }) => {
            // RSA signatures are exactly as long as the modulus (RFC 8017
            // 8.1.2 step 1), whatever the salt.
            if signature.len() != bits.div_ceil(8) {
                return false;
            }
            let alg: &'static dyn VerificationAlgorithm = match hash {
                HashAlg::Sha256 => &sig::RSA_PSS_2048_8192_SHA256,
                HashAlg::Sha384 => &sig::RSA_PSS_2048_8192_SHA384,
                HashAlg::Sha512 => &sig::RSA_PSS_2048_8192_SHA512,
            };
            UnparsedPublicKey::new(alg, pkcs1)
                .verify(msg, signature)
                .is_ok()
                || rsa_pss::verify_any_salt(hash, pkcs1, msg, signature)
        }
        _ => false,
    }
}

/// A private key held by the backend.
pub(crate) enum KeyPair {
    Ed25519(Ed25519KeyPair),
    Rsa(RsaKeyPair),
    Ecdsa(EcdsaKeyPair),
}

impl KeyPair {
    /// An Ed25519 key from PKCS#8 (v1 as Python writes it, or v2).
    pub(crate) fn ed25519_from_pkcs8(der: &[u8]) -> Option<Self> {
        Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
            .ok()
            .map(Self::Ed25519)
    }

    /// An RSA key from PKCS#8.
    pub(crate) fn rsa_from_pkcs8(der: &[u8]) -> Option<Self> {
        RsaKeyPair::from_pkcs8(der).ok().map(Self::Rsa)
    }

    /// An RSA key from PKCS#1 `RSAPrivateKey`.
    pub(crate) fn rsa_from_pkcs1(der: &[u8]) -> Option<Self> {
        RsaKeyPair::from_der(der).ok().map(Self::Rsa)
    }

    /// An ECDSA key from PKCS#8.
    pub(crate) fn ecdsa_from_pkcs8(curve: Curve, der: &[u8]) -> Option<Self> {
        EcdsaKeyPair::from_pkcs8(ecdsa_signing(curve), der)
            .ok()
            .map(Self::Ecdsa)
    }

    /// An ECDSA key from SEC1 `ECPrivateKey` (RFC 5915).
    pub(crate) fn ecdsa_from_sec1(curve: Curve, der: &[u8]) -> Option<Self> {
        EcdsaKeyPair::from_private_key_der(ecdsa_signing(curve), der)
            .ok()
            .map(Self::Ecdsa)
    }

    /// A new Ed25519 key.
    pub(crate) fn generate_ed25519() -> Result<Self, KeyError> {
        Ed25519KeyPair::generate()
            .map(Self::Ed25519)
            .map_err(|_| generation_failed())
    }

    /// A new RSA key; `bits` must be 2048, 3072, 4096 or 8192.
    pub(crate) fn generate_rsa(bits: usize) -> Result<Self, KeyError> {
        use aws_lc_rs::rsa::KeySize;
        let size = match bits {
            2048 => KeySize::Rsa2048,
            3072 => KeySize::Rsa3072,
            4096 => KeySize::Rsa4096,
            8192 => KeySize::Rsa8192,
            _ => {
                return Err(KeyError::UnsupportedRsaKeySize {
                    bits,
                    supported: GENERATABLE_RSA_SIZES,
                });
            }
        };
        RsaKeyPair::generate(size)
            .map(Self::Rsa)
            .map_err(|_| generation_failed())
    }

    /// A new ECDSA key on `curve`.
    pub(crate) fn generate_ecdsa(curve: Curve) -> Result<Self, KeyError> {
        EcdsaKeyPair::generate(ecdsa_signing(curve))
            .map(Self::Ecdsa)
            .map_err(|_| generation_failed())
    }

    /// The key as unencrypted PKCS#8 v1 DER.
    pub(crate) fn to_pkcs8(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let err = || KeyError::Backend {
            operation: "serialising a private key",
        };
        let der: Pkcs8V1Der<'static> = match self {
            Self::Ed25519(k) => k.as_der().map_err(|_| err())?,
            Self::Rsa(k) => k.as_der().map_err(|_| err())?,
            Self::Ecdsa(k) => {
                let doc = k.to_pkcs8v1().map_err(|_| err())?;
                return Ok(Zeroizing::new(doc.as_ref().to_vec()));
            }
        };
        Ok(Zeroizing::new(der.as_ref().to_vec()))
    }

    /// The public key as SPKI DER.
    pub(crate) fn public_spki(&self) -> Result<Vec<u8>, KeyError> {
        let err = || KeyError::Backend {
            operation: "encoding a public key",
        };
        let der = match self {
            Self::Ed25519(k) => k.public_key().as_der().map_err(|_| err())?,
            Self::Rsa(k) => k.public_key().as_der().map_err(|_| err())?,
            Self::Ecdsa(k) => k.public_key().as_der().map_err(|_| err())?,
        };
        Ok(der.as_ref().to_vec())
    }

    /// Signs `msg`: Ed25519; RSASSA-PSS with SHA-256, MGF1-SHA-256 and a
    /// 32-byte salt; or ECDSA with the curve's hash and a DER signature.
    pub(crate) fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, ()> {
        match self {
            Self::Ed25519(k) => k.try_sign(msg).map(|s| s.as_ref().to_vec()).map_err(|_| ()),
            Self::Rsa(k) => {
                let mut out = vec![0u8; k.public_modulus_len()];
                k.sign(&sig::RSA_PSS_SHA256, &SystemRandom::new(), msg, &mut out)
                    .map_err(|_| ())?;
                Ok(out)
            }
            Self::Ecdsa(k) => k
                .sign(&SystemRandom::new(), msg)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| ()),
        }
    }
}

/// The RSA sizes [`KeyPair::generate_rsa`] can make.
pub(crate) const GENERATABLE_RSA_SIZES: &str = "2048, 3072, 4096 or 8192";

fn generation_failed() -> KeyError {
    KeyError::Backend {
        operation: "generating a key",
    }
}

/// SHA-512 of `data` as lowercase hex.
pub(crate) fn sha512_hex(data: &[u8]) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA512, data);
    crate::digest::to_hex(d.as_ref())
}

/// A hash function of OpenPGP signatures (RFC 4880 section 9.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PgpHash {
    /// SHA-1 (id 2); only for self-signatures of keys, as the reference.
    Sha1,
    /// SHA-256 (id 8).
    Sha256,
    /// SHA-512 (id 10).
    Sha512,
}

impl PgpHash {
    fn algorithm(self) -> &'static aws_lc_rs::digest::Algorithm {
        match self {
            Self::Sha1 => &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
            Self::Sha256 => &aws_lc_rs::digest::SHA256,
            Self::Sha512 => &aws_lc_rs::digest::SHA512,
        }
    }
}

/// The digest of the concatenation of `parts`.
pub(crate) fn pgp_digest(hash: PgpHash, parts: &[&[u8]]) -> Vec<u8> {
    let mut ctx = aws_lc_rs::digest::Context::new(hash.algorithm());
    for part in parts {
        ctx.update(part);
    }
    ctx.finish().as_ref().to_vec()
}

/// Verifies an RSASSA-PKCS1-v1_5 signature of a precomputed `digest` with
/// the key `(n, e)`. Any modulus from 1024 to 8192 bits is accepted here;
/// callers apply their own minimum. The signature must already be as long
/// as the modulus.
pub(crate) fn verify_rsa_pkcs1_digest(
    n: &[u8],
    e: &[u8],
    hash: PgpHash,
    digest: &[u8],
    signature: &[u8],
) -> bool {
    use der::Encode;
    let (Ok(modulus), Ok(public_exponent)) =
        (der::asn1::UintRef::new(n), der::asn1::UintRef::new(e))
    else {
        return false;
    };
    let Ok(pkcs1_der) = (pkcs1::RsaPublicKey {
        modulus,
        public_exponent,
    })
    .to_der() else {
        return false;
    };
    let Ok(digest) = aws_lc_rs::digest::Digest::import_less_safe(digest, hash.algorithm()) else {
        return false;
    };
    let alg: &'static dyn VerificationAlgorithm = match hash {
        PgpHash::Sha1 => &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        PgpHash::Sha256 => &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        PgpHash::Sha512 => &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
    };
    UnparsedPublicKey::new(alg, pkcs1_der)
        .verify_digest(&digest, signature)
        .is_ok()
}

/// Verifies a pure Ed25519 signature of `msg`.
pub(crate) fn verify_ed25519(public: &[u8; 32], msg: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&sig::ED25519, public)
        .verify(msg, signature)
        .is_ok()
}
