//! Integration tests of the `in-toto` binary, most of them against the
//! Python reference (the oracle; see `intoto-testkit`).

#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod attest;
mod demo;
mod gpg;
mod gpg_tools;
mod html;
mod keys;
mod layout;
mod match_products;
mod mock;
mod record;
mod run;
mod sign;
mod util;
mod verify;
mod verify_differential;
mod verify_interop;
mod verify_vsa;
