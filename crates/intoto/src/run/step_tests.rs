//! Unit tests of running and recording steps, with a scripted executor and
//! a temporary working directory (the process's own is never changed).

use std::cell::RefCell;
use std::fs;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use intoto_crypto::{KeySpec, PrivateKey};
use intoto_testkit::TempDir;

use super::*;
use crate::model::{Metadata, Payload};
use crate::record::{NoProgress, RecordOptions};

/// An executor that returns a scripted result and remembers what it ran.
struct Scripted {
    result: fn() -> Result<CommandOutput, ExecError>,
    ran: Mutex<Vec<(Vec<String>, bool, Duration)>>,
}

impl Scripted {
    fn new(result: fn() -> Result<CommandOutput, ExecError>) -> Self {
        Self {
            result,
            ran: Mutex::new(Vec::new()),
        }
    }
}

impl Executor for Scripted {
    fn execute(
        &self,
        argv: &[String],
        record_streams: bool,
        timeout: Duration,
    ) -> Result<CommandOutput, ExecError> {
        self.ran
            .lock()
            .unwrap()
            .push((argv.to_vec(), record_streams, timeout));
        (self.result)()
    }
}

fn exits_3() -> Result<CommandOutput, ExecError> {
    Ok(CommandOutput {
        return_value: 3,
        stdout: "out GITHUB_TOKEN=abc123\n".into(),
        stderr: "err\n".into(),
    })
}

fn times_out() -> Result<CommandOutput, ExecError> {
    Err(ExecError::Timeout {
        command: vec!["sleep".into()],
        seconds: 1,
    })
}

/// Remembers the events it hears, as text.
#[derive(Default)]
struct Log(RefCell<Vec<String>>);

impl Observer for Log {
    fn event(&self, event: &RunEvent<'_>) {
        self.0.borrow_mut().push(event.to_string());
    }
}

fn tree() -> TempDir {
    let t = TempDir::new("run-unit");
    t.write("src/a.txt", "a\n");
    t.write("src/b.txt", "b\n");
    t.write("old.link", "excluded by default");
    t
}

fn options(dir: &Path) -> RunOptions {
    let mut o = RunOptions::default();
    o.step.record = o.step.record.cwd(dir);
    o.materials = vec!["src".into()];
    o.products = vec![".".into()];
    o
}

fn cmd(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

#[test]
fn run_step_records_runs_and_signs() {
    let t = tree();
    let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
    let mut opts = options(t.path());
    opts.record_streams = true;
    opts.timeout = Duration::from_secs(7);
    opts.redactor = Redactor::new::<&str>(&[], true).unwrap();
    let exec = Scripted::new(exits_3);
    let log = Log::default();
    let run = run_step(
        "build",
        &cmd(&["make", "all"]),
        &opts,
        Some(&key),
        &exec,
        &log,
    )
    .unwrap();

    let ran = exec.ran.lock().unwrap().clone();
    assert_eq!(
        ran,
        vec![(cmd(&["make", "all"]), true, Duration::from_secs(7))]
    );
    assert_eq!(run.return_value(), Some(3));
    let link = run.link();
    let metadata = Metadata::from_slice(run.bytes()).unwrap();
    assert_eq!(link.name, "build");
    assert_eq!(
        link.materials.keys().collect::<Vec<_>>(),
        ["src/a.txt", "src/b.txt"]
    );
    assert_eq!(
        link.products.keys().collect::<Vec<_>>(),
        ["src/a.txt", "src/b.txt"]
    );
    assert_eq!(link.command, cmd(&["make", "all"]));
    assert!(link.environment.is_empty());
    assert_eq!(
        link.byproducts.get("stdout").and_then(|v| v.as_str()),
        Some("out GITHUB_TOKEN=[REDACTED]\n")
    );
    assert_eq!(
        link.byproducts.get("stderr").and_then(|v| v.as_str()),
        Some("err\n")
    );
    let keyid = key.public_key().keyid().as_str().to_owned();
    assert_eq!(run.file_name(), format!("build.{}.link", &keyid[..8]));
    metadata.verify_signature(key.public_key()).unwrap();
    assert!(!metadata.is_dsse());
    // The signed payload is the link itself, and the file is what the
    // model's writer makes of it.
    assert_eq!(metadata.payload().unwrap(), Payload::Link(link.clone()));
    let mut again = Metadata::new_metablock(&Payload::Link(link));
    again.sign(&key).unwrap();
    assert_eq!(again.to_bytes(), run.bytes());

    let events = log.0.borrow().clone();
    assert_eq!(
        events,
        [
            "Running 'build'...",
            "Recording materials 'src'...",
            "Running command 'make all'...",
            "Redacted secrets in the recorded stdout",
            "Recording products '.'...",
            "Creating link metadata...",
            "Generating link metadata using Metablock...",
            "Signing link metadata using passed signer...",
        ]
    );

    // Written atomically to the directory, byte for byte what was built.
    let path = write_link(None, &run, &opts.step, &Silent).unwrap();
    assert_eq!(path, t.join(run.file_name()));
    assert_eq!(fs::read(&path).unwrap(), run.bytes());
}

#[test]
fn no_command_and_no_signer() {
    let t = tree();
    let mut opts = options(t.path());
    opts.step.use_dsse = true;
    let exec = Scripted::new(exits_3);
    let run = run_step("review", &[], &opts, None, &exec, &Silent).unwrap();
    assert!(exec.ran.lock().unwrap().is_empty());
    assert!(run.byproducts.is_empty());
    assert!(run.command.is_empty());
    assert_eq!(run.return_value(), None);
    assert_eq!(run.file_name(), "review.link");
    let metadata = Metadata::from_slice(run.bytes()).unwrap();
    assert!(metadata.is_dsse());
    assert!(metadata.signature_keyids().is_empty());
    assert_eq!(
        Metadata::new_dsse(&Payload::Link(run.link())).to_bytes(),
        run.bytes()
    );
}

#[test]
fn failures_write_nothing() {
    let t = tree();
    let opts = options(t.path());
    let before = listing(t.path());
    let exec = Scripted::new(times_out);
    let err = run_step("s", &cmd(&["sleep"]), &opts, None, &exec, &Silent).unwrap_err();
    assert!(
        matches!(err, RunError::Command(ExecError::Timeout { .. })),
        "{err}"
    );
    let err = run_step("a/b", &cmd(&["x"]), &opts, None, &exec, &Silent).unwrap_err();
    assert!(matches!(err, RunError::UnsafeStepName { .. }), "{err}");
    assert_eq!(
        exec.ran.lock().unwrap().len(),
        1,
        "an unsafe name runs nothing"
    );
    let mut bad = options(t.path());
    bad.step.record.lstrip_paths = vec!["src".into(), "src/a".into()];
    let err = run_step("s", &[], &bad, None, &exec, &Silent).unwrap_err();
    assert!(
        matches!(
            err,
            RunError::Record {
                phase: "materials",
                ..
            }
        ),
        "{err}"
    );
    // A missing metadata directory: the error names the file.
    let run = run_step("s", &[], &opts, None, &exec, &Silent).unwrap();
    let err = write_link(Some(Path::new("missing")), &run, &opts.step, &Silent).unwrap_err();
    assert!(err.to_string().contains("missing/s.link"), "{err}");
    assert_eq!(listing(t.path()), before);
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn record_start_and_stop() {
    for dsse in [false, true] {
        let t = tree();
        let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
        let keyid = key.public_key().keyid().as_str().to_owned();
        let mut opts = StepOptions::default();
        opts.record = opts.record.cwd(t.path());
        opts.use_dsse = dsse;
        let unfinished = record_start("edit", &["src".into()], &opts, &key, &Silent).unwrap();
        assert_eq!(
            unfinished,
            t.join(format!(".edit.{}.link-unfinished", &keyid[..8]))
        );
        let start = crate::metadata_io::load_metadata(&unfinished).unwrap();
        assert_eq!(start.is_dsse(), dsse);
        start.verify_signature(key.public_key()).unwrap();

        t.write("src/c.txt", "new");
        fs::create_dir(t.join("out")).unwrap();
        // The container follows the unfinished link, not the options.
        opts.use_dsse = !dsse;
        let log = Log::default();
        let done = record_stop(
            "edit",
            &["src".into()],
            &opts,
            &key,
            Some(Path::new("out")),
            &log,
        )
        .unwrap();
        assert_eq!(
            done,
            t.join("out").join(format!("edit.{}.link", &keyid[..8]))
        );
        assert!(!unfinished.exists());
        let md = crate::metadata_io::load_metadata(&done).unwrap();
        assert_eq!(md.is_dsse(), dsse);
        md.verify_signature(key.public_key()).unwrap();
        let Payload::Link(link) = md.payload().unwrap() else {
            panic!("not a link")
        };
        assert_eq!(link.materials.len(), 2);
        assert_eq!(link.products.len(), 3);
        assert!(link.byproducts.is_empty() && link.command.is_empty());
        let events = log.0.borrow().clone();
        assert_eq!(
            events.first().map(String::as_str),
            Some("Stop recording 'edit'...")
        );
        assert!(
            events
                .last()
                .is_some_and(|e| e.starts_with("Removing unfinished link metadata")),
            "{events:?}"
        );
    }
}

#[test]
fn record_stop_unsealed_gathers_the_link_and_writes_nothing() {
    let t = tree();
    let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
    let mut opts = StepOptions::default();
    opts.record = opts.record.cwd(t.path());
    let unfinished = record_start("edit", &["src".into()], &opts, &key, &Silent).unwrap();
    t.write("src/c.txt", "new");
    let before = listing(t.path());
    let stopped = record_stop_unsealed(
        "edit",
        &["src".into()],
        &opts,
        LinkSigner::Key(&key),
        &Silent,
    )
    .unwrap();
    assert_eq!(listing(t.path()), before);
    assert_eq!(stopped.unfinished, unfinished);
    assert!(!stopped.dsse);
    assert_eq!(stopped.link.name, "edit");
    let names = |a: &crate::model::Artifacts| a.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&stopped.link.materials), ["src/a.txt", "src/b.txt"]);
    assert_eq!(
        names(&stopped.link.products),
        ["src/a.txt", "src/b.txt", "src/c.txt"]
    );
    // Another key finds no unfinished link.
    let other = PrivateKey::generate(KeySpec::Ed25519).unwrap();
    let err =
        record_stop_unsealed("edit", &[], &opts, LinkSigner::Key(&other), &Silent).unwrap_err();
    assert!(matches!(err, RunError::NoUnfinishedLink { .. }), "{err}");
    let log = Log::default();
    remove_unfinished(&stopped.unfinished, &log).unwrap();
    assert!(!unfinished.exists());
    assert!(
        log.0.borrow()[0].starts_with("Removing unfinished link metadata"),
        "{:?}",
        log.0.borrow()
    );
    // Removing it twice names the file.
    let err = remove_unfinished(&stopped.unfinished, &Silent).unwrap_err();
    assert!(err.to_string().contains(".edit."), "{err}");
}

#[test]
fn record_stop_failures_keep_the_unfinished_link() {
    let t = tree();
    let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
    let other = PrivateKey::generate(KeySpec::Ed25519).unwrap();
    let mut opts = StepOptions::default();
    opts.record = opts.record.cwd(t.path());

    // Nothing started: the error names the file looked for.
    let err = record_stop("edit", &[], &opts, &key, None, &Silent).unwrap_err();
    assert!(matches!(err, RunError::NoUnfinishedLink { .. }), "{err}");
    assert!(err.to_string().contains(".link-unfinished"), "{err}");

    let unfinished = record_start("edit", &["src".into()], &opts, &key, &Silent).unwrap();
    // A missing output directory: the link is not written, the unfinished one stays.
    let err = record_stop("edit", &[], &opts, &key, Some(Path::new("nodir")), &Silent).unwrap_err();
    assert!(matches!(err, RunError::File(_)), "{err}");
    assert!(unfinished.exists());

    // An unfinished link signed by another key under this key's file name.
    let forged = record_start("forged", &[], &opts, &other, &Silent).unwrap();
    fs::rename(&forged, &unfinished).unwrap();
    let err = record_stop("edit", &[], &opts, &key, None, &Silent).unwrap_err();
    assert!(matches!(err, RunError::UnfinishedSignature { .. }), "{err}");
    assert!(unfinished.exists());

    // A layout where the unfinished link should be.
    let mut signed = Metadata::new_metablock(&Payload::Layout(crate::model::Layout::new(
        &crate::time::SystemClock,
    )));
    signed.sign(&key).unwrap();
    fs::write(&unfinished, signed.to_bytes()).unwrap();
    let err = record_stop("edit", &[], &opts, &key, None, &Silent).unwrap_err();
    assert!(matches!(err, RunError::UnfinishedPayload { .. }), "{err}");
    assert!(err.to_string().contains("expected link"), "{err}");
    assert!(unfinished.exists());
    let keyid = key.public_key().keyid().as_str().to_owned();
    assert!(!t.join(format!("edit.{}.link", &keyid[..8])).exists());
}

#[test]
fn match_products_sorts_differences() {
    let t = tree();
    let mut link = crate::model::Link::new("x");
    let opts = RecordOptions::new().cwd(t.path());
    let recorded = crate::record::record_artifacts(&["src"], &opts, &NoProgress)
        .unwrap()
        .artifacts;
    link.products = recorded;
    let same = match_products(&link, &["src"], &opts, &NoProgress).unwrap();
    assert!(same.is_match());

    t.write("src/a.txt", "changed");
    t.write("src/new.txt", "n");
    fs::remove_file(t.join("src/b.txt")).unwrap();
    let m = match_products(&link, &["src"], &opts, &NoProgress).unwrap();
    assert!(!m.is_match());
    assert_eq!(m.differ.iter().collect::<Vec<_>>(), ["src/a.txt"]);
    assert_eq!(m.only_in_products.iter().collect::<Vec<_>>(), ["src/b.txt"]);
    assert_eq!(
        m.not_in_products.iter().collect::<Vec<_>>(),
        ["src/new.txt"]
    );
}
