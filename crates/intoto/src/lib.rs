//! The in-toto domain: metadata models, artifact recording, artifact rules,
//! running steps and verifying a supply chain against its layout.

pub mod authoring;
pub mod error;
pub mod files;
pub mod keys;
pub mod metadata_io;
pub mod model;
pub mod record;
pub mod rules;
pub mod run;
pub mod time;

pub use error::{Error, Result};
