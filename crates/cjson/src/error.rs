//! Errors of this crate.

/// What can go wrong while reading or writing JSON.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Canonical JSON has no floating-point numbers; the text of the number is kept.
    #[error("cannot encode the non-integer number {0} in canonical JSON")]
    Float(String),
}
