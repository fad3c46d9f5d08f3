//! Helpers for the verification tests: keys, signed layouts and links in a
//! temporary directory, a fixed clock, and a scripted executor that stands
//! in for inspection commands.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use intoto::metadata_io::write_metadata;
use intoto::model::artifact::{Artifacts, DigestSet};
use intoto::model::link::keyid_prefix;
use intoto::model::{Inspection, Layout, Link, Metadata, Payload, Step};
use intoto::run::command::{CommandOutput, ExecError, Executor};
use intoto::time::{FixedClock, Timestamp};
use intoto::verify::{Failure, VerificationReport, VerifyLog, VerifyOptions, verify};
use intoto_cjson::Value;
use intoto_crypto::digest::{sha256_hex, to_hex};
use intoto_crypto::{KeySpec, PrivateKey, PublicKey};
pub(crate) use intoto_testkit::TempDir;

/// The verifier's "now" in these tests.
pub(crate) const NOW: &str = "2025-06-01T12:00:00Z";

pub(crate) fn now() -> Timestamp {
    Timestamp::parse(NOW).unwrap()
}

pub(crate) static CLOCK: std::sync::LazyLock<FixedClock> =
    std::sync::LazyLock::new(|| FixedClock(now()));

/// A fresh Ed25519 key.
pub(crate) fn key() -> PrivateKey {
    PrivateKey::generate(KeySpec::Ed25519).unwrap()
}

/// The public half.
pub(crate) fn public(k: &PrivateKey) -> PublicKey {
    k.public_key().clone()
}

/// `{"sha256": sha256(content)}`.
pub(crate) fn digest(content: &str) -> DigestSet {
    DigestSet::from([("sha256".to_owned(), sha256_hex(content.as_bytes()))])
}

/// Artifacts from `(path, content)` pairs.
pub(crate) fn artifacts(pairs: &[(&str, &str)]) -> Artifacts {
    pairs
        .iter()
        .map(|(p, c)| ((*p).to_owned(), digest(c)))
        .collect()
}

/// A link with materials and products given as `(path, content)`.
pub(crate) fn link(name: &str, materials: &[(&str, &str)], products: &[(&str, &str)]) -> Link {
    Link {
        materials: artifacts(materials),
        products: artifacts(products),
        ..Link::new(name)
    }
}

/// A layout that expires a year after [`NOW`], with no steps.
pub(crate) fn layout() -> Layout {
    Layout {
        expires: now().add_relative(1, 0, 0),
        readme: String::new(),
        keys: BTreeMap::new(),
        steps: Vec::new(),
        inspect: Vec::new(),
    }
}

/// A step authorising `keys` (added to the layout's keys).
pub(crate) fn step(
    layout: &mut Layout,
    name: &str,
    keys: &[&PrivateKey],
    materials: &[&str],
    products: &[&str],
) {
    let mut s = Step::new(name);
    for k in keys {
        let id = layout.add_functionary_key(public(k));
        s.add_pubkey(&id);
    }
    for r in materials {
        s.add_material_rule_from_str(r).unwrap();
    }
    for r in products {
        s.add_product_rule_from_str(r).unwrap();
    }
    layout.steps.push(s);
}

/// An inspection running `run`.
pub(crate) fn inspection(
    layout: &mut Layout,
    name: &str,
    run: &[&str],
    materials: &[&str],
    products: &[&str],
) {
    let mut i = Inspection::new(name);
    i.run = run.iter().map(|s| (*s).to_owned()).collect();
    for r in materials {
        i.add_material_rule_from_str(r).unwrap();
    }
    for r in products {
        i.add_product_rule_from_str(r).unwrap();
    }
    layout.inspect.push(i);
}

/// A Metablock (or DSSE envelope) of `payload` signed by `keys`.
pub(crate) fn signed(payload: Payload, keys: &[&PrivateKey], dsse: bool) -> Metadata {
    let mut md = if dsse {
        Metadata::new_dsse(&payload)
    } else {
        Metadata::new_metablock(&payload)
    };
    for k in keys {
        md.sign(*k).unwrap();
    }
    md
}

/// A signed layout.
pub(crate) fn signed_layout(layout: &Layout, keys: &[&PrivateKey]) -> Metadata {
    signed(Payload::Layout(layout.clone()), keys, false)
}

/// A Metablock signature entry by `key` that claims the key id `keyid`.
pub(crate) fn add_signature_as(md: &mut Metadata, key: &PrivateKey, keyid: &str) {
    let Metadata::Metablock(m) = md else {
        panic!("not a Metablock")
    };
    // A body that cannot be canonicalised gets a signature over nothing.
    let body = intoto_cjson::to_canonical(&m.signed).unwrap_or_default();
    let sig = key.sign(&body).unwrap();
    let mut entry = intoto_cjson::Map::new();
    entry.insert("keyid".into(), keyid.into());
    entry.insert("sig".into(), to_hex(&sig).into());
    m.signatures.push(Value::Object(entry));
}

/// A temporary directory holding a supply chain's files.
pub(crate) struct Env {
    pub(crate) dir: TempDir,
}

impl Env {
    pub(crate) fn new(label: &str) -> Self {
        Self {
            dir: TempDir::new(&format!("verify-{label}")),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `md` as `<step>.<keyid[:8]>.link` (named after `keyid`).
    pub(crate) fn put_as(&self, step: &str, keyid: &str, md: &Metadata) -> PathBuf {
        let path = self.dir.join(Link::file_name(step, keyid));
        write_metadata(&path, md).unwrap();
        path
    }

    /// Signs `link` with `key` and writes it where the verifier looks for
    /// the key's link for the link's step.
    pub(crate) fn put_link(&self, link: &Link, key: &PrivateKey) -> PathBuf {
        let md = signed(Payload::Link(link.clone()), &[key], false);
        self.put_as(&link.name, key.public_key().keyid().as_str(), &md)
    }

    /// Like [`put_link`](Self::put_link), as a DSSE envelope.
    pub(crate) fn put_dsse_link(&self, link: &Link, key: &PrivateKey) -> PathBuf {
        let md = signed(Payload::Link(link.clone()), &[key], true);
        self.put_as(&link.name, key.public_key().keyid().as_str(), &md)
    }

    /// The directory for the links of `key`'s sublayout for `step`.
    pub(crate) fn sublayout_dir(&self, step: &str, key: &PrivateKey) -> PathBuf {
        let dir = self.dir.join(format!(
            "{step}.{}",
            keyid_prefix(key.public_key().keyid().as_str())
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Options: links from and inspections in this directory, the fixed
    /// clock, and `exec` for commands.
    pub(crate) fn options<'a>(&self, exec: &'a dyn Executor) -> VerifyOptions<'a> {
        VerifyOptions::new()
            .link_dir(self.path())
            .work_dir(self.path())
            .clock(&*CLOCK)
            .executor(exec)
            .inspection_timeout(Duration::from_secs(10))
    }

    /// Verifies with [`Env::options`] and an executor that must not be used.
    pub(crate) fn verify(&self, md: &Metadata, keys: &[PublicKey]) -> VerificationReport {
        verify(md, keys, &self.options(&NEVER))
    }

    /// Verifies with [`Env::options`] and `exec`.
    pub(crate) fn verify_with(
        &self,
        md: &Metadata,
        keys: &[PublicKey],
        exec: &dyn Executor,
    ) -> VerificationReport {
        verify(md, keys, &self.options(exec))
    }
}

type Action = dyn Fn(&Path, &[String]) -> Result<CommandOutput, ExecError> + Send + Sync;

/// An executor that records every command and lets a closure play it.
pub(crate) struct ScriptExec {
    pub(crate) calls: Mutex<Vec<Vec<String>>>,
    action: Box<Action>,
}

impl ScriptExec {
    pub(crate) fn new(
        action: impl Fn(&Path, &[String]) -> Result<CommandOutput, ExecError> + Send + Sync + 'static,
    ) -> Self {
        Self {
            calls: Mutex::new(Vec::new()),
            action: Box::new(action),
        }
    }

    /// An executor whose commands all return `rv` and do nothing else.
    pub(crate) fn returning(rv: i64) -> Self {
        Self::new(move |_, _| Ok(output(rv)))
    }

    pub(crate) fn calls(&self) -> Vec<Vec<String>> {
        self.calls.lock().unwrap().clone()
    }
}

impl Executor for ScriptExec {
    fn execute(
        &self,
        _argv: &[String],
        _record_streams: bool,
        _timeout: Duration,
    ) -> Result<CommandOutput, ExecError> {
        panic!("the verifier must pass its working directory")
    }

    fn execute_in(
        &self,
        dir: Option<&Path>,
        argv: &[String],
        record_streams: bool,
        _timeout: Duration,
    ) -> Result<CommandOutput, ExecError> {
        assert!(!record_streams, "inspections do not record their streams");
        self.calls.lock().unwrap().push(argv.to_vec());
        (self.action)(dir.expect("a working directory"), argv)
    }
}

/// An executor that fails the test when used.
pub(crate) struct Never;

pub(crate) static NEVER: Never = Never;

impl Executor for Never {
    fn execute(&self, argv: &[String], _: bool, _: Duration) -> Result<CommandOutput, ExecError> {
        panic!("no command may run here, but {argv:?} was run")
    }

    fn execute_in(
        &self,
        _: Option<&Path>,
        argv: &[String],
        _: bool,
        _: Duration,
    ) -> Result<CommandOutput, ExecError> {
        panic!("no command may run here, but {argv:?} was run")
    }
}

pub(crate) fn output(rv: i64) -> CommandOutput {
    CommandOutput {
        return_value: rv,
        stdout: String::new(),
        stderr: String::new(),
    }
}

/// Collects log lines.
#[derive(Default)]
pub(crate) struct Lines {
    pub(crate) info: Mutex<Vec<String>>,
    pub(crate) warnings: Mutex<Vec<String>>,
}

impl VerifyLog for Lines {
    fn info(&self, msg: &str) {
        self.info.lock().unwrap().push(msg.to_owned());
    }

    fn warning(&self, msg: &str) {
        self.warnings.lock().unwrap().push(msg.to_owned());
    }
}

/// Asserts the report passed, showing it otherwise.
#[track_caller]
pub(crate) fn assert_pass(r: &VerificationReport) {
    assert!(r.passed(), "expected a pass:\n{r}\n{:#?}", r.failures);
}

/// Asserts the report failed and that its first failure is the reference's
/// `kind`; returns the failures.
#[track_caller]
pub(crate) fn assert_fail<'r>(r: &'r VerificationReport, kind: &str) -> &'r [Failure] {
    assert!(!r.passed(), "expected a failure ({kind}), but it passed");
    let first = r.first_failure().unwrap();
    assert_eq!(first.reference_kind, kind, "first failure:\n{r}");
    &r.failures
}
