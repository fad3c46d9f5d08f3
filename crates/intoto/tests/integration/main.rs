//! The integration tests of the `intoto` crate (one binary, one module per area).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod gpg;
mod layout_api;
mod record;
mod rules;
mod verify_attestations;
mod verify_gpg;
mod verify_reference;
mod verify_report;
mod verify_security;
mod verify_support;
