//! SLSA provenance v1 (slsa.dev/provenance/v1, "Build: Provenance").

use std::collections::BTreeMap;

use intoto_cjson::{Map, Value};

use crate::descriptor::{ResourceDescriptor, list_value};
use crate::error::Result;
use crate::fields::{Obj, string_map_value, with_extensions};
use crate::time::Timestamp;
use crate::uri;

/// The predicate of a SLSA provenance v1 attestation: how the subjects
/// were built.
///
/// Required: `buildDefinition.buildType` and `runDetails.builder.id`
/// (TypeURIs). As the SLSA parsing rules say, unset, `null` and empty
/// values mean the same, so absent lists and maps read as empty; writing
/// leaves empty optional members out (but always writes
/// `externalParameters`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The inputs of the build.
    pub build_definition: BuildDefinition,
    /// This execution of the build.
    pub run_details: RunDetails,
    /// Members this crate does not know, kept as read.
    pub extensions: Map,
}

/// `buildDefinition`: the build's inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildDefinition {
    /// The template of the build (a TypeURI).
    pub build_type: String,
    /// Parameters under external control (must be verified downstream).
    pub external_parameters: Map,
    /// Parameters set by the build platform.
    pub internal_parameters: Map,
    /// Artifacts fetched for the build.
    pub resolved_dependencies: Vec<ResourceDescriptor>,
    /// Members this crate does not know, kept as read.
    pub extensions: Map,
}

/// `runDetails`: this particular execution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunDetails {
    /// The build platform.
    pub builder: Builder,
    /// Metadata about the invocation.
    pub metadata: BuildMetadata,
    /// Other artifacts the build made (logs, ...).
    pub byproducts: Vec<ResourceDescriptor>,
    /// Members this crate does not know, kept as read.
    pub extensions: Map,
}

/// `runDetails.builder`: the build platform.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Builder {
    /// The platform's identity (a TypeURI).
    pub id: String,
    /// Versions of the platform's components.
    pub version: BTreeMap<String, String>,
    /// Dependencies of the orchestrator.
    pub builder_dependencies: Vec<ResourceDescriptor>,
    /// Members this crate does not know, kept as read.
    pub extensions: Map,
}

/// `runDetails.metadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildMetadata {
    /// An identifier of this invocation.
    pub invocation_id: Option<String>,
    /// When the build started.
    pub started_on: Option<Timestamp>,
    /// When the build finished.
    pub finished_on: Option<Timestamp>,
    /// Members this crate does not know, kept as read.
    pub extensions: Map,
}

impl BuildMetadata {
    fn is_empty(&self) -> bool {
        self.invocation_id.is_none()
            && self.started_on.is_none()
            && self.finished_on.is_none()
            && self.extensions.is_empty()
    }
}

fn type_uri(o: &Obj<'_>, key: &str) -> Result<String> {
    let v = o.req_str(key)?;
    uri::check(&o.field(key), v)?;
    Ok(v.to_owned())
}

fn timestamp(o: &Obj<'_>, key: &str) -> Result<Option<Timestamp>> {
    o.opt_str(key)?
        .map(|t| Timestamp::read(&o.field(key), t))
        .transpose()
}

impl Provenance {
    /// A provenance with the two required identifiers and nothing else.
    pub fn new(build_type: impl Into<String>, builder_id: impl Into<String>) -> Self {
        let mut p = Self::default();
        p.build_definition.build_type = build_type.into();
        p.run_details.builder.id = builder_id.into();
        p
    }

    pub(crate) fn read(value: &Value) -> Result<Self> {
        let o = Obj::new(value, "predicate")?;
        let bd = Obj::new(o.req("buildDefinition")?, &o.field("buildDefinition"))?;
        let rd = Obj::new(o.req("runDetails")?, &o.field("runDetails"))?;
        let builder = Obj::new(rd.req("builder")?, &rd.field("builder"))?;
        let metadata = match rd.get("metadata") {
            None => BuildMetadata::default(),
            Some(m) => {
                let m = Obj::new(m, &rd.field("metadata"))?;
                BuildMetadata {
                    invocation_id: m.opt_str("invocationId")?.map(str::to_owned),
                    started_on: timestamp(&m, "startedOn")?,
                    finished_on: timestamp(&m, "finishedOn")?,
                    extensions: m.extensions(&["invocationId", "startedOn", "finishedOn"]),
                }
            }
        };
        Ok(Self {
            build_definition: BuildDefinition {
                build_type: type_uri(&bd, "buildType")?,
                external_parameters: bd
                    .opt_object("externalParameters")?
                    .cloned()
                    .unwrap_or_default(),
                internal_parameters: bd
                    .opt_object("internalParameters")?
                    .cloned()
                    .unwrap_or_default(),
                resolved_dependencies: ResourceDescriptor::read_list(&bd, "resolvedDependencies")?
                    .unwrap_or_default(),
                extensions: bd.extensions(&[
                    "buildType",
                    "externalParameters",
                    "internalParameters",
                    "resolvedDependencies",
                ]),
            },
            run_details: RunDetails {
                builder: Builder {
                    id: type_uri(&builder, "id")?,
                    version: builder.opt_string_map("version")?.unwrap_or_default(),
                    builder_dependencies: ResourceDescriptor::read_list(
                        &builder,
                        "builderDependencies",
                    )?
                    .unwrap_or_default(),
                    extensions: builder.extensions(&["id", "version", "builderDependencies"]),
                },
                metadata,
                byproducts: ResourceDescriptor::read_list(&rd, "byproducts")?.unwrap_or_default(),
                extensions: rd.extensions(&["builder", "metadata", "byproducts"]),
            },
            extensions: o.extensions(&["buildDefinition", "runDetails"]),
        })
    }

    /// The predicate as JSON.
    pub fn to_value(&self) -> Value {
        let bd = &self.build_definition;
        let mut b = Map::new();
        b.insert("buildType".into(), bd.build_type.as_str().into());
        b.insert(
            "externalParameters".into(),
            Value::Object(bd.external_parameters.clone()),
        );
        if !bd.internal_parameters.is_empty() {
            b.insert(
                "internalParameters".into(),
                Value::Object(bd.internal_parameters.clone()),
            );
        }
        if !bd.resolved_dependencies.is_empty() {
            b.insert(
                "resolvedDependencies".into(),
                list_value(&bd.resolved_dependencies),
            );
        }

        let rd = &self.run_details;
        let mut builder = Map::new();
        builder.insert("id".into(), rd.builder.id.as_str().into());
        if !rd.builder.version.is_empty() {
            builder.insert("version".into(), string_map_value(&rd.builder.version));
        }
        if !rd.builder.builder_dependencies.is_empty() {
            builder.insert(
                "builderDependencies".into(),
                list_value(&rd.builder.builder_dependencies),
            );
        }
        let mut r = Map::new();
        r.insert(
            "builder".into(),
            with_extensions(builder, &rd.builder.extensions),
        );
        if !rd.metadata.is_empty() {
            let md = &rd.metadata;
            let mut m = Map::new();
            if let Some(id) = &md.invocation_id {
                m.insert("invocationId".into(), id.as_str().into());
            }
            if let Some(t) = &md.started_on {
                m.insert("startedOn".into(), t.as_str().into());
            }
            if let Some(t) = &md.finished_on {
                m.insert("finishedOn".into(), t.as_str().into());
            }
            r.insert("metadata".into(), with_extensions(m, &md.extensions));
        }
        if !rd.byproducts.is_empty() {
            r.insert("byproducts".into(), list_value(&rd.byproducts));
        }

        let mut top = Map::new();
        top.insert("buildDefinition".into(), with_extensions(b, &bd.extensions));
        top.insert("runDetails".into(), with_extensions(r, &rd.extensions));
        with_extensions(top, &self.extensions)
    }
}
