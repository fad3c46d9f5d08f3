//! The artifact rule engine.
//!
//! [`verify_item_rules`] applies the `expected_materials` or
//! `expected_products` rules of one step or inspection to the artifacts its
//! link recorded, with the reference's semantics (in-toto 3.1.0
//! `verifylib.verify_item_rules`):
//!
//! * the queue starts as the set of the item's materials (or products);
//! * the rules run in order; `CREATE`, `DELETE`, `MODIFY`, `ALLOW` and
//!   `MATCH` remove what they consume from the queue, so later rules only
//!   see what is left;
//! * `DISALLOW` fails if its pattern matches anything still queued, and
//!   `REQUIRE` fails if its exact path is no longer (or never was) queued;
//!   neither consumes anything;
//! * artifacts left over at the end are allowed.
//!
//! Unlike the reference, evaluation does not stop at the first failure: all
//! rules run and every violation is collected. Since the failing rules
//! consume nothing, the queue each rule sees, and so the pass/fail verdict,
//! are the reference's. The [`ItemRuleReport`] says what every rule
//! consumed, and for each violation which earlier rules looked at an
//! offending artifact and why they did not consume it.
//!
//! ```
//! use intoto::model::artifact::{Artifacts, DigestSet};
//! use intoto::model::rule::{ArtifactKind, ArtifactRule};
//! use intoto::rules::{ItemArtifacts, LinkArtifacts, verify_item_rules};
//! use std::collections::BTreeMap;
//!
//! let digest = |h: &str| DigestSet::single("sha256", h);
//! let build = LinkArtifacts {
//!     materials: Artifacts::new(),
//!     products: Artifacts::from([("dist/app".to_owned(), digest("aa"))]),
//! };
//! let links = BTreeMap::from([("build".to_owned(), build)]);
//! let materials = Artifacts::from([("dist/app".to_owned(), digest("bb"))]);
//! let products = Artifacts::new();
//! let rules = [
//!     ArtifactRule::match_products("dist/*", "build")?,
//!     ArtifactRule::disallow("*"),
//! ];
//! let report = verify_item_rules(
//!     "package",
//!     ArtifactKind::Materials,
//!     &rules,
//!     ItemArtifacts::new(&materials, &products),
//!     &links,
//! );
//! assert!(!report.passed());
//! let text = report.to_string();
//! assert!(text.contains("digests differ: here {sha256: bb}, build products {sha256: aa}"));
//! # Ok::<(), intoto::model::rule::RuleError>(())
//! ```

mod engine;
pub(crate) mod fnmatch;
pub(crate) mod pyrepr;
mod report;
pub(crate) mod shlex;

pub use engine::{ItemArtifacts, LinkArtifacts, LinkLookup, verify_item_rules};
pub use report::{
    AmbiguousPath, ItemRuleReport, NearMiss, NotConsumed, Offender, Problem, RuleViolation,
};
