//! Integration tests of the `in-toto` binary, most of them against the
//! Python reference (the oracle; see `intoto-testkit`).

mod keys;
mod sign;
mod util;
