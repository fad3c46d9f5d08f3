//! Integration tests of the DSSE crate: the protocol's test vector, the
//! classic DSSE mistakes, threshold counting, robustness against damaged
//! input, and interoperability with securesystemslib's DSSE implementation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod interop;
mod mistakes;
mod protocol;
mod robustness;
mod threshold;
