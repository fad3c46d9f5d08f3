//! Bundles (spec/v1/bundle.md): JSON Lines files (`*.intoto.jsonl`) with
//! one DSSE envelope per line.
//!
//! A bundle is not authenticated as a whole, so reading one never fails:
//! every line is read on its own, lines that are not in-toto envelopes are
//! set aside with the reason (and counted), and the envelopes are put in a
//! canonical order, so nothing a reader computes from a [`Bundle`] depends
//! on the order of its lines.

use intoto_crypto::PublicKey;
use intoto_dsse::Envelope;

use crate::error::Error;
use crate::statement::{VerifiedStatement, is_statement_payload_type};

/// An in-toto envelope of a bundle, and its line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleEntry {
    /// The line it was read from (1-based), for messages.
    pub line: usize,
    /// The envelope.
    pub envelope: Envelope,
}

/// Why a line was ignored.
#[derive(Debug)]
#[non_exhaustive]
pub enum IgnoredReason {
    /// An empty or blank line.
    Blank,
    /// Not JSON, or JSON that is not a DSSE envelope.
    NotAnEnvelope(intoto_dsse::Error),
    /// A DSSE envelope whose payload is not an in-toto Statement.
    ForeignPayloadType(String),
}

/// A line of a bundle that was ignored.
#[derive(Debug)]
pub struct IgnoredLine {
    /// The line (1-based).
    pub line: usize,
    /// Why.
    pub reason: IgnoredReason,
}

/// The in-toto envelopes of a bundle, and the lines that were ignored.
#[derive(Debug, Default)]
pub struct Bundle {
    entries: Vec<BundleEntry>,
    ignored: Vec<IgnoredLine>,
}

/// What verifying every envelope of a bundle gave.
#[derive(Debug)]
pub struct BundleVerification<'b, 'k> {
    /// Envelopes that verified, with their Statements, in the bundle's
    /// canonical order.
    pub verified: Vec<(&'b BundleEntry, VerifiedStatement<'k>)>,
    /// Envelopes that did not, and why.
    pub rejected: Vec<(&'b BundleEntry, Error)>,
}

impl Bundle {
    /// Reads a bundle. Lines end with `\n` (a `\r` before it is dropped);
    /// the final line needs no `\n`, and nothing after a final `\n` is a
    /// line. Empty input has no lines.
    pub fn from_slice(bytes: &[u8]) -> Self {
        let mut bundle = Self::default();
        if bytes.is_empty() {
            return bundle;
        }
        let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        for (i, raw) in body.split(|b| *b == b'\n').enumerate() {
            let line = i + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            if raw.iter().all(u8::is_ascii_whitespace) {
                bundle.ignored.push(IgnoredLine {
                    line,
                    reason: IgnoredReason::Blank,
                });
                continue;
            }
            match Envelope::from_slice(raw) {
                Err(e) => bundle.ignored.push(IgnoredLine {
                    line,
                    reason: IgnoredReason::NotAnEnvelope(e),
                }),
                Ok(env) if !is_statement_payload_type(&env.payload_type) => {
                    bundle.ignored.push(IgnoredLine {
                        line,
                        reason: IgnoredReason::ForeignPayloadType(env.payload_type),
                    });
                }
                Ok(envelope) => bundle.entries.push(BundleEntry { line, envelope }),
            }
        }
        // A canonical order: by the envelope's JSON form, then by line.
        bundle
            .entries
            .sort_by_cached_key(|e| (e.envelope.to_json(), e.line));
        bundle
    }

    /// The in-toto envelopes, in canonical order (not the file's).
    pub fn entries(&self) -> &[BundleEntry] {
        &self.entries
    }

    /// The ignored lines, in file order.
    pub fn ignored(&self) -> &[IgnoredLine] {
        &self.ignored
    }

    /// Verifies every envelope with `keys` and `threshold`
    /// ([`VerifiedStatement::verify`]); nothing fails as a whole.
    pub fn verify_all<'b, 'k>(
        &'b self,
        keys: &[&'k PublicKey],
        threshold: usize,
    ) -> BundleVerification<'b, 'k> {
        let mut out = BundleVerification {
            verified: Vec::new(),
            rejected: Vec::new(),
        };
        for entry in &self.entries {
            match VerifiedStatement::verify(&entry.envelope, keys, threshold) {
                Ok(v) => out.verified.push((entry, v)),
                Err(e) => out.rejected.push((entry, e)),
            }
        }
        out
    }

    /// Writes envelopes as a bundle: one envelope per line, each line ended
    /// by `\n`.
    pub fn write<'e>(envelopes: impl IntoIterator<Item = &'e Envelope>) -> Vec<u8> {
        let mut out = Vec::new();
        for env in envelopes {
            out.extend_from_slice(env.to_json().as_bytes());
            out.push(b'\n');
        }
        out
    }
}
