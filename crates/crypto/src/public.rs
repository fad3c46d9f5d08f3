//! Public keys as securesystemslib key dicts.

use std::fmt;

use intoto_cjson::{Map, Value};

use crate::backend;
use crate::digest::{sha256_hex, to_hex};
use crate::error::{KeyError, SignatureError};
use crate::gpg::key::GpgKey;
use crate::gpg::{GpgError, GpgSignature};
use crate::keyid::KeyId;
use crate::material::Material;
use crate::pem;
use crate::scheme::{HashAlg, KEYTYPE_ECDSA, KEYTYPE_ED25519, KEYTYPE_RSA, Scheme};

/// A public key: a securesystemslib public-key dict, or a GnuPG key dict
/// (see [`crate::gpg`]), together with the parsed key it describes.
///
/// The dict is kept exactly as it was given (`keyid`, `keytype`, `scheme`,
/// `keyval.public`, and any other members such as the legacy
/// `keyid_hash_algorithms` or `keyval.private: ""`), so that
/// [`to_key_dict`](Self::to_key_dict) reproduces it and a signature over a
/// layout that contains it stays valid.
///
/// The key material is validated when the key is made: an RSA key must be
/// 2048 to 8192 bits and an ECDSA key must lie on the curve its scheme
/// names. A key that passes can verify signatures of its declared scheme
/// and of no other.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    dict: Map,
    keyid: KeyId,
    keytype: String,
    scheme: String,
    computed_keyid: KeyId,
    legacy_keyids: Vec<KeyId>,
    inner: Inner,
}

/// The kinds of key a dict can describe.
#[derive(Clone, PartialEq, Eq)]
enum Inner {
    Sslib {
        scheme: Scheme,
        material: Material,
        spki_der: Vec<u8>,
    },
    Gpg(Box<GpgKey>),
}

const LABEL_SPKI: &str = "PUBLIC KEY";
const LABEL_PKCS1: &str = "RSA PUBLIC KEY";

impl PublicKey {
    /// Loads a PEM public key: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1
    /// (`BEGIN RSA PUBLIC KEY`). The dict and key id are exactly those of
    /// the reference's `load_public_key_from_file`:
    ///
    /// * Ed25519: keytype and scheme `ed25519`, `keyval.public` = 64 hex
    ///   digits of the raw key;
    /// * RSA: keytype `rsa`, scheme `rsassa-pss-sha256`, `keyval.public` =
    ///   the key as SPKI PEM (64-character lines, trailing newline);
    /// * ECDSA: keytype `ecdsa`, scheme `ecdsa-sha2-nistp256|384|521` by
    ///   curve, `keyval.public` = SPKI PEM with the point uncompressed.
    ///
    /// The key id is the SHA-256 of the canonical JSON of
    /// `{"keytype", "scheme", "keyval": {"public"}}`.
    pub fn from_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let material = material_from_public_pem(pem)?;
        Self::from_material(material)
    }

    /// The key dict the reference makes for `material`.
    pub(crate) fn from_material(material: Material) -> Result<Self, KeyError> {
        let (keytype, scheme, public) = match &material {
            Material::Ed25519(raw) => (KEYTYPE_ED25519, Scheme::Ed25519, to_hex(raw)),
            Material::Rsa { .. } => (
                KEYTYPE_RSA,
                Scheme::RsaPss(HashAlg::Sha256),
                spki_pem(&material.spki_der()?),
            ),
            Material::Ecdsa { curve, .. } => (
                KEYTYPE_ECDSA,
                Scheme::Ecdsa(*curve),
                spki_pem(&material.spki_der()?),
            ),
        };
        let keyid = modern_keyid(keytype, scheme.name(), &public)?;
        let mut keyval = Map::new();
        keyval.insert("public".to_owned(), Value::from(public));
        let mut dict = Map::new();
        dict.insert("keyid".to_owned(), Value::from(keyid.as_str()));
        dict.insert("keytype".to_owned(), Value::from(keytype));
        dict.insert("keyval".to_owned(), Value::Object(keyval));
        dict.insert("scheme".to_owned(), Value::from(scheme.name()));
        Self::build(dict, keyid, scheme, material)
    }

    /// Reads a securesystemslib public-key dict, with the checks of the
    /// reference's `_check_public_key`:
    ///
    /// 1. it is an object with a string `keyid` (hex);
    /// 2. a dict with `type`, `method`, `hashes` and `keyval` is a GnuPG
    ///    key dict: `type`/`method` must be `rsa`/`pgp+rsa-pkcsv1.5`,
    ///    `dsa`/`pgp+dsa-fips-180-2` or `eddsa`/`pgp+eddsa-ed25519`,
    ///    `keyval.public` must hold the key's parameters in hex,
    ///    `creation_time` and `validity_period` (when present) must be
    ///    non-negative integers, and `subkeys` (when present) an object of
    ///    such dicts keyed by their key ids;
    /// 3. `(keytype, scheme)` must be registered, else
    ///    [`KeyError::Unsupported`] (`Unsupported public key <type>/<scheme>`);
    /// 4. `keyval.public` must be a string.
    ///
    /// Stricter than the reference: `keyval.public` must hold a valid key of
    /// the declared type (and curve), checked now rather than at the first
    /// verification.
    ///
    /// The `keyid` is taken as given and **not** recomputed, as in the
    /// reference; use [`keyid_matches`](Self::keyid_matches) to check it.
    pub fn from_key_dict(v: &Value) -> Result<Self, KeyError> {
        let dict = v.as_object().ok_or_else(|| KeyError::InvalidKeyDict {
            reason: format!("expected a JSON object, got {}", v.type_name()),
        })?;
        let keyid = match dict.get("keyid") {
            None => {
                return Err(KeyError::InvalidKeyDict {
                    reason: "missing member 'keyid'".to_owned(),
                });
            }
            Some(Value::String(s)) => s,
            Some(other) => {
                return Err(KeyError::InvalidKeyDict {
                    reason: format!("'keyid' must be a string, got {}", other.type_name()),
                });
            }
        };
        if ["type", "method", "hashes", "keyval"]
            .iter()
            .all(|k| dict.contains_key(*k))
        {
            let key = GpgKey::from_dict(dict, false)?;
            return Ok(Self::build_gpg(dict.clone(), key));
        }
        let keyid = KeyId::new(keyid.as_str())?;
        let (keytype, scheme_name) = match (dict.get("keytype"), dict.get("scheme")) {
            (Some(Value::String(t)), Some(Value::String(s))) => (t, s),
            (t, s) => {
                return Err(KeyError::Unsupported {
                    keytype: t.map(python_repr).unwrap_or_else(|| "None".to_owned()),
                    scheme: s.map(python_repr).unwrap_or_else(|| "None".to_owned()),
                });
            }
        };
        let scheme = Scheme::lookup(keytype, scheme_name).ok_or_else(|| KeyError::Unsupported {
            keytype: keytype.clone(),
            scheme: scheme_name.clone(),
        })?;
        let public = dict
            .get("keyval")
            .and_then(Value::as_object)
            .ok_or_else(|| KeyError::InvalidKeyDict {
                reason: "'keyval' must be an object".to_owned(),
            })?
            .get("public")
            .and_then(Value::as_str)
            .ok_or_else(|| KeyError::InvalidKeyDict {
                reason: format!("public key string required for scheme {scheme_name}"),
            })?;
        let material =
            material_for_scheme(scheme, public).map_err(|e| KeyError::InvalidPublicValue {
                keyid: keyid.to_string(),
                keytype: keytype.clone(),
                scheme: scheme_name.clone(),
                reason: Box::new(e),
            })?;
        Self::build(dict.clone(), keyid, scheme, material)
    }

    /// The key dict the reference's `export_pubkey` makes for a key read
    /// from `gpg --export`.
    pub(crate) fn from_gpg_key(key: GpgKey) -> Self {
        Self::build_gpg(key.to_export_dict(), key)
    }

    fn build_gpg(dict: Map, key: GpgKey) -> Self {
        Self {
            keyid: key.keyid.clone(),
            keytype: key.params.type_name().to_owned(),
            scheme: key.params.method().to_owned(),
            computed_keyid: key.computed_fingerprint(),
            legacy_keyids: Vec::new(),
            dict,
            inner: Inner::Gpg(Box::new(key)),
        }
    }

    fn build(
        dict: Map,
        keyid: KeyId,
        scheme: Scheme,
        material: Material,
    ) -> Result<Self, KeyError> {
        let str_of = |k: &str| {
            dict.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let keytype = str_of("keytype");
        let scheme_name = str_of("scheme");
        let public = dict
            .get("keyval")
            .and_then(|kv| kv.get("public"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let computed_keyid = modern_keyid(&keytype, &scheme_name, public)?;
        let legacy_keyids = legacy_keyids(&dict, &keytype, &scheme_name, public);
        let spki_der = material.spki_der()?;
        Ok(Self {
            dict,
            keyid,
            keytype,
            scheme: scheme_name,
            computed_keyid,
            legacy_keyids,
            inner: Inner::Sslib {
                scheme,
                material,
                spki_der,
            },
        })
    }

    /// The key dict, exactly as given or as the reference makes it
    /// (including `keyid`).
    pub fn to_key_dict(&self) -> Value {
        Value::Object(self.dict.clone())
    }

    /// The key id as stored in the dict.
    pub fn keyid(&self) -> &KeyId {
        &self.keyid
    }

    /// The `keytype`, e.g. `ed25519`, `rsa`, `ecdsa`; for a GnuPG key its
    /// `type` (`rsa`, `dsa`, `eddsa`).
    pub fn keytype(&self) -> &str {
        &self.keytype
    }

    /// The `scheme`, e.g. `rsassa-pss-sha256`; for a GnuPG key its
    /// `method`, e.g. `pgp+rsa-pkcsv1.5`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The `keyval.public` string (empty for a GnuPG key, whose
    /// `keyval.public` is an object).
    pub fn public_value(&self) -> &str {
        self.dict
            .get("keyval")
            .and_then(|kv| kv.get("public"))
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The key id the reference would compute for this key today: the
    /// lowercase hex SHA-256 of the canonical JSON of
    /// `{"keytype", "scheme", "keyval": {"public"}}`; for a GnuPG key, the
    /// v4 fingerprint computed from its parameters and `creation_time`.
    pub fn computed_keyid(&self) -> &KeyId {
        &self.computed_keyid
    }

    /// Whether the stored key id is one that this key's content produces:
    /// [`computed_keyid`](Self::computed_keyid), or, for a legacy key with
    /// `keyid_hash_algorithms`, the SHA-256 (or, when listed, SHA-512) of
    /// the canonical JSON of
    /// `{"keyid_hash_algorithms", "keytype", "scheme", "keyval": {"public"}}`
    /// as securesystemslib 0.x computed it.
    ///
    /// A GnuPG key matches when its key id and those of its subkeys are
    /// their fingerprints.
    pub fn keyid_matches(&self) -> bool {
        match &self.inner {
            Inner::Gpg(k) => k.fingerprints_match(),
            Inner::Sslib { .. } => {
                self.keyid == self.computed_keyid || self.legacy_keyids.contains(&self.keyid)
            }
        }
    }

    /// Whether `other` is the same key, compared by key material (not by
    /// key id, scheme or other dict members). Use this to count each signer
    /// once however many ids or dicts name its key.
    ///
    /// GnuPG keys compare by their main key's parameters, and never equal
    /// a securesystemslib key.
    pub fn same_key_material(&self, other: &PublicKey) -> bool {
        match (&self.inner, &other.inner) {
            (Inner::Sslib { material: a, .. }, Inner::Sslib { material: b, .. }) => a == b,
            (Inner::Gpg(a), Inner::Gpg(b)) => a.same_material(b),
            _ => false,
        }
    }

    /// The key as SPKI PEM (`BEGIN PUBLIC KEY`), for every securesystemslib
    /// key type. A GnuPG key has no PEM form
    /// ([`KeyError::UnsupportedFormat`]).
    pub fn to_pem(&self) -> Result<String, KeyError> {
        match &self.inner {
            Inner::Sslib { spki_der, .. } => Ok(spki_pem(spki_der)),
            Inner::Gpg(_) => Err(KeyError::UnsupportedFormat {
                format: format!("GPG key {} as PEM", self.keyid),
            }),
        }
    }

    /// Whether this is a GnuPG key.
    pub fn is_gpg(&self) -> bool {
        matches!(self.inner, Inner::Gpg(_))
    }

    /// The key ids of a GnuPG key's subkeys (none for other keys).
    pub fn gpg_subkey_ids(&self) -> Vec<&KeyId> {
        match &self.inner {
            Inner::Gpg(k) => k.subkeys.iter().map(|s| &s.keyid).collect(),
            Inner::Sslib { .. } => Vec::new(),
        }
    }

    /// Whether `keyid` is one of this GnuPG key's subkeys.
    pub fn has_gpg_subkey(&self, keyid: &str) -> bool {
        match &self.inner {
            Inner::Gpg(k) => k.subkeys.iter().any(|s| s.keyid.as_str() == keyid),
            Inner::Sslib { .. } => false,
        }
    }

    /// Whether `keyid` names a subkey that the keyring showed revoked when
    /// this key was exported (such subkeys are not in the key dict).
    pub fn has_revoked_gpg_subkey(&self, keyid: &str) -> bool {
        match &self.inner {
            Inner::Gpg(k) => k.revoked_subkeys.iter().any(|s| s.as_str() == keyid),
            Inner::Sslib { .. } => false,
        }
    }

    /// Verifies a GnuPG signature over `msg` with this key, or with the
    /// subkey the signature names, at `now_unix` (seconds since the epoch)
    /// for the expiry check. See [`crate::gpg`] for the rules; a key that
    /// is not a GnuPG key fails with [`GpgError::WrongKey`].
    pub fn verify_gpg(
        &self,
        msg: &[u8],
        signature: &GpgSignature,
        now_unix: i64,
    ) -> Result<(), GpgError> {
        match &self.inner {
            Inner::Gpg(k) => crate::gpg::verify(k, msg, signature, now_unix),
            Inner::Sslib { .. } => Err(GpgError::WrongKey {
                keyid: self.keyid.to_string(),
                signature_keyid: signature.keyid().to_string(),
            }),
        }
    }

    /// Verifies `signature` over `msg` with exactly this key's scheme:
    ///
    /// * `ed25519`: a 64-byte Ed25519 signature;
    /// * `rsassa-pss-shaN`: PSS with SHA-N and MGF1-SHA-N, **any** salt
    ///   length (as Python's `PSS.AUTO`);
    /// * `rsa-pkcs1v15-shaN`: PKCS#1 v1.5 with SHA-N;
    /// * `ecdsa-sha2-nistpN`: a DER `ECDSA-Sig-Value` with the curve's hash.
    ///
    /// The error says nothing about why a signature failed. A GnuPG key
    /// verifies nothing here: use [`verify_gpg`](Self::verify_gpg).
    pub fn verify(&self, msg: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        let Inner::Sslib {
            scheme, material, ..
        } = &self.inner
        else {
            return Err(SignatureError::invalid());
        };
        if backend::verify(*scheme, material, msg, signature) {
            Ok(())
        } else {
            Err(SignatureError::invalid())
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = match &self.inner {
            Inner::Sslib { material, .. } => material.describe(),
            Inner::Gpg(k) => format!("GPG {}", k.params.describe()),
        };
        f.debug_struct("PublicKey")
            .field("keyid", &self.keyid.as_str())
            .field("keytype", &self.keytype)
            .field("scheme", &self.scheme)
            .field("key", &key)
            .finish()
    }
}

/// A public key PEM in the form `cryptography` writes.
fn spki_pem(spki_der: &[u8]) -> String {
    pem::encode(LABEL_SPKI, spki_der).as_str().to_owned()
}

fn canonical_sha256(v: &Value) -> Result<KeyId, KeyError> {
    let bytes = intoto_cjson::to_canonical(v).map_err(|e| KeyError::InvalidKeyDict {
        reason: e.to_string(),
    })?;
    KeyId::new(sha256_hex(&bytes))
}

/// securesystemslib's `compute_default_keyid`.
fn modern_keyid(keytype: &str, scheme: &str, public: &str) -> Result<KeyId, KeyError> {
    canonical_sha256(&keyid_object(keytype, scheme, public))
}

fn keyid_object(keytype: &str, scheme: &str, public: &str) -> Value {
    let mut keyval = Map::new();
    keyval.insert("public".to_owned(), Value::from(public));
    let mut obj = Map::new();
    obj.insert("keytype".to_owned(), Value::from(keytype));
    obj.insert("keyval".to_owned(), Value::Object(keyval));
    obj.insert("scheme".to_owned(), Value::from(scheme));
    Value::Object(obj)
}

/// The key ids securesystemslib 0.x gave a key with `keyid_hash_algorithms`.
fn legacy_keyids(dict: &Map, keytype: &str, scheme: &str, public: &str) -> Vec<KeyId> {
    let Some(algorithms) = dict.get("keyid_hash_algorithms") else {
        return Vec::new();
    };
    let Value::Object(mut obj) = keyid_object(keytype, scheme, public) else {
        return Vec::new();
    };
    obj.insert("keyid_hash_algorithms".to_owned(), algorithms.clone());
    let Ok(bytes) = intoto_cjson::to_canonical(&Value::Object(obj)) else {
        return Vec::new();
    };
    let mut ids = Vec::new();
    ids.extend(KeyId::new(sha256_hex(&bytes)).ok());
    let lists_sha512 = algorithms
        .as_array()
        .is_some_and(|a| a.iter().any(|h| h.as_str() == Some("sha512")));
    if lists_sha512 {
        ids.extend(KeyId::new(backend::sha512_hex(&bytes)).ok());
    }
    ids
}

/// A short rendering of a JSON value for messages that mimic Python's.
fn python_repr(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) => "[...]".to_owned(),
        Value::Object(_) => "{...}".to_owned(),
        _ => v.type_name().to_owned(),
    }
}

/// Reads the first public-key block of a PEM text, as `cryptography`'s
/// `load_pem_public_key` does.
pub(crate) fn material_from_public_pem(pem: &[u8]) -> Result<Material, KeyError> {
    let blocks = pem::parse(pem)?;
    let Some(first) = blocks.first() else {
        return Err(pem::no_pem_error(pem));
    };
    let Some(block) = blocks
        .iter()
        .find(|b| b.label == LABEL_SPKI || b.label == LABEL_PKCS1)
    else {
        return Err(KeyError::NotAPublicKey {
            found: first.label.clone(),
        });
    };
    if block.label == LABEL_SPKI {
        Material::from_spki_der(&block.der)
    } else {
        Material::from_rsa_der(&block.der)
    }
}

/// Reads `keyval.public` for `scheme` and checks that the key suits it.
fn material_for_scheme(scheme: Scheme, public: &str) -> Result<Material, KeyError> {
    let material = match scheme {
        Scheme::Ed25519 => Material::Ed25519(decode_ed25519_hex(public)?),
        Scheme::RsaPss(_) | Scheme::RsaPkcs1v15(_) | Scheme::Ecdsa(_) => {
            material_from_public_pem(public.as_bytes())?
        }
    };
    let fits = match (scheme, &material) {
        (Scheme::Ed25519, Material::Ed25519(_)) => true,
        (Scheme::RsaPss(_) | Scheme::RsaPkcs1v15(_), Material::Rsa { .. }) => true,
        (Scheme::Ecdsa(want), Material::Ecdsa { curve, .. }) => want == *curve,
        _ => false,
    };
    if fits {
        Ok(material)
    } else {
        Err(KeyError::SchemeMismatch {
            scheme: scheme.name().to_owned(),
            expected: expected_for(scheme),
            found: material.describe(),
        })
    }
}

fn expected_for(scheme: Scheme) -> String {
    match scheme {
        Scheme::Ed25519 => "an Ed25519 key".to_owned(),
        Scheme::RsaPss(_) | Scheme::RsaPkcs1v15(_) => "an RSA key".to_owned(),
        Scheme::Ecdsa(curve) => format!("an ECDSA key on {curve}"),
    }
}

/// 64 hex digits (either case, as Python's `bytes.fromhex` accepts).
fn decode_ed25519_hex(public: &str) -> Result<[u8; 32], KeyError> {
    let bad = || KeyError::MalformedKey {
        what: "Ed25519 public key",
        reason: "expected 64 hex digits".to_owned(),
    };
    let bytes = public.as_bytes();
    if bytes.len() != 64 {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let hi = hex_value(pair[0]).ok_or_else(bad)?;
        let lo = hex_value(pair[1]).ok_or_else(bad)?;
        *o = (hi << 4) | lo;
    }
    Ok(out)
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The reference's `func.pub` (Ed25519, seed 0x42 * 32) and its key id.
    const FUNC_PUB: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAIVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI=\n-----END PUBLIC KEY-----\n";
    const FUNC_KEYID: &str = "a8007901c02a96e7414dcb1e7694c7462913ff6e2526c12f9875dc3f6a508075";

    #[test]
    fn keyid_is_sha256_of_canonical_keytype_scheme_keyval() {
        let key = PublicKey::from_pem(FUNC_PUB.as_bytes()).unwrap();
        assert_eq!(key.keyid().as_str(), FUNC_KEYID);
        let canonical = format!(
            "{{\"keytype\":\"ed25519\",\"keyval\":{{\"public\":\"{}\"}},\"scheme\":\"ed25519\"}}",
            key.public_value()
        );
        assert_eq!(sha256_hex(canonical.as_bytes()), FUNC_KEYID);
    }

    #[test]
    fn ed25519_hex_accepts_either_case_only() {
        let lower = "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12";
        let a = decode_ed25519_hex(lower).unwrap();
        assert_eq!(decode_ed25519_hex(&lower.to_uppercase()).unwrap(), a);
        assert_eq!(to_hex(&a), lower);
        assert!(decode_ed25519_hex(&lower[..62]).is_err());
        assert!(decode_ed25519_hex(&format!("{} ", &lower[..63])).is_err());
    }

    #[test]
    fn missing_members_print_like_python() {
        assert_eq!(python_repr(&Value::Null), "None");
        assert_eq!(python_repr(&Value::from(true)), "True");
        assert_eq!(python_repr(&Value::from("x")), "x");
    }
}
