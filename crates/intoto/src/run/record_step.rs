//! `in_toto_record_start` and `in_toto_record_stop`: evidence for a step
//! that is not one command, in two halves joined by an unfinished link,
//! `.<name>.<keyid[:8]>.link-unfinished` in the working directory.

use std::path::{Path, PathBuf};

use intoto_crypto::Signer;

use super::step::{StepOptions, record, seal};
use super::{Observer, RunError, RunEvent, StoredKind, check_step_name};
use crate::metadata_io::{load_metadata, write_metadata};
use crate::model::{Link, MetadataError, ModelError, Payload};

/// Records `materials` and writes the unfinished link, signed by `signer`,
/// to `.<name>.<keyid[:8]>.link-unfinished` in the working directory
/// ([`RecordOptions::cwd`](crate::record::RecordOptions::cwd), else the
/// process's). Returns its path.
pub fn record_start(
    name: &str,
    materials: &[String],
    opts: &StepOptions,
    signer: &dyn Signer,
    observer: &dyn Observer,
) -> Result<PathBuf, RunError> {
    check_step_name(name)?;
    observer.event(&RunEvent::StartRecording { name });
    if !materials.is_empty() {
        observer.event(&RunEvent::RecordingMaterials(materials));
    }
    let materials = record(materials, &opts.record, "materials", observer)?;
    observer.event(&RunEvent::CreatingLink { preliminary: true });
    let mut link = Link::new(name);
    link.materials = materials;
    let mut metadata = seal(&link, opts.use_dsse, observer);
    observer.event(&RunEvent::Signing);
    metadata
        .sign(signer)
        .map_err(|e| RunError::Sign(Box::new(e)))?;
    let keyid = signer.public_key().keyid().as_str();
    let path = opts.place(&Link::unfinished_file_name(name, keyid));
    observer.event(&RunEvent::Storing {
        path: &path,
        kind: StoredKind::Preliminary,
    });
    write_metadata(&path, &metadata)?;
    Ok(path)
}

/// Finishes what [`record_start`] began: reads the unfinished link of
/// `name` made with the same key, checks its signature with that key,
/// records `products`, signs the link again in the same container
/// (Metablock or DSSE, whatever `opts.use_dsse` says), writes it to
/// `<metadata_dir>/<name>.<keyid[:8]>.link` (default: the working
/// directory) and only then removes the unfinished link. Returns the path
/// of the link.
pub fn record_stop(
    name: &str,
    products: &[String],
    opts: &StepOptions,
    signer: &dyn Signer,
    metadata_dir: Option<&Path>,
    observer: &dyn Observer,
) -> Result<PathBuf, RunError> {
    check_step_name(name)?;
    observer.event(&RunEvent::StopRecording { name });
    let key = signer.public_key();
    let keyid = key.keyid().as_str();
    let unfinished = opts.place(&Link::unfinished_file_name(name, keyid));
    observer.event(&RunEvent::LoadingUnfinished(&unfinished));
    let metadata = match load_metadata(&unfinished) {
        Ok(m) => m,
        Err(crate::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Err(RunError::NoUnfinishedLink {
                path: unfinished,
                name: name.to_owned(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    observer.event(&RunEvent::VerifyingUnfinished);
    metadata
        .verify_signature(key)
        .map_err(|source| RunError::UnfinishedSignature {
            path: unfinished.clone(),
            source: Box::new(source),
        })?;
    observer.event(&RunEvent::Extracting);
    let payload_error = |source| RunError::UnfinishedPayload {
        path: unfinished.clone(),
        source: Box::new(source),
    };
    let mut link = match metadata.payload().map_err(payload_error)? {
        Payload::Link(link) => link,
        other => {
            return Err(payload_error(MetadataError::Model(ModelError::WrongKind {
                expected: "link",
                found: other.kind().to_owned(),
            })));
        }
    };
    if !products.is_empty() {
        observer.event(&RunEvent::RecordingProducts(products));
    }
    link.products = record(products, &opts.record, "products", observer)?;
    let mut finished = seal(&link, metadata.is_dsse(), observer);
    observer.event(&RunEvent::UpdatingSignature { keyid });
    finished
        .sign(signer)
        .map_err(|e| RunError::Sign(Box::new(e)))?;
    let path = opts.place_in(metadata_dir, &Link::file_name(name, keyid));
    observer.event(&RunEvent::Storing {
        path: &path,
        kind: StoredKind::Signed,
    });
    write_metadata(&path, &finished)?;
    observer.event(&RunEvent::RemovingUnfinished(&unfinished));
    std::fs::remove_file(&unfinished).map_err(|source| RunError::RemoveUnfinished {
        path: unfinished.clone(),
        source,
    })?;
    Ok(path)
}
