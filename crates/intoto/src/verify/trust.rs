//! Trust as a type: a [`Verified<T>`] can only be made by checking
//! signatures, so code that needs verified metadata says so in its
//! signature.

use std::ops::Deref;

use intoto_crypto::PublicKey;

use crate::model::{Layout, Link, Metadata, MetadataError, Payload};
use crate::time::Timestamp;

/// A value whose signatures were checked: the payload of metadata that the
/// keys in [`signers`](Self::signers) signed.
///
/// There is no public constructor. Values are made by
/// [`verify_signature`] and [`verify_all_signatures`], and only narrowed
/// (payload to layout or link) afterwards, never built from unchecked
/// data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<T> {
    value: T,
    signers: Vec<PublicKey>,
}

impl<T> Verified<T> {
    /// The verified value.
    pub fn get(&self) -> &T {
        &self.value
    }

    /// The verified value, unwrapped.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The keys whose signatures were checked, in the order given.
    pub fn signers(&self) -> &[PublicKey] {
        &self.signers
    }

    /// Transforms the value while keeping its provenance. Only this crate
    /// may do that (for example to substitute parameters chosen by the
    /// verifier into a verified layout).
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Verified<U> {
        Verified {
            value: f(self.value),
            signers: self.signers,
        }
    }
}

impl<T> Deref for Verified<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// A verified payload, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifiedPayload {
    /// A verified link.
    Link(Verified<Link>),
    /// A verified layout (a root layout, or a sublayout in a link's place).
    Layout(Verified<Layout>),
}

impl Verified<Payload> {
    /// The verified link or layout.
    pub fn split(self) -> VerifiedPayload {
        let signers = self.signers;
        match self.value {
            Payload::Link(value) => VerifiedPayload::Link(Verified { value, signers }),
            Payload::Layout(value) => VerifiedPayload::Layout(Verified { value, signers }),
        }
    }
}

/// Why signed metadata could not be trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// No key was given to check the signatures with.
    #[error("Layout signature verification requires at least one key.")]
    NoKeys,
    /// A key found no signature, or its signature does not verify.
    #[error("{error}")]
    Signature {
        /// The key's id.
        keyid: String,
        /// What is wrong: no signature, or an invalid one.
        #[source]
        error: Box<MetadataError>,
    },
    /// The signatures verify but the payload is not a valid link or layout.
    #[error("{0}")]
    Payload(#[source] Box<MetadataError>),
}

/// Checks the signature `key` made over `metadata` (the reference's rule:
/// for a Metablock only the first signature naming the key's id, or one of
/// its GnuPG subkeys, is tried) and then reads the payload. `now` decides
/// whether a GnuPG key has expired.
pub fn verify_signature(
    metadata: &Metadata,
    key: &PublicKey,
    now: Timestamp,
) -> Result<Verified<Payload>, TrustError> {
    metadata
        .verify_signature_at(key, now)
        .map_err(|error| TrustError::Signature {
            keyid: key.keyid().as_str().to_owned(),
            error: Box::new(error),
        })?;
    let value = metadata
        .payload()
        .map_err(|e| TrustError::Payload(Box::new(e)))?;
    Ok(Verified {
        value,
        signers: vec![key.clone()],
    })
}

/// Like [`verify_signature`], with the payload already read from this very
/// `metadata` (so that a large link is not read twice). The caller must
/// pass the payload of `metadata` itself, or `None` to read it here.
pub(crate) fn verify_signature_parsed(
    metadata: &Metadata,
    parsed: Option<Payload>,
    key: &PublicKey,
    now: Timestamp,
) -> Result<Verified<Payload>, TrustError> {
    let Some(value) = parsed else {
        return verify_signature(metadata, key, now);
    };
    metadata
        .verify_signature_at(key, now)
        .map_err(|error| TrustError::Signature {
            keyid: key.keyid().as_str().to_owned(),
            error: Box::new(error),
        })?;
    Ok(Verified {
        value,
        signers: vec![key.clone()],
    })
}

/// Checks the signature `key` made over a Metablock link that was already
/// read into `link`, given the signature entries and the canonical bytes of
/// its `signed` value (as [`verify_signature`] does for the whole
/// container). The caller must pass the link and bytes of that very value.
pub(crate) fn verify_metablock_link(
    signatures: &[intoto_cjson::Value],
    canonical: Result<Vec<u8>, intoto_cjson::Error>,
    link: Link,
    key: &PublicKey,
    now: Timestamp,
) -> Result<Verified<Payload>, TrustError> {
    crate::model::metadata::verify_metablock_signature(signatures, move || canonical, key, now)
        .map_err(|error| TrustError::Signature {
            keyid: key.keyid().as_str().to_owned(),
            error: Box::new(error),
        })?;
    Ok(Verified {
        value: Payload::Link(link),
        signers: vec![key.clone()],
    })
}

/// Checks the signature `key` made over a DSSE envelope whose payload was
/// already parsed into `payload` (or failed to parse), then reads it: a
/// classic link or layout, or an in-toto Statement that is evidence for
/// `step` ([`Link::from_statement`]). The caller must pass the parsed
/// payload of this very `metadata`.
pub(crate) fn verify_dsse_evidence(
    metadata: &Metadata,
    payload: Result<intoto_cjson::Value, MetadataError>,
    key: &PublicKey,
    now: Timestamp,
    step: &str,
) -> Result<Verified<Payload>, TrustError> {
    metadata
        .verify_signature_at(key, now)
        .map_err(|error| TrustError::Signature {
            keyid: key.keyid().as_str().to_owned(),
            error: Box::new(error),
        })?;
    let bad = |e: MetadataError| TrustError::Payload(Box::new(e));
    let value = payload.map_err(bad)?;
    let is_statement = value
        .get("_type")
        .and_then(intoto_cjson::Value::as_str)
        .is_some_and(crate::model::evidence::is_statement_type);
    let value = if is_statement {
        let statement = intoto_attestation::Statement::from_value(&value)
            .map_err(|e| bad(MetadataError::Model(e.into())))?;
        Payload::Link(
            Link::from_statement(&statement, step).map_err(|e| bad(MetadataError::Model(e)))?,
        )
    } else {
        Payload::from_value_owned(value).map_err(bad)?
    };
    Ok(Verified {
        value,
        signers: vec![key.clone()],
    })
}

/// Checks that **every** key in `keys` signed `metadata` (what the
/// reference demands of a root layout) and then reads the payload. Every
/// key is tried, so the error lists each key that failed; at least one key
/// is required.
pub fn verify_all_signatures(
    metadata: &Metadata,
    keys: &[PublicKey],
    now: Timestamp,
) -> Result<Verified<Payload>, Vec<TrustError>> {
    if keys.is_empty() {
        return Err(vec![TrustError::NoKeys]);
    }
    let failures: Vec<TrustError> = keys
        .iter()
        .filter_map(|key| {
            metadata
                .verify_signature_at(key, now)
                .err()
                .map(|error| TrustError::Signature {
                    keyid: key.keyid().as_str().to_owned(),
                    error: Box::new(error),
                })
        })
        .collect();
    if !failures.is_empty() {
        return Err(failures);
    }
    let value = metadata
        .payload()
        .map_err(|e| vec![TrustError::Payload(Box::new(e))])?;
    Ok(Verified {
        value,
        signers: keys.to_vec(),
    })
}

/// The keys among `keys` that are distinct **by key material**: a key that
/// appears under several key ids, or in several dicts, is kept once (its
/// first occurrence). This is the one place that decides how many
/// functionaries signed: a threshold is met when this returns at least
/// `threshold` keys.
pub fn distinct_signers<'k>(keys: impl IntoIterator<Item = &'k PublicKey>) -> Vec<&'k PublicKey> {
    let mut out: Vec<&'k PublicKey> = Vec::new();
    for key in keys {
        if !out.iter().any(|k| k.same_key_material(key)) {
            out.push(key);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use intoto_crypto::{KeySpec, PrivateKey};

    use super::*;

    const NOW: Timestamp = Timestamp::from_unix(1_750_000_000);

    #[test]
    fn only_signatures_make_trust() {
        let alice = PrivateKey::generate(KeySpec::Ed25519).unwrap();
        let bob = PrivateKey::generate(KeySpec::Ed25519).unwrap();
        let mut md = Metadata::new_metablock(&Payload::Link(Link::new("s")));
        assert!(matches!(
            verify_signature(&md, alice.public_key(), NOW),
            Err(TrustError::Signature { .. })
        ));
        md.sign(&alice).unwrap();
        let v = verify_signature(&md, alice.public_key(), NOW).unwrap();
        assert_eq!(v.signers()[0].keyid(), alice.public_key().keyid());
        assert!(matches!(v.split(), VerifiedPayload::Link(l) if l.name == "s"));
        let errs = verify_all_signatures(
            &md,
            &[alice.public_key().clone(), bob.public_key().clone()],
            NOW,
        )
        .unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(matches!(
            verify_all_signatures(&md, &[], NOW).unwrap_err()[0],
            TrustError::NoKeys
        ));
    }

    #[test]
    fn distinct_by_material() {
        let alice = PrivateKey::generate(KeySpec::Ed25519).unwrap();
        let bob = PrivateKey::generate(KeySpec::Ed25519).unwrap();
        let a = alice.public_key().clone();
        let mut dict = a.to_key_dict();
        if let intoto_cjson::Value::Object(m) = &mut dict {
            m.insert("keyid".into(), "00".repeat(32).into());
        }
        let a_again = PublicKey::from_key_dict(&dict).unwrap();
        assert_ne!(a.keyid(), a_again.keyid());
        let b = bob.public_key().clone();
        let d = distinct_signers([&a, &a_again, &b, &a]);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].keyid(), a.keyid());
    }
}
