//! Errors of this crate.

use crate::Base64Error;

/// Why an envelope could not be read, signed or verified.
///
/// Fields are named as JSON paths into the envelope (`payload`,
/// `signatures[2].sig`), so a caller can prefix the file name and have a
/// complete message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not JSON (or are hostile JSON: duplicate keys, too deep,
    /// too large).
    #[error("not a DSSE envelope: {0}")]
    Json(#[from] intoto_cjson::ParseError),
    /// The JSON is not an object.
    #[error("not a DSSE envelope: expected a JSON object, found {found}")]
    NotAnObject {
        /// The JSON type found.
        found: &'static str,
    },
    /// A required member is missing.
    #[error("not a DSSE envelope: '{field}' is missing")]
    MissingField {
        /// The member's path.
        field: String,
    },
    /// A member has the wrong JSON type.
    #[error("not a DSSE envelope: '{field}' must be {expected}, found {found}")]
    WrongType {
        /// The member's path.
        field: String,
        /// The JSON type the protocol requires.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// `payload` or a `sig` is not valid base64.
    #[error("invalid base64 in '{field}': {reason}")]
    Base64 {
        /// The member's path.
        field: String,
        /// What is wrong with it.
        #[source]
        reason: Base64Error,
    },
    /// Two signatures carry the same (non-empty) key id.
    #[error("multiple signatures found for keyid '{0}'")]
    DuplicateKeyId(String),
    /// The envelope's payload type is not the one the caller accepts.
    #[error("unsupported payload type '{found}' (expected '{expected}')")]
    PayloadType {
        /// What the caller accepts.
        expected: String,
        /// What the envelope says.
        found: String,
    },
    /// A threshold of zero would accept an unsigned envelope.
    #[error("the signature threshold must be at least 1")]
    ZeroThreshold,
    /// Fewer distinct trusted keys verified a signature than the threshold requires.
    #[error(
        "signature threshold not met: {valid} of the {threshold} required distinct trusted keys \
         verified a signature ({signatures} signatures, {trusted} trusted keys)"
    )]
    Threshold {
        /// Distinct trusted keys that verified a signature.
        valid: usize,
        /// The threshold.
        threshold: usize,
        /// Signatures in the envelope.
        signatures: usize,
        /// Distinct trusted keys offered (keys with the same key material count once).
        trusted: usize,
    },
    /// Signing failed.
    #[error("signing failed")]
    Sign(#[source] intoto_crypto::SignatureError),
}
