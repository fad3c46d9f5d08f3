//! GnuPG (OpenPGP) keys and signatures, as the reference handles them
//! through securesystemslib's `gpg` module.
//!
//! * Keys are exported from a keyring with `gpg --export` and read into
//!   the reference's key dicts ([`Gpg::export_pubkey`] gives a
//!   [`PublicKey`]): `type` (`rsa`, `dsa`, `eddsa`),
//!   `method`, `hashes`, `keyval.public` (`{e, n}`, `{p, q, g, y}` or
//!   `{q}` in hex), `keyid` (the v4 fingerprint), `creation_time`,
//!   `validity_period` when the key expires, and `subkeys`.
//! * Signing runs `gpg --detach-sign --digest-algo SHA256` ([`Gpg::sign`],
//!   [`GpgSigner`]); the program is `$GNUPG`, else `gpg2`, else `gpg`.
//! * Signatures ([`GpgSignature`]) are verified here, in Rust: RSA
//!   PKCS#1 v1.5, DSA and Ed25519 over
//!   `SHA-256(content || other_headers || 0x04 0xFF || be32(len))`, with
//!   the signing subkey when a subkey signed
//!   ([`PublicKey::verify_gpg`](crate::PublicKey::verify_gpg)).
//!
//! Stricter than the reference: a signature by a subkey also needs its
//! main key unexpired; RSA and DSA keys need 2048 bits to verify; the
//! signature headers must be those of a binary-document SHA-256 signature
//! by the signing key's algorithm; revoked subkeys are left out of exported
//! keys and revoked keys are refused; key self-signatures are checked as
//! RFC 4880 frames them, so Ed25519 keys keep their expiry and subkeys
//! (the reference loses both).

mod bundle;
mod error;
pub(crate) mod key;
pub(crate) mod packet;
mod program;
mod signature;

pub use error::GpgError;
pub use program::{GNUPG_ENV, Gpg, GpgSigner};
pub use signature::GpgSignature;

pub(crate) use signature::verify;

use crate::public::PublicKey;

/// Reads `gpg --export <keyid>` output into the key dict the reference
/// makes (see the [module documentation](self)). `keyid` must end the
/// fingerprint of the main key or of one of its valid subkeys; the result
/// is the main key in either case.
pub fn key_from_export(data: &[u8], keyid: &str) -> Result<PublicKey, GpgError> {
    bundle::key_from_export(data, keyid).map(PublicKey::from_gpg_key)
}
