//! Recording artifacts: walking, excluding and hashing files.
