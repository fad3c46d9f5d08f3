//! Keys, key ids, signature schemes and digests for in-toto.
//!
//! * [`PublicKey`]: a securesystemslib public-key dict (Ed25519, RSA,
//!   ECDSA), read from PEM exactly as the Python reference reads it, or from
//!   metadata with the reference's validation, and able to verify the
//!   signatures of its declared scheme.
//! * [`PrivateKey`]: PEM private keys (PKCS#8, encrypted PKCS#8, PKCS#1,
//!   SEC1), key generation, PKCS#8 output, and signing through the object
//!   safe [`Signer`] trait.
//! * [`gpg`]: GnuPG key dicts from `gpg --export`, GnuPG signatures
//!   verified in Rust, and signing through the `gpg` program.
//! * [`KeyId`]: the hex key ids that name keys in metadata.
//! * [`digest`]: streaming SHA-256 for artifacts.
//! * [`calendar`]: the date arithmetic every timestamp of the workspace uses.
//!
//! The cryptography is done by `aws-lc-rs` (only the private `backend`
//! module names it); PEM, SPKI and PKCS#8 structures are read with
//! RustCrypto's `der`, `spki` and `pkcs8` (DSA, for GnuPG keys, with
//! RustCrypto's `dsa`). This crate does no file I/O: callers pass bytes and
//! add file names to error messages. The one exception is [`gpg`], which
//! runs the `gpg` program to sign and to export keys.
//!
//! # Differences from the reference
//!
//! Where Python's in-toto 3.1.0 (securesystemslib 1.6, `cryptography`)
//! accepts something hazardous or fails late, this crate is stricter or
//! earlier:
//!
//! * RSA keys must have 2048 to 8192 bits (the reference takes any size).
//! * A key dict's `keyval.public` must hold a valid key of the declared
//!   type, and an ECDSA key must lie on its scheme's curve, when the dict is
//!   read (the reference fails only when a signature is checked).
//! * Key ids are kept as stored, as in the reference, but
//!   [`PublicKey::keyid_matches`] and [`PublicKey::same_key_material`] let
//!   callers bind ids to keys and count each key once.
//! * Keys we encrypt use 600 000 PBKDF2 iterations ([`PBKDF2_ITERATIONS`])
//!   rather than `cryptography`'s 2048; both load everywhere.
//! * GnuPG keys and signatures: see [`gpg`] for where its checks are
//!   stricter.
//!
//! Not supported (yet): ML-DSA keys, and legacy OpenSSL PEM encryption
//! (`Proc-Type: 4,ENCRYPTED`; encrypted PKCS#8 is supported). Like the
//! reference, Ed448, DSA (as PEM keys), secp256k1 and OpenSSH-format keys
//! are refused.
//!
//! ```
//! use intoto_crypto::{KeySpec, PrivateKey, PublicKey, Signer};
//!
//! let key = PrivateKey::generate(KeySpec::Ed25519)?;
//! let signature = key.sign(b"payload")?;
//! let public = PublicKey::from_pem(key.public_key().to_pem()?.as_bytes())?;
//! assert_eq!(public.keyid(), key.public_key().keyid());
//! public.verify(b"payload", &signature)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod backend;
pub mod calendar;
pub mod digest;
mod error;
pub mod gpg;
mod keyid;
mod material;
mod pem;
mod private;
mod public;
mod scheme;

pub use error::{KeyError, SignatureError};
pub use keyid::KeyId;
pub use private::{KeySpec, PBKDF2_ITERATIONS, PrivateKey, Signer};
pub use public::PublicKey;
pub use scheme::Curve;
pub use zeroize::Zeroizing;
