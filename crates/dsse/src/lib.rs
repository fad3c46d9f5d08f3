//! DSSE (Dead Simple Signing Envelope) envelopes: the pre-authentication
//! encoding (PAE), signing, and threshold verification over the payload bytes
//! exactly as received.
//!
//! The crate is payload-agnostic: it never parses the payload. Key ids in
//! signatures are unauthenticated hints; a signature counts only if one of
//! the trusted keys verifies it, and each trusted key counts once.
//!
//! ```
//! assert_eq!(
//!     intoto_dsse::pae("http://example.com/HelloWorld", b"hello world"),
//!     b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
//! );
//! ```

mod envelope;
mod error;

pub use envelope::{Envelope, Signature, pae};
pub use error::Error;
