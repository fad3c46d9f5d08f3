//! The in-toto Attestation Framework, v1 (spec v1.2): Statements,
//! ResourceDescriptors and DigestSets with the specification's validation,
//! bundles, and typed predicates, signed and verified as DSSE envelopes.
//!
//! * [`Statement`]: `_type` `https://in-toto.io/Statement/v1` (the
//!   deprecated `https://in-toto.io/Statement/v0.1` is read and reported
//!   by [`Statement::deprecations`], never written), subjects, and a
//!   [`Predicate`].
//! * [`ResourceDescriptor`]: at least one of `uri`, `digest`, `content`;
//!   URIs case-normalised; [`DigestSet`] values lower-case hex of the right
//!   length for the algorithms the specification names, any non-empty
//!   value for others.
//! * Typed predicates: [`LinkPredicate`] (link v0.3, with the conversion
//!   to and from classic links through [`ClassicLink`]), [`Provenance`]
//!   (SLSA provenance v1) and [`VerificationSummary`] (SLSA VSA v1); any
//!   other predicate is kept as JSON ([`Predicate::Other`]).
//! * [`Bundle`]: JSON Lines of envelopes, read line by line and in a
//!   canonical order; unrecognised lines are ignored and counted.
//! * Signing ([`Statement::sign`]) and verifying
//!   ([`VerifiedStatement::verify`]) with payload type
//!   `application/vnd.in-toto+json`: the payload type is checked, then the
//!   signature threshold over the payload bytes as received, and only then
//!   are those bytes parsed.
//!
//! Reading is strict about what the specifications require and names the
//! failing field in every [`Error`]; unknown fields are ignored, as the
//! specification requires, but kept (`extensions`) so that writing gives
//! them back. Where the specification and its official language bindings
//! disagree (the bindings require a predicate and a subject, accept a
//! descriptor with only a `name`, refuse one with only `content`, and do
//! not check digests), this crate follows the specification.
//!
//! ```
//! use intoto_attestation::{
//!     DigestSet, LinkPredicate, PAYLOAD_TYPE, Predicate, ResourceDescriptor, Statement,
//!     VerifiedStatement,
//! };
//! use intoto_crypto::{KeySpec, PrivateKey};
//!
//! let mut digest = DigestSet::new();
//! digest.insert("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")?;
//! let mut step = LinkPredicate::new("build");
//! step.command = vec!["make".into()];
//! let statement = Statement::new(
//!     vec![ResourceDescriptor::named("app.bin", digest)],
//!     Predicate::Link(step),
//! );
//!
//! let key = PrivateKey::generate(KeySpec::Ed25519)?;
//! let envelope = statement.sign(&[&key])?;
//! assert_eq!(envelope.payload_type, PAYLOAD_TYPE);
//!
//! let verified = VerifiedStatement::verify(&envelope, &[key.public_key()], 1)?;
//! assert_eq!(verified.statement(), &statement);
//! let classic = verified.statement().to_classic_link()?;
//! assert_eq!(classic.products["app.bin"]["sha256"].len(), 64);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bundle;
mod descriptor;
mod digest;
mod error;
mod fields;
pub mod predicate;
mod statement;
mod time;
mod uri;

pub use bundle::{Bundle, BundleEntry, BundleVerification, IgnoredLine, IgnoredReason};
pub use descriptor::ResourceDescriptor;
pub use digest::{COLLISION_RESISTANT, DigestSet, check_digest, known_algorithms};
pub use error::{DigestError, DigestProblem, Error, Result};
pub use predicate::{
    ClassicLink, LINK_V0_3, LinkPredicate, PROVENANCE_V1, Predicate, Provenance, VSA_V1,
    VerificationResult, VerificationSummary,
};
pub use statement::{
    Deprecation, PAYLOAD_TYPE, STATEMENT_V0_1, STATEMENT_V1, Statement, StatementType,
    VerifiedStatement, is_statement_payload_type,
};
pub use time::Timestamp;
pub use uri::is_valid_uri;
