//! Integration tests of the intoto crate.

mod record;
