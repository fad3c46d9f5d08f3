//! Errors of this crate.

/// Why an envelope could not be read or did not verify.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The envelope is not of the DSSE JSON shape.
    #[error("not a DSSE envelope: {0}")]
    Format(String),
    /// `payload` or a `sig` is not valid base64.
    #[error("invalid base64 in '{0}'")]
    Base64(&'static str),
    /// Two signatures carry the same key id.
    #[error("multiple signatures found for keyid '{0}'")]
    DuplicateKeyId(String),
    /// Fewer distinct trusted keys verified a signature than the threshold requires.
    #[error("signature threshold not met: {valid} of {threshold} required signatures verified")]
    Threshold {
        /// Distinct trusted keys that verified.
        valid: usize,
        /// The threshold.
        threshold: usize,
    },
    /// Signing failed.
    #[error("signing failed")]
    Sign(#[source] intoto_crypto::SignatureError),
}
