//! `in-toto-verify`: verify a supply chain against its signed layout.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgGroup, Command};
use intoto::files::write_atomic;
use intoto::verify::params::is_valid_name;
use intoto::verify::{Parameters, VerifyLog, VerifyOptions, verify_files_with};

use crate::common::{
    EXIT_USAGE, chain, error, info, parse, post_parse_error, set_verbosity, strings, warn,
};

const NO_KEYS: &str = "wrong arguments: specify at least one layout verification key: \
     '--verification-keys path [path ...]' and/or '--gpg id [id ...]'.";

pub(crate) fn command() -> Command {
    Command::new("in-toto-verify")
        .override_usage("in-toto-verify <named arguments> [options]")
        .about("Verify a software supply chain against its signed in-toto layout.")
        .long_about(
            "Verify that the software supply chain of a product was carried out as the signed \
             layout prescribes. The checks, in order: every key given with \
             --verification-keys signed the layout; the layout has not expired; each step has \
             links '<step name>.<keyid prefix>.link' (Metablock or DSSE; a DSSE envelope may \
             hold a link v0.3 or SLSA provenance v1 attestation, and the envelopes of \
             bundles '*.intoto.jsonl' in the link directory count too) validly signed by \
             enough distinct authorised functionaries, agreeing on their artifacts; sublayouts \
             (a layout in a link's place, with its links in '<step name>.<keyid prefix>/') \
             verify in turn; the steps' artifact rules hold. Then the layout's inspection \
             commands run in the current directory, one after the other (without a shell, each \
             within --inspection-timeout), and their artifact rules are checked.\n\n\
             Every failure that can still be found is reported, not just the first: the first \
             line names the failure the reference implementation would report, the lines after \
             it list every problem with its step, rule, artifacts and digests. Inspections run \
             only if every earlier check passed.\n\n\
             Only the keys in the layout are trusted; nothing about them is looked up \
             elsewhere.\n\n\
             Exit status: 0 if verification passes, 1 if it fails, 2 for wrong arguments.",
        )
        .after_help(
            "Parameters: '{name}' in the layout's artifact rules, expected commands and \
             inspection commands is replaced by the value given with --param name=value or \
             --params FILE ('{{' and '}}' stand for braces once parameters are given). A name \
             the layout uses without a value, or a value the layout does not use, fails \
             verification. FILE is a JSON object of strings, or else lines 'name=value' (blank \
             lines and lines starting with '#' are ignored); --param values override the \
             file's.\n\n\
             Examples:\n  \
             in-toto-verify --layout root.layout --verification-keys alice.pub\n  \
             in-toto-verify -l root.layout --verification-keys alice.pub bob.pub --link-dir links\n  \
             in-toto-verify -l root.layout --verification-keys alice.pub --param VERSION=1.2 \
             --report-json report.json\n  \
             in-toto-verify -l root.layout --verification-keys alice.pub --report-html report.html",
        )
        .next_help_heading("Required Named Arguments")
        .arg(
            Arg::new("layout")
                .short('l')
                .long("layout")
                .value_name("path")
                .required(true)
                .help("the root layout to verify against (Metablock or DSSE)"),
        )
        .arg(
            Arg::new("verification-keys")
                .long("verification-keys")
                .value_name("path")
                .num_args(1..)
                .action(ArgAction::Append)
                .help(
                    "public keys (PEM: SubjectPublicKeyInfo, or PKCS#1 for RSA; ed25519, rsa, \
                     ecdsa) that must each have signed the layout; at least one is required",
                ),
        )
        .arg(
            Arg::new("gpg")
                .short('g')
                .long("gpg")
                .value_name("id")
                .num_args(1..)
                .action(ArgAction::Append)
                .help("GnuPG key ids (exported from the keyring) that must each have signed the layout"),
        )
        .next_help_heading("Options")
        .disable_help_flag(true)
        .arg(
            Arg::new("gpg_home")
                .long("gpg-home")
                .value_name("path")
                .help("GnuPG home directory of the --gpg keys (default: GnuPG's own)"),
        )
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("show this help message and exit"),
        )
        .arg(
            Arg::new("link-dir")
                .long("link-dir")
                .value_name("path")
                .default_value(".")
                .help("where the links of the layout's steps are (default: the current directory)"),
        )
        .arg(
            Arg::new("inspection-timeout")
                .long("inspection-timeout")
                .value_name("INSPECT_TIMEOUT")
                .default_value("10")
                .help("seconds each inspection command may run before it is killed (default: 10)"),
        )
        .arg(
            Arg::new("param")
                .long("param")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help("a value for the layout's '{NAME}' placeholders (repeatable)"),
        )
        .arg(
            Arg::new("params")
                .long("params")
                .value_name("FILE")
                .help("values for placeholders: a JSON object, or 'NAME=VALUE' lines"),
        )
        .arg(
            Arg::new("report-json")
                .long("report-json")
                .value_name("FILE")
                .help(
                    "write the full verification report as JSON (format: docs/report-json.md), \
                     whatever the verdict",
                ),
        )
        .arg(
            Arg::new("report-html")
                .long("report-html")
                .value_name("FILE")
                .help(
                    "write the verification report as one self-contained HTML page (verdict, \
                     failures with their rules and digests, the supply chain as a graph), \
                     whatever the verdict",
                ),
        )
        .next_help_heading("Verification summary")
        .arg(
            Arg::new("vsa")
                .long("vsa")
                .value_name("FILE")
                .requires("vsa-signing-key")
                .help(
                    "write a signed SLSA verification summary (VSA v1, a DSSE envelope) of this \
                     verification, PASSED or FAILED, for the last step's products: the layout \
                     file and its SHA-256 as the policy, every link or attestation file read \
                     with its SHA-256 as the input attestations",
                ),
        )
        .arg(
            Arg::new("vsa-signing-key")
                .long("vsa-signing-key")
                .value_name("path")
                .requires("vsa")
                .help("private key (PEM, PKCS#8 or traditional RSA/EC) that signs the --vsa summary"),
        )
        .arg(
            Arg::new("vsa-key-password")
                .long("vsa-key-password")
                .value_name("password")
                .num_args(0..=1)
                .requires("vsa")
                .help("password of an encrypted --vsa-signing-key; given bare, it is asked for"),
        )
        .arg(
            Arg::new("vsa-verifier-id")
                .long("vsa-verifier-id")
                .value_name("URI")
                .requires("vsa")
                .help(
                    "the summary's verifier.id, a URI (default: this tool's own id, \
                     in-toto.io/verifier/intoto-rs over HTTPS)",
                ),
        )
        .arg(
            Arg::new("vsa-resource-uri")
                .long("vsa-resource-uri")
                .value_name("URI")
                .requires("vsa")
                .help(
                    "the summary's resourceUri (default: the first product as a relative \
                     'file:' URI)",
                ),
        )
        .arg(
            Arg::new("verbose")
                .short('v')
                .long("verbose")
                .action(ArgAction::SetTrue)
                .help("show more output"),
        )
        .arg(
            Arg::new("quiet")
                .short('q')
                .long("quiet")
                .action(ArgAction::SetTrue)
                .help("suppress all output"),
        )
        .group(
            ArgGroup::new("verbosity")
                .args(["verbose", "quiet"])
                .multiple(false),
        )
}

/// Progress lines and warnings go to the tool's log.
struct CliLog;

impl VerifyLog for CliLog {
    fn info(&self, msg: &str) {
        info(msg);
    }

    fn warning(&self, msg: &str) {
        warn(msg);
    }
}

/// An argparse-style usage error: usage line and message on stderr, exit 2.
fn arg_error(prog: &str, msg: &str) -> ExitCode {
    let mut cmd = command().name(prog.to_owned()).bin_name(prog.to_owned());
    eprint!("{}", crate::common::usage_line(&mut cmd));
    eprintln!("{prog}: error: {msg}");
    ExitCode::from(EXIT_USAGE)
}

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let m = match parse(command(), prog, args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    set_verbosity(m.get_flag("verbose"), m.get_flag("quiet"));
    let timeout_text = m
        .get_one::<String>("inspection-timeout")
        .cloned()
        .unwrap_or_default();
    let Some(timeout) = parse_int(&timeout_text) else {
        return arg_error(
            prog,
            &format!("argument --inspection-timeout: invalid int value: '{timeout_text}'"),
        );
    };
    let params = match parameters(
        &strings(&m, "param"),
        m.get_one::<String>("params").map(Path::new),
    ) {
        Ok(p) => p,
        Err(msg) => return arg_error(prog, &msg),
    };
    let keys: Vec<PathBuf> = strings(&m, "verification-keys")
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let gpg_ids = strings(&m, "gpg");
    if keys.is_empty() && gpg_ids.is_empty() {
        return post_parse_error(command(), prog, true, NO_KEYS);
    }
    let mut gpg_keys = Vec::new();
    if !gpg_ids.is_empty() {
        info("Loading layout gpg key(s)...");
        let home = m.get_one::<String>("gpg_home").map(PathBuf::from);
        for id in &gpg_ids {
            match intoto::keys::export_gpg_key(id, home.as_deref()) {
                Ok(k) => gpg_keys.push(k),
                Err(e) => {
                    error(prog, chain(&e));
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    let vsa = match vsa_request(&m) {
        Ok(v) => v,
        Err(VsaProblem::Usage(msg)) => return arg_error(prog, &msg),
        Err(VsaProblem::Key(msg)) => {
            error(prog, msg);
            return ExitCode::FAILURE;
        }
    };
    let layout = PathBuf::from(m.get_one::<String>("layout").cloned().unwrap_or_default());
    let link_dir = m
        .get_one::<String>("link-dir")
        .cloned()
        .unwrap_or_else(|| ".".to_owned());
    let log = CliLog;
    // The report keeps the links, so that all of them can be left to the
    // operating system at exit (below).
    let mut options = VerifyOptions::new()
        .link_dir(link_dir)
        .inspection_timeout(Duration::from_secs(u64::try_from(timeout).unwrap_or(0)))
        .keep_links(true)
        .log(&log);
    if vsa.is_some() {
        options = options.record_digests(true);
    }
    let params_for_html = params.clone();
    if let Some(p) = params {
        options = options.parameters(p);
    }
    let report = verify_files_with(&layout, &keys, &gpg_keys, &options);

    let mut code = if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    };
    if !report.passed() {
        if let Some(first) = report.first_failure() {
            error(prog, first.reference_line());
        }
        warn(format!("\n{report}"));
    }
    if let Some(path) = m.get_one::<String>("report-json") {
        if let Err(e) = write_atomic(Path::new(path), report.to_json().as_bytes()) {
            error(prog, format!("cannot write the JSON report: {e}"));
            code = ExitCode::FAILURE;
        } else {
            info(format!("Wrote the verification report to '{path}'."));
        }
    }
    if let Some(path) = m.get_one::<String>("report-html") {
        let verified = verified_layout(&layout, &report, params_for_html.as_ref());
        let page = intoto_report::render_verification_report(&report, verified.as_ref());
        if let Err(e) = write_atomic(Path::new(path), page.as_bytes()) {
            error(prog, format!("cannot write the HTML report: {e}"));
            code = ExitCode::FAILURE;
        } else {
            info(format!("Wrote the HTML verification report to '{path}'."));
        }
    }
    if let Some(request) = &vsa {
        match write_vsa(&report, request) {
            Ok(()) => info(format!(
                "Wrote the verification summary to '{}'.",
                request.path.display()
            )),
            Err(msg) => {
                error(
                    prog,
                    format!("cannot write the verification summary: {msg}"),
                );
                code = ExitCode::FAILURE;
            }
        }
    }
    // The process is about to exit: freeing every path and digest of every
    // link one by one (hundreds of thousands of small allocations for a
    // large chain) would take longer than the artifact rules did, and the
    // operating system takes the memory back at once.
    std::mem::forget(report);
    code
}

/// What `--vsa` asks for, with the signing key already loaded.
struct VsaRequest {
    path: PathBuf,
    key: intoto_crypto::PrivateKey,
    verifier_id: Option<String>,
    resource_uri: Option<String>,
}

enum VsaProblem {
    /// Wrong arguments (exit 2).
    Usage(String),
    /// The key cannot be loaded (exit 1).
    Key(String),
}

/// Reads the `--vsa*` options; the key is loaded before verification so
/// that a bad key fails at once.
fn vsa_request(m: &clap::ArgMatches) -> Result<Option<VsaRequest>, VsaProblem> {
    let Some(path) = m.get_one::<String>("vsa") else {
        return Ok(None);
    };
    let uri = |id: &str| -> Result<Option<String>, VsaProblem> {
        match m.get_one::<String>(id) {
            None => Ok(None),
            Some(u) if intoto_attestation::is_valid_uri(u) => Ok(Some(u.clone())),
            Some(u) => Err(VsaProblem::Usage(format!(
                "argument --{id}: '{u}' is not an absolute URI in lower case (scheme:...)"
            ))),
        }
    };
    let verifier_id = uri("vsa-verifier-id")?;
    let resource_uri = uri("vsa-resource-uri")?;
    let key_path = m
        .get_one::<String>("vsa-signing-key")
        .cloned()
        .unwrap_or_default();
    let password = crate::common::optional_password(m, "vsa-key-password", "Password: ")
        .map_err(VsaProblem::Key)?;
    let key = intoto::keys::load_private_key(Path::new(&key_path), password.as_deref())
        .map_err(|e| VsaProblem::Key(chain(&e)))?;
    Ok(Some(VsaRequest {
        path: PathBuf::from(path),
        key,
        verifier_id,
        resource_uri,
    }))
}

/// Makes, signs and writes (atomically) the verification summary.
fn write_vsa(
    report: &intoto::verify::VerificationReport,
    request: &VsaRequest,
) -> Result<(), String> {
    let mut options = intoto::verify::SummaryOptions::new(crate::common::now_timestamp()?);
    if let Some(id) = &request.verifier_id {
        options.verifier_id = id.clone();
    }
    options.resource_uri = request.resource_uri.clone();
    let statement =
        intoto::verify::verification_summary(report, &options).map_err(|e| chain(&e))?;
    let envelope = statement.sign(&[&request.key]).map_err(|e| chain(&e))?;
    write_atomic(&request.path, envelope.to_json().as_bytes()).map_err(|e| chain(&e))
}

/// The layout to show next to the report: read again from `path` when the
/// verifier accepted its signatures, with the same parameters substituted,
/// and only if it is the layout the verifier saw (same expiry, steps and
/// inspections). `None` otherwise: nothing unverified is shown as policy.
fn verified_layout(
    path: &Path,
    report: &intoto::verify::VerificationReport,
    params: Option<&Parameters>,
) -> Option<intoto::model::Layout> {
    let info = report.layout.as_ref()?;
    let md = intoto::metadata_io::load_metadata(path).ok()?;
    let intoto::model::Payload::Layout(mut layout) = md.payload().ok()? else {
        return None;
    };
    if let Some(p) = params {
        intoto::verify::substitute_parameters(&mut layout, p).ok()?;
    }
    let same = layout.expires == info.expires
        && layout.steps.iter().map(|s| &s.name).eq(info.steps.iter())
        && layout
            .inspect
            .iter()
            .map(|i| &i.name)
            .eq(info.inspections.iter());
    same.then_some(layout)
}

/// Python's `int()` for a command-line value: optional sign, digits,
/// surrounding whitespace.
fn parse_int(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// Parameters from `--params FILE` and then `--param NAME=VALUE` (which
/// win). `None` when neither is given, so nothing is substituted.
fn parameters(pairs: &[String], file: Option<&Path>) -> Result<Option<Parameters>, String> {
    if pairs.is_empty() && file.is_none() {
        return Ok(None);
    }
    let mut params = BTreeMap::new();
    if let Some(path) = file {
        params = params_file(path)?;
    }
    for pair in pairs {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(format!(
                "argument --param: expected NAME=VALUE, got '{pair}'"
            ));
        };
        if !is_valid_name(name) {
            return Err(format!(
                "argument --param: invalid parameter name '{name}' (use letters, digits, '_' and '-')"
            ));
        }
        params.insert(name.to_owned(), value.to_owned());
    }
    Ok(Some(params))
}

fn params_file(path: &Path) -> Result<Parameters, String> {
    let bytes = intoto::files::read_regular_file(path, 16 * 1024 * 1024)
        .map_err(|e| format!("argument --params: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("argument --params: {} is not UTF-8 text", path.display()))?;
    let mut params = BTreeMap::new();
    if text.trim_start().starts_with('{') {
        let value = intoto_cjson::from_slice(text.as_bytes())
            .map_err(|e| format!("argument --params: {}: {e}", path.display()))?;
        let Some(obj) = value.as_object() else {
            return Err(format!(
                "argument --params: {}: not a JSON object",
                path.display()
            ));
        };
        for (name, v) in obj {
            let Some(s) = v.as_str() else {
                return Err(format!(
                    "argument --params: {}: the value of '{name}' is not a string",
                    path.display()
                ));
            };
            if !is_valid_name(name) {
                return Err(format!(
                    "argument --params: {}: invalid parameter name '{name}'",
                    path.display()
                ));
            }
            params.insert(name.clone(), s.to_owned());
        }
        return Ok(params);
    }
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            return Err(format!(
                "argument --params: {} line {}: expected NAME=VALUE",
                path.display(),
                n + 1
            ));
        };
        let name = name.trim();
        if !is_valid_name(name) {
            return Err(format!(
                "argument --params: {} line {}: invalid parameter name '{name}'",
                path.display(),
                n + 1
            ));
        }
        params.insert(name.to_owned(), value.to_owned());
    }
    Ok(params)
}
