//! The artifact rule engine.
