//! `in-toto-record start|stop`: evidence for a step that is not a single
//! command, recorded in two halves.

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use clap::{Arg, ArgGroup, Command};
use intoto::run::{
    StepOptions, check_step_name, record_start_with, record_stop_unsealed, record_stop_with,
    remove_unfinished,
};

use super::run::{
    CliObserver, KeyChoice, gpg_args, key_choice, link_signer, load_signer, paths_arg,
    record_options, signing_key_arg, step_args, use_dsse_arg, verbosity_args,
};
use crate::common::{EXIT_USAGE, chain, error, parse, post_parse_error, set_verbosity, strings};

const TOP_USAGE: &str = "in-toto-record [-h] [--version] {start,stop} ...";

fn top_command() -> Command {
    Command::new("in-toto-record")
        .override_usage(TOP_USAGE)
        .about("Record the evidence of a step in two halves: 'start' before the work, 'stop' after it.")
        .long_about(
            "Record the evidence of a step in two halves, for work that is not a single command \
             (for that, use in-toto-run).\n\n\
             'start' hashes the materials and writes a signed, unfinished link \
             '.<name>.<keyid prefix>.link-unfinished' in the current directory. 'stop', run in \
             the same directory with the same key, checks that link's signature, hashes the \
             products, signs the finished link, writes it to '<name>.<keyid prefix>.link' and \
             only then removes the unfinished one.\n\n\
             Exit status: 0 on success, 1 on errors, 2 for usage errors.",
        )
        .after_help(
            "Examples:\n  \
             in-toto-record start -n edit --signing-key alice -m .\n  \
             # edit the files, then:\n  \
             in-toto-record stop -n edit --signing-key alice -p .\n  \
             in-toto-record stop -n edit --signing-key alice -p . -d metadata/\n  \
             in-toto-record stop -n edit --signing-key alice -p . --attestation",
        )
        .subcommand(Command::new("start").about(
            "hash the materials and write the signed unfinished link \
             '.<name>.<keyid prefix>.link-unfinished'",
        ))
        .subcommand(Command::new("stop").about(
            "check the unfinished link, hash the products and write the signed link \
             '<name>.<keyid prefix>.link'",
        ))
}

/// The whole tool as its documentation describes it: both halves with
/// all their arguments.
pub(crate) fn command() -> Command {
    top_command()
        .mut_subcommand("start", |_| sub_command(false).name("start"))
        .mut_subcommand("stop", |_| sub_command(true).name("stop"))
}

fn sub_command(stop: bool) -> Command {
    let name = if stop {
        "in-toto-record stop"
    } else {
        "in-toto-record start"
    };
    let usage = if stop {
        "in-toto-record stop [-h] -n <name> [-P [<password>]] [-g [<id>]] [--gpg-home <path>] [--signing-key <path>] \
         [--exclude <pattern> [<pattern> ...]] [--base-path <path>] \
         [--lstrip-paths <path> [<path> ...]] [--use-dsse] [--attestation] [-v | -q] \
         [-p <path> [<path> ...]] [-d <directory>]"
    } else {
        "in-toto-record start [-h] -n <name> [-P [<password>]] [-g [<id>]] [--gpg-home <path>] [--signing-key <path>] \
         [--exclude <pattern> [<pattern> ...]] [--base-path <path>] \
         [--lstrip-paths <path> [<path> ...]] [--use-dsse] [--attestation] [-v | -q] \
         [-m <path> [<path> ...]]"
    };
    let cmd = Command::new(name)
        .override_usage(usage)
        .args_override_self(true)
        .about(if stop {
            "Finish recording a step: check the unfinished link made by 'start' with the same \
             key, hash the products, and write the signed link '<name>.<keyid prefix>.link'."
        } else {
            "Start recording a step: hash the materials and write the signed unfinished link \
             '.<name>.<keyid prefix>.link-unfinished' in the current directory."
        })
        .arg(
            Arg::new("step-name")
                .short('n')
                .long("step-name")
                .value_name("name")
                .required(true)
                .help_heading("Required Named Arguments")
                .help("name of the step, as in the layout; part of the link's file name"),
        )
        .arg(signing_key_arg())
        .args(gpg_args());
    let cmd = step_args(cmd)
        .arg(use_dsse_arg().help(if stop {
            "ignored: the finished link uses the container of the unfinished one"
        } else {
            "write a DSSE envelope instead of a Metablock (the finished link will follow)"
        }))
        .arg(super::attest::attestation_arg().help(if stop {
            "write the finished evidence as an in-toto attestation: a DSSE envelope of a \
             Statement v1 with the link v0.3 predicate (products as subjects), same file name; \
             needs --signing-key (not --gpg)"
        } else {
            "accepted for symmetry (the unfinished link is then a DSSE envelope); give it to \
             'stop' to write an attestation; needs --signing-key (not --gpg)"
        }))
        .args(verbosity_args())
        .group(
            ArgGroup::new("verbosity")
                .args(["verbose", "quiet"])
                .multiple(false),
        );
    if stop {
        cmd.arg(paths_arg(
            "products",
            'p',
            "files or directories to hash as the step's products (symlinks are followed)",
        ))
        .arg(
            Arg::new("metadata-directory")
                .short('d')
                .long("metadata-directory")
                .value_name("directory")
                .help("directory to write the finished link to (default: the current directory)"),
        )
    } else {
        cmd.arg(paths_arg(
            "materials",
            'm',
            "files or directories to hash as the step's materials (symlinks are followed)",
        ))
    }
}

/// argparse reports stray words with the top-level usage and program name.
fn top_error(msg: &str) -> ExitCode {
    eprintln!("usage: {TOP_USAGE}");
    eprintln!("in-toto-record: error: {msg}");
    ExitCode::from(EXIT_USAGE)
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let Some(choice_at) = words.iter().position(|w| !w.starts_with('-')) else {
        // Only options (or nothing): help, version, or a missing subcommand.
        return match words.first().map(String::as_str) {
            Some(w) if "--help".starts_with(w) && w.len() > 2 || w == "-h" => {
                print!("{}", top_command().render_long_help());
                ExitCode::SUCCESS
            }
            Some(w) if "--version".starts_with(w) && w.len() > 2 => {
                println!("{prog} 3.1.0 (in-toto-rs {})", env!("CARGO_PKG_VERSION"));
                ExitCode::SUCCESS
            }
            Some(w) if w.starts_with('-') && w != "--" => {
                top_error(&format!("unrecognized arguments: {}", words.join(" ")))
            }
            _ => top_error("the following arguments are required: command"),
        };
    };
    let choice = words.get(choice_at).cloned().unwrap_or_default();
    let stop = match choice.as_str() {
        "start" => false,
        "stop" => true,
        other => {
            return top_error(&format!(
                "argument command: invalid choice: '{other}' (choose from 'start', 'stop')"
            ));
        }
    };
    if choice_at > 0 {
        let before = words.get(..choice_at).unwrap_or_default().join(" ");
        return top_error(&format!("unrecognized arguments: {before}"));
    }
    let sub_prog = format!("{prog} {choice}");
    let rest: Vec<OsString> = args.into_iter().skip(choice_at + 1).collect();
    // Unknown words are reported by the top-level parser.
    if let Err(e) = sub_command(stop).try_get_matches_from(
        std::iter::once(OsString::from(&sub_prog)).chain(rest.iter().cloned()),
    ) && e.kind() == clap::error::ErrorKind::UnknownArgument
    {
        let rest_words: Vec<String> = rest
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return top_error(&format!(
            "unrecognized arguments: {}",
            unrecognized(&e, &rest_words)
        ));
    }
    let m = match parse(sub_command(stop), &sub_prog, rest) {
        Ok(m) => m,
        Err(code) => return code,
    };
    set_verbosity(m.get_flag("verbose"), m.get_flag("quiet"));
    let choice = match key_choice(&m) {
        Ok(c) => c,
        // The reference prints the top-level usage here.
        Err(msg) => return post_parse_error(top_command(), prog, false, &msg),
    };
    let attestation = m.get_flag("attestation");
    if attestation && matches!(choice, KeyChoice::Gpg(_)) {
        return post_parse_error(top_command(), prog, false, super::attest::ATTESTATION_GPG);
    }
    let name = m
        .get_one::<String>("step-name")
        .cloned()
        .unwrap_or_default();
    if let Err(e) = check_step_name(&name) {
        return post_parse_error(
            top_command(),
            prog,
            false,
            &format!("argument -n/--step-name: {e}"),
        );
    }
    let pem = match &choice {
        KeyChoice::Pem(path) => match load_signer(&m, path) {
            Ok(k) => Some(k),
            Err(msg) => {
                error(&sub_prog, msg);
                return ExitCode::FAILURE;
            }
        },
        KeyChoice::Gpg(_) => None,
    };
    let signer = match link_signer(&choice, &pem) {
        Ok(s) => s,
        Err(msg) => {
            error(&sub_prog, msg);
            return ExitCode::FAILURE;
        }
    };
    let mut opts = StepOptions::default();
    opts.record = record_options(&m);
    opts.use_dsse = m.get_flag("use-dsse") || attestation;
    let observer = CliObserver {
        progress: !m.get_flag("quiet"),
    };
    // Only `stop` has products and a metadata directory.
    let (products, dir) = if stop {
        (
            strings(&m, "products"),
            m.get_one::<String>("metadata-directory").map(Path::new),
        )
    } else {
        (Vec::new(), None)
    };
    let result = match (stop, attestation, &pem) {
        (true, true, Some(key)) => record_stop_unsealed(&name, &products, &opts, signer, &observer)
            .map_err(|e| chain(&e))
            .and_then(|stopped| {
                super::attest::write_link_attestation(&stopped.link, key, dir)?;
                remove_unfinished(&stopped.unfinished, &observer).map_err(|e| chain(&e))
            }),
        (true, _, _) => record_stop_with(&name, &products, &opts, signer, dir, &observer)
            .map(|_| ())
            .map_err(|e| chain(&e)),
        (false, _, _) => {
            record_start_with(&name, &strings(&m, "materials"), &opts, signer, &observer)
                .map(|_| ())
                .map_err(|e| chain(&e))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            error(&sub_prog, msg);
            ExitCode::FAILURE
        }
    }
}

/// The words argparse would list as unrecognized: the unknown one and the
/// plain words after it (the subcommands take no positional arguments).
fn unrecognized(e: &clap::Error, words: &[String]) -> String {
    let bad = match e.get(clap::error::ContextKind::InvalidArg) {
        Some(clap::error::ContextValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    let start = words
        .iter()
        .position(|w| {
            *w == bad
                || (bad.len() == 2 && w.starts_with(&bad) && !w.starts_with("--"))
                || w.starts_with(&format!("{bad}="))
        })
        .unwrap_or(words.len());
    let mut out: Vec<&str> = Vec::new();
    for (i, w) in words.iter().enumerate().skip(start) {
        if i > start && w.starts_with('-') {
            break;
        }
        out.push(w);
    }
    if out.is_empty() { bad } else { out.join(" ") }
}
