//! Metadata files: a Metablock or a DSSE envelope carrying a link or layout.
//!
//! Properties: reading never panics; whatever reads, its payload, kind,
//! signed bytes and key ids are computed without panicking; the file bytes
//! it writes read back as the same metadata (non-integer numbers may change
//! spelling only) and are a fixed point; a typed payload survives being
//! carried in a new Metablock and a new DSSE envelope. Signatures are
//! checked with the reference samples' two keys (cheap Ed25519).

#![no_main]

use intoto::model::{Metadata, MetadataError, Payload};
use intoto_cjson::Value;
use intoto_fuzz::{equivalent, has_infinite, has_non_integer, sample_keys};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let md = match Metadata::from_slice(data) {
        Ok(md) => md,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = md.is_dsse();
    let _ = md.signature_keyids();
    let _ = md.signed_bytes().map_err(|e| e.to_string());
    for key in sample_keys() {
        let _ = md.verify_signature(key).map_err(|e| e.to_string());
    }
    let kind = md.payload_kind();
    let payload = md.payload();
    if let Ok(p) = &payload {
        assert_eq!(kind.as_deref().ok(), Some(p.kind()));
    }

    // File bytes read back as the same metadata.
    let bytes = md.to_bytes();
    // Everything a Metablock carries as plain JSON (DSSE carries bytes).
    let carried = match &md {
        Metadata::Metablock(m) => {
            Value::Array(vec![m.signed.clone(), Value::Array(m.signatures.clone())])
        }
        _ => Value::Null,
    };
    match Metadata::from_slice(&bytes) {
        Ok(back) => {
            assert_eq!(back.to_bytes(), bytes, "to_bytes is not a fixed point");
            match (&md, &back) {
                (Metadata::Metablock(a), Metadata::Metablock(b)) => {
                    if has_non_integer(&carried) {
                        assert!(equivalent(&a.signed, &b.signed));
                        assert!(equivalent(
                            &Value::Array(a.signatures.clone()),
                            &Value::Array(b.signatures.clone())
                        ));
                    } else {
                        assert_eq!(a, b);
                    }
                }
                (Metadata::Dsse(a), Metadata::Dsse(b)) => assert_eq!(a, b),
                _ => panic!("the container changed: {md:?} became {back:?}"),
            }
        }
        Err(e) => assert!(
            has_infinite(&carried),
            "written metadata does not read back: {e}"
        ),
    }

    // A typed payload survives a new container of either kind.
    if let Ok(p) = payload {
        let metablock = Metadata::new_metablock(&p);
        assert_eq!(metablock.payload().expect("payload of a new Metablock"), p);
        let dsse = Metadata::new_dsse(&p);
        same_payload(&p, dsse.payload(), "new DSSE");
        for fresh in [metablock, dsse] {
            let reread = Metadata::from_slice(&fresh.to_bytes());
            match reread {
                Ok(m) => same_payload(&p, m.payload(), "re-read metadata"),
                Err(e) => assert!(
                    has_infinite(&p.to_value()),
                    "new metadata does not read back: {e}"
                ),
            }
        }
    }
});

/// `got` is `want` after a trip through Python-style JSON text.
fn same_payload(want: &Payload, got: Result<Payload, MetadataError>, what: &str) {
    let value = want.to_value();
    match got {
        Ok(got) if has_non_integer(&value) => {
            assert!(
                equivalent(&value, &got.to_value()),
                "{what}: payload changed"
            )
        }
        Ok(got) => assert_eq!(&got, want, "{what}: payload changed"),
        Err(e) => assert!(
            has_infinite(&value),
            "{what}: payload does not read back: {e}"
        ),
    }
}
