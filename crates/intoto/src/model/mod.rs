//! The in-toto metadata model: links, layouts, artifact rules and the signed
//! containers (Metablock and DSSE) that carry them.

pub mod artifact;
pub mod rule;
