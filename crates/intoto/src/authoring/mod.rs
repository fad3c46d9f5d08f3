//! Layouts written by people: a TOML format that compiles to a layout
//! ([`read_toml_layout`]), a readable view of any layout and a Graphviz graph
//! of its artifact flow ([`show`]), and warnings about the mistakes layout
//! authors make ([`lint()`]).
//!
//! The TOML format is documented in `docs/layout-toml.md`. A small example:
//!
//! ```toml
//! expires = "4 months"
//!
//! [functionaries]
//! alice = "alice.pub"
//!
//! [[steps]]
//! name = "build"
//! functionaries = ["alice"]
//! expected_command = "python -m build"
//! materials = ["ALLOW pyproject.toml", "ALLOW src/*", "DISALLOW *"]
//! products = ["CREATE dist/*", "DISALLOW *"]
//!
//! [[inspections]]
//! name = "check-dist"
//! run = "test -d dist"
//! materials = ["MATCH dist/* WITH PRODUCTS FROM build"]
//! ```

mod error;
mod expiry;
pub mod lint;
pub mod show;
pub mod text;
mod toml_layout;

pub use error::{Location, Problem, TomlLayoutError};
pub use expiry::Expiry;
pub use lint::{LintCode, LintWarning, Subject, lint};
pub use toml_layout::{Functionary, SourceMap, TomlLayout, parse_toml_layout, read_toml_layout};
