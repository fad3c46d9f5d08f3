//! The envelope, its JSON form and signing.

use std::collections::BTreeSet;

use intoto_cjson::{Map, Style, Value, to_python_json};
use intoto_crypto::Signer;

use crate::Error;
use crate::base64::{decode_base64, encode_base64};

/// The pre-authentication encoding that DSSE signatures cover:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, where `LEN` is the
/// byte length in ASCII decimal without leading zeros and `body` is the raw
/// payload (never its base64 text).
///
/// The lengths make the encoding injective: no two (type, body) pairs give
/// the same bytes, whatever spaces or digits the type or body contain.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let type_len = payload_type.len().to_string();
    let body_len = payload.len().to_string();
    let mut out = Vec::with_capacity(
        10 + type_len.len() + payload_type.len() + body_len.len() + payload.len(),
    );
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(type_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(body_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The key id, exactly as received: an unauthenticated hint that may
    /// narrow which trusted keys are tried, and never decides anything.
    pub keyid: Option<String>,
    /// The raw signature bytes.
    pub sig: Vec<u8>,
}

impl Signature {
    /// The key id hint, if there is a usable one. The protocol treats an
    /// unset key id like an empty one, so `""` gives `None`.
    pub fn keyid_hint(&self) -> Option<&str> {
        self.keyid.as_deref().filter(|k| !k.is_empty())
    }
}

/// A DSSE envelope: a payload, its type, and signatures over both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The payload bytes, exactly as decoded (never re-serialised).
    pub payload: Vec<u8>,
    /// The payload's type, covered by the signatures through PAE.
    pub payload_type: String,
    /// The signatures, in the order received.
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

    /// Whether a JSON value looks like a DSSE envelope (an object with a
    /// `payload` member). Cheap dispatch only; [`Envelope::from_value`]
    /// does the checking.
    pub fn is_envelope(value: &Value) -> bool {
        value.get("payload").is_some()
    }

    /// Parses an envelope from file bytes: strict JSON (duplicate keys,
    /// invalid UTF-8, lone surrogates and excessive nesting are errors, see
    /// [`intoto_cjson::from_slice`]), then [`Envelope::from_value`]. Never
    /// panics, whatever the input.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_value(&intoto_cjson::from_slice(bytes)?)
    }

    /// Reads an envelope from its JSON value.
    ///
    /// * `payload`, `payloadType` and `signatures` are required (an empty
    ///   payload and an empty signature list are allowed); each signature
    ///   needs a `sig`; `keyid` is optional (a string, or `null` for unset).
    /// * Base64 may use either alphabet, padded or not (see
    ///   [`decode_base64`](crate::decode_base64)).
    /// * Two signatures with the same non-empty key id are refused, as
    ///   securesystemslib does: such an envelope is malformed, or an attempt
    ///   to count one signer twice. Signatures without a key id may repeat.
    /// * Unknown members are ignored, as the envelope specification requires.
    pub fn from_value(value: &Value) -> Result<Self, Error> {
        let obj = value.as_object().ok_or(Error::NotAnObject {
            found: value.type_name(),
        })?;
        let payload_b64 = required_str(obj, "payload", "")?;
        let payload_type = required_str(obj, "payloadType", "")?;
        let payload = decode_base64(payload_b64).map_err(|reason| Error::Base64 {
            field: "payload".into(),
            reason,
        })?;
        let sigs = match obj.get("signatures") {
            Some(Value::Array(a)) => a.as_slice(),
            Some(other) => {
                return Err(Error::WrongType {
                    field: "signatures".into(),
                    expected: "an array",
                    found: other.type_name(),
                });
            }
            None => {
                return Err(Error::MissingField {
                    field: "signatures".into(),
                });
            }
        };
        let mut seen = BTreeSet::new();
        let mut signatures = Vec::with_capacity(sigs.len());
        for (i, s) in sigs.iter().enumerate() {
            let path = format!("signatures[{i}]");
            let entry = s.as_object().ok_or_else(|| Error::WrongType {
                field: path.clone(),
                expected: "an object",
                found: s.type_name(),
            })?;
            let keyid = match entry.get("keyid") {
                None | Some(Value::Null) => None,
                Some(Value::String(k)) => Some(k.clone()),
                Some(other) => {
                    return Err(Error::WrongType {
                        field: format!("{path}.keyid"),
                        expected: "a string",
                        found: other.type_name(),
                    });
                }
            };
            let sig_b64 = required_str(entry, "sig", &path)?;
            let sig = decode_base64(sig_b64).map_err(|reason| Error::Base64 {
                field: format!("{path}.sig"),
                reason,
            })?;
            let signature = Signature { keyid, sig };
            if let Some(k) = signature.keyid_hint()
                && !seen.insert(k.to_owned())
            {
                return Err(Error::DuplicateKeyId(k.to_owned()));
            }
            signatures.push(signature);
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
                m.insert("sig".into(), encode_base64(&s.sig).into());
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("payload".into(), encode_base64(&self.payload).into());
        m.insert("payloadType".into(), self.payload_type.as_str().into());
        m.insert("signatures".into(), sigs);
        Value::Object(m)
    }

    /// The envelope as the in-toto reference writes it: Python's
    /// `json.dumps(envelope, sort_keys=True)` (one line, `", "` and `": "`,
    /// no trailing newline). Being one line, it is also a bundle line.
    pub fn to_json(&self) -> String {
        to_python_json(&self.to_value(), Style::Spaced)
    }

    /// The bytes the signatures cover: [`pae`] of this envelope.
    pub fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }

    /// Adds a signature by `signer` over [`Envelope::pae`], named by the
    /// signer's key id; an earlier signature with that key id is replaced
    /// (as securesystemslib does), so signing twice never leaves two.
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
}

fn required_str<'v>(obj: &'v Map, key: &str, parent: &str) -> Result<&'v str, Error> {
    let field = || {
        if parent.is_empty() {
            key.to_owned()
        } else {
            format!("{parent}.{key}")
        }
    };
    match obj.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(Error::WrongType {
            field: field(),
            expected: "a string",
            found: other.type_name(),
        }),
        None => Err(Error::MissingField { field: field() }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn pae_vector_from_the_protocol() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
        // Lengths count bytes, not characters.
        assert_eq!(pae("é", "ü".as_bytes()), "DSSEv1 2 é 2 ü".as_bytes());
    }

    #[test]
    fn pae_is_injective_where_naive_concatenation_is_not() {
        // "a b" + "c" and "a" + "b c" join to the same text without lengths.
        assert_ne!(pae("a b", b"c"), pae("a", b"b c"));
        assert_ne!(pae("t", b"1 x"), pae("t 1", b"x"));
    }

    #[test]
    fn read_and_write() {
        let v = intoto_cjson::from_slice(
            br#"{"payload":"aGk","payloadType":"t","signatures":[{"sig":"-_8"},{"keyid":null,"sig":"AA=="},{"keyid":"k","sig":"","x":1}],"extra":true}"#,
        )
        .unwrap();
        let env = Envelope::from_value(&v).unwrap();
        assert_eq!(env.payload, b"hi");
        assert_eq!(env.signatures.len(), 3);
        assert_eq!(env.signatures[0].keyid, None);
        assert_eq!(env.signatures[0].sig, vec![0xfb, 0xff]);
        assert_eq!(env.signatures[2].keyid_hint(), Some("k"));
        assert_eq!(
            env.to_json(),
            r#"{"payload": "aGk=", "payloadType": "t", "signatures": [{"sig": "+/8="}, {"sig": "AA=="}, {"keyid": "k", "sig": ""}]}"#
        );
        assert_eq!(Envelope::from_slice(env.to_json().as_bytes()).unwrap(), env);
    }

    #[test]
    fn errors_name_the_field() {
        let cases: &[(&[u8], &str)] = &[
            (b"[]", "not a DSSE envelope: expected a JSON object, found array"),
            (br#"{"payloadType":"t","signatures":[]}"#, "not a DSSE envelope: 'payload' is missing"),
            (br#"{"payload":1,"payloadType":"t","signatures":[]}"#, "not a DSSE envelope: 'payload' must be a string, found number"),
            (br#"{"payload":"","signatures":[]}"#, "not a DSSE envelope: 'payloadType' is missing"),
            (br#"{"payload":"","payloadType":"t"}"#, "not a DSSE envelope: 'signatures' is missing"),
            (br#"{"payload":"","payloadType":"t","signatures":{}}"#, "not a DSSE envelope: 'signatures' must be an array, found object"),
            (br#"{"payload":"","payloadType":"t","signatures":["x"]}"#, "not a DSSE envelope: 'signatures[0]' must be an object, found string"),
            (br#"{"payload":"","payloadType":"t","signatures":[{"keyid":"k"}]}"#, "not a DSSE envelope: 'signatures[0].sig' is missing"),
            (br#"{"payload":"","payloadType":"t","signatures":[{"sig":"","keyid":7}]}"#, "not a DSSE envelope: 'signatures[0].keyid' must be a string, found number"),
            (br#"{"payload":"a","payloadType":"t","signatures":[]}"#, "invalid base64 in 'payload': invalid length"),
            (br#"{"payload":"","payloadType":"t","signatures":[{"sig":""},{"sig":"*"}]}"#, "invalid base64 in 'signatures[1].sig': invalid character 0x2a at offset 0"),
            (br#"{"payload":"","payloadType":"t","signatures":[{"keyid":"k","sig":""},{"keyid":"k","sig":"AA=="}]}"#, "multiple signatures found for keyid 'k'"),
        ];
        for (input, message) in cases {
            let err = Envelope::from_slice(input).unwrap_err();
            assert_eq!(
                err.to_string(),
                *message,
                "{}",
                String::from_utf8_lossy(input)
            );
        }
        // Empty key ids are unset key ids: they may repeat.
        let env = Envelope::from_slice(
            br#"{"payload":"","payloadType":"t","signatures":[{"keyid":"","sig":""},{"keyid":"","sig":""}]}"#,
        )
        .unwrap();
        assert_eq!(env.signatures[0].keyid.as_deref(), Some(""));
        assert_eq!(env.signatures[0].keyid_hint(), None);
    }
}
