//! `in-toto attest`: in-toto attestations (a Statement v1 in a DSSE
//! envelope), and what `in-toto-run --attestation` and
//! `in-toto-record stop --attestation` share with it.
//!
//! * `provenance` runs a step like in-toto-run and writes SLSA provenance
//!   v1 for it;
//! * `sign` makes a Statement of any predicate about local files;
//! * `verify` checks an attestation's payload type, signature threshold,
//!   predicate type and subjects against local files.
//!
//! Exit status: 0 on success, 1 for unusable input (each problem on one
//! line naming the file), 2 for usage errors; the command's own status
//! for `provenance` when it exits non-zero, as in-toto-run.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};
use intoto::files::{MAX_METADATA_BYTES, read_regular_file, write_atomic};
use intoto::keys::{load_private_key, load_public_key};
use intoto::model::Link;
use intoto::record::normpath;
use intoto::run::{RunOptions, SystemExecutor, check_step_name, run_step_with};
use intoto_attestation::{
    ClassicLink, Error as AttestationError, IgnoredReason, LinkPredicate, PAYLOAD_TYPE, Predicate,
    Provenance, ResourceDescriptor, Statement, VerifiedStatement, is_valid_uri,
};
use intoto_cjson::{Map, Value};
use intoto_crypto::{PrivateKey, PublicKey, Signer};
use intoto_dsse::Envelope;

use super::run::{CliObserver, exit_status, python_int, record_options, step_args, verbosity_args};
use crate::common::{
    chain, info, now_timestamp, optional_password, parse, post_parse_error, set_verbosity, strings,
    warn,
};

/// The default `buildDefinition.buildType` of `attest provenance`.
pub(crate) const DEFAULT_BUILD_TYPE: &str =
    "https://in-toto.io/attestation/provenance/in-toto-run/v1";

/// The `internalParameters` key that ties provenance to a layout step.
pub(crate) const STEP_PARAMETER: &str = "inTotoStep";

/// Largest predicate file `attest sign` reads.
const MAX_PREDICATE_BYTES: u64 = 64 * 1024 * 1024;

/// `--attestation` of in-toto-run and in-toto-record.
pub(super) fn attestation_arg() -> Arg {
    Arg::new("attestation")
        .long("attestation")
        .action(ArgAction::SetTrue)
        .help(
            "write an in-toto attestation instead of a classic link: a DSSE envelope of a \
             Statement v1 with the link v0.3 predicate (products as subjects), same file name; \
             needs --signing-key (not --gpg)",
        )
}

/// The usage error for `--attestation` with GnuPG.
pub(super) const ATTESTATION_GPG: &str =
    "--attestation needs --signing-key: GnuPG cannot sign DSSE envelopes";

/// The classic link of the `intoto` model in the attestation crate's
/// plain form.
fn classic_link(link: &Link) -> ClassicLink {
    let artifacts = |a: &intoto::model::Artifacts| {
        a.iter()
            .map(|(path, digests)| (path.clone(), BTreeMap::from(digests.clone())))
            .collect()
    };
    ClassicLink {
        name: link.name.clone(),
        command: link.command.clone(),
        materials: artifacts(&link.materials),
        products: artifacts(&link.products),
        byproducts: link.byproducts.clone(),
        environment: link.environment.clone(),
    }
}

/// Signs `statement` with `keys` and writes the envelope atomically to
/// `path` (nothing is written if anything fails).
fn write_statement(statement: &Statement, keys: &[&PrivateKey], path: &Path) -> Result<(), String> {
    let signers: Vec<&dyn Signer> = keys.iter().map(|k| *k as &dyn Signer).collect();
    let envelope = statement.sign(&signers).map_err(|e| {
        format!(
            "{}: cannot make the attestation: {}",
            path.display(),
            chain(&e)
        )
    })?;
    write_atomic(path, envelope.to_json().as_bytes()).map_err(|e| chain(&e))
}

/// Writes the evidence of a step as a link v0.3 attestation signed by
/// `key`, to `<step>.<keyid[:8]>.link` in `dir` (default: the current
/// directory). Returns the path.
pub(super) fn write_link_attestation(
    link: &Link,
    key: &PrivateKey,
    dir: Option<&Path>,
) -> Result<PathBuf, String> {
    let file = Link::file_name(&link.name, key.public_key().keyid().as_str());
    let path = dir.map_or_else(|| PathBuf::from(&file), |d| d.join(&file));
    let statement = Statement::from_classic_link(&classic_link(link)).map_err(|e| {
        format!(
            "{}: cannot make the attestation: {}",
            path.display(),
            chain(&e)
        )
    })?;
    info(format!(
        "Signing the attestation with key '{}'...",
        key.public_key().keyid().as_str()
    ));
    info(format!(
        "Storing the attestation to '{}'...",
        path.display()
    ));
    write_statement(&statement, &[key], &path)?;
    Ok(path)
}

const REQUIRED: &str = "Required Named Arguments";

fn uri_arg(id: &'static str, long: &'static str, help: &'static str) -> Arg {
    Arg::new(id).long(long).value_name("URI").help(help)
}

fn password_arg() -> Arg {
    Arg::new("password")
        .short('P')
        .long("password")
        .value_name("password")
        .num_args(0..=1)
        .help("password of the encrypted signing keys; '-P' alone asks for it")
}

fn provenance_command() -> Command {
    let cmd = Command::new("provenance")
        .about("Run a step and write SLSA provenance v1 for it")
        .long_about(
            "Run a step like in-toto-run and write signed SLSA provenance v1 for it: an in-toto \
             Statement in a DSSE envelope whose subjects are the products (name and sha256), \
             with buildDefinition.buildType (--build-type), externalParameters {\"command\": \
             [...]}, internalParameters {\"inTotoStep\": <step name>}, resolvedDependencies \
             = the materials, runDetails.builder.id (--builder-id) and \
             runDetails.metadata.startedOn/finishedOn.\n\n\
             Materials, products, excludes, --base-path and --lstrip-paths are recorded exactly \
             as in-toto-run records them; the command runs without a shell and its output is \
             discarded. The provenance is written to '<name>.<keyid prefix>.link' in the \
             metadata directory (so in-toto-verify finds it for the step), or to --output. If \
             the command exits non-zero, the provenance is still written and the tool exits \
             with the command's status. Errors exit 1, usage errors 2; on error nothing is \
             written.",
        )
        .after_help(
            "Examples:\n  \
             in-toto attest provenance -n build -k alice --builder-id https://ci.example.com/runner \\\n      \
             -m src -p dist/app.tar.gz -- make dist\n  \
             in-toto attest provenance -n build -k alice --builder-id https://ci.example.com/runner \\\n      \
             -p app -o app.provenance.json -- cargo build --release",
        )
        .arg(
            Arg::new("step-name")
                .short('n')
                .long("step-name")
                .value_name("name")
                .required(true)
                .help_heading(REQUIRED)
                .help("name of the step (internalParameters.inTotoStep, and the file name)"),
        )
        .arg(
            Arg::new("signing-key")
                .short('k')
                .long("signing-key")
                .value_name("path")
                .help_heading(REQUIRED)
                .help("private key to sign with (PEM: PKCS#8, optionally encrypted, or traditional RSA/EC)"),
        )
        .arg(
            uri_arg(
                "builder-id",
                "builder-id",
                "runDetails.builder.id: the identity of the build platform",
            )
            .help_heading(REQUIRED),
        )
        .arg(uri_arg(
            "build-type",
            "build-type",
            "buildDefinition.buildType (default: https://in-toto.io/attestation/provenance/in-toto-run/v1)",
        ))
        .arg(super::run::paths_arg(
            "materials",
            'm',
            "files or directories to hash before the command runs: the resolved dependencies",
        ))
        .arg(super::run::paths_arg(
            "products",
            'p',
            "files or directories to hash after the command has run: the subjects",
        ))
        .arg(
            Arg::new("command")
                .value_name("command")
                .num_args(1..)
                .last(true)
                .help("the command to run and its arguments, after '--' (optional)"),
        );
    step_args(cmd)
        .arg(
            Arg::new("metadata-directory")
                .short('d')
                .long("metadata-directory")
                .value_name("directory")
                .help("directory to write '<name>.<keyid prefix>.link' to (default: the current directory)"),
        )
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("path")
                .conflicts_with("metadata-directory")
                .help("write the provenance here instead"),
        )
        .arg(
            Arg::new("run-timeout")
                .long("run-timeout")
                .value_name("RUN_TIMEOUT")
                .default_value("10")
                .help("seconds the command may run before it is killed and the step fails"),
        )
        .args(verbosity_args())
        .group(
            ArgGroup::new("verbosity")
                .args(["verbose", "quiet"])
                .multiple(false),
        )
}

fn sign_command() -> Command {
    Command::new("sign")
        .about("Sign any predicate about local files as an in-toto attestation")
        .long_about(
            "Make an in-toto Statement v1 with the predicate in --predicate (a JSON object, used \
             as is) of type --type about the --subject files (named by their normalised paths, \
             with their sha256), sign it with every --signing-key as a DSSE envelope and write \
             it atomically to --output. Known predicate types (link v0.3, SLSA provenance v1, \
             SLSA VSA v1) are checked against their specifications.",
        )
        .after_help(
            "Examples:\n  \
             in-toto attest sign --predicate scan.json --type https://example.com/scan/v1 \\\n      \
             -s dist/app.tar.gz -k alice -o app.scan.intoto.json\n  \
             in-toto attest sign --predicate vsa.json --type https://slsa.dev/verification_summary/v1 \\\n      \
             -s app -k alice -k bob -o app.vsa.json",
        )
        .arg(
            Arg::new("predicate")
                .long("predicate")
                .value_name("FILE")
                .required(true)
                .help("the predicate: a file with one JSON object"),
        )
        .arg(
            uri_arg("type", "type", "the predicate type (a URI)")
                .required(true),
        )
        .arg(
            Arg::new("subject")
                .short('s')
                .long("subject")
                .value_name("FILE")
                .num_args(1..)
                .action(ArgAction::Append)
                .required(true)
                .help("the files the Statement is about (repeatable)"),
        )
        .arg(
            Arg::new("signing-key")
                .short('k')
                .long("signing-key")
                .value_name("path")
                .action(ArgAction::Append)
                .required(true)
                .help("private key to sign with; repeat to sign with several keys"),
        )
        .arg(password_arg())
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("path")
                .required(true)
                .help("where to write the signed attestation"),
        )
}

fn verify_command() -> Command {
    Command::new("verify")
        .about("Verify an attestation's signatures, payload type, predicate type and subjects")
        .long_about(
            "Check an in-toto attestation (a DSSE envelope of a Statement): the payload type \
             must be an in-toto Statement type, at least --threshold distinct --key keys must \
             have signed it, the Statement must be valid, its predicate type must be --type \
             if given, and each --subject file must match the subject of the same name by every \
             digest that can be computed here (sha224, sha256, sha384, sha512, sha512_224, \
             sha512_256). A bundle (JSON Lines, one envelope a line) passes when one of its \
             envelopes does. Prints a summary and exits 0, or prints one line per problem and \
             exits 1.",
        )
        .after_help(
            "Examples:\n  \
             in-toto attest verify build.776a00e2.link --key alice.pub -s dist/app.tar.gz\n  \
             in-toto attest verify app.vsa.json --key alice.pub --key bob.pub --threshold 2 \\\n      \
             --type https://slsa.dev/verification_summary/v1",
        )
        .arg(
            Arg::new("file")
                .value_name("FILE")
                .required(true)
                .help("the attestation: a DSSE envelope, or a bundle of them"),
        )
        .arg(
            Arg::new("key")
                .long("key")
                .value_name("PUB")
                .num_args(1..)
                .action(ArgAction::Append)
                .required(true)
                .help("trusted public keys (PEM: SPKI or PKCS#1; an unencrypted private key is read for its public key)"),
        )
        .arg(
            Arg::new("threshold")
                .long("threshold")
                .value_name("N")
                .default_value("1")
                .value_parser(clap::value_parser!(u32).range(1..))
                .help("how many distinct given keys must have signed"),
        )
        .arg(
            Arg::new("subject")
                .short('s')
                .long("subject")
                .value_name("FILE")
                .num_args(1..)
                .action(ArgAction::Append)
                .help("local files that must match the subjects of the same name"),
        )
        .arg(uri_arg(
            "type",
            "type",
            "the predicate type the attestation must have",
        ))
}

pub(crate) fn command() -> Command {
    Command::new("attest")
        .about(
            "Write and verify in-toto attestations: SLSA provenance, any predicate, verification",
        )
        .long_about(
            "Write and verify in-toto attestations: Statements v1 in DSSE envelopes (payload \
             type application/vnd.in-toto+json).\n\n\
             'provenance' runs a step and writes SLSA provenance v1 for it; 'sign' signs any \
             predicate about local files; 'verify' checks an attestation. in-toto-run and \
             in-toto-record write link attestations with --attestation.\n\n\
             Exit status: 0 on success, 1 for unusable input, 2 for usage errors.",
        )
        .subcommand_required(true)
        .subcommand(provenance_command())
        .subcommand(sign_command())
        .subcommand(verify_command())
}

/// Why a subcommand failed.
enum Failure {
    /// A usage error (exit 2), reported with the subcommand's usage line.
    Usage(String),
    /// Unusable input or a failed check (exit 1): one line each.
    Errors(Vec<String>),
    /// Exit with this status (the command's), nothing to print.
    Status(ExitCode),
}

impl From<String> for Failure {
    fn from(msg: String) -> Self {
        Self::Errors(vec![msg])
    }
}

fn sub_command(sub: &str) -> Option<Command> {
    match sub {
        "provenance" => Some(provenance_command()),
        "sign" => Some(sign_command()),
        "verify" => Some(verify_command()),
        _ => None,
    }
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let first = args.first().map(|a| a.to_string_lossy().into_owned());
    let Some((sub, cmd)) = first
        .as_deref()
        .and_then(|s| sub_command(s).map(|c| (s.to_owned(), c)))
    else {
        // Help, or a missing or unknown subcommand: the top level reports it.
        return match parse(command(), prog, args) {
            Ok(_) => post_parse_error(command(), prog, false, "a subcommand is required"),
            Err(code) => code,
        };
    };
    // The subcommand parses on its own, so that its errors show its usage.
    let sub_prog = format!("{prog} {sub}");
    let m = match parse(cmd, &sub_prog, args.into_iter().skip(1).collect()) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let result = match sub.as_str() {
        "provenance" => provenance(&m),
        "sign" => sign(&m),
        _ => verify(&m),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            let cmd = sub_command(&sub).unwrap_or_else(command);
            post_parse_error(cmd, &sub_prog, false, &msg)
        }
        Err(Failure::Errors(lines)) => {
            for line in lines {
                warn(format!("{sub_prog}: error: {line}"));
            }
            ExitCode::FAILURE
        }
        Err(Failure::Status(code)) => code,
    }
}

fn load_keys(paths: &[String], password: Option<&[u8]>) -> Result<Vec<PrivateKey>, String> {
    paths
        .iter()
        .map(|p| load_private_key(Path::new(p), password).map_err(|e| chain(&e)))
        .collect()
}

fn check_uri(flag: &str, value: &str) -> Result<(), Failure> {
    if is_valid_uri(value) {
        Ok(())
    } else {
        Err(Failure::Usage(format!(
            "argument {flag}: '{value}' is not a valid URI (it needs a scheme, in lower case, \
             and no spaces)"
        )))
    }
}

fn provenance(m: &ArgMatches) -> Result<(), Failure> {
    set_verbosity(m.get_flag("verbose"), m.get_flag("quiet"));
    let name = m
        .get_one::<String>("step-name")
        .cloned()
        .unwrap_or_default();
    if let Err(e) = check_step_name(&name) {
        return Err(Failure::Usage(format!("argument -n/--step-name: {e}")));
    }
    let Some(key_path) = m.get_one::<String>("signing-key").filter(|k| !k.is_empty()) else {
        return Err(Failure::Usage(
            "the following arguments are required: -k/--signing-key".to_owned(),
        ));
    };
    let Some(builder_id) = m.get_one::<String>("builder-id") else {
        return Err(Failure::Usage(
            "the following arguments are required: --builder-id".to_owned(),
        ));
    };
    check_uri("--builder-id", builder_id)?;
    let build_type = m
        .get_one::<String>("build-type")
        .map_or(DEFAULT_BUILD_TYPE, String::as_str);
    check_uri("--build-type", build_type)?;
    let timeout_arg = m
        .get_one::<String>("run-timeout")
        .cloned()
        .unwrap_or_default();
    let Some(seconds) = python_int(&timeout_arg) else {
        return Err(Failure::Usage(format!(
            "argument --run-timeout: invalid int value: '{timeout_arg}'"
        )));
    };
    let command = strings(m, "command");

    let key = load_keys(
        std::slice::from_ref(key_path),
        optional_password(m, "password", "Password: ")?.as_deref(),
    )?
    .into_iter()
    .next()
    .ok_or_else(|| format!("{key_path}: the key was not loaded"))?;
    let output = match m.get_one::<String>("output") {
        Some(o) => PathBuf::from(o),
        None => {
            let file = Link::file_name(&name, key.public_key().keyid().as_str());
            match m.get_one::<String>("metadata-directory") {
                Some(d) => Path::new(d).join(file),
                None => PathBuf::from(file),
            }
        }
    };

    let mut opts = RunOptions::default();
    opts.step.record = record_options(m);
    opts.materials = strings(m, "materials");
    opts.products = strings(m, "products");
    opts.timeout = Duration::from_secs(u64::try_from(seconds).unwrap_or(0));
    let observer = CliObserver {
        progress: !m.get_flag("quiet"),
    };
    let started = now_timestamp()?;
    let run = run_step_with(&name, &command, &opts, None, &SystemExecutor, &observer)
        .map_err(|e| chain(&e))?;
    let finished = now_timestamp()?;

    let (link, subject) = LinkPredicate::from_classic(&classic_link(&run.link())).map_err(|e| {
        format!(
            "{}: cannot make the provenance: {}",
            output.display(),
            chain(&e)
        )
    })?;
    if subject.is_empty() {
        warn("Note: no products were recorded, so the provenance has no subjects");
    }
    let mut predicate = Provenance::new(build_type, builder_id.as_str());
    let bd = &mut predicate.build_definition;
    let mut external = Map::new();
    external.insert(
        "command".into(),
        Value::Array(command.iter().map(|a| Value::from(a.as_str())).collect()),
    );
    bd.external_parameters = external;
    bd.internal_parameters
        .insert(STEP_PARAMETER.into(), Value::from(name.as_str()));
    bd.resolved_dependencies = link.materials;
    predicate.run_details.metadata.started_on = Some(started);
    predicate.run_details.metadata.finished_on = Some(finished);
    let statement = Statement::new(subject, Predicate::Provenance(predicate));
    info(format!(
        "Signing the provenance with key '{}'...",
        key.public_key().keyid().as_str()
    ));
    info(format!(
        "Storing the provenance to '{}'...",
        output.display()
    ));
    write_statement(&statement, &[&key], &output)?;
    match run.return_value() {
        Some(rv) if rv != 0 => Err(Failure::Status(exit_status(rv))),
        _ => Ok(()),
    }
}

/// The subject descriptor of a local file: its normalised path and sha256.
fn file_subject(path: &str) -> Result<ResourceDescriptor, String> {
    let digests = file_digests(Path::new(path), &["sha256"])?;
    let set =
        intoto_attestation::DigestSet::from_map(digests).map_err(|e| format!("{path}: {e}"))?;
    Ok(ResourceDescriptor::named(subject_name(path), set))
}

/// The name a local file has as a subject: its path, normalised as the
/// recorder normalises artifact paths.
fn subject_name(path: &str) -> String {
    normpath(path)
}

fn sign(m: &ArgMatches) -> Result<(), Failure> {
    let predicate_type = m.get_one::<String>("type").cloned().unwrap_or_default();
    check_uri("--type", &predicate_type)?;
    let predicate_path = m
        .get_one::<String>("predicate")
        .cloned()
        .unwrap_or_default();
    let output = PathBuf::from(m.get_one::<String>("output").cloned().unwrap_or_default());

    let bytes = read_regular_file(Path::new(&predicate_path), MAX_PREDICATE_BYTES)
        .map_err(|e| chain(&e))?;
    let predicate = intoto_cjson::from_slice(&bytes)
        .map_err(|e| format!("{predicate_path}: not valid JSON: {e}"))?;
    if !matches!(predicate, Value::Object(_)) {
        return Err(format!(
            "{predicate_path}: the predicate must be a JSON object, found {}",
            predicate.type_name()
        )
        .into());
    }
    let mut subjects = Vec::new();
    let mut problems = Vec::new();
    for path in strings(m, "subject") {
        match file_subject(&path) {
            Ok(rd) => {
                if subjects
                    .iter()
                    .any(|s: &ResourceDescriptor| s.name() == rd.name())
                {
                    problems.push(format!(
                        "{path}: given twice as a subject (as '{}')",
                        rd.name().unwrap_or_default()
                    ));
                } else {
                    subjects.push(rd);
                }
            }
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Errors(problems));
    }
    // Read through the Statement reader, so that known predicate types are
    // checked against their specifications.
    let mut value = Map::new();
    value.insert("_type".into(), intoto_attestation::STATEMENT_V1.into());
    value.insert(
        "subject".into(),
        Value::Array(subjects.iter().map(ResourceDescriptor::to_value).collect()),
    );
    value.insert("predicateType".into(), predicate_type.as_str().into());
    value.insert("predicate".into(), predicate);
    let statement = Statement::from_value(&Value::Object(value))
        .map_err(|e| format!("{predicate_path}: {}", chain(&e)))?;

    let keys = load_keys(
        &strings(m, "signing-key"),
        optional_password(m, "password", "Password: ")?.as_deref(),
    )?;
    let refs: Vec<&PrivateKey> = keys.iter().collect();
    write_statement(&statement, &refs, &output)?;
    let ids: Vec<&str> = keys
        .iter()
        .map(|k| k.public_key().keyid().as_str())
        .collect();
    println!(
        "{}: signed by {} ({} subject{})",
        output.display(),
        ids.join(", "),
        statement.subject.len(),
        if statement.subject.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    Ok(())
}

/// A hash function this tool computes for `attest verify`.
enum Hasher {
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
    Sha512_224(sha2::Sha512_224),
    Sha512_256(sha2::Sha512_256),
}

impl Hasher {
    fn new(algorithm: &str) -> Option<Self> {
        use sha2::Digest;
        Some(match algorithm {
            "sha224" => Self::Sha224(sha2::Sha224::new()),
            "sha256" => Self::Sha256(sha2::Sha256::new()),
            "sha384" => Self::Sha384(sha2::Sha384::new()),
            "sha512" => Self::Sha512(sha2::Sha512::new()),
            "sha512_224" => Self::Sha512_224(sha2::Sha512_224::new()),
            "sha512_256" => Self::Sha512_256(sha2::Sha512_256::new()),
            _ => return None,
        })
    }

    fn update(&mut self, data: &[u8]) {
        use sha2::Digest;
        match self {
            Self::Sha224(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
            Self::Sha512_224(h) => h.update(data),
            Self::Sha512_256(h) => h.update(data),
        }
    }

    fn finish_hex(self) -> String {
        use sha2::Digest;
        let bytes: Vec<u8> = match self {
            Self::Sha224(h) => h.finalize().to_vec(),
            Self::Sha256(h) => h.finalize().to_vec(),
            Self::Sha384(h) => h.finalize().to_vec(),
            Self::Sha512(h) => h.finalize().to_vec(),
            Self::Sha512_224(h) => h.finalize().to_vec(),
            Self::Sha512_256(h) => h.finalize().to_vec(),
        };
        intoto_crypto::digest::to_hex(&bytes)
    }
}

/// The digests of a regular file (symlinks followed) for those of
/// `algorithms` that [`Hasher`] computes, read once.
fn file_digests(path: &Path, algorithms: &[&str]) -> Result<BTreeMap<String, String>, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file"));
    }
    let mut hashers: Vec<(String, Hasher)> = algorithms
        .iter()
        .filter_map(|a| Hasher::new(a).map(|h| ((*a).to_owned(), h)))
        .collect();
    let mut file = std::fs::File::open(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("{shown}: cannot read: {e}")),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        for (_, h) in &mut hashers {
            h.update(chunk);
        }
    }
    Ok(hashers
        .into_iter()
        .map(|(a, h)| (a, h.finish_hex()))
        .collect())
}

/// A trusted key of `--key` and the file it came from.
struct TrustedKey {
    path: String,
    key: PublicKey,
}

/// The public key of a public or (unencrypted) private PEM file.
fn public_key_of(path: &str) -> Result<PublicKey, String> {
    match load_public_key(Path::new(path)) {
        Ok(k) => Ok(k),
        Err(pub_err) => match load_private_key(Path::new(path), None) {
            Ok(k) => Ok(k.public_key().clone()),
            Err(_) => Err(chain(&pub_err)),
        },
    }
}

/// What the envelope file holds.
enum Attestation {
    One(Envelope),
    Bundle(intoto_attestation::Bundle),
}

/// Reads `file` as one DSSE envelope, or (when it is not one JSON value
/// but has several lines) as a bundle. A classic Metablock is refused
/// with a message that says so.
fn read_attestation(file: &str, bytes: &[u8]) -> Result<Attestation, String> {
    let value = match intoto_cjson::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            let lines = bytes
                .split(|b| *b == b'\n')
                .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                .count();
            if lines > 1 {
                return Ok(Attestation::Bundle(intoto_attestation::Bundle::from_slice(
                    bytes,
                )));
            }
            return Err(format!("{file}: not a DSSE envelope: not valid JSON: {e}"));
        }
    };
    if let Value::Object(o) = &value
        && o.contains_key("signed")
        && o.contains_key("signatures")
    {
        let kind = o
            .get("signed")
            .and_then(|s| s.get("_type"))
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        return Err(format!(
            "{file}: a classic in-toto Metablock ('_type' '{kind}'), not an attestation (a DSSE \
             envelope of a Statement)"
        ));
    }
    Envelope::from_value(&value)
        .map(Attestation::One)
        .map_err(|e| format!("{file}: {}", chain(&e)))
}

/// Explains a failure to verify or read one envelope.
fn explain(file: &str, err: &AttestationError) -> String {
    if let AttestationError::StatementType { found } = err
        && matches!(found.as_str(), "link" | "layout")
    {
        return format!(
            "{file}: the payload is a classic in-toto {found} ('_type' '{found}'), not an \
             attestation Statement"
        );
    }
    if let AttestationError::PayloadType { found } = err {
        return format!("{file}: unsupported payload type '{found}' (expected '{PAYLOAD_TYPE}')");
    }
    format!("{file}: {}", chain(err))
}

/// Why a line of a bundle was set aside, in words.
fn ignored_reason(reason: &IgnoredReason) -> String {
    match reason {
        IgnoredReason::Blank => "a blank line".to_owned(),
        IgnoredReason::NotAnEnvelope(e) => chain(e),
        IgnoredReason::ForeignPayloadType(t) => format!("payload type '{t}' is not in-toto's"),
        _ => "not an in-toto envelope".to_owned(),
    }
}

fn verify(m: &ArgMatches) -> Result<(), Failure> {
    let file = m.get_one::<String>("file").cloned().unwrap_or_default();
    let threshold =
        usize::try_from(m.get_one::<u32>("threshold").copied().unwrap_or(1)).unwrap_or(usize::MAX);
    let wanted_type = m.get_one::<String>("type").cloned();
    if let Some(t) = &wanted_type {
        check_uri("--type", t)?;
    }
    let mut trusted: Vec<TrustedKey> = Vec::new();
    for path in strings(m, "key") {
        let key = public_key_of(&path)?;
        if !trusted.iter().any(|t| t.key.same_key_material(&key)) {
            trusted.push(TrustedKey { path, key });
        }
    }
    if threshold > trusted.len() {
        return Err(Failure::Usage(format!(
            "argument --threshold: {threshold} is more than the {} distinct key{} given",
            trusted.len(),
            if trusted.len() == 1 { "" } else { "s" }
        )));
    }
    let bytes = read_regular_file(Path::new(&file), MAX_METADATA_BYTES).map_err(|e| chain(&e))?;
    let keys: Vec<&PublicKey> = trusted.iter().map(|t| &t.key).collect();
    let subjects = strings(m, "subject");

    let check = |envelope: &Envelope, at: &str| -> Result<Vec<String>, Vec<String>> {
        let verified = VerifiedStatement::verify(envelope, &keys, threshold)
            .map_err(|e| vec![explain(at, &e)])?;
        check_statement(at, &verified, wanted_type.as_deref(), &subjects, &trusted)
    };
    match read_attestation(&file, &bytes)? {
        Attestation::One(envelope) => {
            let summary = check(&envelope, &file).map_err(Failure::Errors)?;
            for line in summary {
                println!("{line}");
            }
            Ok(())
        }
        Attestation::Bundle(bundle) => {
            let mut problems = Vec::new();
            for ignored in bundle.ignored() {
                info(format!(
                    "{file}:{}: ignored: {}",
                    ignored.line,
                    ignored_reason(&ignored.reason)
                ));
            }
            for entry in bundle.entries() {
                let at = format!("{file}:{}", entry.line);
                match check(&entry.envelope, &at) {
                    Ok(summary) => {
                        for line in summary {
                            println!("{line}");
                        }
                        return Ok(());
                    }
                    Err(lines) => problems.extend(lines),
                }
            }
            if problems.is_empty() {
                problems.push(format!(
                    "{file}: a bundle with no in-toto envelope ({} line{} ignored)",
                    bundle.ignored().len(),
                    if bundle.ignored().len() == 1 { "" } else { "s" }
                ));
            } else {
                problems.push(format!("{file}: no envelope of the bundle passed"));
            }
            Err(Failure::Errors(problems))
        }
    }
}

/// Checks the predicate type and the local subject files; the summary
/// lines on success, or one line per problem.
fn check_statement(
    at: &str,
    verified: &VerifiedStatement<'_>,
    wanted_type: Option<&str>,
    subjects: &[String],
    trusted: &[TrustedKey],
) -> Result<Vec<String>, Vec<String>> {
    let statement = verified.statement();
    let mut problems = Vec::new();
    if let Some(t) = wanted_type
        && statement.predicate_type() != t
    {
        problems.push(format!(
            "{at}: the predicate type is '{}', expected '{t}'",
            statement.predicate_type()
        ));
    }
    let mut checked = Vec::new();
    for path in subjects {
        let name = subject_name(path);
        let Some(rd) = statement
            .subject
            .iter()
            .find(|rd| rd.name().is_some_and(|n| n == name || normpath(n) == name))
        else {
            problems.push(format!(
                "{at}: no subject named '{name}' (for the local file '{path}')"
            ));
            continue;
        };
        let attested = rd.digest().map(|d| d.as_map().clone()).unwrap_or_default();
        let algorithms: Vec<&str> = attested.keys().map(String::as_str).collect();
        let local = match file_digests(Path::new(path), &algorithms) {
            Ok(l) => l,
            Err(e) => {
                problems.push(format!("{at}: subject '{name}': {e}"));
                continue;
            }
        };
        if local.is_empty() {
            problems.push(format!(
                "{at}: subject '{name}': none of its digest algorithms ({}) can be computed here",
                algorithms.join(", ")
            ));
            continue;
        }
        let mut ok = true;
        for (algorithm, value) in &local {
            let expected = attested
                .get(algorithm)
                .map(String::as_str)
                .unwrap_or_default();
            if value != expected {
                ok = false;
                problems.push(format!(
                    "{at}: subject '{name}' does not match the local file '{path}': {algorithm} \
                     is {value}, the attestation says {expected}"
                ));
            }
        }
        if ok {
            let used: Vec<&str> = local.keys().map(String::as_str).collect();
            checked.push(format!("{name} ({})", used.join(", ")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let signers: Vec<String> = verified
        .signers()
        .iter()
        .map(|k| {
            let path = trusted
                .iter()
                .find(|t| t.key.same_key_material(k))
                .map_or("", |t| t.path.as_str());
            format!("{} ({path})", k.keyid().as_str())
        })
        .collect();
    let mut lines = vec![
        format!("{at}: verified"),
        format!("  payload type:   {}", verified.payload_type()),
        format!("  predicate type: {}", statement.predicate_type()),
        format!("  signed by:      {}", signers.join(", ")),
        format!("  subjects:       {}", statement.subject.len()),
    ];
    if !checked.is_empty() {
        lines.push(format!("  checked:        {}", checked.join(", ")));
    }
    for d in statement.deprecations() {
        lines.push(format!(
            "  note: {} '{}' is deprecated (use '{}')",
            d.field, d.found, d.replacement
        ));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashers_give_the_known_digests_of_the_empty_string() {
        for (algorithm, hex) in [
            (
                "sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "sha224",
                "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f",
            ),
        ] {
            let h = Hasher::new(algorithm).unwrap();
            assert_eq!(h.finish_hex(), hex, "{algorithm}");
        }
        assert!(Hasher::new("md5").is_none());
        assert!(Hasher::new("sha3_256").is_none());
    }

    #[test]
    fn subject_names_are_normalised_like_recorded_paths() {
        assert_eq!(subject_name("./dist//app.tar.gz"), "dist/app.tar.gz");
        assert_eq!(subject_name("a/../b"), "b");
    }

    #[test]
    fn classic_links_convert_with_products_as_subjects() {
        let mut link = Link::new("build");
        link.command = vec!["make".into()];
        link.materials.insert(
            "src/a.c".into(),
            intoto::model::DigestSet::single("sha256", "ab".repeat(32)),
        );
        link.products.insert(
            "app".into(),
            intoto::model::DigestSet::single("sha256", "cd".repeat(32)),
        );
        let statement = Statement::from_classic_link(&classic_link(&link)).unwrap();
        assert_eq!(statement.subject.len(), 1);
        assert_eq!(statement.subject[0].name(), Some("app"));
        let back = statement.to_classic_link().unwrap();
        assert_eq!(back, classic_link(&link));
    }
}
