//! Errors of this crate: [`KeyError`] for everything about keys, and the
//! deliberately opaque [`SignatureError`].

use std::fmt;

/// What can go wrong while loading, parsing, generating or serialising a key.
///
/// Messages never contain secret material (no key bytes, no passwords).
/// They do not name files either: this crate is handed bytes, so callers add
/// the file name when they report the error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The input is not PEM, or a PEM block is broken (no `END` line, bad
    /// base64, ...).
    #[error("malformed PEM: {reason}")]
    MalformedPem {
        /// What is wrong with it.
        reason: String,
    },

    /// The PEM block is fine but the DER structure inside it is not.
    #[error("malformed {what}: {reason}")]
    MalformedKey {
        /// The structure that failed to parse, e.g. `PKCS#8 private key`.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// A private key was needed but the PEM holds something else (the
    /// reference says "Valid PEM but no BEGIN/END delimiters for a private
    /// key found. Are you sure this is a private key?").
    #[error(
        "valid PEM but no private key found (found '{found}'); are you sure this is a private key?"
    )]
    NotAPrivateKey {
        /// The PEM label that was found instead, e.g. `PUBLIC KEY`.
        found: String,
    },

    /// A public key was needed but the PEM holds something else.
    #[error(
        "valid PEM but no public key found (found '{found}'); are you sure this is a public key?"
    )]
    NotAPublicKey {
        /// The PEM label that was found instead, e.g. `PRIVATE KEY`.
        found: String,
    },

    /// The private key is encrypted and no password was given.
    #[error("password was not given but private key is encrypted")]
    PasswordRequired,

    /// The password does not decrypt the private key.
    #[error("incorrect password, could not decrypt key")]
    WrongPassword,

    /// A password was given for a private key that is not encrypted (an
    /// empty password counts as given, as in the reference).
    #[error("password was given but private key is not encrypted")]
    PasswordNotExpected,

    /// An empty password cannot be used to encrypt a key.
    #[error("the password to encrypt a private key with must not be empty")]
    EmptyPassword,

    /// The private key is encrypted with a scheme this crate does not
    /// implement, or with parameters outside the accepted limits.
    #[error("unsupported private key encryption: {scheme}")]
    UnsupportedEncryption {
        /// The scheme or parameter that is not supported.
        scheme: String,
    },

    /// A key of a type that in-toto cannot sign or verify with (Ed448,
    /// DSA, X25519, ...).
    #[error("unsupported key type '{key_type}'")]
    UnsupportedKeyType {
        /// The key type, or the OID when it has no well-known name.
        key_type: String,
    },

    /// An elliptic-curve key on a curve other than P-256, P-384 and P-521
    /// (the reference says "unsupported curve 'secp256k1'").
    #[error("unsupported curve '{curve}'")]
    UnsupportedCurve {
        /// The curve's name, or its OID when it has no well-known name.
        curve: String,
    },

    /// A key format this crate does not read, e.g. OpenSSH.
    #[error("unsupported key format: {format}")]
    UnsupportedFormat {
        /// The format.
        format: String,
    },

    /// An RSA key whose modulus is outside 2048..=8192 bits, or an RSA key
    /// size that cannot be generated.
    #[error("unsupported RSA key size of {bits} bits (supported: {supported})")]
    UnsupportedRsaKeySize {
        /// The size that was found or asked for.
        bits: usize,
        /// The sizes that are supported.
        supported: &'static str,
    },

    /// A (keytype, scheme) pair outside securesystemslib's registry. The
    /// message is the reference's, word for word.
    #[error("Unsupported public key {keytype}/{scheme}")]
    Unsupported {
        /// The `keytype` member (`None` when missing, as Python prints it).
        keytype: String,
        /// The `scheme` member (`None` when missing).
        scheme: String,
    },

    /// A public-key dict that does not have the required shape.
    #[error("invalid public key dict: {reason}")]
    InvalidKeyDict {
        /// What is wrong with it.
        reason: String,
    },

    /// A key id that is not a non-empty string of hex digits.
    #[error("invalid key id '{value}': expected a non-empty hex string")]
    InvalidKeyId {
        /// The offending value (truncated when long).
        value: String,
    },

    /// The `keyval.public` value of a key dict does not hold a valid key of
    /// the declared type and scheme; the source says why.
    #[error("invalid 'keyval.public' in public key {keyid} ({keytype}/{scheme})")]
    InvalidPublicValue {
        /// The key id of the dict.
        keyid: String,
        /// Its `keytype`.
        keytype: String,
        /// Its `scheme`.
        scheme: String,
        /// What is wrong with the value.
        #[source]
        reason: Box<KeyError>,
    },

    /// The key material is of another type or curve than the scheme needs,
    /// e.g. a P-384 key declared `ecdsa-sha2-nistp256`.
    #[error("the key is {found}, but scheme '{scheme}' needs {expected}")]
    SchemeMismatch {
        /// The declared scheme.
        scheme: String,
        /// What the scheme needs, e.g. `ECDSA secp256r1`.
        expected: String,
        /// What the key is, e.g. `ECDSA secp384r1`.
        found: String,
    },

    /// The cryptographic backend failed (random number generator, key
    /// generation, serialisation). Not caused by the input.
    #[error("cryptographic backend failure while {operation}")]
    Backend {
        /// What was being done.
        operation: &'static str,
    },
}

/// A signature did not verify, or signing failed.
///
/// Deliberately opaque: it does not say *why* a signature is bad (wrong
/// length, bad encoding, wrong key, wrong message), so it can never serve
/// as an oracle.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SignatureError {
    signing: bool,
}

impl SignatureError {
    pub(crate) const fn invalid() -> Self {
        Self { signing: false }
    }

    pub(crate) const fn signing_failed() -> Self {
        Self { signing: true }
    }
}

impl fmt::Debug for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.signing {
            f.write_str("signing failed")
        } else {
            f.write_str("invalid signature")
        }
    }
}

impl std::error::Error for SignatureError {}
