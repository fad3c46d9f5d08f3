//! Why metadata could not be read as a link or layout.

use intoto_crypto::KeyError;

use super::rule::RuleError;
use crate::time::TimestampError;

/// A link or layout is malformed. `field` names the member as a path such as
/// `steps[2].threshold`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A required member is missing.
    #[error("'{field}' is missing")]
    Missing {
        /// The member.
        field: String,
    },
    /// A member has the wrong JSON type.
    #[error("'{field}' must be {expected}, found {found}")]
    Type {
        /// The member.
        field: String,
        /// What the format requires.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// `_type` is not what this position requires.
    #[error("expected {expected} metadata, found _type '{found}'")]
    WrongKind {
        /// `link` or `layout`.
        expected: &'static str,
        /// The `_type` found.
        found: String,
    },
    /// A value that must be hexadecimal is not.
    #[error("'{field}' must be a hex string, got '{value}'")]
    Hex {
        /// The member.
        field: String,
        /// The value found.
        value: String,
    },
    /// `expires` is not a valid `YYYY-MM-DDTHH:MM:SSZ` date.
    #[error("malformed date string in layout: {0}")]
    Date(#[from] TimestampError),
    /// Two steps or inspections share a name.
    #[error(
        "there is already a step or inspection named '{0}'; names must be unique within a layout"
    )]
    DuplicateName(String),
    /// A name that cannot be used to build a file name (`/`, `\`, NUL, `.` or `..`).
    #[error(
        "'{field}' is '{name}', which cannot be used as a file name (it is empty, '.', '..', or contains '/', '\\' or NUL)"
    )]
    UnsafeName {
        /// The member.
        field: String,
        /// The name.
        name: String,
    },
    /// A threshold below 1.
    #[error("'{field}' is {value}, but a threshold must be at least 1")]
    Threshold {
        /// The member.
        field: String,
        /// The value.
        value: i64,
    },
    /// An artifact rule is malformed.
    #[error("'{field}': {source}")]
    Rule {
        /// The member.
        field: String,
        /// What is wrong with the rule.
        #[source]
        source: RuleError,
    },
    /// A command written as one string could not be split into words.
    #[error("'{field}': cannot split '{text}': {reason}")]
    Command {
        /// The member.
        field: String,
        /// The string.
        text: String,
        /// Python's `shlex` message.
        reason: &'static str,
    },
    /// A functionary key is malformed or unsupported.
    #[error("'{field}': {source}")]
    Key {
        /// The member.
        field: String,
        /// What is wrong with the key.
        #[source]
        source: KeyError,
    },
    /// A `keys` entry is filed under a key id that differs from the key's own.
    #[error("'keys' files a key under '{outer}' but the key says its keyid is '{inner}'")]
    KeyIdMismatch {
        /// The key id the `keys` object uses.
        outer: String,
        /// The key id inside the key dict.
        inner: String,
    },
    /// An attestation's predicate cannot be a step's evidence.
    #[error("predicate type {predicate_type} is not a link (link v0.3 or SLSA provenance v1)")]
    NotALinkPredicate {
        /// The Statement's predicate type.
        predicate_type: String,
    },
    /// An attestation is not a valid in-toto Statement.
    #[error("not a valid in-toto Statement: {0}")]
    Attestation(#[from] intoto_attestation::Error),
    /// A descriptor of an attestation cannot be one of a link's artifacts.
    #[error("'{field}' {reason}")]
    Descriptor {
        /// The descriptor, as a path from the Statement's root.
        field: String,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Result alias for this module.
pub(crate) type Result<T, E = ModelError> = std::result::Result<T, E>;
