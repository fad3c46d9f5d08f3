//! `in-toto-sign`: sign link or layout metadata, or verify its signatures.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgGroup, Command};
use intoto::keys::{load_private_key, load_public_key};
use intoto::metadata_io::{load_metadata, write_metadata};
use intoto::model::{Link, Metadata, MetadataError};

use crate::common::{
    EXIT_USAGE, chain, info, parse, post_parse_error, prompt_password, set_verbosity, strings,
};

fn command() -> Command {
    Command::new("in-toto-sign")
        .override_usage(
            "in-toto-sign [-h] -f <path> [-k <path> [<path> ...]] [-p] [-o <path>] [-a] [--verify] [-v | -q] [--version]",
        )
        .about("Sign in-toto link or layout metadata (Metablock or DSSE), or verify its signatures.")
        .long_about(
            "Sign in-toto link or layout metadata (Metablock or DSSE), or verify its signatures.\n\n\
             By default existing signatures are replaced; with --append (layouts only) new ones are \
             added, so a layout can carry signatures of several owners. A layout is written back to \
             its own path unless --output is given; a link is written to '<name>.<keyid prefix>.link' \
             in the current directory. A link is signed by exactly one key.\n\n\
             Exit status: 0 on success, 1 when --verify finds a bad or missing signature, 2 for \
             usage errors and unusable files or keys.",
        )
        .after_help(
            "Examples:\n  \
             in-toto-sign -f unsigned.layout -k owner-a owner-b -o root.layout\n  \
             in-toto-sign -f package.2f89b927.link -k alice\n  \
             in-toto-sign -f root.layout -k owner-a.pub owner-b.pub --verify",
        )
        .arg(
            Arg::new("file")
                .short('f')
                .long("file")
                .value_name("path")
                .required(true)
                .help("link or layout metadata to sign or verify"),
        )
        .arg(
            Arg::new("key")
                .short('k')
                .long("key")
                .value_name("path")
                .num_args(1..)
                .action(ArgAction::Append)
                .help(
                    "key files: PEM private keys (PKCS#8, optionally encrypted) to sign with, \
                     or PEM public keys (SubjectPublicKeyInfo) with --verify",
                ),
        )
        .arg(
            Arg::new("prompt")
                .short('p')
                .long("prompt")
                .action(ArgAction::SetTrue)
                .help("prompt once for the password of the signing keys"),
        )
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("path")
                .help("where to write the signed metadata"),
        )
        .arg(
            Arg::new("append")
                .short('a')
                .long("append")
                .action(ArgAction::SetTrue)
                .help("keep existing signatures and add new ones (layouts only)"),
        )
        .arg(
            Arg::new("verify")
                .long("verify")
                .action(ArgAction::SetTrue)
                .help("verify the signatures with the public keys given by --key instead of signing"),
        )
        .arg(Arg::new("verbose").short('v').long("verbose").action(ArgAction::SetTrue).help("show more output"))
        .arg(Arg::new("quiet").short('q').long("quiet").action(ArgAction::SetTrue).help("show nothing"))
        .group(ArgGroup::new("verbosity").args(["verbose", "quiet"]).multiple(false))
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let m = match parse(command(), prog, args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    set_verbosity(m.get_flag("verbose"), m.get_flag("quiet"));
    let file = PathBuf::from(m.get_one::<String>("file").cloned().unwrap_or_default());
    let keys = strings(&m, "key");
    let output = m.get_one::<String>("output").map(PathBuf::from);
    let append = m.get_flag("append");
    let verify = m.get_flag("verify");
    let usage = |msg: &str| post_parse_error(command(), prog, true, msg);

    if verify && (append || output.is_some()) {
        return usage(
            "conflicting arguments: don't specify any of 'append' or 'output' when verifying signatures",
        );
    }
    if keys.is_empty() {
        return usage("wrong arguments: specify '--key PATH [PATH ...]'");
    }
    let metadata = match load_metadata(&file) {
        Ok(md) => md,
        Err(e) => {
            quiet_aware_error(&format!(
                "The following error occurred while loading the file '{}': {}",
                file.display(),
                chain(&e)
            ));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let kind = match metadata.payload_kind() {
        Ok(k) => k,
        Err(e) => {
            quiet_aware_error(&format!(
                "The following error occurred while loading the file '{}': {}",
                file.display(),
                chain(&e)
            ));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if verify {
        return verify_signatures(&metadata, &keys);
    }
    if kind == "link" {
        if keys.len() > 1 {
            return usage(
                "too many arguments: link metadata is associated with a single functionary and is \
                 usually namespaced accordingly: '<name>.<keyid prefix>.link'. Hence signing Link \
                 metadata with multiple keys is not allowed.",
            );
        }
        if append {
            return usage(
                "wrong arguments: link metadata is associated with a single functionary and is \
                 usually namespaced accordingly: '<name>.<keyid prefix>.link'. Hence adding \
                 signatures to existing signatures on link metadata is not allowed.",
            );
        }
    }
    match sign(
        metadata,
        &kind,
        &file,
        &keys,
        m.get_flag("prompt"),
        append,
        output,
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            quiet_aware_error(&format!(
                "The following error occurred while signing: {msg}"
            ));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn quiet_aware_error(msg: &str) {
    crate::common::warn(msg);
}

fn sign(
    mut metadata: Metadata,
    kind: &str,
    file: &Path,
    keys: &[String],
    prompt: bool,
    append: bool,
    output: Option<PathBuf>,
) -> Result<(), String> {
    let password = if prompt {
        Some(prompt_password("Password: ")?)
    } else {
        None
    };
    if !append {
        metadata.clear_signatures();
    }
    let mut last_keyid = String::new();
    for path in keys {
        let key = load_private_key(Path::new(path), password.as_deref()).map_err(|e| chain(&e))?;
        metadata.sign(&key).map_err(|e| chain(&e))?;
        last_keyid = intoto_crypto::Signer::public_key(&key)
            .keyid()
            .as_str()
            .to_owned();
    }
    let out = match output {
        Some(o) => o,
        None if kind == "link" => {
            let name = match metadata.payload_value().map_err(|e| chain(&e))?.get("name") {
                Some(intoto_cjson::Value::String(s)) => s.clone(),
                _ => String::new(),
            };
            PathBuf::from(Link::file_name(&name, &last_keyid))
        }
        None => file.to_path_buf(),
    };
    info(format!("Dumping {kind} to '{}'...", out.display()));
    write_metadata(&out, &metadata).map_err(|e| chain(&e))
}

fn verify_signatures(metadata: &Metadata, keys: &[String]) -> ExitCode {
    for path in keys {
        let key = match load_public_key(Path::new(path)) {
            Ok(k) => k,
            Err(e) => {
                quiet_aware_error(&format!(
                    "The following error occurred while verifying signatures: {}",
                    chain(&e)
                ));
                return ExitCode::from(EXIT_USAGE);
            }
        };
        match metadata.verify_signature(&key) {
            Ok(()) => info(format!(
                "Signature verification passed for keyid '{}'",
                key.keyid()
            )),
            Err(e @ (MetadataError::NoSignature(_) | MetadataError::BadSignature(_))) => {
                quiet_aware_error(&format!("Signature verification failed: {e}"));
                return ExitCode::FAILURE;
            }
            Err(e) => {
                quiet_aware_error(&format!(
                    "The following error occurred while verifying signatures: {}",
                    chain(&e)
                ));
                return ExitCode::from(EXIT_USAGE);
            }
        }
    }
    ExitCode::SUCCESS
}
