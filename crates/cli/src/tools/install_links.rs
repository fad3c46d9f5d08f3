//! `in-toto install-links DIR`: makes the reference's tool names point at this binary.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Arg, ArgAction, Command};

use crate::common::{parse, strings};

pub(crate) fn command() -> Command {
    Command::new("install-links")
        .about(
            "Create symbolic links named in-toto-run, in-toto-record, in-toto-verify, in-toto-sign, \
             in-toto-mock and in-toto-match-products in DIR, pointing at this binary, so that \
             existing scripts run these tools unchanged.",
        )
        .after_help("Examples:\n  in-toto install-links ~/.local/bin\n  in-toto install-links --force /usr/local/bin")
        .arg(Arg::new("dir").value_name("DIR").required(true).help("directory on PATH to put the links in"))
        .arg(
            Arg::new("force")
                .long("force")
                .short('f')
                .action(ArgAction::SetTrue)
                .help("replace existing files of those names"),
        )
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let m = match parse(command(), prog, args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let dir = PathBuf::from(strings(&m, "dir").concat());
    let force = m.get_flag("force");
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{prog}: cannot find this program's path: {e}");
            return ExitCode::FAILURE;
        }
    };
    for name in super::reference_tool_names() {
        let link = dir.join(name);
        if force
            && link.symlink_metadata().is_ok()
            && let Err(e) = std::fs::remove_file(&link)
        {
            eprintln!("{prog}: {}: {e}", link.display());
            return ExitCode::FAILURE;
        }
        if let Err(e) = std::os::unix::fs::symlink(&exe, &link) {
            eprintln!("{prog}: {}: {e}", link.display());
            return ExitCode::FAILURE;
        }
        println!("{} -> {}", link.display(), exe.display());
    }
    ExitCode::SUCCESS
}
