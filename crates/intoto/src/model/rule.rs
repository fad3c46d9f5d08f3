//! Artifact rules as written in layouts.
