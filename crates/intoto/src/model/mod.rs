//! The in-toto metadata model: links, layouts, artifact rules and the signed
//! containers (Metablock and DSSE) that carry them.

pub mod artifact;
mod error;
pub mod evidence;
mod fields;
pub mod layout;
pub mod link;
pub mod metadata;
pub mod rule;

pub use artifact::{Artifacts, DigestSet};
pub use error::ModelError;
pub use evidence::EvidenceFormat;
pub use layout::{Inspection, Layout, Step};
pub use link::Link;
pub use metadata::{Metablock, Metadata, MetadataError, PAYLOAD_TYPE, Payload};
pub use rule::ArtifactRule;
