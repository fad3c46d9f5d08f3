//! Running steps: executing commands and producing links.

pub mod command;
