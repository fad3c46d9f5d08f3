//! GnuPG (OpenPGP) data: key exports (`gpg --export`), detached signature
//! packets, and the signature dicts Metablocks carry.
//!
//! The input is framed as `be16(n) || export[n] || signature packet`, so
//! that one input holds a key and a signature by it (`seed.sh` makes such
//! inputs with the `gpg` program over the message `in-toto fuzz`). When the
//! whole input is JSON it is also read as a signature dict.
//!
//! Properties: nothing panics, however the export, packet or dict is
//! broken; an export that reads (asking for any key id, `""`) reads again
//! as the same key when asked for its own key id or a subkey's; the key
//! dict it makes reads back as a GnuPG key with the same key id and key
//! material, and verifies the input's signature exactly when the exported
//! key does; a signature packet that reads survives its dict form;
//! verification (at a fixed time) never panics.

#![no_main]

use intoto_cjson::from_slice;
use intoto_crypto::PublicKey;
use intoto_crypto::gpg::{GpgSignature, key_from_export};
use libfuzzer_sys::fuzz_target;

/// What the seeds' signatures sign.
const MESSAGE: &[u8] = b"in-toto fuzz";
/// 2026-01-31T00:00:00Z, for expiry checks.
const NOW: i64 = 1_769_817_600;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = from_slice(data) {
        match GpgSignature::from_value(&value) {
            Ok(sig) => {
                assert!(GpgSignature::is_gpg_entry(&value));
                let again = GpgSignature::from_value(&sig.to_value()).expect("own dict reads");
                assert_eq!(again, sig);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }

    let (export, packet) = match data {
        [hi, lo, rest @ ..] => {
            let n = usize::from(u16::from_be_bytes([*hi, *lo])).min(rest.len());
            rest.split_at(n)
        }
        _ => (data, &[][..]),
    };

    let sig = match GpgSignature::from_packet(packet) {
        Ok(sig) => {
            let again = GpgSignature::from_value(&sig.to_value()).expect("own dict reads");
            assert_eq!(again, sig);
            Some(sig)
        }
        Err(e) => {
            let _ = e.to_string();
            None
        }
    };

    let key = match key_from_export(export, "") {
        Ok(key) => key,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    assert!(key.is_gpg());
    let _ = (
        key.keyid_matches(),
        key.keytype(),
        key.scheme(),
        format!("{key:?}"),
    );

    // Asking for the key by its own id, or a subkey's, gives the same key.
    let mut ids = vec![key.keyid().as_str().to_owned()];
    ids.extend(key.gpg_subkey_ids().iter().map(|k| k.as_str().to_owned()));
    for id in &ids {
        let tail = &id[id.len().saturating_sub(16)..];
        let again = key_from_export(export, tail).expect("the export names this key id");
        assert_eq!(again, key, "asked for {tail}");
    }

    // The key dict reads back as the same GnuPG key.
    let dict = key.to_key_dict();
    let from_dict = PublicKey::from_key_dict(&dict).expect("an exported key's dict reads");
    assert!(from_dict.is_gpg());
    assert_eq!(from_dict.keyid(), key.keyid());
    assert!(from_dict.same_key_material(&key));
    assert_eq!(from_dict.to_key_dict(), dict);

    if let Some(sig) = sig {
        let by_export = key.verify_gpg(MESSAGE, &sig, NOW);
        let by_dict = from_dict.verify_gpg(MESSAGE, &sig, NOW);
        if let Err(e) = &by_export {
            let _ = e.to_string();
        }
        assert_eq!(
            by_export.is_ok(),
            by_dict.is_ok(),
            "export: {by_export:?}, dict: {by_dict:?}"
        );
        assert!(key.verify_gpg(b"another message", &sig, NOW).is_err());
    }
});
