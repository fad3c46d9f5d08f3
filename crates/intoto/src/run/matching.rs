//! `in_toto_match_products`: do the local files still match a link's products?

use std::collections::BTreeSet;

use crate::model::Link;
use crate::record::{Progress, RecordError, RecordOptions, RecordWarning, record_artifacts};

/// How the local artifacts compare with a link's products. Each set is
/// sorted (the reference's order is unspecified).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProductsMatch {
    /// Names among the link's products that were not found locally.
    pub only_in_products: BTreeSet<String>,
    /// Names found locally that are not among the link's products.
    pub not_in_products: BTreeSet<String>,
    /// Names in both whose digests differ (the digest sets are compared
    /// whole, as the reference compares dicts).
    pub differ: BTreeSet<String>,
    /// What recording skipped on the way.
    pub warnings: Vec<RecordWarning>,
}

impl ProductsMatch {
    /// Whether all three sets are empty.
    pub fn is_match(&self) -> bool {
        self.only_in_products.is_empty()
            && self.not_in_products.is_empty()
            && self.differ.is_empty()
    }
}

/// Records `paths` with `opts` (the reference uses the recording defaults
/// here: symlinked directories are not followed, no base path) and
/// compares them with the products of `link`. The link's signature is not
/// checked; this is a convenience for functionaries, not a verification.
pub fn match_products<S: AsRef<str>>(
    link: &Link,
    paths: &[S],
    opts: &RecordOptions,
    progress: &dyn Progress,
) -> Result<ProductsMatch, RecordError> {
    let recorded = record_artifacts(paths, opts, progress)?;
    let local = &recorded.artifacts;
    let products = &link.products;
    let mut result = ProductsMatch {
        warnings: recorded.warnings,
        ..ProductsMatch::default()
    };
    for (name, digests) in products {
        match local.get(name) {
            None => {
                result.only_in_products.insert(name.clone());
            }
            Some(found) if found != digests => {
                result.differ.insert(name.clone());
            }
            Some(_) => {}
        }
    }
    result.not_in_products = local
        .keys()
        .filter(|name| !products.contains_key(*name))
        .cloned()
        .collect();
    Ok(result)
}
