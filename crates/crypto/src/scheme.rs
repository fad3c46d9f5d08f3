//! securesystemslib's registry of (keytype, scheme) pairs, and what each
//! scheme means. The key dict decides everything: a signature is checked
//! with exactly the declared scheme, never with one guessed from the
//! signature.

use std::fmt;

/// An elliptic curve for ECDSA keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Curve {
    /// NIST P-256 (secp256r1); signs with SHA-256, scheme `ecdsa-sha2-nistp256`.
    P256,
    /// NIST P-384 (secp384r1); signs with SHA-384, scheme `ecdsa-sha2-nistp384`.
    P384,
    /// NIST P-521 (secp521r1); signs with SHA-512, scheme `ecdsa-sha2-nistp521`.
    P521,
}

impl Curve {
    /// The securesystemslib scheme name of ECDSA on this curve.
    pub fn scheme(self) -> &'static str {
        match self {
            Self::P256 => "ecdsa-sha2-nistp256",
            Self::P384 => "ecdsa-sha2-nistp384",
            Self::P521 => "ecdsa-sha2-nistp521",
        }
    }

    /// The curve's common name, e.g. `secp256r1`.
    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "secp256r1",
            Self::P384 => "secp384r1",
            Self::P521 => "secp521r1",
        }
    }
}

impl fmt::Display for Curve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A hash function of an RSA scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

/// A registered signature scheme with its exact meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Scheme {
    /// `ed25519`: pure Ed25519 over the message.
    Ed25519,
    /// `rsassa-pss-shaN`: RSASSA-PSS with SHA-N and MGF1-SHA-N; any salt
    /// length verifies (Python uses `PSS.AUTO`).
    RsaPss(HashAlg),
    /// `rsa-pkcs1v15-shaN`: RSASSA-PKCS1-v1_5 with SHA-N.
    RsaPkcs1v15(HashAlg),
    /// `ecdsa-sha2-nistpN`: ECDSA on that curve with its hash, DER signature.
    Ecdsa(Curve),
}

/// The keytypes a registered scheme allows.
pub(crate) const KEYTYPE_ED25519: &str = "ed25519";
/// RSA keytype.
pub(crate) const KEYTYPE_RSA: &str = "rsa";
/// ECDSA keytype (the legacy keytypes equal the scheme name).
pub(crate) const KEYTYPE_ECDSA: &str = "ecdsa";

impl Scheme {
    /// Looks up a (keytype, scheme) pair in securesystemslib 1.6's registry
    /// (`KEY_FOR_TYPE_AND_SCHEME`), without the GPG and ML-DSA entries.
    pub(crate) fn lookup(keytype: &str, scheme: &str) -> Option<Self> {
        let s = Self::from_name(scheme)?;
        let ok = match s {
            Self::Ed25519 => keytype == KEYTYPE_ED25519,
            Self::RsaPss(_) | Self::RsaPkcs1v15(_) => keytype == KEYTYPE_RSA,
            // The deprecated keytype equals the scheme name, and only then.
            Self::Ecdsa(_) => keytype == KEYTYPE_ECDSA || keytype == scheme,
        };
        ok.then_some(s)
    }

    /// The scheme's securesystemslib name.
    pub(crate) fn name(self) -> &'static str {
        use HashAlg::*;
        match self {
            Self::Ed25519 => "ed25519",
            Self::RsaPss(Sha256) => "rsassa-pss-sha256",
            Self::RsaPss(Sha384) => "rsassa-pss-sha384",
            Self::RsaPss(Sha512) => "rsassa-pss-sha512",
            Self::RsaPkcs1v15(Sha256) => "rsa-pkcs1v15-sha256",
            Self::RsaPkcs1v15(Sha384) => "rsa-pkcs1v15-sha384",
            Self::RsaPkcs1v15(Sha512) => "rsa-pkcs1v15-sha512",
            Self::Ecdsa(curve) => curve.scheme(),
        }
    }

    fn from_name(scheme: &str) -> Option<Self> {
        use HashAlg::*;
        Some(match scheme {
            "ed25519" => Self::Ed25519,
            "rsassa-pss-sha256" => Self::RsaPss(Sha256),
            "rsassa-pss-sha384" => Self::RsaPss(Sha384),
            "rsassa-pss-sha512" => Self::RsaPss(Sha512),
            "rsa-pkcs1v15-sha256" => Self::RsaPkcs1v15(Sha256),
            "rsa-pkcs1v15-sha384" => Self::RsaPkcs1v15(Sha384),
            "rsa-pkcs1v15-sha512" => Self::RsaPkcs1v15(Sha512),
            "ecdsa-sha2-nistp256" => Self::Ecdsa(Curve::P256),
            "ecdsa-sha2-nistp384" => Self::Ecdsa(Curve::P384),
            "ecdsa-sha2-nistp521" => Self::Ecdsa(Curve::P521),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_matches_securesystemslib() {
        let accepted = [
            ("ed25519", "ed25519"),
            ("rsa", "rsassa-pss-sha256"),
            ("rsa", "rsassa-pss-sha384"),
            ("rsa", "rsassa-pss-sha512"),
            ("rsa", "rsa-pkcs1v15-sha256"),
            ("rsa", "rsa-pkcs1v15-sha384"),
            ("rsa", "rsa-pkcs1v15-sha512"),
            ("ecdsa", "ecdsa-sha2-nistp256"),
            ("ecdsa", "ecdsa-sha2-nistp384"),
            ("ecdsa", "ecdsa-sha2-nistp521"),
            ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256"),
            ("ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384"),
            ("ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521"),
        ];
        for (t, s) in accepted {
            let scheme = Scheme::lookup(t, s).unwrap_or_else(|| panic!("{t}/{s}"));
            assert_eq!(scheme.name(), s);
        }
        let rejected = [
            ("rsa", "rsa-pkcs1v15-sha224"),
            ("rsa", "rsassa-pss-sha224"),
            ("rsa", "ed25519"),
            ("ed25519", "rsassa-pss-sha256"),
            ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384"),
            ("ecdsa", "ecdsa-sha2-nistp224"),
            ("ECDSA", "ecdsa-sha2-nistp256"),
            ("rsa", "pgp+rsa-pkcsv1.5"),
            ("ml-dsa", "ml-dsa-65/1"),
            ("", ""),
        ];
        for (t, s) in rejected {
            assert!(Scheme::lookup(t, s).is_none(), "{t}/{s}");
        }
    }
}
