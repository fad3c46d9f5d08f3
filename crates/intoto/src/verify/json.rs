//! The JSON form of a [`VerificationReport`], documented in
//! `docs/report-json.md`. Keys are sorted; the file is written as Python's
//! `json.dumps(indent=1, sort_keys=True)` writes (ASCII only).

use std::path::Path;

use intoto_cjson::{Map, Style, Value, to_python_json};

use super::report::{
    ArtifactDifference, CaughtArtifact, DigestSource, Failure, FailureKind, InspectionProblem,
    InspectionReport, LinkCheck, NearMiss, NotConsumedReason, RuleProblem, RulesReport,
    SourcedDigest, StepReport, VerificationReport,
};
use crate::model::artifact::DigestSet;

/// The version of the JSON report format. It changes when a member is
/// removed or changes meaning; members may be added within a version.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// The `format` member that identifies the document.
const FORMAT_NAME: &str = "in-toto-rs-ng/verification-report";

struct Obj(Map);

impl Obj {
    fn new() -> Self {
        Self(Map::new())
    }

    fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.insert(key.to_owned(), value.into());
        self
    }

    fn done(self) -> Value {
        Value::Object(self.0)
    }
}

fn strings<S: AsRef<str>>(items: &[S]) -> Value {
    Value::Array(items.iter().map(|s| Value::from(s.as_ref())).collect())
}

fn path(p: &Path) -> Value {
    Value::from(p.to_string_lossy().into_owned())
}

fn opt_path(p: Option<&Path>) -> Value {
    p.map(path).unwrap_or(Value::Null)
}

fn opt_str(s: Option<&str>) -> Value {
    s.map(Value::from).unwrap_or(Value::Null)
}

fn digests(d: &DigestSet) -> Value {
    Value::Object(
        d.iter()
            .map(|(k, v)| (k.to_owned(), Value::from(v)))
            .collect(),
    )
}

fn opt_digests(d: Option<&DigestSet>) -> Value {
    d.map(digests).unwrap_or(Value::Null)
}

fn source(s: &DigestSource) -> Value {
    Obj::new()
        .with("item", s.item.as_str())
        .with("artifact_kind", s.kind.as_str())
        .with("path", s.path.as_str())
        .with("file", opt_path(s.file.as_deref()))
        .done()
}

fn sourced(s: &SourcedDigest) -> Value {
    Obj::new()
        .with("digests", digests(&s.digests))
        .with("source", source(&s.source))
        .done()
}

impl VerificationReport {
    /// The report as a JSON value (see `docs/report-json.md`).
    pub fn to_json_value(&self) -> Value {
        let layout = match &self.layout {
            None => Value::Null,
            Some(l) => Obj::new()
                .with("container", l.container)
                .with("expires", l.expires.to_string())
                .with("steps", strings(&l.steps))
                .with("inspections", strings(&l.inspections))
                .with("parameters", strings(&l.parameters))
                .done(),
        };
        Obj::new()
            .with("format", FORMAT_NAME)
            .with("format_version", REPORT_FORMAT_VERSION)
            .with("verdict", self.verdict.as_str())
            .with("step_name", self.step_name.as_str())
            .with("layout_file", opt_path(self.layout_file.as_deref()))
            .with("layout_sha256", opt_str(self.layout_sha256.as_deref()))
            .with("layout", layout)
            .with(
                "layout_keys",
                Value::Array(
                    self.layout_keys
                        .iter()
                        .map(|k| {
                            Obj::new()
                                .with("keyid", k.keyid.as_str())
                                .with("verified", k.verified)
                                .done()
                        })
                        .collect(),
                ),
            )
            .with(
                "stages",
                Value::Array(
                    self.stages
                        .iter()
                        .map(|s| {
                            Obj::new()
                                .with("stage", s.stage.as_str())
                                .with("status", s.status.as_str())
                                .with("note", opt_str(s.note.as_deref()))
                                .done()
                        })
                        .collect(),
                ),
            )
            .with("steps", Value::Array(self.steps.iter().map(step).collect()))
            .with(
                "inspections",
                Value::Array(self.inspections.iter().map(inspection).collect()),
            )
            .with(
                "failures",
                Value::Array(self.failures.iter().map(failure).collect()),
            )
            .with(
                "warnings",
                Value::Array(
                    self.warnings
                        .iter()
                        .map(|w| {
                            Obj::new()
                                .with("stage", w.stage.as_str())
                                .with("item", opt_str(w.item.as_deref()))
                                .with("message", w.message.as_str())
                                .done()
                        })
                        .collect(),
                ),
            )
            .with(
                "summary_link",
                self.summary_link
                    .as_ref()
                    .map(crate::model::Link::to_value)
                    .unwrap_or(Value::Null),
            )
            .done()
    }

    /// The report as JSON text (indented, keys sorted, ASCII only).
    pub fn to_json(&self) -> String {
        let mut s = to_python_json(&self.to_json_value(), Style::Indent1);
        s.push('\n');
        s
    }
}

fn rules(reports: &[RulesReport]) -> Value {
    Value::Array(
        reports
            .iter()
            .map(|r| {
                Obj::new()
                    .with("artifact_kind", r.kind.as_str())
                    .with(
                        "rules",
                        Value::Array(
                            r.rules
                                .iter()
                                .map(|t| {
                                    Obj::new()
                                        .with("index", t.index)
                                        .with("rule", strings(&t.rule))
                                        .with("consumed", strings(&t.consumed))
                                        .with("passed", t.passed)
                                        .done()
                                })
                                .collect(),
                        ),
                    )
                    .with("unconsumed", strings(&r.unconsumed))
                    .done()
            })
            .collect(),
    )
}

fn link_check(l: &LinkCheck) -> Value {
    Obj::new()
        .with("keyid", l.keyid.as_str())
        .with("file", path(&l.file))
        .with("status", l.status.as_str())
        .with("payload", opt_str(l.payload))
        .with("kind", opt_str(l.format.map(|f| f.as_str())))
        .with(
            "line",
            l.line.map_or(Value::Null, |n| Value::from(n as u64)),
        )
        .with("sha256", opt_str(l.sha256.as_deref()))
        .with("counted", l.counted)
        .with("detail", opt_str(l.detail.as_deref()))
        .with(
            "sublayout",
            l.sublayout
                .as_ref()
                .map(|r| r.to_json_value())
                .unwrap_or(Value::Null),
        )
        .done()
}

fn step(s: &StepReport) -> Value {
    Obj::new()
        .with("name", s.name.as_str())
        .with("threshold", s.threshold)
        .with("authorized", strings(&s.authorized))
        .with("signers", strings(&s.signers))
        .with(
            "threshold_met",
            i64::try_from(s.signers.len()).unwrap_or(i64::MAX) >= s.threshold,
        )
        .with("link_used", opt_path(s.link_used.as_deref()))
        .with(
            "links",
            Value::Array(s.links.iter().map(link_check).collect()),
        )
        .with("rules", rules(&s.rules))
        .done()
}

fn inspection(i: &InspectionReport) -> Value {
    Obj::new()
        .with("name", i.name.as_str())
        .with("run", strings(&i.run))
        .with("status", i.status.as_str())
        .with(
            "return_value",
            i.return_value.map(Value::from).unwrap_or(Value::Null),
        )
        .with("link_file", opt_path(i.link_file.as_deref()))
        .with("rules", rules(&i.rules))
        .done()
}

fn near_miss(m: &NearMiss) -> Value {
    let reason = match &m.reason {
        NotConsumedReason::AlsoInMaterials => Obj::new().with("type", "also-in-materials"),
        NotConsumedReason::StillInProducts => Obj::new().with("type", "still-in-products"),
        NotConsumedReason::Unchanged { material, product } => Obj::new()
            .with("type", "unchanged")
            .with("material", sourced(material))
            .with("product", sourced(product)),
        NotConsumedReason::MissingFrom(kind) => Obj::new()
            .with("type", "missing-from")
            .with("artifact_kind", kind.as_str()),
        NotConsumedReason::NoLinkForStep { step } => Obj::new()
            .with("type", "no-link-for-step")
            .with("step", step.as_str()),
        NotConsumedReason::NotFound { expected_at } => Obj::new()
            .with("type", "not-found")
            .with("expected_at", source(expected_at)),
        NotConsumedReason::DigestsDiffer { expected, found } => Obj::new()
            .with("type", "digests-differ")
            .with("expected", sourced(expected))
            .with("found", sourced(found)),
        NotConsumedReason::AmbiguousPath { looked_up } => Obj::new()
            .with("type", "ambiguous-path")
            .with("looked_up", looked_up.as_str()),
    };
    Obj::new()
        .with("rule_index", m.rule_index)
        .with("rule", strings(&m.rule))
        .with("reason", reason.done())
        .done()
}

fn caught(c: &CaughtArtifact) -> Value {
    Obj::new()
        .with("path", c.artifact.source.path.as_str())
        .with("digests", digests(&c.artifact.digests))
        .with("source", source(&c.artifact.source))
        .with(
            "not_consumed",
            Value::Array(c.not_consumed.iter().map(near_miss).collect()),
        )
        .done()
}

fn rule_problem(p: &RuleProblem) -> Value {
    match p {
        RuleProblem::Disallowed { artifacts } => Obj::new().with("type", "disallowed").with(
            "artifacts",
            Value::Array(artifacts.iter().map(caught).collect()),
        ),
        RuleProblem::RequiredMissing { path, consumed_by } => Obj::new()
            .with("type", "required-missing")
            .with("path", path.as_str())
            .with(
                "consumed_by",
                consumed_by.map(Value::from).unwrap_or(Value::Null),
            ),
        RuleProblem::AmbiguousMatchPath { artifacts } => {
            Obj::new().with("type", "ambiguous-match-path").with(
                "artifacts",
                Value::Array(
                    artifacts
                        .iter()
                        .map(|(p, l)| {
                            Obj::new()
                                .with("path", p.as_str())
                                .with("looked_up", l.as_str())
                                .done()
                        })
                        .collect(),
                ),
            )
        }
    }
    .done()
}

fn difference(d: &ArtifactDifference) -> Value {
    Obj::new()
        .with("artifact_kind", d.kind.as_str())
        .with("path", d.path.as_str())
        .with("reference", opt_digests(d.reference.as_ref()))
        .with("other", opt_digests(d.other.as_ref()))
        .done()
}

fn failure(f: &Failure) -> Value {
    let base = Obj::new()
        .with("stage", f.stage.as_str())
        .with("item", opt_str(f.item()))
        .with("message", f.to_string())
        .with(
            "reference",
            Obj::new()
                .with("kind", f.reference_kind.as_str())
                .with("message", f.reference_message.as_str())
                .done(),
        );
    match &f.kind {
        FailureKind::LayoutUnreadable { path: p, error } => base
            .with("type", "layout-unreadable")
            .with("path", path(p))
            .with("error", error.as_str()),
        FailureKind::KeyUnreadable { path: p, error } => base
            .with("type", "key-unreadable")
            .with("path", path(p))
            .with("error", error.as_str()),
        FailureKind::NoKeys => base.with("type", "no-keys"),
        FailureKind::LayoutSignature { keyid, missing } => base
            .with("type", "layout-signature")
            .with("keyid", keyid.as_str())
            .with("missing", *missing),
        FailureKind::LayoutPayload { error } => base
            .with("type", "layout-payload")
            .with("error", error.as_str()),
        FailureKind::LayoutExpired { expires, now } => base
            .with("type", "layout-expired")
            .with("expires", expires.to_string())
            .with("now", now.to_string()),
        FailureKind::Parameters { error } => base
            .with("type", "parameters")
            .with("error", error.as_str()),
        FailureKind::LinksMissing {
            step,
            threshold,
            found,
            looked_for,
        } => base
            .with("type", "links-missing")
            .with("step", step.as_str())
            .with("threshold", *threshold)
            .with("found", *found)
            .with(
                "looked_for",
                Value::Array(looked_for.iter().map(|p| path(p)).collect()),
            ),
        FailureKind::LinkUnreadable {
            step,
            keyid,
            file,
            error,
        } => base
            .with("type", "link-unreadable")
            .with("step", step.as_str())
            .with("keyid", keyid.as_str())
            .with("file", path(file))
            .with("error", error.as_str()),
        FailureKind::LinkNameMismatch { step, file, name } => base
            .with("type", "link-name-mismatch")
            .with("step", step.as_str())
            .with("file", path(file))
            .with("name", name.as_str()),
        FailureKind::ArtifactName {
            step,
            file,
            kind,
            artifact,
            problem,
        } => base
            .with("type", "artifact-name")
            .with("step", step.as_str())
            .with("file", path(file))
            .with("artifact_kind", kind.as_str())
            .with("artifact", artifact.as_str())
            .with("problem", problem.as_str()),
        FailureKind::Threshold {
            step,
            threshold,
            signers,
            not_counted,
        } => base
            .with("type", "threshold")
            .with("step", step.as_str())
            .with("threshold", *threshold)
            .with("signers", strings(signers))
            .with(
                "not_counted",
                Value::Array(
                    not_counted
                        .iter()
                        .map(|(file, why)| {
                            Obj::new()
                                .with("file", path(file))
                                .with("reason", why.as_str())
                                .done()
                        })
                        .collect(),
                ),
            ),
        FailureKind::Sublayout {
            step,
            keyid,
            file,
            failures,
        } => base
            .with("type", "sublayout")
            .with("step", step.as_str())
            .with("keyid", keyid.as_str())
            .with("file", path(file))
            .with(
                "failures",
                Value::Array(failures.iter().map(failure).collect()),
            ),
        FailureKind::ArtifactsDiffer {
            step,
            reference_file,
            other_file,
            differences,
        } => base
            .with("type", "artifacts-differ")
            .with("step", step.as_str())
            .with("reference_file", path(reference_file))
            .with("other_file", path(other_file))
            .with(
                "differences",
                Value::Array(differences.iter().map(difference).collect()),
            ),
        FailureKind::Rule {
            item,
            kind,
            rule_index,
            rule,
            problem,
        } => base
            .with("type", "rule")
            .with("item", item.as_str())
            .with("artifact_kind", kind.as_str())
            .with("rule_index", *rule_index)
            .with("rule", strings(rule))
            .with("problem", rule_problem(problem)),
        FailureKind::Inspection { name, run, problem } => {
            let problem = match problem {
                InspectionProblem::BadReturnValue(rv) => Obj::new()
                    .with("type", "bad-return-value")
                    .with("return_value", rv.map(Value::from).unwrap_or(Value::Null)),
                InspectionProblem::Timeout { seconds } => {
                    Obj::new().with("type", "timeout").with("seconds", *seconds)
                }
                InspectionProblem::CommandNotFound(p) => Obj::new()
                    .with("type", "command-not-found")
                    .with("program", p.as_str()),
                InspectionProblem::Error(e) => {
                    Obj::new().with("type", "error").with("message", e.as_str())
                }
            };
            base.with("type", "inspection")
                .with("name", name.as_str())
                .with("run", strings(run))
                .with("problem", problem.done())
        }
    }
    .done()
}
