//! Keys, key ids, signature schemes and digests for in-toto.

pub mod digest;
