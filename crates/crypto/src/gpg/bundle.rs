//! `gpg --export` output (a transferable public key, RFC 4880 section
//! 11.1) to the reference's key dict, as securesystemslib's
//! `export_pubkey` makes it:
//!
//! * the primary key, with `validity_period` from its user id
//!   self-certifications (the newest one carrying a key expiration time,
//!   preferring those that mark the primary user id, as the reference
//!   chooses);
//! * each subkey with exactly one valid binding signature by the primary
//!   key, with `validity_period` from that signature; subkeys of
//!   algorithms other than RSA, DSA and Ed25519 (e.g. Curve25519
//!   encryption subkeys) are left out.
//!
//! Where this differs from the reference (see the crate documentation):
//! signed data is framed as RFC 4880 says whatever header length GnuPG
//! used (the reference hashes the packet headers as found, so the
//! self-signatures of every Ed25519 key fail for it: it never sees their
//! expiry or subkeys); expiry and primary-user-id flags are taken from
//! hashed subpackets only; a revoked subkey is left out and a revoked
//! primary key is refused.

use super::error::GpgError;
use super::key::{GpgKey, key_hash_prefix};
use super::packet::{
    SUB_KEY_EXPIRATION, SUB_PRIMARY_USER_ID, TAG_PUBLIC_KEY, TAG_PUBLIC_SUBKEY, TAG_SIGNATURE,
    TAG_USER_ATTRIBUTE, TAG_USER_ID, read_packet,
};
use super::signature::{
    CERT_HASHES, ParsedSignature, SIG_CERTIFICATIONS, SIG_KEY_REVOCATION, SIG_SUBKEY_BINDING,
    SIG_SUBKEY_REVOCATION,
};

/// A packet and the signature packets that follow it.
struct Signed<'a> {
    body: &'a [u8],
    signatures: Vec<&'a [u8]>,
}

/// The packets of a key, grouped as RFC 4880 section 11.1 lays them out.
struct Bundle<'a> {
    primary_body: &'a [u8],
    primary: GpgKey,
    direct_signatures: Vec<&'a [u8]>,
    user_ids: Vec<Signed<'a>>,
    subkeys: Vec<Signed<'a>>,
}

impl<'a> Bundle<'a> {
    fn read(data: &'a [u8]) -> Result<Self, GpgError> {
        let mut position = 0;
        let mut primary: Option<(&'a [u8], GpgKey)> = None;
        let mut direct_signatures = Vec::new();
        let mut user_ids: Vec<Signed<'a>> = Vec::new();
        // Kept only so that their signatures are not taken for others'.
        let mut user_attributes: Vec<Signed<'a>> = Vec::new();
        let mut subkeys: Vec<Signed<'a>> = Vec::new();
        while let Some(rest) = data.get(position..).filter(|r| !r.is_empty()) {
            let at = |reason: String| GpgError::KeyData { position, reason };
            let packet = read_packet(rest).map_err(at)?;
            match (packet.tag, &primary) {
                (TAG_PUBLIC_KEY, None) => {
                    let key = GpgKey::from_packet(packet.body).map_err(at)?;
                    primary = Some((packet.body, key));
                }
                (TAG_PUBLIC_KEY, Some(_)) => return Err(at("Unexpected primary key.".into())),
                (tag, None) => {
                    return Err(at(format!(
                        "First packet must be a primary key ('{TAG_PUBLIC_KEY}'), got '{tag}'."
                    )));
                }
                (TAG_USER_ID | TAG_USER_ATTRIBUTE | TAG_PUBLIC_SUBKEY, Some(_)) => {
                    let signed = Signed {
                        body: packet.body,
                        signatures: Vec::new(),
                    };
                    match packet.tag {
                        TAG_USER_ID => user_ids.push(signed),
                        TAG_USER_ATTRIBUTE => user_attributes.push(signed),
                        _ => subkeys.push(signed),
                    }
                }
                (TAG_SIGNATURE, Some(_)) => {
                    // A signature belongs to the packet before it: the last
                    // subkey, else user attribute, else user id, else the
                    // primary key itself.
                    let owner = subkeys
                        .last_mut()
                        .or(user_attributes.last_mut())
                        .or(user_ids.last_mut());
                    match owner {
                        Some(o) => o.signatures.push(packet.body),
                        None => direct_signatures.push(packet.body),
                    }
                }
                // Trust packets and the like.
                _ => {}
            }
            position += packet.total_len;
        }
        let (primary_body, primary) = primary.ok_or(GpgError::KeyData {
            position: 0,
            reason: "Cannot parse keys from empty gpg data.".into(),
        })?;
        Ok(Self {
            primary_body,
            primary,
            direct_signatures,
            user_ids,
            subkeys,
        })
    }

    /// `0x99 || length || primary key body`: how the primary key starts
    /// every self-signature's hashed data.
    fn primary_framed(&self) -> Vec<u8> {
        let mut v = key_hash_prefix(self.primary_body).to_vec();
        v.extend_from_slice(self.primary_body);
        v
    }

    /// Whether a valid key revocation signature by the primary key is
    /// attached to it.
    fn primary_revoked(&self) -> bool {
        let framed = self.primary_framed();
        self.direct_signatures.iter().any(|body| {
            ParsedSignature::parse(body, &[SIG_KEY_REVOCATION], &CERT_HASHES)
                .is_ok_and(|sig| sig.verifies(&self.primary.params, &[&framed]))
        })
    }

    /// The primary key's validity period, from its user id
    /// self-certifications, chosen as the reference chooses.
    fn primary_validity(&self) -> Option<u64> {
        let framed = self.primary_framed();
        let mut chosen: Option<(u64, u32, bool)> = None; // (validity, created, primary uid)
        for uid in &self.user_ids {
            let len = u32::try_from(uid.body.len())
                .unwrap_or(u32::MAX)
                .to_be_bytes();
            let uid_prefix = [0xb4, len[0], len[1], len[2], len[3]];
            for body in &uid.signatures {
                let Ok(sig) = ParsedSignature::parse(body, &SIG_CERTIFICATIONS, &CERT_HASHES)
                else {
                    continue;
                };
                if !self.primary.keyid.as_str().ends_with(sig.issuer())
                    || !sig.verifies(&self.primary.params, &[&framed, &uid_prefix, uid.body])
                {
                    continue;
                }
                let Some(validity) = sig.hashed_subpacket(SUB_KEY_EXPIRATION) else {
                    continue;
                };
                let Ok(validity) = <[u8; 4]>::try_from(validity) else {
                    continue;
                };
                let validity = u64::from(u32::from_be_bytes(validity));
                let is_primary = sig
                    .hashed_subpacket(SUB_PRIMARY_USER_ID)
                    .is_some_and(|d| d.first().is_some_and(|&b| b != 0));
                let created = sig.creation_time();
                match chosen {
                    // Once a certificate that marks the primary user id is
                    // chosen, only such certificates can replace it.
                    Some((_, _, true)) if !is_primary => {}
                    Some((_, when, _)) if when >= created => {}
                    _ => chosen = Some((validity, created, is_primary)),
                }
            }
        }
        chosen.map(|(validity, _, _)| validity)
    }

    /// The subkeys bound to the primary key, and the key ids of those
    /// that are bound but revoked.
    fn subkeys(&self) -> (Vec<GpgKey>, Vec<GpgKey>) {
        let framed = self.primary_framed();
        let mut good = Vec::new();
        let mut revoked = Vec::new();
        for sub in &self.subkeys {
            let Ok(mut key) = GpgKey::from_packet(sub.body) else {
                continue;
            };
            let prefix = key_hash_prefix(sub.body);
            let content: [&[u8]; 3] = [&framed, &prefix, sub.body];
            let bindings: Vec<ParsedSignature> = sub
                .signatures
                .iter()
                .filter_map(|b| ParsedSignature::parse(b, &[SIG_SUBKEY_BINDING], &CERT_HASHES).ok())
                .collect();
            let [binding] = bindings.as_slice() else {
                continue;
            };
            if !binding.verifies(&self.primary.params, &content) {
                continue;
            }
            match binding.hashed_subpacket(SUB_KEY_EXPIRATION) {
                None => {}
                Some(d) => match <[u8; 4]>::try_from(d) {
                    Ok(v) => key.validity_period = Some(u64::from(u32::from_be_bytes(v))),
                    Err(_) => continue,
                },
            }
            let is_revoked = sub.signatures.iter().any(|b| {
                ParsedSignature::parse(b, &[SIG_SUBKEY_REVOCATION], &CERT_HASHES)
                    .is_ok_and(|sig| sig.verifies(&self.primary.params, &content))
            });
            if is_revoked {
                revoked.push(key);
            } else {
                good.push(key);
            }
        }
        good.sort_by(|a, b| a.keyid.cmp(&b.keyid));
        (good, revoked)
    }
}

/// Reads `gpg --export <keyid>` output into a main key with its subkeys.
/// `keyid` must be the end (case-insensitively) of the fingerprint of the
/// primary key or of a valid subkey, as the reference checks.
pub(crate) fn key_from_export(data: &[u8], keyid: &str) -> Result<GpgKey, GpgError> {
    if data.is_empty() {
        return Err(GpgError::KeyNotFound {
            keyid: keyid.to_owned(),
            empty_export: true,
        });
    }
    let bundle = Bundle::read(data)?;
    let mut main = bundle.primary.clone();
    if bundle.primary_revoked() {
        return Err(GpgError::KeyRevoked {
            keyid: main.keyid.to_string(),
            main_keyid: None,
        });
    }
    main.validity_period = bundle.primary_validity();
    let (subkeys, revoked) = bundle.subkeys();
    let wanted = keyid.to_ascii_lowercase();
    let matches = |k: &GpgKey| k.keyid.as_str().ends_with(wanted.as_str());
    if !matches(&main) && !subkeys.iter().any(matches) {
        if let Some(r) = revoked.iter().find(|k| matches(k)) {
            return Err(GpgError::KeyRevoked {
                keyid: r.keyid.to_string(),
                main_keyid: Some(main.keyid.to_string()),
            });
        }
        return Err(GpgError::KeyNotFound {
            keyid: keyid.to_owned(),
            empty_export: false,
        });
    }
    main.subkeys = subkeys;
    main.revoked_subkeys = revoked.into_iter().map(|k| k.keyid).collect();
    Ok(main)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_garbage_exports() {
        let err = key_from_export(&[], "ABCD").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Could not find gpg key 'ABCD' in empty exported key data."
        );
        let err = key_from_export(&[0xb4, 1, 0x41], "ABCD").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Invalid public key data at position 0: First packet must be a primary key ('6'), got '13'."
        );
        let err = key_from_export(&[0x99, 0x00], "ABCD").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Invalid public key data at position 0: truncated")
        );
    }
}
