//! `in-toto`: one binary for every in-toto tool.
//!
//! Invoked as `in-toto-run`, `in-toto-record`, `in-toto-verify`,
//! `in-toto-sign`, `in-toto-mock` or `in-toto-match-products` (through a link
//! or a copy) it behaves as that tool of the Python reference; invoked as
//! `in-toto` it takes the tool as a subcommand (`in-toto sign ...`) along
//! with our own subcommands (`key`, `install-links`, ...).

use std::ffi::OsString;
use std::process::ExitCode;

mod common;
mod tools;

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let argv0 = args.first().cloned().unwrap_or_default();
    let prog = std::path::Path::new(&argv0)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(tool) = tools::Tool::from_program_name(&prog) {
        args.remove(0);
        return tool.main(tool.reference_name(), args);
    }
    tools::top_level(args.into_iter().skip(1).collect())
}
