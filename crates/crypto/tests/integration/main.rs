//! Integration tests of `intoto-crypto`: the reference's sample vectors,
//! interoperability with the Python oracle (in-toto 3.1.0,
//! securesystemslib, cryptography) in both directions, and the error cases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod errors;
mod gpg;
mod interop;
mod robustness;
mod samples;
