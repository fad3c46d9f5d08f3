//! Private keys: loading (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1),
//! generating, writing, and signing.

use std::fmt;

use der::asn1::OctetStringRef;
use der::{Decode, Encode};
use pkcs8::pkcs5::{self, pbes2};
use pkcs8::{EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use zeroize::Zeroizing;

use crate::backend::{self, KeyPair};
use crate::error::{KeyError, SignatureError};
use crate::material::{self, Material, RSA_BITS, RSA_BITS_TEXT, oid};
use crate::pem;
use crate::public::PublicKey;
use crate::scheme::Curve;

/// What kind of key [`PrivateKey::generate`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeySpec {
    /// An Ed25519 key (scheme `ed25519`).
    Ed25519,
    /// An RSA key of `bits` bits (scheme `rsassa-pss-sha256`). The backend
    /// can make 2048, 3072, 4096 and 8192 bits;
    /// [`KeySpec::DEFAULT_RSA_BITS`] (3072) is the recommended size.
    Rsa {
        /// The modulus size in bits.
        bits: usize,
    },
    /// An ECDSA key on a NIST curve (scheme `ecdsa-sha2-nistp256|384|521`).
    Ecdsa(Curve),
}

impl KeySpec {
    /// The default RSA key size, 3072 bits (128-bit security).
    pub const DEFAULT_RSA_BITS: usize = 3072;

    /// An RSA key of the default size.
    pub const fn rsa_default() -> Self {
        Self::Rsa {
            bits: Self::DEFAULT_RSA_BITS,
        }
    }
}

/// Something that signs: it knows its public key and signs bytes.
///
/// Object safe, so metadata code can take `&dyn Signer` and be handed a
/// [`PrivateKey`], a test double, or later a GnuPG or KMS signer.
pub trait Signer: Send + Sync {
    /// The public key that verifies this signer's signatures (its key id
    /// names the signatures).
    fn public_key(&self) -> &PublicKey;

    /// Signs `msg` with the public key's scheme. The error is opaque.
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignatureError>;
}

/// A private key and its public key.
///
/// The key material lives in the backend, which wipes it when the key is
/// dropped; buffers this crate makes for it (decoded PEM, decrypted DER,
/// serialised PKCS#8) are zeroized too. `Debug` shows the key id only.
pub struct PrivateKey {
    pair: KeyPair,
    public: PublicKey,
}

/// PBKDF2-HMAC-SHA256 iterations used when encrypting a key (OWASP's
/// recommendation for PBKDF2-HMAC-SHA256). Python's `cryptography` uses
/// 2048; any count loads in both.
pub const PBKDF2_ITERATIONS: u32 = 600_000;

/// The largest PBKDF2 iteration count accepted when decrypting, so that a
/// hostile key file cannot make loading take hours.
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// The largest scrypt memory (128 * r * N bytes) accepted when decrypting.
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// The largest scrypt work (N * r * p) accepted when decrypting.
const MAX_SCRYPT_WORK: u64 = 1 << 24;

const LABEL_PKCS8: &str = "PRIVATE KEY";
const LABEL_ENCRYPTED_PKCS8: &str = "ENCRYPTED PRIVATE KEY";
const LABEL_RSA: &str = "RSA PRIVATE KEY";
const LABEL_EC: &str = "EC PRIVATE KEY";
const LABEL_DSA: &str = "DSA PRIVATE KEY";
const LABEL_OPENSSH: &str = "OPENSSH PRIVATE KEY";
const PRIVATE_LABELS: [&str; 6] = [
    LABEL_PKCS8,
    LABEL_ENCRYPTED_PKCS8,
    LABEL_RSA,
    LABEL_EC,
    LABEL_DSA,
    LABEL_OPENSSH,
];

impl PrivateKey {
    /// Loads a PEM private key, as Python's `load_pem_private_key` does:
    /// PKCS#8 (`PRIVATE KEY`), encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`:
    /// PBES2 with PBKDF2 or scrypt, AES-CBC or AES-GCM), or the traditional
    /// `RSA PRIVATE KEY` (PKCS#1) and `EC PRIVATE KEY` (SEC1).
    ///
    /// The password cases are distinct errors, as in the reference:
    /// [`KeyError::PasswordRequired`], [`KeyError::WrongPassword`] and
    /// [`KeyError::PasswordNotExpected`] (an empty password counts as
    /// given). Ed25519, RSA (2048 to 8192 bits) and ECDSA on P-256, P-384
    /// and P-521 are supported; other key types, curves and formats are
    /// refused with a typed error.
    pub fn from_pem(pem: &[u8], password: Option<&[u8]>) -> Result<Self, KeyError> {
        let blocks = pem::parse(pem)?;
        let Some(first) = blocks.first() else {
            return Err(pem::no_pem_error(pem));
        };
        let Some(block) = blocks
            .iter()
            .find(|b| PRIVATE_LABELS.contains(&b.label.as_str()))
        else {
            return Err(KeyError::NotAPrivateKey {
                found: first.label.clone(),
            });
        };
        match block.label.as_str() {
            LABEL_ENCRYPTED_PKCS8 => {
                let password = password.ok_or(KeyError::PasswordRequired)?;
                let der = decrypt_pkcs8(&block.der, password)?;
                // A wrong password can decrypt to garbage with valid padding.
                if PrivateKeyInfoRef::from_der(&der).is_err() {
                    return Err(KeyError::WrongPassword);
                }
                Self::from_pkcs8_der(&der)
            }
            LABEL_RSA | LABEL_EC if block.has_headers => {
                if password.is_none() {
                    return Err(KeyError::PasswordRequired);
                }
                Err(KeyError::UnsupportedEncryption {
                    scheme: "legacy OpenSSL PEM encryption (Proc-Type/DEK-Info); convert the \
                             key to encrypted PKCS#8, e.g. `openssl pkcs8 -topk8 -v2 aes-256-cbc`"
                        .to_owned(),
                })
            }
            LABEL_OPENSSH => Err(KeyError::UnsupportedFormat {
                format: "OpenSSH private key (convert it to PKCS#8 with \
                         `ssh-keygen -p -m PKCS8 -f <file>`)"
                    .to_owned(),
            }),
            LABEL_DSA => Err(KeyError::UnsupportedKeyType {
                key_type: "DSA".to_owned(),
            }),
            label => {
                if password.is_some() {
                    return Err(KeyError::PasswordNotExpected);
                }
                match label {
                    LABEL_RSA => Self::from_pkcs1_der(&block.der),
                    LABEL_EC => Self::from_sec1_der(&block.der),
                    _ => Self::from_pkcs8_der(&block.der),
                }
            }
        }
    }

    fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        const WHAT: &str = "PKCS#8 private key";
        let info = PrivateKeyInfoRef::from_der(der).map_err(|e| KeyError::MalformedKey {
            what: WHAT,
            reason: e.to_string(),
        })?;
        let alg = &info.algorithm;
        let pair = match alg.oid {
            oid::ED25519 => KeyPair::ed25519_from_pkcs8(der),
            oid::RSA_ENCRYPTION => {
                check_rsa_private_size(info.private_key.as_bytes())?;
                KeyPair::rsa_from_pkcs8(der)
            }
            oid::EC_PUBLIC_KEY => KeyPair::ecdsa_from_pkcs8(material::curve_of(alg)?, der),
            other => return Err(material::unsupported_algorithm(other)),
        };
        Self::from_pair(pair.ok_or_else(|| rejected(WHAT))?)
    }

    fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        check_rsa_private_size(der)?;
        Self::from_pair(
            KeyPair::rsa_from_pkcs1(der).ok_or_else(|| rejected("PKCS#1 RSA private key"))?,
        )
    }

    fn from_sec1_der(der: &[u8]) -> Result<Self, KeyError> {
        const WHAT: &str = "SEC1 EC private key";
        let key = sec1::EcPrivateKey::from_der(der).map_err(|e| KeyError::MalformedKey {
            what: WHAT,
            reason: e.to_string(),
        })?;
        let named = key
            .parameters
            .and_then(|p| p.named_curve())
            .ok_or_else(|| KeyError::UnsupportedCurve {
                curve: "a SEC1 key without a named curve".to_owned(),
            })?;
        let curve = material::curve_from_oid(named)?;
        Self::from_pair(KeyPair::ecdsa_from_sec1(curve, der).ok_or_else(|| rejected(WHAT))?)
    }

    fn from_pair(pair: KeyPair) -> Result<Self, KeyError> {
        let spki = pair.public_spki()?;
        let public = PublicKey::from_material(Material::from_spki_der(&spki)?)?;
        Ok(Self { pair, public })
    }

    /// Makes a new key with the operating system's random generator.
    pub fn generate(spec: KeySpec) -> Result<Self, KeyError> {
        let pair = match spec {
            KeySpec::Ed25519 => KeyPair::generate_ed25519()?,
            KeySpec::Rsa { bits } => KeyPair::generate_rsa(bits)?,
            KeySpec::Ecdsa(curve) => KeyPair::generate_ecdsa(curve)?,
        };
        Self::from_pair(pair)
    }

    /// The key as PKCS#8 PEM. With a password, it is encrypted the way
    /// Python's `BestAvailableEncryption` does it (PBES2 with
    /// PBKDF2-HMAC-SHA256 and AES-256-CBC, fresh random 16-byte salt and
    /// IV), with [`PBKDF2_ITERATIONS`] iterations; `cryptography`'s
    /// `load_pem_private_key` reads both forms.
    pub fn to_pkcs8_pem(&self, password: Option<&[u8]>) -> Result<Zeroizing<String>, KeyError> {
        let der = self.pair.to_pkcs8()?;
        let Some(password) = password else {
            return Ok(pem::encode(LABEL_PKCS8, &der));
        };
        if password.is_empty() {
            return Err(KeyError::EmptyPassword);
        }
        let encryption_failed = || KeyError::Backend {
            operation: "encrypting a private key",
        };
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        backend::fill_random(&mut salt)?;
        backend::fill_random(&mut iv)?;
        let params =
            pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(PBKDF2_ITERATIONS, &salt, iv)
                .map_err(|_| encryption_failed())?;
        let ciphertext = params
            .encrypt(password, &der)
            .map_err(|_| encryption_failed())?;
        let info = EncryptedPrivateKeyInfoRef {
            encryption_algorithm: params.into(),
            encrypted_data: OctetStringRef::new(&ciphertext).map_err(|_| encryption_failed())?,
        };
        let encrypted = info.to_der().map_err(|_| encryption_failed())?;
        Ok(pem::encode(LABEL_ENCRYPTED_PKCS8, &encrypted))
    }

    /// The public key, as the reference derives it from the private key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Signs `msg`: Ed25519 (deterministic); RSA always
    /// `rsassa-pss-sha256` (MGF1-SHA-256, 32-byte salt); ECDSA with SHA-256,
    /// SHA-384 or SHA-512 for P-256, P-384 or P-521, DER-encoded.
    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignatureError> {
        self.pair
            .sign(msg)
            .map_err(|()| SignatureError::signing_failed())
    }
}

impl Signer for PrivateKey {
    fn public_key(&self) -> &PublicKey {
        &self.public
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignatureError> {
        PrivateKey::sign(self, msg)
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("keyid", &self.public.keyid().as_str())
            .field("scheme", &self.public.scheme())
            .finish_non_exhaustive()
    }
}

fn rejected(what: &'static str) -> KeyError {
    KeyError::MalformedKey {
        what,
        reason: "the key is not valid (inconsistent or out-of-range values)".to_owned(),
    }
}

/// Checks the modulus size of a PKCS#1 `RSAPrivateKey` before the backend
/// sees it, so that the error can say what is wrong.
fn check_rsa_private_size(pkcs1: &[u8]) -> Result<(), KeyError> {
    let key = pkcs1::RsaPrivateKeyRef::from_der(pkcs1).map_err(|e| KeyError::MalformedKey {
        what: "RSA private key",
        reason: e.to_string(),
    })?;
    let modulus = key.modulus.as_bytes();
    let bits = match modulus.iter().position(|&b| b != 0) {
        Some(i) => {
            let top = modulus.get(i).copied().unwrap_or(0);
            (modulus.len() - i) * 8 - top.leading_zeros() as usize
        }
        None => 0,
    };
    if RSA_BITS.contains(&bits) {
        Ok(())
    } else {
        Err(KeyError::UnsupportedRsaKeySize {
            bits,
            supported: RSA_BITS_TEXT,
        })
    }
}

/// Decrypts an `EncryptedPrivateKeyInfo` after checking that its scheme is
/// one we support, within limits.
fn decrypt_pkcs8(der: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let info =
        EncryptedPrivateKeyInfoRef::from_der(der).map_err(|e| KeyError::UnsupportedEncryption {
            scheme: format!("cannot read the encryption parameters ({e})"),
        })?;
    let scheme = &info.encryption_algorithm;
    let Some(params) = scheme.pbes2() else {
        return Err(KeyError::UnsupportedEncryption {
            scheme: format!("PBES1 ({})", scheme.oid()),
        });
    };
    check_kdf_limits(&params.kdf)?;
    scheme
        .decrypt(password, info.encrypted_data.as_bytes())
        .map(Zeroizing::new)
        .map_err(|e| match e {
            pkcs5::Error::UnsupportedAlgorithm { oid } => KeyError::UnsupportedEncryption {
                scheme: format!("algorithm {oid}"),
            },
            pkcs5::Error::AlgorithmParametersInvalid { oid } => KeyError::UnsupportedEncryption {
                scheme: format!("invalid parameters for algorithm {oid}"),
            },
            _ => KeyError::WrongPassword,
        })
}

fn check_kdf_limits(kdf: &pbes2::Kdf) -> Result<(), KeyError> {
    let too_costly = |what: String| KeyError::UnsupportedEncryption { scheme: what };
    if let Some(p) = kdf.pbkdf2()
        && (p.iteration_count == 0 || p.iteration_count > MAX_PBKDF2_ITERATIONS)
    {
        return Err(too_costly(format!(
            "PBKDF2 with {} iterations (at most {MAX_PBKDF2_ITERATIONS} are accepted)",
            p.iteration_count
        )));
    }
    if let Some(s) = kdf.scrypt() {
        let n = s.cost_parameter;
        let r = u64::from(s.block_size);
        let p = u64::from(s.parallelization);
        let memory = n.checked_mul(r).and_then(|x| x.checked_mul(128));
        let work = n.checked_mul(r).and_then(|x| x.checked_mul(p));
        let ok = n >= 2
            && n.is_power_of_two()
            && r >= 1
            && p >= 1
            && memory.is_some_and(|m| m <= MAX_SCRYPT_MEMORY)
            && work.is_some_and(|w| w <= MAX_SCRYPT_WORK);
        if !ok {
            return Err(too_costly(format!(
                "scrypt with N={n}, r={r}, p={p} (too costly or invalid)"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_secret() {
        let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
        let pem = key.to_pkcs8_pem(None).unwrap();
        let dbg = format!("{key:?}");
        assert!(dbg.contains(key.public_key().keyid().as_str()));
        let body: String = pem.lines().nth(1).unwrap().chars().take(20).collect();
        assert!(!dbg.contains(&body));
    }

    #[test]
    fn signer_is_object_safe() {
        let key = PrivateKey::generate(KeySpec::Ecdsa(Curve::P256)).unwrap();
        let signer: &dyn Signer = &key;
        let sig = signer.sign(b"msg").unwrap();
        signer.public_key().verify(b"msg", &sig).unwrap();
        assert!(signer.public_key().verify(b"msh", &sig).is_err());
    }

    #[test]
    fn kdf_limits() {
        let ok = pbes2::Kdf::Pbkdf2(pbes2::Pbkdf2Params::hmac_sha256(2048, &[0; 16]).unwrap());
        check_kdf_limits(&ok).unwrap();
        let slow = pbes2::Kdf::Pbkdf2(
            pbes2::Pbkdf2Params::hmac_sha256(MAX_PBKDF2_ITERATIONS + 1, &[0; 16]).unwrap(),
        );
        assert!(matches!(
            check_kdf_limits(&slow),
            Err(KeyError::UnsupportedEncryption { .. })
        ));
    }

    #[test]
    fn rsa_size_is_read_from_the_modulus() {
        // A 1024-bit key is refused with its size in the error.
        let small = include_str!("../tests/data/rsa1024.pem");
        let err = PrivateKey::from_pem(small.as_bytes(), None).unwrap_err();
        assert_eq!(
            err,
            KeyError::UnsupportedRsaKeySize {
                bits: 1024,
                supported: RSA_BITS_TEXT
            }
        );
    }
}
