//! `in-toto layout`: layouts written by people.
//!
//! * `create` compiles a TOML layout (docs/layout-toml.md), checks it, signs
//!   it and writes it atomically;
//! * `show` prints everything a layout says, or a Graphviz graph of its
//!   MATCH rules;
//! * `lint` warns about the mistakes layout authors make.
//!
//! Exit status: 0 on success, 1 for unusable input (and for lint warnings
//! with `--strict`), 2 for usage errors.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use intoto::authoring::show::{
    KeyNames, ShowContext, SignatureLine, SignatureStatus, render_dot, render_text,
};
use intoto::authoring::text::escape_control;
use intoto::authoring::{LintWarning, SourceMap, Subject, TomlLayout, lint, read_toml_layout};
use intoto::keys::{load_private_key, load_public_key};
use intoto::metadata_io::{load_metadata, write_metadata};
use intoto::model::{Layout, Metadata, Payload};
use intoto::time::{Clock, SystemClock};
use intoto_crypto::PublicKey;

use crate::common::{chain, optional_password, parse, strings};

pub(crate) fn command() -> Command {
    Command::new("layout")
        .about("Write layouts in TOML, and show and lint layouts")
        .subcommand_required(true)
        .subcommand(
            Command::new("create")
                .about("Check a TOML layout, sign it and write the layout metadata")
                .long_about(
                    "Check a TOML layout (see docs/layout-toml.md), build the layout it describes, \
                     sign it with every --signing-key and write it atomically to --output. Any \
                     problem (unknown keys, a missing key file, a bad rule, a duplicate step \
                     name, an unknown functionary, an expiry in the past) is reported with its \
                     line and column, and nothing is written. Lint warnings are printed but do \
                     not stop the layout from being written.",
                )
                .after_help(
                    "Examples:\n  in-toto layout create layout.toml --signing-key owner -o root.layout\n  \
                     in-toto layout create layout.toml --signing-key owner-a --signing-key owner-b -P --use-dsse -o root.layout",
                )
                .arg(Arg::new("layout").value_name("LAYOUT.toml").required(true).help("the TOML layout"))
                .arg(
                    Arg::new("signing-key")
                        .short('k')
                        .long("signing-key")
                        .value_name("KEY")
                        .action(ArgAction::Append)
                        .required(true)
                        .help("private key (PKCS#8, PKCS#1 or SEC1 PEM) to sign with; repeat for several owners"),
                )
                .arg(
                    Arg::new("password")
                        .short('P')
                        .long("password")
                        .num_args(0..=1)
                        .value_name("password")
                        .help("password of the encrypted signing keys; without a value, prompt for it"),
                )
                .arg(
                    Arg::new("use-dsse")
                        .long("use-dsse")
                        .action(ArgAction::SetTrue)
                        .help("write a DSSE envelope instead of a Metablock"),
                )
                .arg(
                    Arg::new("output")
                        .short('o')
                        .long("output")
                        .value_name("path")
                        .required(true)
                        .help("where to write the signed layout"),
                ),
        )
        .subcommand(
            Command::new("show")
                .about("Print a layout's steps, functionaries, thresholds, rules and inspections")
                .long_about(
                    "Print everything a layout says: expiry, readme, signatures, functionary keys, \
                     and for each step its functionaries (key ids, and the file names of matching \
                     --keys), threshold, expected command and rules as written, and for each \
                     inspection its command and rules. With --format dot, print a Graphviz graph \
                     whose nodes are the steps and inspections and whose edges are the MATCH \
                     rules between them. The layout's signatures are not required to be valid; \
                     those made by a key given with --keys are checked and marked.",
                )
                .after_help(
                    "Examples:\n  in-toto layout show root.layout --keys keys/\n  \
                     in-toto layout show root.layout --format dot | dot -Tsvg > layout.svg",
                )
                .arg(Arg::new("layout").value_name("LAYOUT").required(true).help("signed layout, or a TOML layout"))
                .arg(
                    Arg::new("format")
                        .long("format")
                        .value_parser(["text", "dot"])
                        .default_value("text")
                        .help("output format"),
                )
                .arg(
                    Arg::new("keys")
                        .long("keys")
                        .value_name("PATH")
                        .num_args(1..)
                        .action(ArgAction::Append)
                        .help("public key files, or directories of them, to name key ids and check signatures"),
                ),
        )
        .subcommand(
            Command::new("lint")
                .about("Warn about likely mistakes in a layout")
                .long_about(
                    "Warn about likely mistakes in a signed layout or a TOML layout: products no \
                     later step or inspection MATCHes, step rule lists without a final \
                     'DISALLOW *', REQUIRE rules that always fail, thresholds larger than the \
                     functionaries listed, MATCH rules naming steps that do not exist, come \
                     later, or are inspections, patterns that can never match, expiry within 30 \
                     days, and functionary keys no step uses. Exit 0 with warnings printed, or \
                     1 with --strict when there are any.",
                )
                .after_help("Examples:\n  in-toto layout lint layout.toml\n  in-toto layout lint --strict root.layout")
                .arg(Arg::new("layout").value_name("LAYOUT").required(true).help("signed layout, or a TOML layout"))
                .arg(
                    Arg::new("strict")
                        .long("strict")
                        .action(ArgAction::SetTrue)
                        .help("exit 1 when there is any warning"),
                ),
        )
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let m = match parse(command(), prog, args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let result = match m.subcommand() {
        Some(("create", sub)) => create(sub),
        Some(("show", sub)) => show(sub),
        Some(("lint", sub)) => lint_cmd(sub),
        _ => Err("a subcommand is required: create, show or lint".to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("{prog}: error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn one(m: &ArgMatches, id: &str) -> PathBuf {
    PathBuf::from(strings(m, id).concat())
}

fn is_toml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

fn create(m: &ArgMatches) -> Result<ExitCode, String> {
    let clock = SystemClock;
    let source = one(m, "layout");
    let out = one(m, "output");
    let compiled = read_toml_layout(&source, &clock).map_err(|e| chain(&e))?;
    let password = optional_password(m, "password", "Password of the signing keys: ")?;
    // Load every key before signing anything, so a bad key writes nothing.
    // The password is for the encrypted keys; unencrypted ones are loaded
    // without it, so one invocation can mix both.
    let keys = strings(m, "signing-key")
        .iter()
        .map(|k| {
            let path = Path::new(k);
            match (load_private_key(path, None), password.as_deref()) {
                (Ok(key), _) => Ok(key),
                (Err(e), None) => Err(chain(&e)),
                (Err(_), Some(pw)) => load_private_key(path, Some(pw)).map_err(|e| chain(&e)),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let payload = Payload::Layout(compiled.layout.clone());
    let mut metadata = if m.get_flag("use-dsse") {
        Metadata::new_dsse(&payload)
    } else {
        Metadata::new_metablock(&payload)
    };
    for key in &keys {
        metadata.sign(key).map_err(|e| chain(&e))?;
    }
    print_warnings(
        &lint(&compiled.layout, clock.now()),
        &source,
        Some(&compiled),
        true,
    );
    write_metadata(&out, &metadata).map_err(|e| chain(&e))?;
    let signers: Vec<String> = keys
        .iter()
        .map(|k| k.public_key().keyid().short().to_owned())
        .collect();
    println!(
        "wrote {} ({} step{}, {} inspection{}, expires {}, signed by {})",
        out.display(),
        compiled.layout.steps.len(),
        plural(compiled.layout.steps.len()),
        compiled.layout.inspect.len(),
        plural(compiled.layout.inspect.len()),
        compiled.layout.expires,
        signers.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A layout to show or lint: a TOML layout, or signed metadata.
enum Loaded {
    Toml(Box<TomlLayout>),
    Signed(Box<Layout>, Metadata),
}

fn load_any(path: &Path) -> Result<Loaded, String> {
    if is_toml(path) {
        return read_toml_layout(path, &SystemClock)
            .map(|t| Loaded::Toml(Box::new(t)))
            .map_err(|e| chain(&e));
    }
    let metadata = load_metadata(path).map_err(|e| chain(&e))?;
    match metadata.payload() {
        Ok(Payload::Layout(l)) => Ok(Loaded::Signed(Box::new(l), metadata)),
        Ok(other) => Err(format!(
            "{}: expected layout metadata, found {}",
            path.display(),
            other.kind()
        )),
        Err(e) => Err(format!("{}: {}", path.display(), chain(&e))),
    }
}

/// Public keys from files and directories (in a directory, files that are
/// not public keys are skipped), with the path each came from.
fn load_named_keys(paths: &[String]) -> Result<Vec<(PublicKey, String)>, String> {
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            entries.sort();
            for file in entries {
                if let Ok(key) = load_public_key(&file) {
                    out.push((key, file.display().to_string()));
                }
            }
        } else {
            let key = load_public_key(path).map_err(|e| chain(&e))?;
            out.push((key, p.clone()));
        }
    }
    Ok(out)
}

fn show(m: &ArgMatches) -> Result<ExitCode, String> {
    let path = one(m, "layout");
    let loaded = load_any(&path)?;
    let given = load_named_keys(&strings(m, "keys"))?;
    let mut names: KeyNames = BTreeMap::new();
    let (layout, signatures) = match &loaded {
        Loaded::Toml(t) => {
            names.extend(t.key_names());
            (&t.layout, None)
        }
        Loaded::Signed(l, md) => {
            let sigs: Vec<SignatureLine> = md
                .signature_keyids()
                .into_iter()
                .map(|keyid| {
                    let status = match given.iter().find(|(k, _)| k.keyid().as_str() == keyid) {
                        None => SignatureStatus::Unchecked,
                        Some((k, _)) if md.verify_signature(k).is_ok() => SignatureStatus::Valid,
                        Some(_) => SignatureStatus::Invalid,
                    };
                    SignatureLine { keyid, status }
                })
                .collect();
            (l.as_ref(), Some(sigs))
        }
    };
    for (key, name) in &given {
        names
            .entry(key.keyid().as_str().to_owned())
            .or_insert_with(|| name.clone());
    }
    let text = match m.get_one::<String>("format").map(String::as_str) {
        Some("dot") => render_dot(layout),
        _ => render_text(
            layout,
            &ShowContext {
                names: &names,
                signatures: signatures.as_deref(),
                now: SystemClock.now(),
            },
        ),
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn lint_cmd(m: &ArgMatches) -> Result<ExitCode, String> {
    let path = one(m, "layout");
    let loaded = load_any(&path)?;
    let (layout, toml) = match &loaded {
        Loaded::Toml(t) => (&t.layout, Some(t.as_ref())),
        Loaded::Signed(l, _) => (l.as_ref(), None),
    };
    let warnings = lint(layout, SystemClock.now());
    print_warnings(&warnings, &path, toml, false);
    if warnings.is_empty() {
        println!("{}: no warnings", path.display());
    } else {
        println!(
            "{}: {} warning{}",
            path.display(),
            warnings.len(),
            plural(warnings.len())
        );
    }
    Ok(if m.get_flag("strict") && !warnings.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn location(map: &SourceMap, subject: &Subject) -> Option<intoto::authoring::Location> {
    match subject {
        Subject::Layout => map.expires(),
        Subject::Key { keyid } => map.key(keyid),
        Subject::Item(item) | Subject::List { item, .. } => map.item(&item.name),
        Subject::Rule {
            item, list, index, ..
        } => map.rule(&item.name, *list, *index),
        _ => None,
    }
}

/// Prints lint warnings as `FILE[:LINE:COL]: warning: ...`, to stderr when
/// they accompany another command's output, else to stdout.
fn print_warnings(
    warnings: &[LintWarning],
    path: &Path,
    toml: Option<&TomlLayout>,
    to_stderr: bool,
) {
    let names = toml.map(TomlLayout::key_names).unwrap_or_default();
    for w in warnings {
        let at = toml
            .and_then(|t| location(&t.source_map, &w.subject))
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        let who = match &w.subject {
            Subject::Key { keyid } => names
                .get(keyid)
                .map(|n| format!(" (functionary {})", escape_control(n)))
                .unwrap_or_default(),
            _ => String::new(),
        };
        let line = format!("{}{at}: warning: {w}{who}", path.display());
        if to_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
}
