//! `in_toto_record_start` and `in_toto_record_stop`: evidence for a step
//! that is not one command, in two halves joined by an unfinished link,
//! `.<name>.<keyid[:8]>.link-unfinished` in the working directory.

use std::path::{Path, PathBuf};

use intoto_cjson::{Map, Value};
use intoto_crypto::Signer;

use super::artifacts::{ArtifactList, Digests};
use super::serialize::LinkView;
use super::step::{LinkSigner, StepOptions, record, seal};
use super::{Observer, RunError, RunEvent, StoredKind, check_step_name};
use crate::files::write_atomic;
use crate::metadata_io::load_metadata;
use crate::model::{DigestSet, Link, Metadata, MetadataError, ModelError};

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
    record_start_with(name, materials, opts, LinkSigner::Key(signer), observer)
}

/// [`record_start`] with any [`LinkSigner`]: with GnuPG the file name
/// takes the key id of the signature gpg made.
pub fn record_start_with(
    name: &str,
    materials: &[String],
    opts: &StepOptions,
    signer: LinkSigner<'_>,
    observer: &dyn Observer,
) -> Result<PathBuf, RunError> {
    check_step_name(name)?;
    observer.event(&RunEvent::StartRecording { name });
    if !materials.is_empty() {
        observer.event(&RunEvent::RecordingMaterials(materials));
    }
    let materials = record(materials, &opts.record, "materials", observer)?;
    observer.event(&RunEvent::CreatingLink { preliminary: true });
    let empty = Map::new();
    let view = LinkView {
        name,
        materials: &materials,
        products: &ArtifactList::new(),
        byproducts: &empty,
        command: &[],
        environment: &empty,
    };
    let (bytes, keyid) = seal(
        &view,
        opts.use_dsse,
        Some(signer),
        Some(RunEvent::Signing),
        observer,
    )?;
    let keyid = keyid.unwrap_or_default();
    let path = opts.place(&Link::unfinished_file_name(name, &keyid));
    observer.event(&RunEvent::Storing {
        path: &path,
        kind: StoredKind::Preliminary,
    });
    write_atomic(&path, &bytes)?;
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
    record_stop_with(
        name,
        products,
        opts,
        LinkSigner::Key(signer),
        metadata_dir,
        observer,
    )
}

/// [`record_stop`] with any [`LinkSigner`]. With GnuPG, the unfinished
/// link is the one file `.<name>.*.link-unfinished` in the working
/// directory (none, or more than one, is an error, as in the reference);
/// its signature is checked with the key exported from the keyring (the
/// signer's key id, else the key id of the unfinished link's first
/// signature), and the finished link is named after the new signature's
/// key id.
pub fn record_stop_with(
    name: &str,
    products: &[String],
    opts: &StepOptions,
    signer: LinkSigner<'_>,
    metadata_dir: Option<&Path>,
    observer: &dyn Observer,
) -> Result<PathBuf, RunError> {
    let stop = gather_stop(name, products, opts, signer, observer)?;
    let view = LinkView {
        name: &stop.link.name,
        materials: &stop.materials,
        products: &stop.products,
        byproducts: &stop.link.byproducts,
        command: &stop.link.command,
        environment: &stop.link.environment,
    };
    let (bytes, keyid) = seal(
        &view,
        stop.dsse,
        Some(signer),
        Some(RunEvent::UpdatingSignature {
            keyid: stop.verify_keyid.as_str(),
        }),
        observer,
    )?;
    let keyid = keyid.unwrap_or_default();
    let path = opts.place_in(metadata_dir, &Link::file_name(name, &keyid));
    observer.event(&RunEvent::Storing {
        path: &path,
        kind: StoredKind::Signed,
    });
    write_atomic(&path, &bytes)?;
    remove_unfinished(&stop.unfinished, observer)?;
    Ok(path)
}

/// What `record stop` gathers before it signs and writes anything: the
/// finished link (unsigned), and the unfinished link it finishes, which
/// is still on disk. Made by [`record_stop_unsealed`], for callers that
/// write the evidence in another form (an in-toto attestation); they
/// remove the unfinished link with [`remove_unfinished`] once theirs is
/// written.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StoppedStep {
    /// The finished link: the unfinished link's members, with the
    /// products recorded now.
    pub link: Link,
    /// The unfinished link (verified with the signer's key).
    pub unfinished: PathBuf,
    /// Whether the unfinished link was a DSSE envelope.
    pub dsse: bool,
}

/// [`record_stop_with`] up to, and not including, signing and writing:
/// finds the unfinished link of `name` made with `signer`'s key, checks
/// its signature, records `products`, and returns the finished link.
/// Nothing is written or removed.
pub fn record_stop_unsealed(
    name: &str,
    products: &[String],
    opts: &StepOptions,
    signer: LinkSigner<'_>,
    observer: &dyn Observer,
) -> Result<StoppedStep, RunError> {
    let stop = gather_stop(name, products, opts, signer, observer)?;
    let mut link = stop.link;
    link.materials = stop.materials.to_artifacts();
    link.products = stop.products.to_artifacts();
    Ok(StoppedStep {
        link,
        unfinished: stop.unfinished,
        dsse: stop.dsse,
    })
}

/// Removes the unfinished link `path` once the finished evidence is
/// written (reporting [`RunEvent::RemovingUnfinished`]).
pub fn remove_unfinished(path: &Path, observer: &dyn Observer) -> Result<(), RunError> {
    observer.event(&RunEvent::RemovingUnfinished(path));
    std::fs::remove_file(path).map_err(|source| RunError::RemoveUnfinished {
        path: path.to_path_buf(),
        source,
    })
}

/// The unfinished link's members (materials and products taken out),
/// the compact artifact lists, and what sealing needs.
struct Gathered {
    link: Link,
    materials: ArtifactList,
    products: ArtifactList,
    unfinished: PathBuf,
    dsse: bool,
    verify_keyid: String,
}

fn gather_stop(
    name: &str,
    products: &[String],
    opts: &StepOptions,
    signer: LinkSigner<'_>,
    observer: &dyn Observer,
) -> Result<Gathered, RunError> {
    check_step_name(name)?;
    observer.event(&RunEvent::StopRecording { name });
    let unfinished = match signer {
        LinkSigner::Key(key) => opts.place(&Link::unfinished_file_name(
            name,
            key.public_key().keyid().as_str(),
        )),
        LinkSigner::Gpg(_) => find_unfinished(name, opts)?,
    };
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
    let signature_error = |source| RunError::UnfinishedSignature {
        path: unfinished.clone(),
        source: Box::new(source),
    };
    let verify_key = match signer {
        LinkSigner::Key(key) => key.public_key().clone(),
        LinkSigner::Gpg(gpg) => {
            let keyid = match gpg.keyid() {
                Some(id) => id.to_owned(),
                None => metadata
                    .signature_keyids()
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
            };
            gpg.gpg()
                .export_pubkey(&keyid)
                .map_err(|e| signature_error(MetadataError::Gpg(e)))?
        }
    };
    metadata
        .verify_signature(&verify_key)
        .map_err(signature_error)?;
    observer.event(&RunEvent::Extracting);
    let dsse = metadata.is_dsse();
    let (link, materials) =
        unfinished_link(metadata).map_err(|source| RunError::UnfinishedPayload {
            path: unfinished.clone(),
            source: Box::new(source),
        })?;
    if !products.is_empty() {
        observer.event(&RunEvent::RecordingProducts(products));
    }
    let products = record(products, &opts.record, "products", observer)?;
    Ok(Gathered {
        link,
        materials,
        products,
        unfinished,
        dsse,
        verify_keyid: verify_key.keyid().as_str().to_owned(),
    })
}

/// The one file `.<name>.*.link-unfinished` in the working directory
/// (the reference's glob: `*` matches any characters but `/`, and does
/// not match a leading dot, which the pattern spells out anyway).
fn find_unfinished(name: &str, opts: &StepOptions) -> Result<PathBuf, RunError> {
    let dir = opts.place(".");
    let entries = std::fs::read_dir(&dir).map_err(|source| RunError::ListDir {
        dir: dir.clone(),
        source,
    })?;
    let prefix = format!(".{name}.");
    let mut found: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|f| {
            f.strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix(".link-unfinished"))
                .is_some()
        })
        .collect();
    found.sort();
    match found.as_slice() {
        [] => Err(RunError::NoPreliminaryLink {
            name: name.to_owned(),
        }),
        [one] => Ok(opts.place(one)),
        _ => Err(RunError::ManyPreliminaryLinks {
            name: name.to_owned(),
            files: found,
        }),
    }
}

/// The link of an unfinished link file, its materials taken out and kept
/// compact (the JSON tree of a big materials list is freed as it is read).
fn unfinished_link(metadata: Metadata) -> Result<(Link, ArtifactList), MetadataError> {
    let mut value = match metadata {
        Metadata::Metablock(m) => m.signed,
        other => other.payload_value()?,
    };
    let materials = match &mut value {
        Value::Object(obj) => obj.remove("materials"),
        _ => None,
    };
    if let Value::Object(obj) = &mut value {
        obj.remove("products");
    }
    // Checks `_type` and the other members.
    let link = Link::from_value(&value)?;
    let materials = match materials {
        None => ArtifactList::new(),
        Some(v) => compact_artifacts(v, "materials")?,
    };
    Ok((link, materials))
}

/// `{"<name>": {"<algorithm>": "<hex>", ...}, ...}` as a compact list,
/// with the model's checks.
fn compact_artifacts(value: Value, field: &str) -> Result<ArtifactList, ModelError> {
    let Value::Object(map) = value else {
        return Err(ModelError::Type {
            field: field.to_owned(),
            expected: "an object",
            found: value.type_name(),
        });
    };
    let mut entries = Vec::with_capacity(map.len());
    for (name, digests) in map {
        let here = format!("{field}.{name}");
        let Value::Object(set) = digests else {
            return Err(ModelError::Type {
                field: here,
                expected: "an object",
                found: digests.type_name(),
            });
        };
        let mut out = DigestSet::new();
        for (algorithm, hex) in set {
            let Value::String(hex) = hex else {
                return Err(ModelError::Type {
                    field: format!("{here}.{algorithm}"),
                    expected: "a string",
                    found: hex.type_name(),
                });
            };
            if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(ModelError::Hex {
                    field: format!("{here}.{algorithm}"),
                    value: hex,
                });
            }
            out.insert(algorithm, hex);
        }
        entries.push((name, Digests::from_set(&out)));
    }
    Ok(ArtifactList::from_entries(entries))
}
