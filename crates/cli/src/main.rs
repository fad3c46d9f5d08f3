//! The `in-toto` multi-call binary.

fn main() {}
