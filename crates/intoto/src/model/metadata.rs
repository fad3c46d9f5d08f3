//! Signed containers: a Metablock (`{"signatures": [...], "signed": {...}}`)
//! or a DSSE envelope, carrying a link or a layout.
//!
//! Signatures are checked over what was received: the canonical JSON of the
//! `signed` value exactly as parsed (unknown members included), or the DSSE
//! payload bytes exactly as decoded. Typed models are built only afterwards.

use intoto_cjson::{Map, Style, Value, members_to_python_json, to_canonical, to_python_json};
use intoto_crypto::gpg::{GpgError, GpgSignature, GpgSigner};
use intoto_crypto::{PublicKey, Signer};
use intoto_dsse::Envelope;

use super::error::ModelError;
use super::layout::Layout;
use super::link::Link;

/// The DSSE payload type of in-toto links and layouts.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Why metadata could not be read, signed or verified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// Neither a Metablock nor an in-toto DSSE envelope.
    #[error("not in-toto metadata: {0}")]
    NotMetadata(String),
    /// A DSSE envelope with another payload type.
    #[error("unsupported DSSE payload type '{0}' (expected '{PAYLOAD_TYPE}')")]
    PayloadType(String),
    /// The DSSE envelope is malformed.
    #[error(transparent)]
    Dsse(#[from] intoto_dsse::Error),
    /// The file is not valid JSON.
    #[error("not valid JSON: {0}")]
    Json(#[source] intoto_cjson::ParseError),
    /// The DSSE payload is not valid JSON.
    #[error("the DSSE payload is not valid JSON: {0}")]
    PayloadJson(#[from] intoto_cjson::ParseError),
    /// The payload is not a valid link or layout.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The signed value cannot be canonicalised (it contains a float).
    #[error("the signed metadata cannot be canonicalised: {0}")]
    Canonical(#[from] intoto_cjson::Error),
    /// A Metablock signature entry is malformed.
    #[error("malformed signature entry: {0}")]
    SignatureFormat(String),
    /// No signature carries the key's id.
    #[error("No signature found for key '{0}'")]
    NoSignature(String),
    /// The signature carrying the key's id does not verify.
    #[error("Invalid signature for keyid '{0}'")]
    BadSignature(String),
    /// Producing a signature failed.
    #[error("signing failed")]
    Sign(#[source] intoto_crypto::SignatureError),
    /// GnuPG signing failed (no gpg program, unknown key, malformed
    /// output), or a GnuPG signature could not be checked for a reason
    /// other than being invalid: the key (or subkey) expired or was
    /// revoked, the key is too weak, or the signature entry is malformed.
    #[error(transparent)]
    Gpg(#[from] GpgError),
    /// DSSE envelopes cannot be signed with GnuPG (the reference's message).
    #[error("GPG Signing is not implemented")]
    GpgDsseSigning,
    /// A GnuPG key cannot verify a DSSE envelope (nor can the reference's).
    #[error(
        "GPG key '{0}' cannot verify a DSSE envelope: GPG verification of DSSE is not implemented"
    )]
    GpgDsseVerification(String),
}

/// The payload of in-toto metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload {
    /// A link.
    Link(Link),
    /// A layout.
    Layout(Layout),
}

impl Payload {
    /// The payload as JSON.
    pub fn to_value(&self) -> Value {
        match self {
            Self::Link(l) => l.to_value(),
            Self::Layout(l) => l.to_value(),
        }
    }

    /// `"link"` or `"layout"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Link(_) => "link",
            Self::Layout(_) => "layout",
        }
    }

    /// Reads a link or layout, by its `_type`, consuming the value.
    pub fn from_value_owned(value: Value) -> Result<Self, MetadataError> {
        match value.get("_type").and_then(Value::as_str) {
            Some("link") => Ok(Self::Link(Link::from_value_owned(value)?)),
            Some("layout") => Ok(Self::Layout(Layout::from_value(&value)?)),
            Some(other) if super::evidence::is_statement_type(other) => {
                Err(MetadataError::NotMetadata(format!(
                    "the payload is an in-toto attestation (a Statement, _type '{other}'), \
                     not a link or layout"
                )))
            }
            Some(other) => Err(MetadataError::NotMetadata(format!(
                "unknown _type '{other}'"
            ))),
            None => Err(MetadataError::NotMetadata(
                "the payload has no '_type'".into(),
            )),
        }
    }
}

/// A Metablock: the `signed` value as received and its signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metablock {
    /// The signed value, exactly as parsed.
    pub signed: Value,
    /// The signature entries, kept as received (extra members survive a re-dump).
    pub signatures: Vec<Value>,
}

/// A container of in-toto metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Metadata {
    /// The classic container.
    Metablock(Metablock),
    /// A DSSE envelope whose payload is a link or layout.
    Dsse(Envelope),
}

impl TryFrom<Value> for Metadata {
    type Error = MetadataError;

    /// [`Metadata::from_value_owned`].
    fn try_from(value: Value) -> Result<Self, MetadataError> {
        Self::from_value_owned(value)
    }
}

impl Metadata {
    /// An unsigned Metablock carrying `payload`.
    pub fn new_metablock(payload: &Payload) -> Self {
        Self::Metablock(Metablock {
            signed: payload.to_value(),
            signatures: Vec::new(),
        })
    }

    /// An unsigned DSSE envelope carrying `payload`, serialised as the
    /// reference does (`json.dumps(payload, sort_keys=True)`).
    pub fn new_dsse(payload: &Payload) -> Self {
        let bytes = to_python_json(&payload.to_value(), Style::Spaced).into_bytes();
        Self::Dsse(Envelope::new(bytes, PAYLOAD_TYPE))
    }

    /// Reads metadata from its JSON value with the reference's dispatch: an
    /// object with `payload` is a DSSE envelope (its payload type must be
    /// in-toto's), else one with `signed` is a Metablock whose `_type` is
    /// `link` or `layout`.
    ///
    /// This copies what it keeps; [`Metadata::from_value_owned`] does not.
    pub fn from_value(value: &Value) -> Result<Self, MetadataError> {
        Self::from_value_owned(value.clone())
    }

    /// Reads metadata from its JSON value like [`Metadata::from_value`],
    /// consuming the value: the `signed` value is moved, not copied.
    pub fn from_value_owned(value: Value) -> Result<Self, MetadataError> {
        let mut obj = match value.into_object() {
            Ok(obj) => obj,
            Err(other) => {
                return Err(MetadataError::NotMetadata(format!(
                    "expected an object, found {}",
                    other.type_name()
                )));
            }
        };
        if obj.contains_key("payload") {
            let env = Envelope::from_value(&Value::Object(obj))?;
            if env.payload_type != PAYLOAD_TYPE {
                return Err(MetadataError::PayloadType(env.payload_type));
            }
            return Ok(Self::Dsse(env));
        }
        let Some(signed) = obj.get("signed") else {
            return Err(MetadataError::NotMetadata(
                "neither 'signed' nor 'payload' is present".into(),
            ));
        };
        match signed.get("_type").and_then(Value::as_str) {
            Some("link" | "layout") => {}
            _ => {
                return Err(MetadataError::NotMetadata(
                    "'signed._type' must be 'link' or 'layout'".into(),
                ));
            }
        }
        let signatures = match obj.remove("signatures") {
            None => Vec::new(),
            Some(Value::Array(a)) => {
                for s in &a {
                    check_signature_entry(s)?;
                }
                a
            }
            Some(_) => {
                return Err(MetadataError::SignatureFormat(
                    "the Metablock's 'signatures' must be a list".into(),
                ));
            }
        };
        let signed = obj.remove("signed").unwrap_or_default();
        Ok(Self::Metablock(Metablock { signed, signatures }))
    }

    /// Parses metadata from file bytes (strict JSON: duplicate keys rejected).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, MetadataError> {
        Self::from_value_owned(intoto_cjson::from_slice(bytes).map_err(MetadataError::Json)?)
    }

    /// Whether this is a DSSE envelope.
    pub fn is_dsse(&self) -> bool {
        matches!(self, Self::Dsse(_))
    }

    /// The payload as a JSON value: the Metablock's `signed`, or the parsed
    /// DSSE payload. Not verified: use [`Metadata::verify_signature`] first.
    pub fn payload_value(&self) -> Result<Value, MetadataError> {
        match self {
            Self::Metablock(m) => Ok(m.signed.clone()),
            Self::Dsse(e) => Ok(intoto_cjson::from_slice(&e.payload)?),
        }
    }

    /// The typed payload. Not verified: use [`Metadata::verify_signature`] first.
    pub fn payload(&self) -> Result<Payload, MetadataError> {
        Payload::from_value_owned(self.payload_value()?)
    }

    /// The typed payload, consuming the metadata (nothing is copied). Not
    /// verified: use [`Metadata::verify_signature`] first.
    pub fn into_payload(self) -> Result<Payload, MetadataError> {
        match self {
            Self::Metablock(m) => Payload::from_value_owned(m.signed),
            Self::Dsse(e) => Payload::from_value_owned(intoto_cjson::from_slice(&e.payload)?),
        }
    }

    /// The `_type` of the payload (`link` or `layout`), without typed parsing.
    pub fn payload_kind(&self) -> Result<String, MetadataError> {
        Ok(self.payload_string("_type")?.unwrap_or_default())
    }

    /// The string member `key` of the payload (such as a link's `name`), if
    /// it is one, without typed parsing or copying the payload. Not
    /// verified: use [`Metadata::verify_signature`] first.
    pub fn payload_string(&self, key: &str) -> Result<Option<String>, MetadataError> {
        let member = |v: &Value| v.get(key).and_then(Value::as_str).map(str::to_owned);
        match self {
            Self::Metablock(m) => Ok(member(&m.signed)),
            Self::Dsse(e) => Ok(member(&intoto_cjson::from_slice(&e.payload)?)),
        }
    }

    /// The bytes a Metablock signature covers, or the DSSE PAE.
    pub fn signed_bytes(&self) -> Result<Vec<u8>, MetadataError> {
        match self {
            Self::Metablock(m) => Ok(to_canonical(&m.signed)?),
            Self::Dsse(e) => Ok(e.pae()),
        }
    }

    /// Key ids named by the signatures, in order.
    pub fn signature_keyids(&self) -> Vec<String> {
        match self {
            Self::Metablock(m) => m
                .signatures
                .iter()
                .filter_map(|s| s.get("keyid").and_then(Value::as_str).map(str::to_owned))
                .collect(),
            Self::Dsse(e) => e
                .signatures
                .iter()
                .filter_map(|s| s.keyid.clone())
                .collect(),
        }
    }

    /// Removes all signatures.
    pub fn clear_signatures(&mut self) {
        match self {
            Self::Metablock(m) => m.signatures.clear(),
            Self::Dsse(e) => e.signatures.clear(),
        }
    }

    /// Adds a signature: appended to a Metablock (the same key twice gives two
    /// entries, as the reference), or replacing the key's earlier DSSE signature.
    pub fn sign(&mut self, signer: &dyn Signer) -> Result<(), MetadataError> {
        match self {
            Self::Metablock(m) => {
                let sig = signer
                    .sign(&to_canonical(&m.signed)?)
                    .map_err(MetadataError::Sign)?;
                let mut entry = Map::new();
                entry.insert("keyid".into(), signer.public_key().keyid().as_str().into());
                entry.insert("sig".into(), intoto_crypto::digest::to_hex(&sig).into());
                m.signatures.push(Value::Object(entry));
                Ok(())
            }
            Self::Dsse(e) => e.sign(signer).map_err(|err| match err {
                intoto_dsse::Error::Sign(s) => MetadataError::Sign(s),
                other => MetadataError::Dsse(other),
            }),
        }
    }

    /// Adds a GnuPG signature made by `signer` through the `gpg` program
    /// (the reference's `{keyid, other_headers, signature}` entry) and
    /// returns it. A Metablock only: DSSE gives
    /// [`MetadataError::GpgDsseSigning`], as in the reference.
    pub fn sign_gpg(&mut self, signer: &GpgSigner) -> Result<GpgSignature, MetadataError> {
        match self {
            Self::Metablock(m) => {
                let sig = signer.sign(&to_canonical(&m.signed)?)?;
                m.signatures.push(sig.to_value());
                Ok(sig)
            }
            Self::Dsse(_) => Err(MetadataError::GpgDsseSigning),
        }
    }

    /// Verifies the signature made by `key` now (see
    /// [`verify_signature_at`](Self::verify_signature_at)).
    pub fn verify_signature(&self, key: &PublicKey) -> Result<(), MetadataError> {
        self.verify_signature_at(key, crate::time::Clock::now(&crate::time::SystemClock))
    }

    /// Verifies the signature made by `key`, with the reference's rule for
    /// Metablocks: only the *first* signature whose key id equals the key's
    /// (or, for a GnuPG key, names one of its subkeys) is checked. A GnuPG
    /// signature entry (`signature` and `other_headers`) is checked as a
    /// GnuPG signature, with key expiry judged at `now`. For DSSE, any
    /// signature naming the key (or naming none) may verify.
    ///
    /// [`MetadataError::NoSignature`] and [`MetadataError::BadSignature`]
    /// are what the reference calls a `SignatureVerificationError`; an
    /// expired or revoked GnuPG key is [`MetadataError::Gpg`].
    pub fn verify_signature_at(
        &self,
        key: &PublicKey,
        now: crate::time::Timestamp,
    ) -> Result<(), MetadataError> {
        let keyid = key.keyid().as_str();
        match self {
            Self::Metablock(m) => {
                verify_metablock_signature(&m.signatures, || to_canonical(&m.signed), key, now)
            }
            Self::Dsse(_) if key.is_gpg() => {
                Err(MetadataError::GpgDsseVerification(keyid.to_owned()))
            }
            Self::Dsse(e) => {
                if e.verified_keys(&[key]).is_empty() {
                    if e.signatures
                        .iter()
                        .any(|s| s.keyid.as_deref() == Some(keyid))
                    {
                        Err(MetadataError::BadSignature(keyid.to_owned()))
                    } else {
                        Err(MetadataError::NoSignature(keyid.to_owned()))
                    }
                } else {
                    Ok(())
                }
            }
        }
    }

    /// The file bytes the reference writes: a Metablock as
    /// `json.dumps(indent=1, sort_keys=True)`, a DSSE envelope as
    /// `json.dumps(sort_keys=True)`; ASCII-escaped, no trailing newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::Metablock(m) => {
                // Written from its parts: the signed value is not copied.
                let signatures = Value::Array(m.signatures.clone());
                members_to_python_json(
                    &[("signatures", &signatures), ("signed", &m.signed)],
                    Style::Indent1,
                )
                .into_bytes()
            }
            Self::Dsse(e) => e.to_json().into_bytes(),
        }
    }
}

/// Verifies the signature `key` made over a Metablock with these signature
/// entries (see [`Metadata::verify_signature_at`]); `canonical` gives the
/// canonical bytes of its `signed` value, and is called only once a
/// signature entry names the key.
pub(crate) fn verify_metablock_signature<B: AsRef<[u8]>>(
    signatures: &[Value],
    canonical: impl FnOnce() -> Result<B, intoto_cjson::Error>,
    key: &PublicKey,
    now: crate::time::Timestamp,
) -> Result<(), MetadataError> {
    let keyid = key.keyid().as_str();
    let names_key =
        |id: &str| id == keyid || key.has_gpg_subkey(id) || key.has_revoked_gpg_subkey(id);
    let entry = signatures
        .iter()
        .find(|s| {
            s.get("keyid")
                .and_then(Value::as_str)
                .is_some_and(names_key)
        })
        .ok_or_else(|| MetadataError::NoSignature(keyid.to_owned()))?;
    if GpgSignature::is_gpg_entry(entry) {
        let sig = GpgSignature::from_value(entry)?;
        if !key.is_gpg() {
            return Err(MetadataError::BadSignature(keyid.to_owned()));
        }
        let msg = canonical()?;
        return key
            .verify_gpg(msg.as_ref(), &sig, now.unix())
            .map_err(|e| match e {
                GpgError::InvalidSignature { .. } | GpgError::WrongKey { .. } => {
                    MetadataError::BadSignature(keyid.to_owned())
                }
                other => MetadataError::Gpg(other),
            });
    }
    let sig = entry
        .get("sig")
        .and_then(Value::as_str)
        .and_then(decode_hex)
        .ok_or_else(|| MetadataError::BadSignature(keyid.to_owned()))?;
    let msg = canonical()?;
    key.verify(msg.as_ref(), &sig)
        .map_err(|_| MetadataError::BadSignature(keyid.to_owned()))
}

fn check_signature_entry(s: &Value) -> Result<(), MetadataError> {
    let ok_str = |k: &str| s.get(k).and_then(Value::as_str).is_some();
    if !ok_str("keyid") || !(ok_str("sig") || (ok_str("signature") && ok_str("other_headers"))) {
        return Err(MetadataError::SignatureFormat(
            "each signature needs a 'keyid' and a 'sig' (or a gpg 'signature' and 'other_headers')"
                .into(),
        ));
    }
    Ok(())
}

/// Decodes hex (either case); `None` for odd lengths or non-hex digits.
pub(crate) fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            let hi = char::from(*pair.first()?).to_digit(16)?;
            let lo = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use intoto_crypto::{KeySpec, PrivateKey};

    use super::*;
    use crate::time::Timestamp;

    const NOW: Timestamp = Timestamp::from_unix(1_750_000_000);

    fn signed_link() -> (PrivateKey, Metadata) {
        let key = PrivateKey::generate(KeySpec::Ed25519).unwrap();
        let mut link = Link::new("build");
        link.products.insert(
            "a.o".into(),
            [("sha256".to_owned(), "ab".to_owned())].into(),
        );
        let mut md = Metadata::new_metablock(&Payload::Link(link));
        md.sign(&key).unwrap();
        (key, md)
    }

    #[test]
    fn owned_and_borrowed_reading_agree() {
        let (key, md) = signed_link();
        let bytes = md.to_bytes();
        let value = intoto_cjson::from_slice(&bytes).unwrap();
        let borrowed = Metadata::from_value(&value).unwrap();
        let owned = Metadata::try_from(value).unwrap();
        assert_eq!(borrowed, owned);
        assert_eq!(Metadata::from_slice(&bytes).unwrap(), owned);
        assert_eq!(owned.payload_kind().unwrap(), "link");
        assert_eq!(
            owned.payload_string("name").unwrap().as_deref(),
            Some("build")
        );
        assert_eq!(owned.payload_string("materials").unwrap(), None);
        assert_eq!(Metadata::from_slice(&owned.to_bytes()).unwrap(), owned);
        owned
            .verify_signature_at(Signer::public_key(&key), NOW)
            .unwrap();
        let payload = owned.payload().unwrap();
        assert_eq!(owned.into_payload().unwrap(), payload);

        let dsse = Metadata::new_dsse(&payload);
        assert_eq!(dsse.payload_kind().unwrap(), "link");
        assert_eq!(
            dsse.payload_string("name").unwrap().as_deref(),
            Some("build")
        );
        assert_eq!(dsse.into_payload().unwrap(), payload);
    }

    #[test]
    fn owned_reading_refuses_what_borrowed_reading_refuses() {
        for (doc, needle) in [
            ("[]", "expected an object, found array"),
            ("{}", "neither 'signed' nor 'payload'"),
            (r#"{"signed": {"_type": "x"}}"#, "'signed._type'"),
            (
                r#"{"signed": {"_type": "link"}, "signatures": {}}"#,
                "must be a list",
            ),
            (
                r#"{"signed": {"_type": "link"}, "signatures": [{"keyid": "a"}]}"#,
                "each signature needs",
            ),
            (
                r#"{"payload": "", "payloadType": "text/plain", "signatures": []}"#,
                "unsupported DSSE payload type",
            ),
        ] {
            let value = intoto_cjson::from_slice(doc.as_bytes()).unwrap();
            let owned = Metadata::from_value_owned(value.clone()).unwrap_err();
            assert!(owned.to_string().contains(needle), "{doc}: {owned}");
            let borrowed = Metadata::from_value(&value).unwrap_err();
            assert_eq!(borrowed.to_string(), owned.to_string());
        }
    }

    #[test]
    fn metablock_signature_check_with_precomputed_bytes() {
        let (key, md) = signed_link();
        let Metadata::Metablock(m) = &md else {
            unreachable!()
        };
        let public = Signer::public_key(&key);
        let canonical = to_canonical(&m.signed).unwrap();
        verify_metablock_signature(&m.signatures, || Ok(canonical.clone()), public, NOW).unwrap();
        let mut other = canonical;
        other.push(b' ');
        assert!(matches!(
            verify_metablock_signature(&m.signatures, || Ok(other), public, NOW),
            Err(MetadataError::BadSignature(_))
        ));
        // No entry names the key: the bytes are never asked for.
        let stranger = PrivateKey::generate(KeySpec::Ed25519).unwrap();
        assert!(matches!(
            verify_metablock_signature(
                &m.signatures,
                || -> Result<Vec<u8>, intoto_cjson::Error> { unreachable!() },
                Signer::public_key(&stranger),
                NOW
            ),
            Err(MetadataError::NoSignature(_))
        ));
        // Bytes that cannot be made are an error once an entry names the key.
        assert!(matches!(
            verify_metablock_signature(
                &m.signatures,
                || -> Result<Vec<u8>, intoto_cjson::Error> {
                    Err(intoto_cjson::Error::Float("1.5".into()))
                },
                public,
                NOW
            ),
            Err(MetadataError::Canonical(_))
        ));
    }
}
