//! Reading and writing metadata files.

use std::path::Path;

use crate::error::{Error, Result};
use crate::files::{MAX_METADATA_BYTES, read_regular_file, write_atomic};
use crate::model::{Metadata, MetadataError};

/// Reads a Metablock or DSSE metadata file (strictly: regular file, bounded
/// size, valid UTF-8 JSON without duplicate keys).
pub fn load_metadata(path: &Path) -> Result<Metadata> {
    let bytes = read_regular_file(path, MAX_METADATA_BYTES)?;
    Metadata::from_slice(&bytes).map_err(with_path(path))
}

/// Writes metadata atomically, byte-identical to the reference's files.
pub fn write_metadata(path: &Path, metadata: &Metadata) -> Result<()> {
    write_atomic(path, &metadata.to_bytes())
}

/// Attaches the file name to a metadata error.
pub fn with_path(path: &Path) -> impl FnOnce(MetadataError) -> Error + '_ {
    move |source| Error::Metadata {
        path: path.to_path_buf(),
        source: Box::new(source),
    }
}
