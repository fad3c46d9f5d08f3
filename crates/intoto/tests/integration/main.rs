//! The integration tests of the `intoto` crate (one binary, one module per area).

mod rules;
