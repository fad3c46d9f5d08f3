//! SLSA verification summary v1 (slsa.dev/verification_summary/v1).

use std::collections::{BTreeMap, BTreeSet};

use intoto_cjson::{Map, Value};

use crate::descriptor::{ResourceDescriptor, list_value};
use crate::error::{Error, Result};
use crate::fields::{Obj, index, join, string_map_value, strings_value, with_extensions};
use crate::time::Timestamp;
use crate::uri;

/// The outcome a VSA reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerificationResult {
    /// `"PASSED"`.
    Passed,
    /// `"FAILED"`.
    Failed,
}

impl VerificationResult {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "PASSED",
            Self::Failed => "FAILED",
        }
    }
}

/// `verifier`: who verified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verifier {
    /// The verifier's identity (a TypeURI).
    pub id: String,
    /// Versions of the verifier's components.
    pub version: BTreeMap<String, String>,
    /// Members this crate does not know, kept as read.
    pub extensions: Map,
}

/// The predicate of a SLSA verification summary attestation.
///
/// Checked when read: `verifier.id` (a TypeURI), `resourceUri` (a
/// ResourceURI), `policy` (a descriptor with a `uri`),
/// `verificationResult` (`PASSED` or `FAILED`) and `verifiedLevels` are
/// required; each input attestation needs a `digest`; `verifiedLevels`
/// holds at most one `SLSA_<TRACK>_LEVEL_<n>` per track; `dependencyLevels`
/// counts are non-negative integers; `slsaVersion` is `<major>.<minor>`.
/// `dependencyLevels` keeps the difference between unset (no claim) and
/// empty (no dependencies), as the specification requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationSummary {
    /// Who verified.
    pub verifier: Verifier,
    /// When.
    pub time_verified: Option<Timestamp>,
    /// The resource the subjects were verified as.
    pub resource_uri: String,
    /// The policy they were verified against.
    pub policy: ResourceDescriptor,
    /// The attestations the verification used.
    pub input_attestations: Option<Vec<ResourceDescriptor>>,
    /// The outcome.
    pub verification_result: VerificationResult,
    /// The highest level verified per track (or `FAILED`).
    pub verified_levels: Vec<String>,
    /// Counts of transitive dependencies per level.
    pub dependency_levels: Option<BTreeMap<String, u64>>,
    /// The SLSA version used, `<major>.<minor>`.
    pub slsa_version: Option<String>,
    /// Members this crate does not know, kept as read.
    pub extensions: Map,
}

const FIELDS: &[&str] = &[
    "verifier",
    "timeVerified",
    "resourceUri",
    "policy",
    "inputAttestations",
    "verificationResult",
    "verifiedLevels",
    "dependencyLevels",
    "slsaVersion",
];

/// The track of a `SLSA_<TRACK>_LEVEL_<n|UNEVALUATED>` result.
fn track_of(level: &str) -> Option<&str> {
    let rest = level.strip_prefix("SLSA_")?;
    let (track, n) = rest.rsplit_once("_LEVEL_")?;
    (!track.is_empty()
        && (n == "UNEVALUATED" || (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))))
    .then_some(track)
}

impl VerificationSummary {
    pub(crate) fn read(value: &Value) -> Result<Self> {
        let o = Obj::new(value, "predicate")?;
        let verifier = Obj::new(o.req("verifier")?, &o.field("verifier"))?;
        let verifier_id = verifier.req_str("id")?;
        uri::check(&verifier.field("id"), verifier_id)?;
        let resource_uri = o.req_str("resourceUri")?;
        uri::check(&o.field("resourceUri"), resource_uri)?;
        let policy = ResourceDescriptor::read(o.req("policy")?, &o.field("policy"))?;
        if policy.uri().is_none() {
            return Err(Error::Missing {
                field: join(&o.field("policy"), "uri"),
            });
        }
        let input_attestations = ResourceDescriptor::read_list(&o, "inputAttestations")?;
        for (i, rd) in input_attestations.iter().flatten().enumerate() {
            if rd.digest().is_none() {
                return Err(Error::Missing {
                    field: join(&index(&o.field("inputAttestations"), i), "digest"),
                });
            }
        }
        let verification_result = match o.req_str("verificationResult")? {
            "PASSED" => VerificationResult::Passed,
            "FAILED" => VerificationResult::Failed,
            other => {
                return Err(Error::Invalid {
                    field: o.field("verificationResult"),
                    reason: format!("'{other}' is neither 'PASSED' nor 'FAILED'"),
                });
            }
        };
        let verified_levels = o
            .opt_strings("verifiedLevels")?
            .ok_or_else(|| Error::Missing {
                field: o.field("verifiedLevels"),
            })?;
        let mut tracks = BTreeSet::new();
        for (i, level) in verified_levels.iter().enumerate() {
            let at = index(&o.field("verifiedLevels"), i);
            if level.is_empty() {
                return Err(Error::Empty { field: at });
            }
            if let Some(track) = track_of(level)
                && !tracks.insert(track)
            {
                return Err(Error::Invalid {
                    field: o.field("verifiedLevels"),
                    reason: format!("more than one level for the SLSA track '{track}'"),
                });
            }
        }
        let dependency_levels = match o.opt_object("dependencyLevels")? {
            None => None,
            Some(map) => {
                let field = o.field("dependencyLevels");
                let mut out = BTreeMap::new();
                for (k, v) in map {
                    let n = v.as_number().and_then(|n| n.as_u64()).ok_or_else(|| {
                        Error::wrong_type(&join(&field, k), "a non-negative integer", v)
                    })?;
                    out.insert(k.clone(), n);
                }
                Some(out)
            }
        };
        let slsa_version = o.opt_str("slsaVersion")?.map(str::to_owned);
        if let Some(v) = &slsa_version {
            let ok = v.split_once('.').is_some_and(|(major, minor)| {
                [major, minor]
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            });
            if !ok {
                return Err(Error::Invalid {
                    field: o.field("slsaVersion"),
                    reason: format!("'{v}' is not of the form <major>.<minor>"),
                });
            }
        }
        Ok(Self {
            verifier: Verifier {
                id: verifier_id.to_owned(),
                version: verifier.opt_string_map("version")?.unwrap_or_default(),
                extensions: verifier.extensions(&["id", "version"]),
            },
            time_verified: o
                .opt_str("timeVerified")?
                .map(|t| Timestamp::read(&o.field("timeVerified"), t))
                .transpose()?,
            resource_uri: resource_uri.to_owned(),
            policy,
            input_attestations,
            verification_result,
            verified_levels,
            dependency_levels,
            slsa_version,
            extensions: o.extensions(FIELDS),
        })
    }

    /// The predicate as JSON.
    pub fn to_value(&self) -> Value {
        let mut verifier = Map::new();
        verifier.insert("id".into(), self.verifier.id.as_str().into());
        if !self.verifier.version.is_empty() {
            verifier.insert("version".into(), string_map_value(&self.verifier.version));
        }
        let mut m = Map::new();
        m.insert(
            "verifier".into(),
            with_extensions(verifier, &self.verifier.extensions),
        );
        if let Some(t) = &self.time_verified {
            m.insert("timeVerified".into(), t.as_str().into());
        }
        m.insert("resourceUri".into(), self.resource_uri.as_str().into());
        m.insert("policy".into(), self.policy.to_value());
        if let Some(list) = &self.input_attestations {
            m.insert("inputAttestations".into(), list_value(list));
        }
        m.insert(
            "verificationResult".into(),
            self.verification_result.as_str().into(),
        );
        m.insert(
            "verifiedLevels".into(),
            strings_value(&self.verified_levels),
        );
        if let Some(levels) = &self.dependency_levels {
            m.insert(
                "dependencyLevels".into(),
                Value::Object(
                    levels
                        .iter()
                        .map(|(k, n)| (k.clone(), Value::from(*n)))
                        .collect(),
                ),
            );
        }
        if let Some(v) = &self.slsa_version {
            m.insert("slsaVersion".into(), v.as_str().into());
        }
        with_extensions(m, &self.extensions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks() {
        assert_eq!(track_of("SLSA_BUILD_LEVEL_3"), Some("BUILD"));
        assert_eq!(track_of("SLSA_SOURCE_LEVEL_UNEVALUATED"), Some("SOURCE"));
        assert_eq!(track_of("SLSA_BUILD_LEVEL_"), None);
        assert_eq!(track_of("SLSA_BUILD_LEVEL_X"), None);
        assert_eq!(track_of("FAILED"), None);
        assert_eq!(track_of("SLSA__LEVEL_1"), None);
    }
}
