//! Integration tests of the attestation crate: reading and writing
//! Statements and predicates, signing and verifying them in DSSE
//! envelopes, bundles, generated round trips, and interoperability with
//! the `in-toto-attestation` Python bindings (with every deviation between
//! those bindings and the specification as a named test).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bindings;
mod bundle;
mod common;
mod envelope;
mod generated;
mod predicates;
mod statement;
