//! The in-toto domain: metadata models, artifact recording, artifact rules,
//! running steps and verifying a supply chain against its layout.
//!
//! # Writing a layout
//!
//! The reference's own two-stage example: one functionary builds a
//! distribution from `pyproject.toml` and `src/`, and an inspection checks
//! that `dist/` holds exactly what the build produced.
//!
//! ```
//! use intoto::model::{Inspection, Layout, Metadata, Payload, Step};
//! use intoto::time::SystemClock;
//! use intoto_crypto::{KeySpec, PrivateKey, Signer};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let owner = PrivateKey::generate(KeySpec::Ed25519)?;
//! let alice = PrivateKey::generate(KeySpec::Ed25519)?;
//!
//! let mut layout = Layout::new(&SystemClock);
//! layout.set_relative_expiration(&SystemClock, 0, 4, 0); // four months from now
//! let alice_id = layout.add_functionary_key(alice.public_key().clone());
//!
//! let mut build = Step::new("build");
//! build.add_pubkey(&alice_id).set_threshold(1);
//! build.set_expected_command_from_str("python -m build")?;
//! for rule in ["ALLOW pyproject.toml", "ALLOW src/*", "DISALLOW *"] {
//!     build.add_material_rule_from_str(rule)?;
//! }
//! for rule in ["CREATE dist/*", "DISALLOW *"] {
//!     build.add_product_rule_from_str(rule)?;
//! }
//!
//! let mut check = Inspection::new("check-dist");
//! check.set_run_from_str("test -d dist")?;
//! check.add_material_rule_from_str("MATCH dist/* WITH PRODUCTS FROM build")?;
//!
//! layout.steps.push(build);
//! layout.inspect.push(check);
//!
//! let mut metadata = Metadata::new_metablock(&Payload::Layout(layout));
//! metadata.sign(&owner)?;
//! metadata.verify_signature(owner.public_key())?;
//! # let dir = std::env::temp_dir().join(format!("intoto-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! intoto::metadata_io::write_metadata(&dir.join("root.layout"), &metadata)?;
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```

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
pub mod verify;

pub use error::{Error, Result};
