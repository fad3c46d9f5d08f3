//! `in-toto-run`: run one step of the supply chain and sign the evidence,
//! plus what `in-toto-record` shares with it (key, recording and
//! verbosity options, and printing the phases of a step).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};
use intoto::keys::load_private_key;
use intoto::record::{Progress, RecordOptions, TerminalProgress};
use intoto::run::{
    LinkSigner, Observer, Redactor, RunEvent, RunOptions, StepOptions, SystemExecutor,
    check_step_name, run_step_with, write_link,
};
use intoto_crypto::PrivateKey;
use intoto_crypto::gpg::{Gpg, GpgSigner};

use crate::common::{
    EXIT_USAGE, chain, error, info, optional_password, parse, post_parse_error, set_verbosity,
    strings, warn,
};

const REQUIRED: &str = "Required Named Arguments";

pub(crate) fn command() -> Command {
    let cmd = Command::new("in-toto-run")
        .override_usage("in-toto-run <named arguments> [options] \\\n\t -- <command> [args]")
        .args_override_self(true)
        .about("Run a supply-chain step and write signed evidence of it (link metadata).")
        .long_about(
            "Run a supply-chain step and write signed evidence of it (link metadata).\n\n\
             The files given as materials are hashed before the command runs and the files \
             given as products after it; the link records both, the command and its return \
             value (and with --record-streams its output), is signed with the functionary's \
             key and written to '<name>.<keyid prefix>.link'.\n\n\
             The command runs without a shell. If it exits non-zero, the link is still \
             written and in-toto-run exits with the command's status (256 minus the signal \
             number if a signal killed it). Errors exit 1, usage errors 2; on error no link \
             is written.",
        )
        .after_help(
            "Examples:\n  \
             in-toto-run -n build --signing-key alice -m src -p dist -- make dist\n  \
             in-toto-run -n review --signing-key bob -m report.pdf -x\n  \
             in-toto-run -n build --signing-key alice -p out -s --redact-defaults -- ./build.sh\n  \
             in-toto-run -n build --signing-key alice -m src -p dist --attestation -- make dist\n  \
             in-toto-run -n package --signing-key carl -m /tmp/work/app \\\n      \
             --lstrip-paths /tmp/work/ -p app.tar.gz -- tar czf app.tar.gz -C /tmp/work app",
        )
        .arg(
            Arg::new("step-name")
                .short('n')
                .long("step-name")
                .value_name("name")
                .required(true)
                .help_heading(REQUIRED)
                .help(
                    "name of the step: the link is written to '<name>.<keyid prefix>.link' \
                     and is matched to the layout's step of this name",
                ),
        )
        .arg(signing_key_arg())
        .args(gpg_args())
        .arg(
            Arg::new("command")
                .value_name("command")
                .num_args(1..)
                .action(ArgAction::Append)
                .help("the command to run and its arguments, after '--'"),
        )
        .arg(paths_arg(
            "materials",
            'm',
            "files or directories to hash before the command runs (symlinks are followed)",
        ))
        .arg(paths_arg(
            "products",
            'p',
            "files or directories to hash after the command has run (symlinks are followed)",
        ))
        .arg(
            Arg::new("record-streams")
                .short('s')
                .long("record-streams")
                .action(ArgAction::SetTrue)
                .help(
                    "show the command's standard output and error as it runs and record them \
                     in the link (not for interactive commands); without it they are discarded",
                ),
        )
        .arg(
            Arg::new("no-command")
                .short('x')
                .long("no-command")
                .action(ArgAction::SetTrue)
                .help(
                    "run nothing, only record materials and products (e.g. to sign off a review)",
                ),
        );
    let cmd = step_args(cmd);
    cmd.arg(
        Arg::new("metadata-directory")
            .short('d')
            .long("metadata-directory")
            .value_name("directory")
            .help("directory to write the link to (default: the current directory)"),
    )
    .arg(use_dsse_arg())
    .arg(super::attest::attestation_arg())
    .arg(
        Arg::new("run-timeout")
            .long("run-timeout")
            .value_name("RUN_TIMEOUT")
            .default_value("10")
            .help("seconds the command may run before it is killed and the step fails"),
    )
    .arg(
        Arg::new("redact")
            .long("redact")
            .value_name("REGEX")
            .action(ArgAction::Append)
            .help(
                "replace matches of REGEX in the recorded output with [REDACTED] before signing \
                 (repeatable; a group named 'secret' limits the replacement to that group)",
            ),
    )
    .arg(
        Arg::new("redact-defaults")
            .long("redact-defaults")
            .action(ArgAction::SetTrue)
            .help(
                "redact common secrets from the recorded output: cloud and API keys, GitHub, \
                 GitLab, Slack and npm tokens, bearer tokens, JWTs, passwords in URLs, private \
                 key blocks, and values assigned to names like *password, *secret, *token",
            ),
    )
    .args(verbosity_args())
    .group(
        ArgGroup::new("verbosity")
            .args(["verbose", "quiet"])
            .multiple(false),
    )
}

/// `--signing-key <path>`.
pub(super) fn signing_key_arg() -> Arg {
    Arg::new("signing-key")
        .long("signing-key")
        .value_name("path")
        .help_heading(REQUIRED)
        .help(
            "private key to sign the link with: PEM, PKCS#8 (optionally encrypted, see \
             --password) or traditional RSA/EC; Ed25519, RSA and ECDSA keys are supported",
        )
}

/// `-g/--gpg [<id>]` and `--gpg-home <path>`.
pub(super) fn gpg_args() -> [Arg; 2] {
    [
        Arg::new("gpg")
            .short('g')
            .long("gpg")
            .value_name("id")
            .num_args(0..=1)
            .help(
                "sign the link with GnuPG: the key with this (hex) id, or the default key \
                 when no id is given",
            ),
        Arg::new("gpg_home")
            .long("gpg-home")
            .value_name("path")
            .help("GnuPG home directory of the --gpg key (default: GnuPG's own)"),
    ]
}

/// How a link is to be signed: a PEM key or GnuPG.
pub(super) enum KeyChoice {
    /// `--signing-key <path>`.
    Pem(String),
    /// `--gpg [<id>]` (`--gpg-home`).
    Gpg(GpgSigner),
}

/// The reference's "exactly one of --signing-key and --gpg" check (a
/// usage error).
pub(super) fn key_choice(m: &ArgMatches) -> Result<KeyChoice, String> {
    let key = m
        .get_one::<String>("signing-key")
        .filter(|k| !k.is_empty())
        .cloned();
    match (key, m.contains_id("gpg")) {
        (Some(k), false) => Ok(KeyChoice::Pem(k)),
        (None, true) => {
            let id = m.get_one::<String>("gpg").cloned();
            let home = m.get_one::<String>("gpg_home").map(PathBuf::from);
            Ok(KeyChoice::Gpg(GpgSigner::new(
                Gpg::new(home.as_deref()),
                id,
            )))
        }
        _ => Err("Specify either '--signing-key <path>' or '--gpg [<keyid>]'".to_owned()),
    }
}

/// The signer for `choice`: the loaded PEM key, or GnuPG after the
/// reference's check that the key id is hex (an error, exit 1, there too).
pub(super) fn link_signer<'a>(
    choice: &'a KeyChoice,
    pem: &'a Option<PrivateKey>,
) -> Result<LinkSigner<'a>, String> {
    match (pem, choice) {
        (Some(k), _) => Ok(LinkSigner::Key(k)),
        (None, KeyChoice::Gpg(g)) => match g.keyid() {
            Some(id) if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Err(format!("expected hex string, got '{id} (<class 'str'>)'"))
            }
            _ => Ok(LinkSigner::Gpg(g)),
        },
        (None, KeyChoice::Pem(path)) => Err(format!("{path}: the key was not loaded")),
    }
}

/// A `-m`/`-p`-style option taking one or more paths.
pub(super) fn paths_arg(id: &'static str, short: char, help: &'static str) -> Arg {
    Arg::new(id)
        .short(short)
        .long(id)
        .value_name("path")
        .num_args(1..)
        .action(ArgAction::Set)
        .help(help)
}

/// `--use-dsse`.
pub(super) fn use_dsse_arg() -> Arg {
    Arg::new("use-dsse")
        .long("use-dsse")
        .action(ArgAction::SetTrue)
        .help("write a DSSE envelope instead of a Metablock")
}

/// `-v` and `-q` (to be put in a group named `verbosity`).
pub(super) fn verbosity_args() -> [Arg; 2] {
    [
        Arg::new("verbose")
            .short('v')
            .long("verbose")
            .action(ArgAction::SetTrue)
            .help("say what is being done"),
        Arg::new("quiet")
            .short('q')
            .long("quiet")
            .action(ArgAction::SetTrue)
            .help("print nothing, not even errors"),
    ]
}

/// The options `in-toto-run` and `in-toto-record` share: the key password,
/// excludes, base path and lstrip prefixes.
pub(super) fn step_args(cmd: Command) -> Command {
    cmd.arg(
        Arg::new("password")
            .short('P')
            .long("password")
            .value_name("password")
            .num_args(0..=1)
            .help(
                "password of an encrypted --signing-key; '-P' alone asks for it (do not \
                 confuse with -p/--products)",
            ),
    )
    .arg(
        Arg::new("exclude")
            .long("exclude")
            .value_name("pattern")
            .num_args(1..)
            .action(ArgAction::Set)
            .help(
                "gitignore-style patterns of paths not to record; they replace the defaults \
                 ('*.link*', '.git', '*.pyc', '*~'), and --exclude '' records everything",
            ),
    )
    .arg(
        Arg::new("base-path")
            .long("base-path")
            .value_name("path")
            .help(
                "directory the material and product paths are relative to; it is not part of \
                 the recorded names (the command still runs in the current directory)",
            ),
    )
    .arg(
        Arg::new("lstrip-paths")
            .long("lstrip-paths")
            .value_name("path")
            .num_args(1..)
            .action(ArgAction::Set)
            .help(
                "prefixes to remove from the recorded names (the first that matches); no \
                 prefix may be the start of another, and the stripped names must be unique",
            ),
    )
}

/// Splits off everything after the first `--` (the command, verbatim).
pub(super) fn split_double_dash(mut args: Vec<OsString>) -> (Vec<OsString>, Option<Vec<OsString>>) {
    match args.iter().position(|a| a == "--") {
        Some(i) => {
            let tail = args.split_off(i + 1);
            args.pop();
            (args, Some(tail))
        }
        None => (args, None),
    }
}

/// The command as argparse assembles it: the positional words before `--`
/// must form one run (an option in between ends it, and later words are
/// "unrecognized"), and the words after `--` continue that run only if it
/// reaches the `--`. Returns the command, or the unrecognized words.
pub(super) fn assemble_command(
    m: &ArgMatches,
    before: usize,
    tail: Option<Vec<OsString>>,
) -> Result<Vec<String>, String> {
    let words = strings(m, "command");
    let indices: Vec<usize> = m
        .indices_of("command")
        .map(Iterator::collect)
        .unwrap_or_default();
    // Clap counts the program name as index 0.
    let mut extra: Vec<String> = Vec::new();
    let mut run_end = None;
    for (k, (&idx, word)) in indices.iter().zip(&words).enumerate() {
        let contiguous = k == 0 || indices.get(k - 1).is_some_and(|&p| p + 1 == idx);
        if contiguous && extra.is_empty() {
            run_end = Some(idx);
        } else {
            extra.push(word.clone());
        }
    }
    let mut command: Vec<String> = words
        .iter()
        .take(words.len() - extra.len())
        .cloned()
        .collect();
    if let Some(tail) = tail {
        let tail: Vec<String> = tail
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let reaches = run_end.is_none_or(|end| end == before);
        if reaches && extra.is_empty() {
            command.extend(tail);
        } else {
            extra.push("--".to_owned());
            extra.extend(tail);
        }
    }
    if extra.is_empty() {
        Ok(command)
    } else {
        Err(format!("unrecognized arguments: {}", extra.join(" ")))
    }
}

/// Builds the recording options from `--exclude`, `--base-path` and
/// `--lstrip-paths` (symlinked directories followed, as the reference's
/// run and record do).
pub(super) fn record_options(m: &ArgMatches) -> RecordOptions {
    let mut opts = StepOptions::default().record;
    if m.contains_id("exclude") {
        opts.exclude_patterns = Some(strings(m, "exclude"));
    }
    if let Some(base) = m.get_one::<String>("base-path") {
        opts.base_path = Some(PathBuf::from(base));
    }
    opts.lstrip_paths = strings(m, "lstrip-paths");
    opts
}

/// Loads `--signing-key`, asking for the password when `-P` is given bare.
pub(super) fn load_signer(m: &ArgMatches, path: &str) -> Result<PrivateKey, String> {
    let password = optional_password(m, "password", "Password: ")?;
    load_private_key(Path::new(path), password.as_deref()).map_err(|e| chain(&e))
}

/// Prints the phases of a step (as the reference logs them) and draws a
/// progress bar for each recording pass on a terminal.
pub(super) struct CliObserver {
    /// Show progress bars (not with `-q`).
    pub(super) progress: bool,
}

impl Observer for CliObserver {
    fn event(&self, event: &RunEvent<'_>) {
        if event.is_warning() {
            warn(event.to_string());
        } else {
            info(event.to_string());
        }
    }

    fn with_progress(&self, label: &str, work: &mut dyn FnMut(&dyn Progress)) {
        if self.progress {
            let bar = TerminalProgress::new(&format!("recording {label}"));
            work(&bar);
            bar.finish();
        } else {
            work(&intoto::record::NoProgress);
        }
    }
}

/// Python's `int(text)` for the values a timeout can take: surrounding
/// whitespace, an optional sign, and `_` between digits.
pub(super) fn python_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let bytes = digits.as_bytes();
    let ok_underscores = bytes.iter().enumerate().all(|(i, b)| {
        *b != b'_'
            || (i > 0
                && bytes.get(i - 1).is_some_and(u8::is_ascii_digit)
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
    });
    if digits.is_empty() || !ok_underscores {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if !clean.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Larger than any timeout can be: saturate.
    let value = clean.parse::<i64>().unwrap_or(i64::MAX);
    Some(if neg { -value } else { value })
}

/// The exit status for a command's return value, as Python's `sys.exit(rv)`.
pub(super) fn exit_status(rv: i64) -> ExitCode {
    ExitCode::from(u8::try_from(rv.rem_euclid(256)).unwrap_or(1))
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let (before, tail) = split_double_dash(args);
    let before_len = before.len();
    let m = match parse(command(), prog, before) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let usage = |msg: &str| post_parse_error(command(), prog, false, msg);
    let parse_error = |msg: &str| {
        // Reported by argparse while parsing: usage and message on stderr.
        let mut cmd = command().name(prog.to_owned()).bin_name(prog.to_owned());
        eprint!("{}", crate::common::usage_line(&mut cmd));
        eprintln!("{prog}: error: {msg}");
        ExitCode::from(EXIT_USAGE)
    };
    let timeout_arg = m
        .get_one::<String>("run-timeout")
        .cloned()
        .unwrap_or_default();
    let Some(seconds) = python_int(&timeout_arg) else {
        return parse_error(&format!(
            "argument --run-timeout: invalid int value: '{timeout_arg}'"
        ));
    };
    let link_cmd = match assemble_command(&m, before_len, tail) {
        Ok(c) => c,
        Err(msg) => return parse_error(&msg),
    };
    set_verbosity(m.get_flag("verbose"), m.get_flag("quiet"));

    let choice = match key_choice(&m) {
        Ok(c) => c,
        Err(msg) => return usage(&msg),
    };
    let attestation = m.get_flag("attestation");
    if attestation && matches!(choice, KeyChoice::Gpg(_)) {
        return usage(super::attest::ATTESTATION_GPG);
    }
    let no_command = m.get_flag("no-command");
    let link_cmd = if no_command { Vec::new() } else { link_cmd };
    if !no_command && link_cmd.is_empty() {
        return usage("No command specified. Please specify (or use the --no-command option)");
    }
    let name = m
        .get_one::<String>("step-name")
        .cloned()
        .unwrap_or_default();
    if let Err(e) = check_step_name(&name) {
        return usage(&format!("argument -n/--step-name: {e}"));
    }
    let redactor = match Redactor::new(&strings(&m, "redact"), m.get_flag("redact-defaults")) {
        Ok(r) => r,
        Err(e) => return usage(&format!("argument --redact: {e}")),
    };
    if !redactor.is_empty() && !m.get_flag("record-streams") {
        warn("Note: --redact has no effect without --record-streams (nothing is recorded)");
    }

    let pem = match &choice {
        KeyChoice::Pem(path) => match load_signer(&m, path) {
            Ok(k) => Some(k),
            Err(msg) => {
                error(prog, msg);
                return ExitCode::FAILURE;
            }
        },
        KeyChoice::Gpg(_) => None,
    };
    let signer = match link_signer(&choice, &pem) {
        Ok(s) => s,
        Err(msg) => {
            error(prog, msg);
            return ExitCode::FAILURE;
        }
    };
    let mut opts = RunOptions::default();
    opts.step.record = record_options(&m);
    opts.step.use_dsse = m.get_flag("use-dsse");
    opts.materials = strings(&m, "materials");
    opts.products = strings(&m, "products");
    opts.record_streams = m.get_flag("record-streams");
    opts.timeout = Duration::from_secs(u64::try_from(seconds).unwrap_or(0));
    opts.redactor = redactor;
    let observer = CliObserver {
        progress: !m.get_flag("quiet"),
    };
    let dir = m.get_one::<String>("metadata-directory").map(Path::new);
    let result = if let (true, Some(key)) = (attestation, &pem) {
        // The link is built unsigned and signed as a Statement instead.
        opts.step.use_dsse = false;
        run_step_with(&name, &link_cmd, &opts, None, &SystemExecutor, &observer)
            .map_err(|e| chain(&e))
            .and_then(|run| {
                super::attest::write_link_attestation(&run.link(), key, dir).map(|_| run)
            })
    } else {
        run_step_with(
            &name,
            &link_cmd,
            &opts,
            Some(signer),
            &SystemExecutor,
            &observer,
        )
        .and_then(|run| write_link(dir, &run, &opts.step, &observer).map(|_| run))
        .map_err(|e| chain(&e))
    };
    match result {
        Ok(run) => match run.return_value() {
            Some(rv) if rv != 0 => exit_status(rv),
            _ => ExitCode::SUCCESS,
        },
        Err(msg) => {
            error(prog, msg);
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_status_is_python_sys_exit() {
        for (rv, code) in [(3, 3u8), (-9, 247), (-15, 241), (255, 255), (1, 1)] {
            assert_eq!(exit_status(rv), ExitCode::from(code), "{rv}");
        }
    }

    #[test]
    fn timeouts_parse_like_python_int() {
        for (text, value) in [
            ("10", Some(10)),
            (" 3 ", Some(3)),
            ("+2", Some(2)),
            ("-1", Some(-1)),
            ("1_000", Some(1000)),
        ] {
            assert_eq!(python_int(text), value, "{text}");
        }
        for text in ["", "x", "1.5", "_1", "1_", "1__0", "--1", "0x10"] {
            assert_eq!(python_int(text), None, "{text}");
        }
    }

    #[test]
    fn double_dash_split() {
        let os = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        let (a, b) = split_double_dash(os(&["-n", "x", "--", "echo", "--", "hi"]));
        assert_eq!(a, os(&["-n", "x"]));
        assert_eq!(b, Some(os(&["echo", "--", "hi"])));
        let (a, b) = split_double_dash(os(&["-n", "x"]));
        assert_eq!((a, b), (os(&["-n", "x"]), None));
    }
}
