//! Integration tests of the HTML pages: reports of real verifications
//! (passing, failing, hostile) rendered and checked.

#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod markup;
mod support;
mod verification;
