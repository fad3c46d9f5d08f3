//! The envelope, its JSON form, signing and verification.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use intoto_cjson::{Map, Style, Value, to_python_json};
use intoto_crypto::{PublicKey, Signer};

use crate::Error;

/// The pre-authentication encoding that DSSE signatures cover:
/// `"DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths in ASCII decimal.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The key id hint (unauthenticated).
    pub keyid: Option<String>,
    /// The raw signature bytes.
    pub sig: Vec<u8>,
}

/// A DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The payload bytes, exactly as received (never re-serialised).
    pub payload: Vec<u8>,
    /// The payload's media type, covered by the signatures through PAE.
    pub payload_type: String,
    /// The signatures.
    pub signatures: Vec<Signature>,
}

impl Envelope {
    /// An unsigned envelope.
    pub fn new(payload: Vec<u8>, payload_type: impl Into<String>) -> Self {
        Self {
            payload,
            payload_type: payload_type.into(),
            signatures: Vec::new(),
        }
    }

    /// Whether a JSON object looks like a DSSE envelope (it has a `payload` member).
    pub fn is_envelope(value: &Value) -> bool {
        value.get("payload").is_some()
    }

    /// Reads an envelope from its JSON value. Base64 may use the standard or
    /// the URL-safe alphabet, padded or not. Signature key ids are optional
    /// per the protocol; two signatures with the same key id are rejected.
    pub fn from_value(value: &Value) -> Result<Self, Error> {
        let obj = value.as_object().ok_or_else(|| {
            Error::Format(format!("expected an object, found {}", value.type_name()))
        })?;
        let payload_b64 = obj
            .get("payload")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Format("'payload' must be a string".into()))?;
        let payload_type = obj
            .get("payloadType")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Format("'payloadType' must be a string".into()))?;
        let payload = decode_b64(payload_b64).ok_or(Error::Base64("payload"))?;
        let sigs = match obj.get("signatures") {
            Some(Value::Array(a)) => a.as_slice(),
            _ => return Err(Error::Format("'signatures' must be an array".into())),
        };
        let mut seen = BTreeSet::new();
        let mut signatures = Vec::with_capacity(sigs.len());
        for s in sigs {
            let keyid = match s.get("keyid") {
                None | Some(Value::Null) => None,
                Some(Value::String(k)) => Some(k.clone()),
                Some(_) => {
                    return Err(Error::Format(
                        "a signature's 'keyid' must be a string".into(),
                    ));
                }
            };
            let sig = s
                .get("sig")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::Format("a signature needs a 'sig' string".into()))?;
            let sig = decode_b64(sig).ok_or(Error::Base64("sig"))?;
            if let Some(k) = &keyid
                && !seen.insert(k.clone())
            {
                return Err(Error::DuplicateKeyId(k.clone()));
            }
            signatures.push(Signature { keyid, sig });
        }
        Ok(Self {
            payload,
            payload_type: payload_type.to_owned(),
            signatures,
        })
    }

    /// The envelope as JSON: standard base64 with padding; a signature
    /// without a key id is written without the member.
    pub fn to_value(&self) -> Value {
        let sigs = self
            .signatures
            .iter()
            .map(|s| {
                let mut m = Map::new();
                if let Some(k) = &s.keyid {
                    m.insert("keyid".into(), k.as_str().into());
                }
                m.insert("sig".into(), STANDARD.encode(&s.sig).into());
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("payload".into(), STANDARD.encode(&self.payload).into());
        m.insert("payloadType".into(), self.payload_type.as_str().into());
        m.insert("signatures".into(), sigs);
        Value::Object(m)
    }

    /// The envelope as the in-toto reference writes it: Python's
    /// `json.dumps(envelope, sort_keys=True)` (one line, `", "` and `": "`).
    pub fn to_json(&self) -> String {
        to_python_json(&self.to_value(), Style::Spaced)
    }

    /// The bytes the signatures cover.
    pub fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }

    /// Adds a signature by `signer`, replacing an earlier one with the same
    /// key id (as the reference does).
    pub fn sign(&mut self, signer: &dyn Signer) -> Result<(), Error> {
        let sig = signer.sign(&self.pae()).map_err(Error::Sign)?;
        let keyid = signer.public_key().keyid().as_str().to_owned();
        self.signatures
            .retain(|s| s.keyid.as_deref() != Some(keyid.as_str()));
        self.signatures.push(Signature {
            keyid: Some(keyid),
            sig,
        });
        Ok(())
    }

    /// The trusted keys (each counted once, however many signatures name it)
    /// that verify a signature of this envelope. A signature whose key id hint
    /// names another key is not tried with this one; a signature without a
    /// hint is tried with every key.
    pub fn verified_keys<'k>(&self, keys: &[&'k PublicKey]) -> Vec<&'k PublicKey> {
        let pae = self.pae();
        let mut out: Vec<&'k PublicKey> = Vec::new();
        for key in keys {
            if out.iter().any(|k| k.keyid() == key.keyid()) {
                continue;
            }
            let ok = self.signatures.iter().any(|s| {
                s.keyid.as_deref().is_none_or(|k| k == key.keyid().as_str())
                    && key.verify(&pae, &s.sig).is_ok()
            });
            if ok {
                out.push(key);
            }
        }
        out
    }

    /// Verifies that at least `threshold` distinct trusted keys signed.
    pub fn verify(&self, keys: &[&PublicKey], threshold: usize) -> Result<(), Error> {
        let valid = self.verified_keys(keys).len();
        if threshold == 0 || valid < threshold {
            return Err(Error::Threshold { valid, threshold });
        }
        Ok(())
    }
}

fn decode_b64(s: &str) -> Option<Vec<u8>> {
    if let Ok(b) = STANDARD.decode(s) {
        return Some(b);
    }
    if let Ok(b) = URL_SAFE.decode(s) {
        return Some(b);
    }
    let trimmed = s.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(trimmed)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(trimmed))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_vector_from_the_protocol() {
        // The DSSE protocol's own example.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
    }

    #[test]
    fn base64_alphabets() {
        assert_eq!(decode_b64("+/8=").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(decode_b64("-_8=").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(decode_b64("-_8").unwrap(), vec![0xfb, 0xff]);
        assert!(decode_b64("not base64!").is_none());
    }
}
