//! Attestations as a step's evidence: an in-toto Statement (v1, or the
//! deprecated v0.1) whose predicate is a link v0.3 or SLSA provenance v1,
//! read into the same [`Link`] a classic link gives, so that thresholds,
//! artifact rules and `MATCH` treat both alike.
//!
//! * link v0.3: the name, command, byproducts and environment come from the
//!   predicate, the materials from `predicate.materials`, the products from
//!   the subjects.
//! * SLSA provenance v1: the products are the subjects, the materials are
//!   `buildDefinition.resolvedDependencies`, the command is
//!   `buildDefinition.externalParameters.command` when that is a list of
//!   strings (else empty), and the step name is
//!   `buildDefinition.internalParameters.inTotoStep` when present (else the
//!   step the file is named after). Byproducts and environment are empty.
//!   A dependency without a `name` is named by its `uri` (as provenance
//!   made by CI builders lists sources: `git+https://...@refs/heads/main`
//!   with a `gitCommit` digest), so rules can match it by that name; one
//!   with neither, or without a `digest`, is refused, never dropped: a
//!   `DISALLOW` rule must see every input.
//!
//! Every digest of a descriptor is kept (all algorithms), so artifacts
//! compare exactly as those of classic links do.

use intoto_attestation::{
    LINK_V0_3, PROVENANCE_V1, Predicate, ResourceDescriptor, STATEMENT_V0_1, STATEMENT_V1,
    Statement,
};
use intoto_cjson::Value;

use super::artifact::{Artifacts, DigestSet};
use super::error::{ModelError, Result};
use super::link::Link;

/// The key of `buildDefinition.internalParameters` that names the in-toto
/// step a SLSA provenance is evidence for.
pub const IN_TOTO_STEP: &str = "inTotoStep";

/// What a step's evidence holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EvidenceFormat {
    /// A classic link (`"_type": "link"`), in a Metablock or DSSE envelope.
    Link,
    /// A layout in a link's place (a sublayout).
    Sublayout,
    /// An in-toto Statement with a link v0.3 predicate.
    LinkAttestation,
    /// An in-toto Statement with a SLSA provenance v1 predicate.
    Provenance,
    /// An in-toto Statement with any other predicate (never evidence).
    OtherAttestation,
}

impl EvidenceFormat {
    /// The short name used in JSON reports: `link`, `sublayout`,
    /// `link-v0.3`, `slsa-provenance-v1`, `other-attestation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::Sublayout => "sublayout",
            Self::LinkAttestation => "link-v0.3",
            Self::Provenance => "slsa-provenance-v1",
            Self::OtherAttestation => "other-attestation",
        }
    }

    /// Words for text reports: `classic link`, `link v0.3 attestation`, ...
    pub fn describe(self) -> &'static str {
        match self {
            Self::Link => "classic link",
            Self::Sublayout => "sublayout",
            Self::LinkAttestation => "link v0.3 attestation",
            Self::Provenance => "SLSA provenance v1 attestation",
            Self::OtherAttestation => "attestation",
        }
    }

    /// Whether this is an in-toto Statement.
    pub fn is_attestation(self) -> bool {
        matches!(
            self,
            Self::LinkAttestation | Self::Provenance | Self::OtherAttestation
        )
    }

    /// The format of a payload, judged from its `_type` and
    /// `predicateType` only (nothing is validated or trusted); `None` when
    /// the `_type` is none of in-toto's.
    pub fn of_payload(value: &Value) -> Option<Self> {
        match value.get("_type").and_then(Value::as_str)? {
            "link" => Some(Self::Link),
            "layout" => Some(Self::Sublayout),
            t if is_statement_type(t) => {
                Some(match value.get("predicateType").and_then(Value::as_str) {
                    Some(LINK_V0_3) => Self::LinkAttestation,
                    Some(PROVENANCE_V1) => Self::Provenance,
                    _ => Self::OtherAttestation,
                })
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for EvidenceFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// Whether `_type` is an in-toto Statement type (v1 or the deprecated v0.1).
pub fn is_statement_type(t: &str) -> bool {
    t == STATEMENT_V1 || t == STATEMENT_V0_1
}

/// The step name an attestation claims, read **without verifying** it
/// (to attribute the envelopes of a bundle to steps): a link v0.3
/// predicate's `name`, or a SLSA provenance's `inTotoStep`.
pub fn claimed_step(statement: &Statement) -> Option<&str> {
    match &statement.predicate {
        Predicate::Link(p) => Some(p.name.as_str()),
        Predicate::Provenance(p) => p
            .build_definition
            .internal_parameters
            .get(IN_TOTO_STEP)
            .and_then(Value::as_str),
        _ => None,
    }
}

impl Link {
    /// The link an attestation gives as evidence for `step` (see the
    /// [module documentation](self)); `step` names the link only when a
    /// SLSA provenance has no `inTotoStep`. The caller checks, as for any
    /// link, that the name is the step's.
    pub fn from_statement(statement: &Statement, step: &str) -> Result<Self> {
        match &statement.predicate {
            Predicate::Link(p) => Ok(Self {
                name: p.name.clone(),
                materials: artifacts(&p.materials, "predicate.materials", Naming::Name)?,
                products: artifacts(&statement.subject, "subject", Naming::Name)?,
                byproducts: p.byproducts.clone(),
                command: p.command.clone(),
                environment: p.environment.clone(),
            }),
            Predicate::Provenance(p) => {
                let bd = &p.build_definition;
                let name = match bd.internal_parameters.get(IN_TOTO_STEP) {
                    None => step.to_owned(),
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => {
                        return Err(ModelError::Type {
                            field: format!(
                                "predicate.buildDefinition.internalParameters.{IN_TOTO_STEP}"
                            ),
                            expected: "a string",
                            found: other.type_name(),
                        });
                    }
                };
                let command = match bd.external_parameters.get("command") {
                    Some(Value::Array(words)) => words
                        .iter()
                        .map(|w| w.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                Ok(Self {
                    name,
                    materials: artifacts(
                        &bd.resolved_dependencies,
                        "predicate.buildDefinition.resolvedDependencies",
                        Naming::NameOrUri,
                    )?,
                    products: artifacts(&statement.subject, "subject", Naming::Name)?,
                    byproducts: intoto_cjson::Map::new(),
                    command,
                    environment: intoto_cjson::Map::new(),
                })
            }
            other => Err(ModelError::NotALinkPredicate {
                predicate_type: other.predicate_type().to_owned(),
            }),
        }
    }
}

/// What names a descriptor as a link's artifact.
#[derive(Clone, Copy)]
enum Naming {
    /// Its `name` (link v0.3 materials, subjects).
    Name,
    /// Its `name`, else its `uri` (SLSA provenance's resolved dependencies).
    NameOrUri,
}

/// Descriptors as a link's artifacts: each needs a name (the path; see
/// [`Naming`]) and a digest, and names must be unique.
fn artifacts(list: &[ResourceDescriptor], field: &str, naming: Naming) -> Result<Artifacts> {
    let mut out = Artifacts::new();
    for (i, rd) in list.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let name = match naming {
            Naming::Name => rd.name(),
            Naming::NameOrUri => rd.name().or(rd.uri()),
        };
        let Some(name) = name else {
            return Err(ModelError::Descriptor {
                field: at,
                reason: match naming {
                    Naming::Name => "has no 'name', so it cannot be a link's artifact",
                    Naming::NameOrUri => {
                        "has neither 'name' nor 'uri', so it cannot be a link's artifact"
                    }
                },
            });
        };
        let Some(digest) = rd.digest().filter(|d| !d.is_empty()) else {
            return Err(ModelError::Descriptor {
                field: at,
                reason: "has no 'digest', so it cannot be a link's artifact",
            });
        };
        let digests: DigestSet = digest.iter().collect();
        if out.insert(name.to_owned(), digests).is_some() {
            return Err(ModelError::Descriptor {
                field: at,
                reason: "repeats the name of an earlier artifact",
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use intoto_attestation::{LinkPredicate, Provenance};

    use super::*;

    fn digest(c: char) -> intoto_attestation::DigestSet {
        let mut d = intoto_attestation::DigestSet::new();
        d.insert("sha256", c.to_string().repeat(64)).unwrap();
        d.insert("sha512", c.to_string().repeat(128)).unwrap();
        d
    }

    #[test]
    fn link_predicate() {
        let mut p = LinkPredicate::new("build");
        p.command = vec!["make".into()];
        p.materials = vec![ResourceDescriptor::named("src/a.c", digest('a'))];
        let s = Statement::new(
            vec![ResourceDescriptor::named("app", digest('b'))],
            Predicate::Link(p),
        );
        let link = Link::from_statement(&s, "other").unwrap();
        assert_eq!(link.name, "build");
        assert_eq!(link.command, ["make"]);
        assert_eq!(link.materials["src/a.c"].get("sha512").unwrap().len(), 128);
        assert_eq!(
            link.products["app"].get("sha256"),
            Some("b".repeat(64).as_str())
        );
        let v = intoto_cjson::from_slice(s.to_json().as_bytes()).unwrap();
        assert_eq!(
            EvidenceFormat::of_payload(&v),
            Some(EvidenceFormat::LinkAttestation)
        );
        assert_eq!(claimed_step(&s), Some("build"));
    }

    #[test]
    fn provenance() {
        let mut p = Provenance::new("https://example.com/build/v1", "https://example.com/b");
        p.build_definition
            .resolved_dependencies
            .push(ResourceDescriptor::named("src.tar", digest('c')));
        p.build_definition.external_parameters.insert(
            "command".into(),
            Value::Array(vec!["make".into(), "all".into()]),
        );
        let s = Statement::new(
            vec![ResourceDescriptor::named("app", digest('d'))],
            Predicate::Provenance(p.clone()),
        );
        assert_eq!(claimed_step(&s), None);
        let link = Link::from_statement(&s, "build").unwrap();
        assert_eq!(link.name, "build");
        assert_eq!(link.command, ["make", "all"]);
        assert!(link.materials.contains_key("src.tar"));
        assert!(link.products.contains_key("app"));

        p.build_definition
            .internal_parameters
            .insert(IN_TOTO_STEP.into(), "compile".into());
        p.build_definition
            .external_parameters
            .insert("command".into(), "make all".into());
        p.build_definition
            .resolved_dependencies
            .push(ResourceDescriptor::for_uri(
                "git+https://x.test/r",
                Some(digest('e')),
            ));
        let s = Statement::new(Vec::new(), Predicate::Provenance(p.clone()));
        assert_eq!(claimed_step(&s), Some("compile"));
        // A dependency known only by its URI is a material of that name.
        let link = Link::from_statement(&s, "compile").unwrap();
        assert_eq!(
            link.materials["git+https://x.test/r"].get("sha256"),
            Some("e".repeat(64).as_str())
        );
        assert!(link.materials.contains_key("src.tar"));

        // One with a digest but neither name nor URI is refused.
        p.build_definition
            .resolved_dependencies
            .push(ResourceDescriptor::default());
        p.build_definition.resolved_dependencies[2].digest = Some(digest('f'));
        let s = Statement::new(Vec::new(), Predicate::Provenance(p));
        let err = Link::from_statement(&s, "compile").unwrap_err().to_string();
        assert_eq!(
            err,
            "'predicate.buildDefinition.resolvedDependencies[2]' has neither 'name' nor 'uri', so it cannot be a link's artifact"
        );
    }

    #[test]
    fn other_predicates_are_not_links() {
        let s = Statement::new(
            Vec::new(),
            Predicate::Other {
                predicate_type: "https://example.com/sbom/v1".into(),
                predicate: None,
            },
        );
        assert_eq!(
            Link::from_statement(&s, "x").unwrap_err().to_string(),
            "predicate type https://example.com/sbom/v1 is not a link (link v0.3 or SLSA provenance v1)"
        );
    }
}
