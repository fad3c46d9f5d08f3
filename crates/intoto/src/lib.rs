//! The in-toto domain: metadata models, artifact recording, artifact rules,
//! running steps and verifying a supply chain against its layout.

pub mod model;
pub mod record;
pub mod rules;
