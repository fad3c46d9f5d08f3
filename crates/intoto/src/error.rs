//! The crate's error type: every variant names the file it concerns.

use std::path::PathBuf;

use crate::model::MetadataError;

/// An error of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The path is a directory, FIFO, socket or device where a file is expected.
    #[error("{}: not a regular file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// The file is larger than metadata may be.
    #[error("{}: larger than the {limit}-byte limit for metadata", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is not valid metadata of the expected kind.
    #[error("{}: {source}", path.display())]
    Metadata {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        source: Box<MetadataError>,
    },
    /// A key file could not be used.
    #[error("{}: {source}", path.display())]
    Key {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        source: intoto_crypto::KeyError,
    },
    /// A GnuPG key could not be exported from a keyring, or gpg failed.
    #[error(transparent)]
    Gpg(#[from] intoto_crypto::gpg::GpgError),
    /// The file holds a link where a layout is expected, or the reverse.
    #[error("{}: expected {expected} metadata, found {found}", path.display())]
    WrongKind {
        /// The file.
        path: PathBuf,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
