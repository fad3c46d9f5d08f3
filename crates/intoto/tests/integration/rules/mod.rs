//! Artifact rules: ports of the reference's tests, security cases, and
//! differential tests against the Python reference (in-toto 3.1.0).

// Test helpers outside `#[test]` functions may fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod diff_engine;
mod diff_fnmatch;
mod diff_grammar;
mod explain;
mod reference_cases;
mod security;
mod support;
