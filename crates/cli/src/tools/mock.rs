//! `in-toto-mock`: try out a step without a key; writes an unsigned
//! `<name>.link` recording the whole current directory.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Arg, ArgAction, Command};
use intoto::run::{RunOptions, SystemExecutor, check_step_name, mock};

use super::run::{CliObserver, assemble_command, split_double_dash, use_dsse_arg};
use crate::common::{EXIT_USAGE, chain, error, parse, post_parse_error, set_verbosity};

const USAGE: &str = "in-toto-mock [-h] --name <name> -- <command> [args]";

pub(crate) fn command() -> Command {
    Command::new("in-toto-mock")
        .override_usage(USAGE)
        .args_override_self(true)
        .about("Run a command and write an unsigned link for it, to try out in-toto without keys.")
        .long_about(
            "Run a command and write an unsigned link for it, to try out in-toto without keys.\n\n\
             Everything in the current directory is recorded as materials before the command \
             and as products after it (with the default excludes), the command's output is \
             shown and recorded, and the link is written unsigned to '<name>.link'. Each phase \
             is reported on standard error. The link can be inspected, edited and signed \
             afterwards with in-toto-sign.\n\n\
             Exit status: 0 when the link was written, whatever the command returned; 1 on \
             errors; 2 for usage errors.",
        )
        .after_help(
            "Examples:\n  \
             in-toto-mock --name build -- make\n  \
             in-toto-sign -f build.link -k alice    # signs it as 'build.<keyid prefix>.link'",
        )
        .arg(
            Arg::new("name")
                .short('n')
                .long("name")
                .value_name("name")
                .help_heading("Required Named Arguments")
                .help("name of the step; the link is written to '<name>.link'"),
        )
        .arg(
            Arg::new("command")
                .value_name("command")
                .num_args(1..)
                .action(ArgAction::Append)
                .help("the command to run and its arguments, after '--'"),
        )
        .arg(use_dsse_arg())
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let (before, tail) = split_double_dash(args);
    let before_len = before.len();
    let m = match parse(command(), prog, before) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let parse_error = |msg: &str| {
        eprintln!("usage: {USAGE}");
        eprintln!("{prog}: error: {msg}");
        ExitCode::from(EXIT_USAGE)
    };
    let link_cmd = match assemble_command(&m, before_len, tail) {
        Ok(c) => c,
        Err(msg) => return parse_error(&msg),
    };
    let name = m.get_one::<String>("name").cloned();
    let mut missing = Vec::new();
    if name.is_none() {
        missing.push("-n/--name");
    }
    if link_cmd.is_empty() {
        missing.push("<command>");
    }
    if !missing.is_empty() {
        return parse_error(&format!(
            "the following arguments are required: {}",
            missing.join(", ")
        ));
    }
    let name = name.unwrap_or_default();
    if let Err(e) = check_step_name(&name) {
        return post_parse_error(command(), prog, false, &format!("argument -n/--name: {e}"));
    }
    // Like the reference, mock always reports what it does.
    set_verbosity(true, false);
    let opts = RunOptions::for_mock(m.get_flag("use-dsse"));
    let observer = CliObserver { progress: true };
    match mock(&name, &link_cmd, &opts, &SystemExecutor, &observer) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            error(prog, chain(&e));
            ExitCode::FAILURE
        }
    }
}
