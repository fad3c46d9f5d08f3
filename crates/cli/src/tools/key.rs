//! `in-toto key`: the key tooling the reference dropped in 3.0.
//!
//! * `generate` writes a private key (PKCS#8 PEM, optionally encrypted,
//!   owner-only permissions) and its public key (`NAME.pub`, SPKI PEM);
//! * `id` prints the key ids of key files;
//! * `show` prints the key dict a layout embeds for a key.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, ArgAction, Command};
use intoto::files::{write_atomic, write_atomic_with_mode};
use intoto::keys::{load_private_key, load_public_key};
use intoto_cjson::{Style, to_python_json};
use intoto_crypto::{Curve, KeySpec, PrivateKey, PublicKey};

use crate::common::{chain, parse, post_parse_error, prompt_password, strings};

pub(crate) fn command() -> Command {
    Command::new("key")
        .about("Generate keys, print key ids, and show the key dicts that layouts embed")
        .subcommand_required(true)
        .subcommand(
            Command::new("generate")
                .about("Generate a key pair: NAME (private, PKCS#8 PEM, mode 0600) and NAME.pub (SPKI PEM)")
                .after_help(
                    "Examples:\n  in-toto key generate --type ed25519 -o alice\n  \
                     in-toto key generate --type rsa --bits 4096 --password -o owner\n  \
                     in-toto key generate --type ecdsa --curve p384 -o bob",
                )
                .arg(
                    Arg::new("type")
                        .short('t')
                        .long("type")
                        .value_parser(["ed25519", "rsa", "ecdsa"])
                        .default_value("ed25519")
                        .help("key type"),
                )
                .arg(
                    Arg::new("bits")
                        .long("bits")
                        .value_parser(clap::value_parser!(u32).range(2048..=8192))
                        .help("RSA modulus size in bits (default 3072)"),
                )
                .arg(
                    Arg::new("curve")
                        .long("curve")
                        .value_parser(["p256", "p384", "p521"])
                        .help("ECDSA curve (default p256)"),
                )
                .arg(
                    Arg::new("password")
                        .short('P')
                        .long("password")
                        .num_args(0..=1)
                        .value_name("password")
                        .help("encrypt the private key; without a value, prompt for the password"),
                )
                .arg(
                    Arg::new("output")
                        .short('o')
                        .long("output")
                        .value_name("NAME")
                        .required(true)
                        .help("path of the private key; the public key goes to NAME.pub"),
                )
                .arg(
                    Arg::new("force")
                        .long("force")
                        .action(ArgAction::SetTrue)
                        .help("overwrite existing key files"),
                ),
        )
        .subcommand(
            Command::new("id")
                .about("Print the key id of each key file (public or unencrypted private PEM)")
                .after_help("Examples:\n  in-toto key id alice.pub\n  in-toto key id keys/*.pub")
                .arg(
                    Arg::new("files")
                        .value_name("FILE")
                        .num_args(1..)
                        .required(true)
                        .help("key files: PEM public keys, or unencrypted PEM private keys"),
                ),
        )
        .subcommand(
            Command::new("show")
                .about("Print the key dict (securesystemslib format) that a layout embeds for a key")
                .after_help("Examples:\n  in-toto key show alice.pub")
                .arg(
                    Arg::new("file")
                        .value_name("FILE")
                        .required(true)
                        .help("a key file: a PEM public key, or an unencrypted PEM private key"),
                ),
        )
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let m = match parse(command(), prog, args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let result = match m.subcommand() {
        Some(("generate", sub)) => generate(prog, sub),
        Some(("id", sub)) => strings(sub, "files").iter().try_for_each(|f| {
            let key = public_key_of(Path::new(f))?;
            println!("{}  {f}", key.keyid());
            Ok(())
        }),
        Some(("show", sub)) => {
            let f = strings(sub, "file").concat();
            public_key_of(Path::new(&f))
                .map(|key| println!("{}", to_python_json(&key.to_key_dict(), Style::Indent1)))
        }
        _ => Err("a subcommand is required: generate, id or show".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) if msg.starts_with("usage:") => {
            post_parse_error(command(), prog, false, msg.trim_start_matches("usage:"))
        }
        Err(msg) => {
            eprintln!("{prog}: error: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// The public key of a public or (unencrypted) private PEM file.
fn public_key_of(path: &Path) -> Result<PublicKey, String> {
    match load_public_key(path) {
        Ok(k) => Ok(k),
        Err(pub_err) => match load_private_key(path, None) {
            Ok(k) => Ok(k.public_key().clone()),
            Err(_) => Err(chain(&pub_err)),
        },
    }
}

fn generate(_prog: &str, m: &clap::ArgMatches) -> Result<(), String> {
    let kind = m
        .get_one::<String>("type")
        .map(String::as_str)
        .unwrap_or("ed25519");
    let bits = m.get_one::<u32>("bits").copied();
    let curve = m.get_one::<String>("curve").map(String::as_str);
    let spec = match (kind, bits, curve) {
        ("ed25519", None, None) => KeySpec::Ed25519,
        ("rsa", bits, None) => KeySpec::Rsa {
            bits: usize::try_from(bits.unwrap_or(3072)).unwrap_or(3072),
        },
        ("ecdsa", None, c) => KeySpec::Ecdsa(match c.unwrap_or("p256") {
            "p384" => Curve::P384,
            "p521" => Curve::P521,
            _ => Curve::P256,
        }),
        (_, Some(_), _) => return Err("usage:--bits applies to RSA keys only".into()),
        (_, _, _) => return Err("usage:--curve applies to ECDSA keys only".into()),
    };
    let out = PathBuf::from(m.get_one::<String>("output").cloned().unwrap_or_default());
    let mut pub_path = out.clone().into_os_string();
    pub_path.push(".pub");
    let pub_path = PathBuf::from(pub_path);
    if !m.get_flag("force") {
        for p in [&out, &pub_path] {
            if p.symlink_metadata().is_ok() {
                return Err(format!(
                    "{}: already exists (use --force to overwrite)",
                    p.display()
                ));
            }
        }
    }
    let password = match m.get_raw("password") {
        None => None,
        Some(mut vals) => match vals.next() {
            Some(v) => Some(v.to_string_lossy().into_owned().into_bytes()),
            None => {
                let first = prompt_password("Enter a password for the new key: ")?;
                let again = prompt_password("Enter it again: ")?;
                if first != again {
                    return Err("the passwords do not match".into());
                }
                Some(first)
            }
        },
    };
    let key = PrivateKey::generate(spec).map_err(|e| chain(&e))?;
    let pem = key
        .to_pkcs8_pem(password.as_deref())
        .map_err(|e| chain(&e))?;
    let public = key.public_key().to_pem().map_err(|e| chain(&e))?;
    write_atomic_with_mode(&out, pem.as_bytes(), Some(0o600)).map_err(|e| chain(&e))?;
    write_atomic(&pub_path, public.as_bytes()).map_err(|e| chain(&e))?;
    println!("{}  {}", key.public_key().keyid(), out.display());
    Ok(())
}
