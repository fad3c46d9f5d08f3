//! RSASSA-PSS verification with any salt length (what Python's
//! `PSS.AUTO` accepts), using RustCrypto's `rsa` crate.
//!
//! Only the *public-key* operation is done here. RUSTSEC-2023-0071 (the
//! Marvin timing side channel) concerns private-key operations of that
//! crate and does not apply to verification; signing never uses it.

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pss::{Signature, VerifyingKey};
use rsa::sha2::{Sha256, Sha384, Sha512};
use rsa::signature::Verifier;

use crate::scheme::HashAlg;

/// Verifies a PSS `signature` over `msg` with the PKCS#1 public key
/// `pkcs1`, hash and MGF1 hash `hash`, recovering the salt length from the
/// encoded message.
pub(super) fn verify_any_salt(hash: HashAlg, pkcs1: &[u8], msg: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = rsa::PublicKey::from_pkcs1_der(pkcs1) else {
        return false;
    };
    let Ok(signature) = Signature::try_from(signature) else {
        return false;
    };
    match hash {
        HashAlg::Sha256 => VerifyingKey::<Sha256>::new_with_auto_salt_len(key)
            .verify(msg, &signature)
            .is_ok(),
        HashAlg::Sha384 => VerifyingKey::<Sha384>::new_with_auto_salt_len(key)
            .verify(msg, &signature)
            .is_ok(),
        HashAlg::Sha512 => VerifyingKey::<Sha512>::new_with_auto_salt_len(key)
            .verify(msg, &signature)
            .is_ok(),
    }
}
