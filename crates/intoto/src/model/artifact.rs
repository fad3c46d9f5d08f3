//! Recorded artifacts: paths mapped to their digests.

use std::collections::BTreeMap;

/// Digests of one artifact, by algorithm name (`"sha256"` -> lowercase hex).
pub type DigestSet = BTreeMap<String, String>;

/// Artifacts of a link (its materials or its products), sorted by path.
pub type Artifacts = BTreeMap<String, DigestSet>;
