//! The Statement (spec/v1/statement.md) and its DSSE envelope
//! (spec/v1/envelope.md).

use intoto_cjson::{Map, Style, Value, to_python_json};
use intoto_crypto::{PublicKey, Signer};
use intoto_dsse::Envelope;

use crate::descriptor::{ResourceDescriptor, list_value};
use crate::digest::DigestSet;
use crate::error::{Error, Result};
use crate::fields::{Obj, index, join, with_extensions};
use crate::predicate::{
    ClassicLink, LINK_V0_3, LinkPredicate, Predicate, deprecated_predicate_type,
};
use crate::uri;

/// The `_type` of Statements, version 1 (what this crate writes).
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// The deprecated `_type` of Statements, version 0.1 (read, never written).
pub const STATEMENT_V0_1: &str = "https://in-toto.io/Statement/v0.1";
/// The DSSE payload type of in-toto Statements (what this crate writes).
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Whether a DSSE payload type announces an in-toto Statement:
/// `application/vnd.in-toto+json`, or (attestation spec v1.2)
/// `application/vnd.in-toto.<predicate>+json` with `<predicate>` a
/// predicate specification's file name (lower-case letters, digits, `.`,
/// `_`, `-`). The predicate named there is not trusted for anything: the
/// Statement's `predicateType` decides.
pub fn is_statement_payload_type(payload_type: &str) -> bool {
    if payload_type == PAYLOAD_TYPE {
        return true;
    }
    payload_type
        .strip_prefix("application/vnd.in-toto.")
        .and_then(|rest| rest.strip_suffix("+json"))
        .is_some_and(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'))
        })
}

/// Which Statement `_type` was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatementType {
    /// `https://in-toto.io/Statement/v1`.
    V1,
    /// `https://in-toto.io/Statement/v0.1` (deprecated; same shape as far
    /// as this crate reads it).
    V0_1,
}

impl StatementType {
    /// The type URI.
    pub fn uri(self) -> &'static str {
        match self {
            Self::V1 => STATEMENT_V1,
            Self::V0_1 => STATEMENT_V0_1,
        }
    }

    /// Whether the specification deprecates this type.
    pub fn is_deprecated(self) -> bool {
        self != Self::V1
    }

    fn from_uri(uri: &str) -> Option<Self> {
        match uri {
            STATEMENT_V1 => Some(Self::V1),
            STATEMENT_V0_1 => Some(Self::V0_1),
            _ => None,
        }
    }
}

/// A deprecated type URI found in a Statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// `_type` or `predicateType`.
    pub field: &'static str,
    /// The deprecated URI.
    pub found: String,
    /// What replaces it.
    pub replacement: &'static str,
}

/// An in-toto Statement: subjects, and a predicate about them.
///
/// Reading ([`Statement::from_value`], [`Statement::from_slice`]) is strict
/// about what the specification requires and ignores (but keeps) what it
/// does not know:
///
/// * `_type` is `https://in-toto.io/Statement/v1`, or the deprecated
///   `https://in-toto.io/Statement/v0.1` (listed by
///   [`Statement::deprecations`]; writing always uses v1);
/// * `subject` is an array (possibly empty) of descriptors, each with a
///   digest;
/// * `predicateType` is a TypeURI; `predicate` is optional (unset is the
///   same as empty) and must be an object; known predicate types are read
///   into their types, with their own rules (a link's subjects need
///   unique names);
/// * unknown members are kept in `extensions` and written back.
///
/// Writing ([`Statement::to_value`]) gives what reading takes back, so
/// `from_value(to_value(s)) == s` for every Statement that validates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The `_type` this Statement was read with (v1 when built here).
    pub statement_type: StatementType,
    /// The artifacts the Statement is about.
    pub subject: Vec<ResourceDescriptor>,
    /// The predicate and its type.
    pub predicate: Predicate,
    /// Members this crate does not know, kept as read.
    pub extensions: Map,
}

const FIELDS: &[&str] = &["_type", "subject", "predicateType", "predicate"];

impl Statement {
    /// A v1 Statement.
    pub fn new(subject: Vec<ResourceDescriptor>, predicate: Predicate) -> Self {
        Self {
            statement_type: StatementType::V1,
            subject,
            predicate,
            extensions: Map::new(),
        }
    }

    /// The predicate type URI.
    pub fn predicate_type(&self) -> &str {
        self.predicate.predicate_type()
    }

    /// Reads a Statement from payload bytes (strict JSON: duplicate keys,
    /// invalid UTF-8 and lone surrogates are errors).
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        Self::from_value(&intoto_cjson::from_slice(bytes)?)
    }

    /// Reads a Statement from its JSON value.
    pub fn from_value(value: &Value) -> Result<Self> {
        let o = Obj::new(value, "")?;
        let statement_type = match o.req("_type")? {
            Value::String(s) => StatementType::from_uri(s)
                .ok_or_else(|| Error::StatementType { found: s.clone() })?,
            other => return Err(Error::wrong_type("_type", "a string", other)),
        };
        let subjects = o.opt_array("subject")?.ok_or_else(|| Error::Missing {
            field: "subject".into(),
        })?;
        let mut subject = Vec::with_capacity(subjects.len());
        for (i, s) in subjects.iter().enumerate() {
            let at = index("subject", i);
            let rd = ResourceDescriptor::read(s, &at)?;
            if rd.digest().is_none() {
                return Err(Error::Missing {
                    field: join(&at, "digest"),
                });
            }
            subject.push(rd);
        }
        let predicate_type = o.req_str("predicateType")?;
        uri::check("predicateType", predicate_type)?;
        let predicate = Predicate::read(predicate_type, o.get("predicate"))?;
        if matches!(predicate, Predicate::Link(_)) {
            crate::predicate::link_subjects(&subject)?;
        }
        Ok(Self {
            statement_type,
            subject,
            predicate,
            extensions: o.extensions(FIELDS),
        })
    }

    /// The Statement as JSON, always with `_type`
    /// `https://in-toto.io/Statement/v1`.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("_type".into(), STATEMENT_V1.into());
        m.insert("subject".into(), list_value(&self.subject));
        m.insert("predicateType".into(), self.predicate_type().into());
        if let Some(p) = self.predicate.to_value() {
            m.insert("predicate".into(), p);
        }
        with_extensions(m, &self.extensions)
    }

    /// The Statement as one line of JSON (keys sorted, no spaces, ASCII
    /// escapes): the DSSE payload this crate signs.
    pub fn to_json(&self) -> String {
        to_python_json(&self.to_value(), Style::Compact)
    }

    /// Checks a Statement built in code against the same rules reading
    /// applies (by reading back what [`Statement::to_value`] writes).
    pub fn validate(&self) -> Result<()> {
        Self::from_value(&self.to_value()).map(|_| ())
    }

    /// The deprecated type URIs this Statement was read with.
    pub fn deprecations(&self) -> Vec<Deprecation> {
        let mut out = Vec::new();
        if self.statement_type.is_deprecated() {
            out.push(Deprecation {
                field: "_type",
                found: self.statement_type.uri().to_owned(),
                replacement: STATEMENT_V1,
            });
        }
        if let Some(replacement) = deprecated_predicate_type(self.predicate_type()) {
            out.push(Deprecation {
                field: "predicateType",
                found: self.predicate_type().to_owned(),
                replacement,
            });
        }
        out
    }

    /// The subjects whose digests match `digest` (see [`DigestSet::matches`]).
    pub fn subjects_matching<'s>(
        &'s self,
        digest: &'s DigestSet,
        accepted: &'s [&'s str],
    ) -> impl Iterator<Item = &'s ResourceDescriptor> + 's {
        self.subject.iter().filter(move |rd| {
            rd.digest
                .as_ref()
                .is_some_and(|d| d.matches(digest, accepted))
        })
    }

    /// A link v0.3 Statement for a classic link (link.md's conversion, in
    /// reverse): products become subjects, materials become descriptors
    /// with name and digest.
    pub fn from_classic_link(link: &ClassicLink) -> Result<Self> {
        let (predicate, subject) = LinkPredicate::from_classic(link)?;
        let statement = Self::new(subject, Predicate::Link(predicate));
        statement.validate()?;
        Ok(statement)
    }

    /// The classic link of a link v0.3 Statement (link.md's conversion).
    pub fn to_classic_link(&self) -> Result<ClassicLink> {
        match &self.predicate {
            Predicate::Link(link) => Ok(link.to_classic(&self.subject)),
            other => Err(Error::PredicateType {
                expected: LINK_V0_3,
                found: other.predicate_type().to_owned(),
            }),
        }
    }

    /// An unsigned envelope for this Statement (payload type
    /// `application/vnd.in-toto+json`), after [`Statement::validate`].
    pub fn to_envelope(&self) -> Result<Envelope> {
        self.validate()?;
        Ok(Envelope::new(self.to_json().into_bytes(), PAYLOAD_TYPE))
    }

    /// An envelope for this Statement signed by each of `signers`.
    pub fn sign(&self, signers: &[&dyn Signer]) -> Result<Envelope> {
        let mut envelope = self.to_envelope()?;
        for signer in signers {
            envelope.sign(*signer)?;
        }
        Ok(envelope)
    }

    /// Reads the Statement of an envelope **without verifying** it, for
    /// display and diagnostics; trust nothing in it. The payload type must
    /// still be a Statement type.
    pub fn from_envelope_unverified(envelope: &Envelope) -> Result<Self> {
        if !is_statement_payload_type(&envelope.payload_type) {
            return Err(Error::PayloadType {
                found: envelope.payload_type.clone(),
            });
        }
        Self::from_slice(&envelope.payload)
    }
}

/// A Statement from an envelope whose signatures met a threshold of
/// distinct trusted keys. Only [`VerifiedStatement::verify`] makes one.
#[derive(Debug, Clone)]
pub struct VerifiedStatement<'k> {
    statement: Statement,
    signers: Vec<&'k PublicKey>,
    payload_type: String,
}

impl<'k> VerifiedStatement<'k> {
    /// Verifies `envelope` and reads its Statement, in this order: the
    /// payload type must announce a Statement
    /// ([`is_statement_payload_type`]); at least `threshold` distinct keys
    /// of `keys` must have signed (see [`Envelope::verify`]); then the
    /// payload bytes that were verified, and only those, are parsed.
    pub fn verify(envelope: &Envelope, keys: &[&'k PublicKey], threshold: usize) -> Result<Self> {
        if !is_statement_payload_type(&envelope.payload_type) {
            return Err(Error::PayloadType {
                found: envelope.payload_type.clone(),
            });
        }
        let verified = envelope.verify(keys, threshold)?;
        let statement = Statement::from_slice(verified.payload())?;
        Ok(Self {
            statement,
            signers: verified.signers().to_vec(),
            payload_type: verified.payload_type().to_owned(),
        })
    }

    /// The Statement.
    pub fn statement(&self) -> &Statement {
        &self.statement
    }

    /// The Statement, by value.
    pub fn into_statement(self) -> Statement {
        self.statement
    }

    /// The distinct trusted keys that signed.
    pub fn signers(&self) -> &[&'k PublicKey] {
        &self.signers
    }

    /// The envelope's payload type.
    pub fn payload_type(&self) -> &str {
        &self.payload_type
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_types() {
        for t in [
            "application/vnd.in-toto+json",
            "application/vnd.in-toto.provenance+json",
            "application/vnd.in-toto.vulns_02+json",
            "application/vnd.in-toto.test-result+json",
        ] {
            assert!(is_statement_payload_type(t), "{t}");
        }
        for t in [
            "application/vnd.in-toto+cbor",
            "application/vnd.in-toto.+json",
            "application/vnd.in-toto.Link+json",
            "application/vnd.in-toto.provenance+dsse",
            "application/json",
            "APPLICATION/VND.IN-TOTO+JSON",
            "",
        ] {
            assert!(!is_statement_payload_type(t), "{t}");
        }
    }
}
