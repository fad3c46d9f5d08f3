//! Predicates: the typed ones this crate knows, and any other kept as JSON.

mod link;
mod provenance;
mod vsa;

pub(crate) use link::link_subjects;
pub use link::{ArtifactDigests, ClassicLink, LinkPredicate};
pub use provenance::{BuildDefinition, BuildMetadata, Builder, Provenance, RunDetails};
pub use vsa::{VerificationResult, VerificationSummary, Verifier};

use intoto_cjson::{Map, Value};

use crate::error::{Error, Result};

/// The predicate type of in-toto link predicates, version 0.3.
pub const LINK_V0_3: &str = "https://in-toto.io/attestation/link/v0.3";
/// The predicate type of SLSA provenance, version 1.
pub const PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// The predicate type of SLSA verification summaries, version 1.
pub const VSA_V1: &str = "https://slsa.dev/verification_summary/v1";

/// Predicate types the specifications declare deprecated, with what
/// replaces them: `https://in-toto.io/Link/*` (link.md) and
/// `https://in-toto.io/Provenance/v0.1` (provenance.md). Their schemas
/// differ from the replacements, so they are read as [`Predicate::Other`].
pub fn deprecated_predicate_type(predicate_type: &str) -> Option<&'static str> {
    if predicate_type.starts_with("https://in-toto.io/Link/") {
        Some(LINK_V0_3)
    } else if predicate_type == "https://in-toto.io/Provenance/v0.1" {
        Some(PROVENANCE_V1)
    } else {
        None
    }
}

/// A Statement's predicate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Predicate {
    /// `https://in-toto.io/attestation/link/v0.3`.
    Link(LinkPredicate),
    /// `https://slsa.dev/provenance/v1`.
    Provenance(Provenance),
    /// `https://slsa.dev/verification_summary/v1`.
    Vsa(VerificationSummary),
    /// Any other predicate type, its predicate kept as read.
    Other {
        /// The predicate type URI.
        predicate_type: String,
        /// The predicate object, or `None` when unset (which the
        /// specification treats like an empty object).
        predicate: Option<Map>,
    },
}

impl Predicate {
    /// The predicate type URI.
    pub fn predicate_type(&self) -> &str {
        match self {
            Self::Link(_) => LINK_V0_3,
            Self::Provenance(_) => PROVENANCE_V1,
            Self::Vsa(_) => VSA_V1,
            Self::Other { predicate_type, .. } => predicate_type,
        }
    }

    /// The predicate object as JSON; `None` when unset.
    pub fn to_value(&self) -> Option<Value> {
        match self {
            Self::Link(p) => Some(p.to_value()),
            Self::Provenance(p) => Some(p.to_value()),
            Self::Vsa(p) => Some(p.to_value()),
            Self::Other { predicate, .. } => predicate.clone().map(Value::Object),
        }
    }

    /// Reads the predicate of `predicate_type` from the Statement's
    /// `predicate` member (`None` when unset or `null`).
    pub(crate) fn read(predicate_type: &str, predicate: Option<&Value>) -> Result<Self> {
        let empty = Value::Object(Map::new());
        let value = predicate.unwrap_or(&empty);
        if !matches!(value, Value::Object(_)) {
            return Err(Error::wrong_type("predicate", "an object", value));
        }
        Ok(match predicate_type {
            LINK_V0_3 => Self::Link(LinkPredicate::read(value)?),
            PROVENANCE_V1 => Self::Provenance(Provenance::read(value)?),
            VSA_V1 => Self::Vsa(VerificationSummary::read(value)?),
            other => Self::Other {
                predicate_type: other.to_owned(),
                predicate: predicate.and_then(Value::as_object).cloned(),
            },
        })
    }
}
