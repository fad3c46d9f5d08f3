//! `in-toto-sign`: sign link or layout metadata, or verify its signatures.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};
use intoto::keys::{export_gpg_key, load_private_key, load_public_key};
use intoto::metadata_io::{load_metadata, write_metadata};
use intoto::model::{Link, Metadata, MetadataError};
use intoto_crypto::PublicKey;
use intoto_crypto::gpg::{Gpg, GpgSigner};

use crate::common::{
    EXIT_USAGE, chain, info, parse, post_parse_error, prompt_password, set_verbosity, strings,
};

pub(crate) fn command() -> Command {
    Command::new("in-toto-sign")
        .override_usage(
            "in-toto-sign [-h] -f <path> [-k <path> [<path> ...]] [-p]\n                    [-g [<id> ...]] [--gpg-home <path>] [-o <path>] [-a]\n                    [--verify] [-v | -q] [--version]",
        )
        .about("Sign in-toto link or layout metadata (Metablock or DSSE), or verify its signatures.")
        .long_about(
            "Sign in-toto link or layout metadata (Metablock or DSSE), or verify its signatures.\n\n\
             By default existing signatures are replaced; with --append (layouts only) new ones are \
             added, so a layout can carry signatures of several owners. A layout is written back to \
             its own path unless --output is given; a link is written to '<name>.<keyid prefix>.link' \
             in the current directory. A link is signed by exactly one key.\n\n\
             Keys are PEM files (--key) or GnuPG keys (--gpg): signing runs the gpg program \
             ($GNUPG, else gpg2, else gpg) with the given key ids or the default key; verifying \
             exports the keys from the keyring and checks the signatures here.\n\n\
             Exit status: 0 on success, 1 when --verify finds a bad or missing signature, 2 for \
             usage errors and unusable files or keys.",
        )
        .after_help(
            "Examples:\n  \
             in-toto-sign -f unsigned.layout -k owner-a owner-b -o root.layout\n  \
             in-toto-sign -f package.2f89b927.link -k alice\n  \
             in-toto-sign -f root.layout -k owner-a.pub owner-b.pub --verify\n  \
             in-toto-sign -f root.layout --gpg\n  \
             in-toto-sign -f root.layout --verify --gpg 3BF8135765A07E21BD12BF89A5627F6BF439F3C2",
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
            Arg::new("gpg")
                .short('g')
                .long("gpg")
                .value_name("id")
                .num_args(0..)
                .action(ArgAction::Set)
                .overrides_with("gpg")
                .help(
                    "GnuPG key ids to sign with (the default key when none is given) or, \
                     with --verify, to verify with",
                ),
        )
        .arg(
            Arg::new("gpg_home")
                .long("gpg-home")
                .value_name("path")
                .help("GnuPG home directory of the keys given by --gpg (default: GnuPG's own)"),
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
                .help(
                    "verify the signatures with the public keys given by --key or --gpg instead \
                     of signing",
                ),
        )
        .arg(Arg::new("verbose").short('v').long("verbose").action(ArgAction::SetTrue).help("show more output"))
        .arg(Arg::new("quiet").short('q').long("quiet").action(ArgAction::SetTrue).help("show nothing"))
        .group(ArgGroup::new("verbosity").args(["verbose", "quiet"]).multiple(false))
}

/// The keys given: PEM files, or GnuPG key ids (none: the default key).
enum Keys {
    Pem(Vec<String>),
    Gpg {
        ids: Vec<String>,
        home: Option<PathBuf>,
    },
}

impl Keys {
    fn count(&self) -> usize {
        match self {
            Self::Pem(k) => k.len(),
            Self::Gpg { ids, .. } => ids.len(),
        }
    }
}

/// Whether an option was given on the command line (with or without values).
fn given(m: &ArgMatches, id: &str) -> bool {
    m.value_source(id) == Some(ValueSource::CommandLine)
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let m = match parse(command(), prog, args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    set_verbosity(m.get_flag("verbose"), m.get_flag("quiet"));
    let file = PathBuf::from(m.get_one::<String>("file").cloned().unwrap_or_default());
    let output = m.get_one::<String>("output").map(PathBuf::from);
    let append = m.get_flag("append");
    let verify = m.get_flag("verify");
    let usage = |msg: &str| post_parse_error(command(), prog, true, msg);

    if verify && (append || output.is_some()) {
        return usage(
            "conflicting arguments: don't specify any of 'append' or 'output' when verifying signatures",
        );
    }
    let keys = match (given(&m, "key"), given(&m, "gpg")) {
        (true, false) => Keys::Pem(strings(&m, "key")),
        (false, true) => Keys::Gpg {
            ids: strings(&m, "gpg"),
            home: m.get_one::<String>("gpg_home").map(PathBuf::from),
        },
        _ => {
            return usage(
                "wrong arguments: specify either '--key PATH [PATH ...]' or '--gpg [KEYID [KEYID ...]]'",
            );
        }
    };
    if verify && matches!(&keys, Keys::Gpg { ids, .. } if ids.is_empty()) {
        return usage(
            "missing arguments: specify at least one keyid for GPG signature verification ('--gpg KEYID ...')",
        );
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
    // As in the reference, these apply to verifying too.
    if kind == "link" {
        if keys.count() > 1 {
            return usage(
                "too many arguments: link metadata is associated with a single functionary and is \
                 usually namespaced accordingly: '<name>.<keyid prefix>.link'. Hence signing Link \
                 metadata with multiple keys is not allowed.",
            );
        }
        if append {
            return usage(
                "wrong arguments: link metadata is associated with a single functionary and is \
                 usually namespaced accordingly: '<name>.<keyid prefix>.link'.. Hence adding \
                 signatures to existing signatures on link metadata is not allowed.",
            );
        }
    }
    if verify {
        return verify_signatures(&metadata, &keys);
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
    keys: &Keys,
    prompt: bool,
    append: bool,
    output: Option<PathBuf>,
) -> Result<(), String> {
    if !append {
        metadata.clear_signatures();
    }
    let mut last_keyid = String::new();
    match keys {
        Keys::Pem(paths) => {
            let password = if prompt {
                Some(prompt_password("Password: ")?)
            } else {
                None
            };
            for path in paths {
                let key = load_private_key(Path::new(path), password.as_deref())
                    .map_err(|e| chain(&e))?;
                metadata.sign(&key).map_err(|e| chain(&e))?;
                last_keyid = intoto_crypto::Signer::public_key(&key)
                    .keyid()
                    .as_str()
                    .to_owned();
            }
        }
        Keys::Gpg { ids, home } => {
            let gpg = Gpg::new(home.as_deref());
            let wanted: Vec<Option<&String>> = if ids.is_empty() {
                vec![None]
            } else {
                ids.iter().map(Some).collect()
            };
            for id in wanted {
                if let Some(id) = id
                    && (id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()))
                {
                    return Err(format!("expected hex string, got '{id} (<class 'str'>)'"));
                }
                let signer = GpgSigner::new(gpg.clone(), id.cloned());
                let sig = metadata.sign_gpg(&signer).map_err(|e| chain(&e))?;
                last_keyid = sig.keyid().as_str().to_owned();
            }
        }
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

/// The verification keys: PEM files, or keys exported from the keyring
/// (merged by key id, as the reference's dict does).
fn verification_keys(keys: &Keys) -> Result<Vec<PublicKey>, String> {
    let mut out: Vec<PublicKey> = Vec::new();
    let mut add = |key: PublicKey| match out.iter_mut().find(|k| k.keyid() == key.keyid()) {
        Some(slot) => *slot = key,
        None => out.push(key),
    };
    match keys {
        Keys::Pem(paths) => {
            for path in paths {
                add(load_public_key(Path::new(path)).map_err(|e| chain(&e))?);
            }
        }
        Keys::Gpg { ids, home } => {
            for id in ids {
                add(export_gpg_key(id, home.as_deref()).map_err(|e| chain(&e))?);
            }
        }
    }
    Ok(out)
}

fn verify_signatures(metadata: &Metadata, keys: &Keys) -> ExitCode {
    let keys = match verification_keys(keys) {
        Ok(k) => k,
        Err(msg) => {
            quiet_aware_error(&format!(
                "The following error occurred while verifying signatures: {msg}"
            ));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    for key in keys {
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
