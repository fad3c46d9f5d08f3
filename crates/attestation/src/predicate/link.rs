//! The link predicate, v0.3 (spec/predicates/link.md), and its conversion
//! to and from classic in-toto links.

use std::collections::{BTreeMap, BTreeSet};

use intoto_cjson::{Map, Value};

use crate::descriptor::{ResourceDescriptor, list_value};
use crate::digest::DigestSet;
use crate::error::{Error, Result};
use crate::fields::{Obj, index, join, strings_value, with_extensions};

const FIELDS: &[&str] = &["name", "command", "materials", "byproducts", "environment"];

/// Artifacts as classic links record them: path to (algorithm to digest).
/// The same shape as the `intoto` crate's `Artifacts`.
pub type ArtifactDigests = BTreeMap<String, BTreeMap<String, String>>;

/// The predicate of a link attestation: one step's evidence. The step's
/// products are the Statement's subjects.
///
/// Reading checks what link.md requires: `name` is set, every material has
/// a `name` and a `digest`, and material names are unique (and, at the
/// Statement level, every subject has a unique name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkPredicate {
    /// The step name.
    pub name: String,
    /// The command that was run, as an argument vector.
    pub command: Vec<String>,
    /// The step's inputs.
    pub materials: Vec<ResourceDescriptor>,
    /// Opaque results of the step (`return-value`, `stdout`, `stderr`, ...).
    pub byproducts: Map,
    /// Opaque information about the environment of the step.
    pub environment: Map,
    /// Members this crate does not know, kept as read.
    pub extensions: Map,
}

/// The content of a classic in-toto link (`"_type": "link"`), in plain
/// types so that this crate does not depend on the `intoto` crate (which
/// converts it to and from its `Link`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassicLink {
    /// The step name.
    pub name: String,
    /// The command that was run.
    pub command: Vec<String>,
    /// The step's inputs.
    pub materials: ArtifactDigests,
    /// The step's outputs.
    pub products: ArtifactDigests,
    /// Opaque results of the step.
    pub byproducts: Map,
    /// Opaque information about the environment.
    pub environment: Map,
}

impl LinkPredicate {
    /// A predicate for step `name` with nothing else recorded.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    pub(crate) fn read(value: &Value) -> Result<Self> {
        let o = Obj::new(value, "predicate")?;
        let materials = ResourceDescriptor::read_list(&o, "materials")?.unwrap_or_default();
        check_named(&materials, &o.field("materials"), true)?;
        Ok(Self {
            name: o.req_str("name")?.to_owned(),
            command: o.opt_strings("command")?.unwrap_or_default(),
            materials,
            byproducts: o.opt_object("byproducts")?.cloned().unwrap_or_default(),
            environment: o.opt_object("environment")?.cloned().unwrap_or_default(),
            extensions: o.extensions(FIELDS),
        })
    }

    /// The predicate as JSON: all five members, always.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), self.name.as_str().into());
        m.insert("command".into(), strings_value(&self.command));
        m.insert("materials".into(), list_value(&self.materials));
        m.insert("byproducts".into(), Value::Object(self.byproducts.clone()));
        m.insert(
            "environment".into(),
            Value::Object(self.environment.clone()),
        );
        with_extensions(m, &self.extensions)
    }

    /// The classic link this predicate and the Statement's `subject` make,
    /// as link.md defines the conversion: materials and products map each
    /// descriptor's name to its digests. link.md's conversion leaves
    /// `command` out; it is carried over here, since classic links have it.
    pub fn to_classic(&self, subject: &[ResourceDescriptor]) -> ClassicLink {
        let artifacts = |list: &[ResourceDescriptor]| -> ArtifactDigests {
            list.iter()
                .map(|rd| {
                    (
                        rd.name.clone().unwrap_or_default(),
                        rd.digest
                            .clone()
                            .map(DigestSet::into_map)
                            .unwrap_or_default(),
                    )
                })
                .collect()
        };
        ClassicLink {
            name: self.name.clone(),
            command: self.command.clone(),
            materials: artifacts(&self.materials),
            products: artifacts(subject),
            byproducts: self.byproducts.clone(),
            environment: self.environment.clone(),
        }
    }

    /// The predicate and subjects (the products) for a classic link. Every
    /// digest is checked ([`DigestSet::from_map`]); an artifact without any
    /// digest is refused, since link.md requires one.
    pub fn from_classic(link: &ClassicLink) -> Result<(Self, Vec<ResourceDescriptor>)> {
        let descriptors = |field: &str, artifacts: &ArtifactDigests| {
            artifacts
                .iter()
                .enumerate()
                .map(|(i, (path, digests))| {
                    let at = index(field, i);
                    if digests.is_empty() {
                        return Err(Error::Missing {
                            field: join(&at, "digest"),
                        });
                    }
                    let set =
                        DigestSet::from_map(digests.clone()).map_err(|source| Error::Digest {
                            field: join(&at, "digest"),
                            source,
                        })?;
                    Ok(ResourceDescriptor::named(path.as_str(), set))
                })
                .collect::<Result<Vec<_>>>()
        };
        if link.name.is_empty() {
            return Err(Error::Empty {
                field: "predicate.name".into(),
            });
        }
        let predicate = Self {
            name: link.name.clone(),
            command: link.command.clone(),
            materials: descriptors("predicate.materials", &link.materials)?,
            byproducts: link.byproducts.clone(),
            environment: link.environment.clone(),
            extensions: Map::new(),
        };
        let subject = descriptors("subject", &link.products)?;
        Ok((predicate, subject))
    }
}

/// Checks the subjects of a link Statement: each has a unique name (the
/// product's path).
pub(crate) fn link_subjects(subject: &[ResourceDescriptor]) -> Result<()> {
    check_named(subject, "subject", true)
}

/// Checks that every descriptor in `list` has a non-empty, unique name
/// and, when `need_digest`, a digest.
fn check_named(list: &[ResourceDescriptor], field: &str, need_digest: bool) -> Result<()> {
    let mut seen = BTreeSet::new();
    for (i, rd) in list.iter().enumerate() {
        let at = index(field, i);
        let Some(name) = rd.name() else {
            return Err(Error::Missing {
                field: join(&at, "name"),
            });
        };
        if need_digest && rd.digest().is_none() {
            return Err(Error::Missing {
                field: join(&at, "digest"),
            });
        }
        if !seen.insert(name) {
            return Err(Error::DuplicateName {
                field: field.to_owned(),
                name: name.to_owned(),
            });
        }
    }
    Ok(())
}
