//! Threshold verification over distinct trusted keys.

use intoto_crypto::PublicKey;

use crate::{Envelope, Error, Signature};

/// An envelope whose signatures met a threshold: the payload bytes that were
/// verified (the very bytes, not a re-read), their type, and the distinct
/// trusted keys that signed. Only [`Envelope::verify`] and
/// [`Envelope::verify_with_type`] make one.
#[derive(Debug, Clone)]
pub struct Verified<'e, 'k> {
    envelope: &'e Envelope,
    signers: Vec<&'k PublicKey>,
}

impl<'e, 'k> Verified<'e, 'k> {
    /// The payload, exactly as verified.
    pub fn payload(&self) -> &'e [u8] {
        &self.envelope.payload
    }

    /// The payload type, as covered by the signatures.
    pub fn payload_type(&self) -> &'e str {
        &self.envelope.payload_type
    }

    /// The distinct trusted keys that verified a signature, in the order
    /// they were offered; at least the threshold.
    pub fn signers(&self) -> &[&'k PublicKey] {
        &self.signers
    }

    /// The envelope that was verified.
    pub fn envelope(&self) -> &'e Envelope {
        self.envelope
    }
}

/// Whether a signature's key id hint names `key`, by its stored or its
/// computed key id.
fn answers_to(key: &PublicKey, hint: &str) -> bool {
    key.keyid().as_str() == hint || key.computed_keyid().as_str() == hint
}

/// The trusted keys with duplicates (same key material, whatever the key id
/// or scheme) removed; the first occurrence stays.
fn distinct<'k>(keys: &[&'k PublicKey]) -> Vec<&'k PublicKey> {
    let mut out: Vec<&'k PublicKey> = Vec::with_capacity(keys.len());
    for key in keys {
        if !out.iter().any(|k| k.same_key_material(key)) {
            out.push(key);
        }
    }
    out
}

/// The keys worth trying for `sig`: those its hint names when it names a
/// trusted key, all of them otherwise (no hint, an empty hint, or a hint
/// that no trusted key answers to). Narrowing by hint is safe: a wrong hint
/// can only make a signature not count, never make it count.
fn candidates<'a, 'k>(
    sig: &'a Signature,
    keys: &'a [&'k PublicKey],
) -> impl Iterator<Item = (usize, &'k PublicKey)> + 'a {
    let named = sig
        .keyid_hint()
        .filter(|hint| keys.iter().any(|k| answers_to(k, hint)));
    keys.iter()
        .copied()
        .enumerate()
        .filter(move |(_, k)| named.is_none_or(|hint| answers_to(k, hint)))
}

impl Envelope {
    /// The distinct trusted keys that verify at least one signature over
    /// [`Envelope::pae`], in the order offered.
    ///
    /// Keys are compared by key material, so one key counts once however
    /// many signatures it made, whatever key ids those carry, and however
    /// many times (under whatever ids) it appears in `keys`. Key ids are
    /// hints only: a signature is tried with the trusted keys its id names
    /// or, when it names none of them, with every trusted key.
    pub fn verified_keys<'k>(&self, keys: &[&'k PublicKey]) -> Vec<&'k PublicKey> {
        let keys = distinct(keys);
        let pae = self.pae();
        let mut accepted = vec![false; keys.len()];
        for sig in &self.signatures {
            for (i, key) in candidates(sig, &keys) {
                if accepted.get(i).copied().unwrap_or(true) {
                    continue;
                }
                if key.verify(&pae, &sig.sig).is_ok() {
                    if let Some(slot) = accepted.get_mut(i) {
                        *slot = true;
                    }
                    // One signature is made by one key.
                    break;
                }
            }
        }
        keys.into_iter()
            .zip(accepted)
            .filter_map(|(k, ok)| ok.then_some(k))
            .collect()
    }

    /// Verifies that at least `threshold` distinct trusted keys signed this
    /// envelope (see [`Envelope::verified_keys`]), and returns the verified
    /// payload. The payload type is not checked: use
    /// [`Envelope::verify_with_type`] unless the caller checks it.
    pub fn verify<'e, 'k>(
        &'e self,
        keys: &[&'k PublicKey],
        threshold: usize,
    ) -> Result<Verified<'e, 'k>, Error> {
        if threshold == 0 {
            return Err(Error::ZeroThreshold);
        }
        let signers = self.verified_keys(keys);
        if signers.len() < threshold {
            return Err(Error::Threshold {
                valid: signers.len(),
                threshold,
                signatures: self.signatures.len(),
                trusted: distinct(keys).len(),
            });
        }
        Ok(Verified {
            envelope: self,
            signers,
        })
    }

    /// [`Envelope::verify`], after refusing any payload type other than
    /// `payload_type` (compared exactly: the type is case-sensitive).
    pub fn verify_with_type<'e, 'k>(
        &'e self,
        payload_type: &str,
        keys: &[&'k PublicKey],
        threshold: usize,
    ) -> Result<Verified<'e, 'k>, Error> {
        if self.payload_type != payload_type {
            return Err(Error::PayloadType {
                expected: payload_type.to_owned(),
                found: self.payload_type.clone(),
            });
        }
        self.verify(keys, threshold)
    }
}
