//! Public key material, and the SubjectPublicKeyInfo (SPKI) structures it
//! is read from and written to.

use der::asn1::{AnyRef, BitStringRef, Null, ObjectIdentifier};
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

use crate::backend;
use crate::error::KeyError;
use crate::scheme::Curve;

/// Object identifiers of the key algorithms and curves we recognise.
pub(crate) mod oid {
    use der::asn1::ObjectIdentifier as Oid;

    pub(crate) const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    pub(crate) const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    pub(crate) const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    pub(crate) const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
    pub(crate) const ED448: Oid = Oid::new_unwrap("1.3.101.113");
    pub(crate) const X25519: Oid = Oid::new_unwrap("1.3.101.110");
    pub(crate) const X448: Oid = Oid::new_unwrap("1.3.101.111");
    pub(crate) const DSA: Oid = Oid::new_unwrap("1.2.840.10040.4.1");
    pub(crate) const DH: Oid = Oid::new_unwrap("1.2.840.113549.1.3.1");
    pub(crate) const ML_DSA_44: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.17");
    pub(crate) const ML_DSA_65: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.18");
    pub(crate) const ML_DSA_87: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.19");

    pub(crate) const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    pub(crate) const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
    pub(crate) const P521: Oid = Oid::new_unwrap("1.3.132.0.35");
    pub(crate) const SECP256K1: Oid = Oid::new_unwrap("1.3.132.0.10");
    pub(crate) const P224: Oid = Oid::new_unwrap("1.3.132.0.33");
    pub(crate) const P192: Oid = Oid::new_unwrap("1.2.840.10045.3.1.1");
}

/// The RSA modulus sizes we accept, in bits.
pub(crate) const RSA_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;
/// The same, for messages.
pub(crate) const RSA_BITS_TEXT: &str = "2048 to 8192 bits";

/// A validated public key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Material {
    /// The raw 32-byte Ed25519 key.
    Ed25519([u8; 32]),
    /// Canonical PKCS#1 `RSAPublicKey` DER and the modulus size.
    Rsa { pkcs1: Vec<u8>, bits: usize },
    /// The curve and the uncompressed X9.62 point.
    Ecdsa { curve: Curve, point: Vec<u8> },
}

impl Material {
    /// Reads an SPKI DER structure.
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|e| KeyError::MalformedKey {
            what: "SubjectPublicKeyInfo",
            reason: e.to_string(),
        })?;
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| bad_spki("the public key BIT STRING has unused bits"))?;
        let alg = &spki.algorithm;
        match alg.oid {
            oid::ED25519 => {
                if alg.parameters.is_some() {
                    return Err(bad_spki("Ed25519 algorithm identifier has parameters"));
                }
                let key: [u8; 32] = bits
                    .try_into()
                    .map_err(|_| bad_spki("an Ed25519 public key is 32 bytes"))?;
                Ok(Self::Ed25519(key))
            }
            oid::RSA_ENCRYPTION => Self::from_rsa_der(der),
            oid::EC_PUBLIC_KEY => {
                let curve = curve_of(alg)?;
                Self::from_ec_point(curve, bits)
            }
            other => Err(unsupported_algorithm(other)),
        }
    }

    /// Reads an RSA public key from PKCS#1 `RSAPublicKey` or SPKI DER.
    pub(crate) fn from_rsa_der(der: &[u8]) -> Result<Self, KeyError> {
        let (pkcs1, bits) = backend::rsa_public_key(der).ok_or_else(|| KeyError::MalformedKey {
            what: "RSA public key",
            reason: "not a valid RSA public key".to_owned(),
        })?;
        if !RSA_BITS.contains(&bits) {
            return Err(KeyError::UnsupportedRsaKeySize {
                bits,
                supported: RSA_BITS_TEXT,
            });
        }
        Ok(Self::Rsa { pkcs1, bits })
    }

    /// Reads an EC point (compressed or uncompressed) on `curve`.
    pub(crate) fn from_ec_point(curve: Curve, point: &[u8]) -> Result<Self, KeyError> {
        let spki = backend::ec_public_spki(curve, point).ok_or_else(|| KeyError::MalformedKey {
            what: "EC public key",
            reason: format!("not a valid point on {curve}"),
        })?;
        // Take the backend's (uncompressed) encoding of the point.
        let parsed =
            SubjectPublicKeyInfoRef::from_der(&spki).map_err(|e| KeyError::MalformedKey {
                what: "EC public key",
                reason: e.to_string(),
            })?;
        let point = parsed
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| bad_spki("the public key BIT STRING has unused bits"))?
            .to_vec();
        Ok(Self::Ecdsa { curve, point })
    }

    /// The key as SPKI DER, encoded as Python's `cryptography` encodes it
    /// (RSA with NULL parameters, EC points uncompressed).
    pub(crate) fn spki_der(&self) -> Result<Vec<u8>, KeyError> {
        let encode = |oid: ObjectIdentifier, params: Option<AnyRef<'_>>, key: &[u8]| {
            let spki = SubjectPublicKeyInfoRef {
                algorithm: AlgorithmIdentifierRef {
                    oid,
                    parameters: params,
                },
                subject_public_key: BitStringRef::from_bytes(key)?,
            };
            spki.to_der()
        };
        let result = match self {
            Self::Ed25519(key) => encode(oid::ED25519, None, key),
            Self::Rsa { pkcs1, .. } => encode(oid::RSA_ENCRYPTION, Some(AnyRef::from(Null)), pkcs1),
            Self::Ecdsa { curve, point } => {
                let curve_oid = curve_oid(*curve);
                let params = AnyRef::from(&curve_oid);
                encode(oid::EC_PUBLIC_KEY, Some(params), point)
            }
        };
        result.map_err(|_| KeyError::Backend {
            operation: "encoding a public key",
        })
    }

    /// A short description for messages, e.g. `RSA 3072-bit`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Ed25519(_) => "Ed25519".to_owned(),
            Self::Rsa { bits, .. } => format!("RSA {bits}-bit"),
            Self::Ecdsa { curve, .. } => format!("ECDSA {curve}"),
        }
    }
}

fn bad_spki(reason: &str) -> KeyError {
    KeyError::MalformedKey {
        what: "SubjectPublicKeyInfo",
        reason: reason.to_owned(),
    }
}

/// The OID of a supported curve.
pub(crate) fn curve_oid(curve: Curve) -> ObjectIdentifier {
    match curve {
        Curve::P256 => oid::P256,
        Curve::P384 => oid::P384,
        Curve::P521 => oid::P521,
    }
}

/// The supported curve named by `oid`, or the error for an unsupported one.
pub(crate) fn curve_from_oid(curve: ObjectIdentifier) -> Result<Curve, KeyError> {
    match curve {
        oid::P256 => Ok(Curve::P256),
        oid::P384 => Ok(Curve::P384),
        oid::P521 => Ok(Curve::P521),
        other => Err(KeyError::UnsupportedCurve {
            curve: curve_name(other),
        }),
    }
}

fn curve_name(curve: ObjectIdentifier) -> String {
    match curve {
        oid::SECP256K1 => "secp256k1".to_owned(),
        oid::P224 => "secp224r1".to_owned(),
        oid::P192 => "secp192r1".to_owned(),
        other => other.to_string(),
    }
}

/// The curve named in the parameters of an `id-ecPublicKey` algorithm.
pub(crate) fn curve_of(alg: &AlgorithmIdentifierRef<'_>) -> Result<Curve, KeyError> {
    let named = alg
        .parameters_oid()
        .map_err(|_| KeyError::UnsupportedCurve {
            curve: "explicit or missing curve parameters (only named curves are supported)"
                .to_owned(),
        })?;
    curve_from_oid(named)
}

/// The error for a key algorithm we do not support.
pub(crate) fn unsupported_algorithm(algorithm: ObjectIdentifier) -> KeyError {
    let name = match algorithm {
        oid::ED448 => "Ed448".to_owned(),
        oid::X25519 => "X25519".to_owned(),
        oid::X448 => "X448".to_owned(),
        oid::DSA => "DSA".to_owned(),
        oid::DH => "DH".to_owned(),
        oid::RSASSA_PSS => "RSASSA-PSS (a PSS-restricted RSA key)".to_owned(),
        oid::ML_DSA_44 => "ML-DSA-44".to_owned(),
        oid::ML_DSA_65 => "ML-DSA-65".to_owned(),
        oid::ML_DSA_87 => "ML-DSA-87".to_owned(),
        other => format!("algorithm {other}"),
    };
    KeyError::UnsupportedKeyType { key_type: name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ed25519_spki_round_trips() {
        let m = Material::Ed25519([7; 32]);
        let der = m.spki_der().unwrap();
        assert_eq!(der.len(), 44);
        assert_eq!(Material::from_spki_der(&der).unwrap(), m);
    }

    #[test]
    fn curves_are_named_by_oid() {
        for curve in [Curve::P256, Curve::P384, Curve::P521] {
            assert_eq!(curve_from_oid(curve_oid(curve)).unwrap(), curve);
        }
        assert_eq!(
            curve_from_oid(oid::SECP256K1).unwrap_err().to_string(),
            "unsupported curve 'secp256k1'"
        );
    }

    #[test]
    fn invalid_ec_points_are_rejected() {
        assert!(Material::from_ec_point(Curve::P256, &[4; 65]).is_err());
        assert!(Material::from_ec_point(Curve::P256, &[]).is_err());
    }
}
