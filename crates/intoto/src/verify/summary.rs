//! Verification summaries: a SLSA VSA v1 Statement
//! (`https://slsa.dev/verification_summary/v1`) that records what a
//! verification decided, for whom, against which layout, from which
//! evidence.
//!
//! * subjects: the products of the last step of the layout (from the link
//!   the rules used for it); none when that step has no usable link;
//! * `verifier.id`: [`SummaryOptions::verifier_id`]
//!   ([`DEFAULT_VERIFIER_ID`] unless set);
//! * `timeVerified`: [`SummaryOptions::time_verified`];
//! * `resourceUri`: [`SummaryOptions::resource_uri`], else the first
//!   subject's name as a relative `file:` URI (`file:dist/app.tar.gz`),
//!   else (no product known) the policy's URI;
//! * `policy`: the layout file as an absolute `file:` URI, with the SHA-256
//!   of the bytes that were verified;
//! * `inputAttestations`: every evidence file read (link files and
//!   bundles), as `file:` URIs with their SHA-256;
//! * `verificationResult`: `PASSED` or `FAILED`;
//! * `verifiedLevels`: `[]` when passed (a layout is no SLSA level), and
//!   `["FAILED"]` when failed, as the VSA specification asks.
//!
//! The report must come from [`verify_files`](super::verify_files) with
//! [`VerifyOptions::record_digests`](super::VerifyOptions::record_digests)
//! (and, for the products of a failed verification,
//! [`VerifyOptions::keep_links`](super::VerifyOptions::keep_links)) set.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use intoto_attestation::predicate::Verifier;
use intoto_attestation::{
    DigestError, DigestSet, Predicate, ResourceDescriptor, Statement, Timestamp,
    VerificationResult, VerificationSummary,
};

use super::report::{LinkStatus, VerificationReport};
use crate::model::Artifacts;

/// The `verifier.id` written unless another is given.
pub const DEFAULT_VERIFIER_ID: &str = "https://in-toto.io/verifier/intoto-rs";

/// Why a verification summary could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SummaryError {
    /// The report has no layout file or no digest of it.
    #[error(
        "the verification report has no digest of a layout file (verify a layout file with record_digests set)"
    )]
    NoLayoutDigest,
    /// A path (the layout's, or an evidence file's) cannot be made absolute.
    #[error("cannot make the path '{path}' absolute: {source}")]
    AbsolutePath {
        /// The path.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A product's digest is not a valid attestation digest.
    #[error("the product '{path}' cannot be a subject: {source}")]
    ProductDigest {
        /// The product's path.
        path: String,
        /// What is wrong with the digest.
        #[source]
        source: DigestError,
    },
    /// A file digest is not valid (never, for digests this crate made).
    #[error("invalid file digest: {0}")]
    FileDigest(#[source] DigestError),
    /// The summary is not a valid Statement (a URI given is not valid, ...).
    #[error("the verification summary is invalid: {0}")]
    Statement(#[from] intoto_attestation::Error),
}

/// What a verification summary says beyond the report.
#[derive(Debug, Clone)]
pub struct SummaryOptions {
    /// `verifier.id`, a URI.
    pub verifier_id: String,
    /// `timeVerified`.
    pub time_verified: Timestamp,
    /// `resourceUri`; `None` derives it (see the [module documentation](self)).
    pub resource_uri: Option<String>,
}

impl SummaryOptions {
    /// Options with [`DEFAULT_VERIFIER_ID`] and a derived resource URI.
    pub fn new(time_verified: Timestamp) -> Self {
        Self {
            verifier_id: DEFAULT_VERIFIER_ID.to_owned(),
            time_verified,
            resource_uri: None,
        }
    }
}

/// The verification summary of `report` (see the [module
/// documentation](self)), validated, ready to be signed with
/// [`Statement::sign`].
pub fn verification_summary(
    report: &VerificationReport,
    options: &SummaryOptions,
) -> Result<Statement, SummaryError> {
    let (Some(layout_file), Some(layout_sha256)) = (&report.layout_file, &report.layout_sha256)
    else {
        return Err(SummaryError::NoLayoutDigest);
    };
    let policy_uri = file_uri_absolute(layout_file)?;
    let policy = ResourceDescriptor::for_uri(policy_uri.clone(), Some(sha256(layout_sha256)?));

    let mut subject = Vec::new();
    if let Some(products) = final_products(report) {
        for (path, digests) in products {
            let map = digests
                .iter()
                .map(|(a, v)| (a.to_owned(), v.to_owned()))
                .collect();
            let digest =
                DigestSet::from_map(map).map_err(|source| SummaryError::ProductDigest {
                    path: path.clone(),
                    source,
                })?;
            subject.push(ResourceDescriptor::named(path.as_str(), digest));
        }
    }

    let mut seen = BTreeSet::new();
    let mut inputs = Vec::new();
    for check in report.steps.iter().flat_map(|s| &s.links) {
        let Some(digest) = &check.sha256 else {
            continue;
        };
        if check.status == LinkStatus::Missing || !seen.insert(check.file.clone()) {
            continue;
        }
        inputs.push(ResourceDescriptor::for_uri(
            file_uri_absolute(&check.file)?,
            Some(sha256(digest)?),
        ));
    }

    let passed = report.passed();
    let resource_uri = match (&options.resource_uri, subject.first()) {
        (Some(uri), _) => uri.clone(),
        (None, Some(first)) => format!(
            "file:{}",
            percent_encode(first.name().unwrap_or_default().as_bytes())
        ),
        (None, None) => policy_uri,
    };
    let summary = VerificationSummary {
        verifier: Verifier {
            id: options.verifier_id.clone(),
            // No `version`: the released in-toto-attestation bindings'
            // VSA proto (0.9.3) refuses it.
            version: std::collections::BTreeMap::new(),
            extensions: intoto_cjson::Map::new(),
        },
        time_verified: Some(options.time_verified.clone()),
        resource_uri,
        policy,
        input_attestations: Some(inputs),
        verification_result: if passed {
            VerificationResult::Passed
        } else {
            VerificationResult::Failed
        },
        verified_levels: if passed {
            Vec::new()
        } else {
            vec!["FAILED".to_owned()]
        },
        dependency_levels: None,
        slsa_version: None,
        extensions: intoto_cjson::Map::new(),
    };
    let statement = Statement::new(subject, Predicate::Vsa(summary));
    statement.validate()?;
    Ok(statement)
}

/// The products of the layout's last step, from the link the rules used
/// for it (kept in the report), or from the summary link.
fn final_products(report: &VerificationReport) -> Option<&Artifacts> {
    let last = report.steps.last()?;
    let used = last.link_used.as_ref()?;
    last.links
        .iter()
        .find(|c| c.label() == used.display().to_string())
        .and_then(|c| c.link.as_ref())
        .map(|l| &l.products)
        .or_else(|| report.summary_link.as_ref().map(|l| &l.products))
}

fn sha256(hex: &str) -> Result<DigestSet, SummaryError> {
    let mut d = DigestSet::new();
    d.insert("sha256", hex).map_err(SummaryError::FileDigest)?;
    Ok(d)
}

/// `file://` and the absolute path, percent-encoded.
fn file_uri_absolute(path: &Path) -> Result<String, SummaryError> {
    let abs = std::path::absolute(path).map_err(|source| SummaryError::AbsolutePath {
        path: path.to_path_buf(),
        source,
    })?;
    let text = abs.to_string_lossy();
    let text = text.replace('\\', "/");
    let text = if text.starts_with('/') {
        text
    } else {
        format!("/{text}")
    };
    Ok(format!("file://{}", percent_encode(text.as_bytes())))
}

/// Percent-encodes everything but unreserved characters and `/`.
fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding() {
        assert_eq!(percent_encode(b"dist/a b%.tar"), "dist/a%20b%25.tar");
        let uri = file_uri_absolute(Path::new("x y.layout")).unwrap();
        assert!(uri.starts_with("file:///"), "{uri}");
        assert!(uri.ends_with("/x%20y.layout"), "{uri}");
        assert!(intoto_attestation::is_valid_uri(&uri));
    }
}
