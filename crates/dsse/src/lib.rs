//! DSSE (Dead Simple Signing Envelope): the pre-authentication encoding
//! (PAE), the JSON envelope, signing with any [`intoto_crypto::Signer`], and
//! t-of-n threshold verification over the payload bytes exactly as received.
//!
//! The crate is payload-agnostic: it never parses the payload. Verification
//! follows the protocol's rules:
//!
//! * Signatures cover `PAE(payloadType, payload)` over the raw payload bytes
//!   ([`pae`]); a signature over the bare payload, over its base64 text, or
//!   under another payload type does not verify.
//! * A threshold counts **distinct trusted keys**, compared by key material:
//!   duplicate signatures, relabelled key ids, or one key listed twice under
//!   two ids never count twice ([`Envelope::verified_keys`]).
//! * Key ids are unauthenticated hints that can only narrow which trusted
//!   keys are tried.
//! * Base64 in either alphabet is accepted on input, padded or not, and
//!   nothing else ([`decode_base64`]); output is standard and padded.
//! * [`Envelope::verify`] hands back a [`Verified`] that gives out the very
//!   payload bytes that were verified, so callers parse only those.
//!
//! ```
//! use intoto_crypto::{KeySpec, PrivateKey};
//! use intoto_dsse::{Envelope, pae};
//!
//! assert_eq!(
//!     pae("http://example.com/HelloWorld", b"hello world"),
//!     b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
//! );
//!
//! let key = PrivateKey::generate(KeySpec::Ed25519)?;
//! let mut envelope = Envelope::new(b"{}".to_vec(), "application/vnd.in-toto+json");
//! envelope.sign(&key)?;
//! let received = Envelope::from_slice(envelope.to_json().as_bytes())?;
//! let verified =
//!     received.verify_with_type("application/vnd.in-toto+json", &[key.public_key()], 1)?;
//! assert_eq!(verified.payload(), b"{}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod base64;
mod envelope;
mod error;
mod verify;

pub use base64::{Base64Error, decode_base64, encode_base64};
pub use envelope::{Envelope, Signature, pae};
pub use error::Error;
pub use verify::Verified;
