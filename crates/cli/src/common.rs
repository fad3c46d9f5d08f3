//! What every tool shares: argparse-compatible error output, verbosity,
//! password prompts, and mapping errors to messages and exit codes.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU8, Ordering};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgMatches, Command};

/// The exit code of usage errors (as argparse).
pub(crate) const EXIT_USAGE: u8 = 2;

/// Parses `args` for `cmd`. `--help` and `--version` print to stdout and
/// exit 0; errors print the usage line and `<prog>: error: <message>` to
/// stderr and exit 2, as argparse does.
pub(crate) fn parse(cmd: Command, prog: &str, args: Vec<OsString>) -> Result<ArgMatches, ExitCode> {
    let mut cmd = prepared(cmd, prog);
    let mut argv = vec![OsString::from(prog)];
    argv.extend(args);
    let raw: Vec<String> = argv
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match cmd.try_get_matches_from_mut(argv) {
        Ok(m) => Ok(m),
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                Err(
                    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                        ExitCode::from(EXIT_USAGE)
                    } else {
                        ExitCode::SUCCESS
                    },
                )
            }
            _ => {
                let msg = argparse_message(&cmd, &e, &raw);
                eprint!("{}", usage_line(&mut cmd));
                eprintln!("{prog}: error: {msg}");
                Err(ExitCode::from(EXIT_USAGE))
            }
        },
    }
}

/// A tool's command as it parses its arguments when invoked as `prog`:
/// named `prog`, long options abbreviable, and `--version`. The command
/// reference, man pages and completions describe this same command.
pub(crate) fn prepared(cmd: Command, prog: &str) -> Command {
    decorated(cmd.name(prog.to_owned()).bin_name(prog.to_owned()))
}

/// What every tool adds to its command: long options may be abbreviated,
/// and `--version`.
pub(crate) fn decorated(cmd: Command) -> Command {
    cmd.infer_long_args(true)
        .disable_version_flag(true)
        .arg(
            clap::Arg::new("version")
                .long("version")
                .action(clap::ArgAction::Version)
                .help("show program's version number and exit"),
        )
        .version(format!("3.1.0 (in-toto-rs {})", env!("CARGO_PKG_VERSION")))
}

/// The `usage: ...` line(s) of a command, ending in a newline.
pub(crate) fn usage_line(cmd: &mut Command) -> String {
    let usage = cmd.render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    format!("usage: {usage}\n")
}

/// A usage error found after parsing. The reference prints the usage line
/// (`full_help == false`) or the whole help (`true`) to stdout first, then
/// the usage line and the error to stderr; exit 2.
pub(crate) fn post_parse_error(cmd: Command, prog: &str, full_help: bool, msg: &str) -> ExitCode {
    let mut cmd = cmd.name(prog.to_owned()).bin_name(prog.to_owned());
    let usage = usage_line(&mut cmd);
    let text = if full_help {
        cmd.render_help().to_string()
    } else {
        usage.clone()
    };
    print!("{text}");
    let _ = std::io::stdout().flush();
    // argparse's `error()` repeats the usage line on stderr.
    eprint!("{usage}");
    eprintln!("{prog}: error: {msg}");
    ExitCode::from(EXIT_USAGE)
}

fn arg_display(cmd: &Command, raw: &str) -> String {
    // clap renders an argument as "--file <path>" or "-f <path>"; argparse as "-f/--file".
    let flag = raw.split_whitespace().next().unwrap_or(raw);
    let found = cmd.get_arguments().find(|a| {
        a.get_long().is_some_and(|l| flag == format!("--{l}"))
            || a.get_short().is_some_and(|s| flag == format!("-{s}"))
            || (a.is_positional() && raw.trim_matches(['<', '>', '.']) == a.get_id().as_str())
    });
    match found {
        Some(a) if !a.is_positional() => {
            let mut names = Vec::new();
            if let Some(s) = a.get_short() {
                names.push(format!("-{s}"));
            }
            if let Some(l) = a.get_long() {
                names.push(format!("--{l}"));
            }
            names.join("/")
        }
        Some(a) => a
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| format!("<{v}>"))
            .unwrap_or_else(|| raw.to_owned()),
        None => raw.to_owned(),
    }
}

fn context_strings(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        _ => Vec::new(),
    }
}

/// The command-line word clap's `arg` came from: for a cluster of short
/// flags (`-la`) argparse names the whole word, clap only the flag (`-l`).
fn raw_word(arg: &str, raw: &[String]) -> String {
    let Some(flag) = arg.strip_prefix('-').filter(|f| f.chars().count() == 1) else {
        return arg.to_owned();
    };
    raw.iter()
        .find(|w| {
            w.starts_with('-')
                && !w.starts_with("--")
                && w.get(1..).is_some_and(|r| r.starts_with(flag))
        })
        .cloned()
        .unwrap_or_else(|| arg.to_owned())
}

/// argparse's message for an unknown `--prefix` that abbreviates several
/// long options.
fn ambiguous(cmd: &Command, arg: &str) -> Option<String> {
    let prefix = arg.strip_prefix("--")?;
    let prefix = prefix.split('=').next().unwrap_or(prefix);
    if prefix.is_empty() {
        return None;
    }
    let mut longs: Vec<String> = cmd
        .get_arguments()
        .filter_map(|a| a.get_long())
        .filter(|l| l.starts_with(prefix))
        .map(|l| format!("--{l}"))
        .collect();
    if cmd.get_arguments().all(|a| a.get_long() != Some("help")) && "help".starts_with(prefix) {
        longs.push("--help".to_owned());
    }
    if longs.len() < 2 {
        return None;
    }
    Some(format!(
        "ambiguous option: --{prefix} could match {}",
        longs.join(", ")
    ))
}

fn argparse_message(cmd: &Command, e: &clap::Error, raw: &[String]) -> String {
    let invalid = context_strings(e, ContextKind::InvalidArg);
    let first = invalid
        .first()
        .map(|a| arg_display(cmd, a))
        .unwrap_or_default();
    match e.kind() {
        ErrorKind::MissingRequiredArgument => {
            let names: Vec<String> = invalid.iter().map(|a| arg_display(cmd, a)).collect();
            format!("the following arguments are required: {}", names.join(", "))
        }
        ErrorKind::UnknownArgument => {
            let word = invalid.first().map(String::as_str).unwrap_or_default();
            if let Some(msg) = ambiguous(cmd, word) {
                return msg;
            }
            let words: Vec<String> = invalid.iter().map(|a| raw_word(a, raw)).collect();
            format!("unrecognized arguments: {}", words.join(" "))
        }
        ErrorKind::ArgumentConflict => {
            let prior = context_strings(e, ContextKind::PriorArg);
            let other = prior
                .first()
                .map(|a| arg_display(cmd, a))
                .unwrap_or_default();
            // clap names the earlier argument first; argparse the later one.
            format!("argument {other}: not allowed with argument {first}")
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = context_strings(e, ContextKind::InvalidValue).join(" ");
            let valid = context_strings(e, ContextKind::ValidValue);
            if value.is_empty() && e.kind() == ErrorKind::InvalidValue {
                // clap's "a value is required": argparse says how many it expected.
                let many = invalid
                    .first()
                    .and_then(|raw| {
                        let flag = raw.split_whitespace().next().unwrap_or(raw);
                        cmd.get_arguments().find(|a| {
                            a.get_long().is_some_and(|l| flag == format!("--{l}"))
                                || a.get_short().is_some_and(|s| flag == format!("-{s}"))
                        })
                    })
                    .and_then(|a| a.get_num_args())
                    .is_some_and(|r| r.max_values() > 1);
                let what = if many {
                    "at least one argument"
                } else {
                    "one argument"
                };
                format!("argument {first}: expected {what}")
            } else if valid.is_empty() {
                format!("argument {first}: invalid value: '{value}'")
            } else {
                let choices: Vec<String> = valid.iter().map(|v| format!("'{v}'")).collect();
                format!(
                    "argument {first}: invalid choice: '{value}' (choose from {})",
                    choices.join(", ")
                )
            }
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues | ErrorKind::NoEquals => {
            format!("argument {first}: expected at least one argument")
        }
        ErrorKind::InvalidSubcommand => {
            let value = context_strings(e, ContextKind::InvalidSubcommand).join(" ");
            format!("invalid choice: '{value}'")
        }
        ErrorKind::MissingSubcommand => "the following arguments are required: command".to_owned(),
        _ => {
            let rendered = e.render().to_string();
            let line = rendered.lines().next().unwrap_or_default();
            line.strip_prefix("error: ").unwrap_or(line).to_owned()
        }
    }
}

static LEVEL: AtomicU8 = AtomicU8::new(1);

/// Verbosity: 0 quiet (nothing, errors included, as the reference's `-q`),
/// 1 warnings and errors (default), 2 info (`-v`).
pub(crate) fn set_verbosity(verbose: bool, quiet: bool) {
    let level = if quiet {
        0
    } else if verbose {
        2
    } else {
        1
    };
    LEVEL.store(level, Ordering::Relaxed);
}

/// Logs an informational message (shown with `-v`).
pub(crate) fn info(msg: impl AsRef<str>) {
    if LEVEL.load(Ordering::Relaxed) >= 2 {
        eprintln!("{}", msg.as_ref());
    }
}

/// Logs a warning (hidden only by `-q`).
pub(crate) fn warn(msg: impl AsRef<str>) {
    if LEVEL.load(Ordering::Relaxed) >= 1 {
        eprintln!("{}", msg.as_ref());
    }
}

/// Logs an error (hidden only by `-q`), with the tool name as the reference
/// does: `(in-toto-run) <message>`.
#[allow(dead_code)] // used by the run and verify tools
pub(crate) fn error(prog: &str, msg: impl std::fmt::Display) {
    if LEVEL.load(Ordering::Relaxed) >= 1 {
        eprintln!("({prog}) {msg}");
    }
}

/// Prompts for a password on the terminal without echo (like Python's `getpass()`).
pub(crate) fn prompt_password(prompt: &str) -> Result<Vec<u8>, String> {
    rpassword::prompt_password(prompt)
        .map(String::into_bytes)
        .map_err(|e| format!("could not read the password: {e}"))
}

/// The password of an optional-value option (`-P [PW]`): `None` when the
/// option is absent, its value when one is given, and asked for with
/// `prompt` when it is given bare.
pub(crate) fn optional_password(
    m: &ArgMatches,
    id: &str,
    prompt: &str,
) -> Result<Option<Vec<u8>>, String> {
    match m.get_raw(id) {
        None => Ok(None),
        Some(mut vals) => match vals.next() {
            Some(v) => Ok(Some(v.to_string_lossy().into_owned().into_bytes())),
            None => prompt_password(prompt).map(Some),
        },
    }
}

/// Now, as an attestation timestamp (UTC, whole seconds).
pub(crate) fn now_timestamp() -> Result<intoto_attestation::Timestamp, String> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| "the system clock is before 1970".to_owned())?
        .as_secs();
    i64::try_from(seconds)
        .ok()
        .and_then(intoto_attestation::Timestamp::from_unix)
        .ok_or_else(|| "the system clock is out of range".to_owned())
}

/// The error and the chain of its sources on one line.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(cause) = src {
        let c = cause.to_string();
        if !s.contains(&c) {
            s.push_str(": ");
            s.push_str(&c);
        }
        src = cause.source();
    }
    s
}

/// Values of a repeatable or multi-valued string option, in order.
pub(crate) fn strings(m: &ArgMatches, id: &str) -> Vec<String> {
    m.get_many::<String>(id)
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}
