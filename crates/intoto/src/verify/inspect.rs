//! Running an inspection the way the reference's `run_all_inspections`
//! does (`in_toto_run(name, ["."], ["."], run)` with no stream recording),
//! with these differences: the command goes through the injected
//! [`Executor`](crate::run::command::Executor) (never a shell), only
//! `*.link*` metadata files are left out of the recording (the reference
//! also hides `.git`, `*.pyc` and `*~` from the inspection's rules), and
//! the link is written atomically, replacing rather than following a
//! symlink at `<name>.link`.

use std::path::{Path, PathBuf};

use intoto_cjson::Map;

use super::VerifyOptions;
use super::report::InspectionProblem;
use crate::model::artifact::Artifacts;
use crate::model::{Inspection, Link, Metadata, Payload};
use crate::record::{NoProgress, RecordOptions, record_artifacts};
use crate::rules::pyrepr;
use crate::run::command::ExecError;

/// What inspections leave out of their recordings: in-toto's own metadata.
pub(super) const INSPECTION_EXCLUDES: [&str; 1] = ["*.link*"];

/// What running one inspection gave.
pub(super) struct Outcome {
    /// The inspection's link, or why it failed (with the reference's
    /// exception class and message).
    pub(super) result: Result<Link, (InspectionProblem, &'static str, String)>,
    pub(super) return_value: Option<i64>,
    pub(super) link_file: Option<PathBuf>,
    pub(super) warnings: Vec<String>,
}

fn record(
    dir: Option<&Path>,
    warnings: &mut Vec<String>,
) -> Result<Artifacts, (InspectionProblem, &'static str, String)> {
    let mut opts = RecordOptions::new()
        .follow_symlink_dirs(true)
        .exclude_patterns(INSPECTION_EXCLUDES);
    if let Some(d) = dir {
        opts = opts.cwd(d);
    }
    match record_artifacts(&["."], &opts, &NoProgress) {
        Ok(recorded) => {
            warnings.extend(recorded.warnings.iter().map(ToString::to_string));
            Ok(recorded.artifacts)
        }
        Err(e) => {
            let msg = chain_message(&e);
            Err((InspectionProblem::Error(msg.clone()), "OSError", msg))
        }
    }
}

/// Runs `insp` in the verifier's working directory; see the module docs.
pub(super) fn run_inspection(insp: &Inspection, opts: &VerifyOptions<'_>) -> Outcome {
    let log = opts.log;
    let dir = opts.work_dir.as_deref();
    let mut out = Outcome {
        result: Err((InspectionProblem::BadReturnValue(None), "", String::new())),
        return_value: None,
        link_file: None,
        warnings: Vec::new(),
    };
    log.info(&format!(
        "Executing command for inspection '{}'...",
        insp.name
    ));
    log.info(&format!("Running '{}'...", insp.name));
    log.info("Recording materials '.'...");
    let materials = match record(dir, &mut out.warnings) {
        Ok(m) => m,
        Err(e) => {
            out.result = Err(e);
            return out;
        }
    };
    let mut byproducts = Map::new();
    let command_repr = pyrepr::list_repr(insp.run.iter().map(String::as_str));
    if !insp.run.is_empty() {
        log.info(&format!("Running command '{}'...", insp.run.join(" ")));
        match opts
            .executor
            .execute_in(dir, &insp.run, false, opts.inspection_timeout)
        {
            Ok(o) => {
                out.return_value = Some(o.return_value);
                byproducts.insert("return-value".into(), o.return_value.into());
                byproducts.insert("stderr".into(), o.stderr.into());
                byproducts.insert("stdout".into(), o.stdout.into());
            }
            Err(e) => {
                out.result = Err(exec_failure(&e, &command_repr, opts));
                return out;
            }
        }
    }
    log.info("Recording products '.'...");
    let products = match record(dir, &mut out.warnings) {
        Ok(p) => p,
        Err(e) => {
            out.result = Err(e);
            return out;
        }
    };
    log.info("Creating link metadata...");
    log.info("Generating link metadata using Metablock...");
    match out.return_value {
        Some(0) => {}
        Some(rv) => {
            out.result = Err((
                InspectionProblem::BadReturnValue(Some(rv)),
                "BadReturnValueError",
                format!("Got non-zero return value '{rv}' from command '{command_repr}'."),
            ));
            return out;
        }
        None => {
            out.result = Err((
                InspectionProblem::BadReturnValue(None),
                "BadReturnValueError",
                "Got non-int return value 'None'.".to_owned(),
            ));
            return out;
        }
    }
    let link = Link {
        name: insp.name.clone(),
        materials,
        products,
        byproducts,
        command: insp.run.clone(),
        environment: Map::new(),
    };
    if opts.persist_inspection_links {
        let name = Link::unsigned_file_name(&insp.name);
        let path = match dir {
            Some(d) => d.join(&name),
            None => PathBuf::from(name),
        };
        let md = Metadata::new_metablock(&Payload::Link(link.clone()));
        if let Err(e) = crate::metadata_io::write_metadata(&path, &md) {
            let msg = e.to_string();
            out.result = Err((InspectionProblem::Error(msg.clone()), "OSError", msg));
            return out;
        }
        out.link_file = Some(path);
    }
    out.result = Ok(link);
    out
}

fn exec_failure(
    e: &ExecError,
    command_repr: &str,
    opts: &VerifyOptions<'_>,
) -> (InspectionProblem, &'static str, String) {
    match e {
        ExecError::Timeout { .. } => (
            InspectionProblem::Timeout {
                seconds: opts.inspection_timeout.as_secs(),
            },
            "TimeoutExpired",
            format!(
                "Command '{command_repr}' timed out after {} seconds",
                opts.inspection_timeout.as_secs()
            ),
        ),
        ExecError::NotFound(program) => (
            InspectionProblem::CommandNotFound(program.clone()),
            "FileNotFoundError",
            format!(
                "[Errno 2] No such file or directory: {}",
                pyrepr::str_repr(program)
            ),
        ),
        other => {
            let msg = other.to_string();
            (InspectionProblem::Error(msg.clone()), "OSError", msg)
        }
    }
}

/// An error and its sources on one line.
fn chain_message(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(cause) = src {
        let c = cause.to_string();
        if !s.contains(&c) {
            s.push_str(": ");
            s.push_str(&c);
        }
        src = cause.source();
    }
    s
}
