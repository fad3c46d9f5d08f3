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
//!
//! From Rust (errors name the line and column):
//!
//! ```
//! use std::path::Path;
//! use intoto::authoring::{LintCode, lint, parse_toml_layout};
//! use intoto::time::{FixedClock, Timestamp};
//!
//! let clock = FixedClock(Timestamp::parse("2026-01-31T00:00:00Z")?);
//! let text = "expires = \"1 month\"\n[[inspections]]\nname = \"check\"\nrun = \"true\"\n";
//! let t = parse_toml_layout(text, Path::new("layout.toml"), Path::new("."), &clock)?;
//! assert_eq!(t.layout.expires.to_string(), "2026-02-28T00:00:00Z");
//! assert_eq!(t.layout.inspect[0].run, ["true"]);
//! // A month is valid, but short: lint says so.
//! let warnings = lint(&t.layout, clock.0);
//! assert_eq!(warnings[0].code, LintCode::ExpiresSoon);
//!
//! let err = parse_toml_layout("expires = \"1 month\"\nstep = 1\n", Path::new("layout.toml"), Path::new("."), &clock)
//!     .unwrap_err();
//! assert!(err.to_string().starts_with("layout.toml:2:1: unknown field `step`"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
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
pub use toml_layout::{
    Functionary, FunctionaryKey, SourceMap, TomlLayout, parse_toml_layout, read_toml_layout,
};
