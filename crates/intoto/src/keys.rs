//! Loading keys from files, with errors that name the file.

use std::path::Path;

use intoto_crypto::{PrivateKey, PublicKey};

use crate::error::{Error, Result};
use crate::files::read_regular_file;

/// Key files are small; anything larger than this is not a key.
const MAX_KEY_BYTES: u64 = 1024 * 1024;

/// Loads a PEM public key (SubjectPublicKeyInfo, or PKCS#1 for RSA).
pub fn load_public_key(path: &Path) -> Result<PublicKey> {
    let pem = read_regular_file(path, MAX_KEY_BYTES)?;
    PublicKey::from_pem(&pem).map_err(|source| Error::Key {
        path: path.to_path_buf(),
        source,
    })
}

/// Exports a GnuPG public key (with its subkeys) from the keyring in
/// `gpg_home`, or from GnuPG's default home, as the reference's
/// `--gpg <keyid>` options do. `keyid` may name the main key or a subkey;
/// the main key is returned either way.
pub fn export_gpg_key(keyid: &str, gpg_home: Option<&Path>) -> Result<PublicKey> {
    Ok(intoto_crypto::gpg::Gpg::new(gpg_home).export_pubkey(keyid)?)
}

/// Loads a PEM private key (PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1),
/// decrypting it with `password` when given.
pub fn load_private_key(path: &Path, password: Option<&[u8]>) -> Result<PrivateKey> {
    let pem = read_regular_file(path, MAX_KEY_BYTES)?;
    PrivateKey::from_pem(&pem, password).map_err(|source| Error::Key {
        path: path.to_path_buf(),
        source,
    })
}
