//! Errors of this crate.

use intoto_dsse::Base64Error;

/// What is wrong with one digest of a [`DigestSet`](crate::DigestSet).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DigestProblem {
    /// The algorithm name is empty.
    #[error("the algorithm name is empty")]
    EmptyAlgorithm,
    /// The value is empty.
    #[error("the value is empty")]
    EmptyValue,
    /// A known algorithm's value is not lower-case hex.
    #[error("'{value}' is not lower-case hex")]
    NotLowerHex {
        /// The value.
        value: String,
    },
    /// A known algorithm's value has the wrong number of hex digits.
    #[error("'{value}' has {found} hex digits, expected {expected}")]
    Length {
        /// The value.
        value: String,
        /// Hex digits found.
        found: usize,
        /// What the algorithm allows, in words ("64", "40 or 64", ...).
        expected: String,
    },
}

/// A digest refused by [`DigestSet::insert`](crate::DigestSet::insert).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("digest '{algorithm}': {problem}")]
pub struct DigestError {
    /// The algorithm name.
    pub algorithm: String,
    /// What is wrong.
    pub problem: DigestProblem,
}

/// Why an attestation could not be read, written, signed or verified.
///
/// Every variant about content names the field as a path from the
/// Statement's root (`subject[0].digest`, `predicate.materials[2].name`),
/// so a caller can prefix the file name and have a complete message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The payload is not JSON (or is hostile JSON: duplicate keys, too
    /// deep, too large).
    #[error("the payload is not valid JSON: {0}")]
    Json(#[from] intoto_cjson::ParseError),
    /// A field has the wrong JSON type.
    #[error("'{field}' must be {expected}, found {found}")]
    WrongType {
        /// The field's path.
        field: String,
        /// The type the specification requires.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// A required field is missing (or `null`).
    #[error("'{field}' is required")]
    Missing {
        /// The field's path.
        field: String,
    },
    /// A required string is empty.
    #[error("'{field}' must not be empty")]
    Empty {
        /// The field's path.
        field: String,
    },
    /// `_type` is not an in-toto Statement type.
    #[error(
        "not an in-toto Statement: '_type' is '{found}' (expected 'https://in-toto.io/Statement/v1')"
    )]
    StatementType {
        /// The `_type` found (empty when it is not a string).
        found: String,
    },
    /// A digest is malformed.
    #[error("'{field}': {source}")]
    Digest {
        /// The path of the DigestSet.
        field: String,
        /// The digest and its problem.
        #[source]
        source: DigestError,
    },
    /// A ResourceDescriptor has none of `uri`, `digest`, `content`.
    #[error("'{field}': a ResourceDescriptor needs at least one of 'uri', 'digest' or 'content'")]
    EmptyDescriptor {
        /// The descriptor's path.
        field: String,
    },
    /// A name that must be unique appears twice.
    #[error("'{field}': the name '{name}' appears more than once")]
    DuplicateName {
        /// The path of the list.
        field: String,
        /// The repeated name.
        name: String,
    },
    /// A URI field is not an absolute, case-normalised URI.
    #[error("'{field}': '{value}' is not a valid URI: {reason}")]
    Uri {
        /// The field's path.
        field: String,
        /// The value.
        value: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A timestamp is not RFC 3339 in UTC (`Z`).
    #[error("'{field}': '{value}' is not an RFC 3339 UTC timestamp (YYYY-MM-DDTHH:MM:SS[.frac]Z)")]
    Timestamp {
        /// The field's path.
        field: String,
        /// The value.
        value: String,
    },
    /// A bytes field is not base64.
    #[error("'{field}': invalid base64: {reason}")]
    Base64 {
        /// The field's path.
        field: String,
        /// What is wrong.
        #[source]
        reason: Base64Error,
    },
    /// A field's value breaks a rule of its predicate specification.
    #[error("'{field}': {reason}")]
    Invalid {
        /// The field's path.
        field: String,
        /// The rule broken, with the value.
        reason: String,
    },
    /// The envelope's payload type is not an in-toto Statement type.
    #[error(
        "unsupported payload type '{found}' (expected 'application/vnd.in-toto+json' or \
         'application/vnd.in-toto.<predicate>+json')"
    )]
    PayloadType {
        /// The payload type found.
        found: String,
    },
    /// The envelope could not be read, signed or verified.
    #[error(transparent)]
    Dsse(#[from] intoto_dsse::Error),
    /// A conversion needs another predicate type.
    #[error("expected predicate type '{expected}', found '{found}'")]
    PredicateType {
        /// The predicate type the operation needs.
        expected: &'static str,
        /// The statement's predicate type.
        found: String,
    },
}

impl Error {
    pub(crate) fn wrong_type(
        field: &str,
        expected: &'static str,
        found: &intoto_cjson::Value,
    ) -> Self {
        Self::WrongType {
            field: field.to_owned(),
            expected,
            found: found.type_name(),
        }
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
