//! GnuPG keys and signatures against the reference (securesystemslib's
//! `gpg` module, which in-toto 3.1.0 uses), with throwaway GnuPG homes
//! whose keys are made here by the `gpg` program.

use intoto_crypto::PublicKey;
use intoto_crypto::gpg::{Gpg, GpgError, GpgSignature, key_from_export};
use intoto_testkit::gpg::{GpgHome, GpgKeyInfo};
use intoto_testkit::{TempDir, python};
use serde_json::json;

use crate::common::{from_value, to_value};

/// What the reference does with a GnuPG home, as JSON commands on stdin:
/// `export` (key dicts), `parse` (signature packets, hex), `sign` and
/// `verify` (a signature dict over `data`, with the reference's export of
/// the key; the result or the exception's text).
const PYTHON_GPG: &str = r#"
import binascii, json, sys
from securesystemslib._gpg import functions as f
from securesystemslib._gpg.common import parse_signature_packet
a = json.load(sys.stdin)
out = {}
home = a.get("home")
out["export"] = {k: f.export_pubkey(k, home) for k in a.get("export", [])}
def parse(h):
    d = parse_signature_packet(binascii.unhexlify(h))
    d.pop("short_keyid", None)
    return d
out["parse"] = [parse(h) for h in a.get("parse", [])]
out["sign"] = [f.create_signature(bytes.fromhex(s["data"]), s["keyid"], home) for s in a.get("sign", [])]
res = []
for v in a.get("verify", []):
    try:
        res.append(f.verify_signature(v["sig"], f.export_pubkey(v["keyid"], home), bytes.fromhex(v["data"])))
    except Exception as e:
        res.append(type(e).__name__ + ": " + str(e))
out["verify"] = res
print(json.dumps(out))
"#;

fn reference(args: serde_json::Value) -> serde_json::Value {
    let tmp = TempDir::new("gpg-oracle");
    let out = python(PYTHON_GPG, args.to_string().as_bytes(), tmp.path());
    serde_json::from_slice(&out).expect("oracle output is JSON")
}

fn hexs(b: &[u8]) -> String {
    intoto_crypto::digest::to_hex(b)
}

fn ours(home: &GpgHome, id: &str) -> PublicKey {
    Gpg::new(Some(home.path()))
        .export_pubkey(id)
        .unwrap_or_else(|e| panic!("export {id}: {e}"))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Key dicts from our export equal the reference's for RSA and DSA keys
/// with signing and encryption subkeys and an expiry, read back exactly,
/// and are found by any id of the key. For Ed25519 keys the reference loses
/// the expiry and the subkeys (it hashes GnuPG's one-byte packet headers
/// into its self-signature checks); ours keep them and are otherwise equal.
#[test]
fn exported_keys_equal_the_references() {
    let home = GpgHome::new("export");
    let rsa = home.gen_key("RSA Export <rsa@example.org>", "rsa2048", "sign", "3y");
    let rsa_sign = home.add_subkey(&rsa, "rsa2048", "sign", "1y");
    let rsa_encr = home.add_subkey(&rsa, "rsa2048", "encr", "never");
    let dsa = home.gen_key("DSA Export <dsa@example.org>", "dsa2048", "sign", "never");
    let ed = home.gen_key("Ed Export <ed@example.org>", "ed25519", "sign", "2y");
    let ed_sign = home.add_subkey(&ed, "ed25519", "sign", "1y");
    home.add_subkey(&ed, "cv25519", "encr", "never");

    let ids = [&rsa, &dsa, &ed].map(|k| k.fpr.clone());
    let theirs = reference(json!({"home": home.path(), "export": ids}));
    for key in [&rsa, &dsa] {
        let mine = ours(&home, &key.fpr);
        let expected = &theirs["export"][&key.fpr];
        assert_eq!(from_value(&mine.to_key_dict()), *expected, "{}", key.fpr);
        // The reference's dict reads back exactly, with matching key ids.
        let read = PublicKey::from_key_dict(&to_value(expected)).unwrap();
        assert_eq!(read.to_key_dict(), mine.to_key_dict());
        assert!(read.keyid_matches() && mine.keyid_matches());
        assert!(mine.is_gpg());
    }
    let rsa_key = ours(&home, &rsa.fpr);
    let dict = from_value(&rsa_key.to_key_dict());
    assert_eq!(dict["validity_period"], 3 * 365 * 86_400);
    assert_eq!(
        dict["subkeys"][rsa_sign.keyid()]["validity_period"],
        365 * 86_400
    );
    assert!(
        dict["subkeys"][rsa_encr.keyid()]
            .get("validity_period")
            .is_none()
    );
    assert_eq!(rsa_key.gpg_subkey_ids().len(), 2);
    assert!(rsa_key.has_gpg_subkey(&rsa_sign.keyid()));
    assert_eq!(
        (rsa_key.keytype(), rsa_key.scheme()),
        ("rsa", "pgp+rsa-pkcsv1.5")
    );

    // Any id of the key, in either case, exports the main key.
    for id in [
        rsa_sign.fpr.clone(),
        rsa_encr.keyid(),
        rsa.fpr[24..].to_owned(),
        rsa_sign.fpr[32..].to_owned(),
    ] {
        assert_eq!(ours(&home, &id), rsa_key, "export by {id}");
    }

    // Ed25519: the same dict but for what the reference loses.
    let mine = from_value(&ours(&home, &ed.fpr).to_key_dict());
    let mut expected = theirs["export"][&ed.fpr].clone();
    assert!(expected.get("subkeys").is_none() && expected.get("validity_period").is_none());
    assert_eq!(mine["validity_period"], 2 * 365 * 86_400);
    let subs = mine["subkeys"].as_object().unwrap();
    assert_eq!(
        subs.keys().collect::<Vec<_>>(),
        [&ed_sign.keyid()],
        "the Curve25519 encryption subkey is left out, as by the reference"
    );
    expected["validity_period"] = mine["validity_period"].clone();
    expected["subkeys"] = mine["subkeys"].clone();
    assert_eq!(mine, expected);
    assert_eq!(mine["keyval"]["public"]["q"].as_str().unwrap().len(), 64);

    // The export parser on its own, and unknown ids.
    let data = home.export(&dsa.fpr);
    assert_eq!(
        key_from_export(&data, &dsa.fpr).unwrap(),
        ours(&home, &dsa.fpr)
    );
    let err = key_from_export(&data, &rsa.fpr).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Could not find gpg key '{}' in exported key data.", rsa.fpr)
    );
    let err = Gpg::new(Some(home.path()))
        .export_pubkey("DEADBEEF")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Could not find gpg key 'DEADBEEF' in empty exported key data."
    );
}

/// Signatures by RSA, DSA and Ed25519 keys and by a signing subkey: ours
/// verify in the reference and the reference's verify here; the same
/// `gpg` output becomes the same signature dict in both; tampering fails.
#[test]
fn signatures_interoperate() {
    let home = GpgHome::new("sign");
    let rsa = home.gen_key("RSA Sign <rsa@example.org>", "rsa2048", "sign", "never");
    let dsa = home.gen_key("DSA Sign <dsa@example.org>", "dsa2048", "sign", "never");
    let ed = home.gen_key("Ed Sign <ed@example.org>", "ed25519", "sign", "never");
    let main = home.gen_key("Main <main@example.org>", "rsa2048", "sign", "never");
    // (An Ed25519 subkey would be lost by the reference's export.)
    let sub = home.add_subkey(&main, "rsa2048", "sign", "never");
    let data = "{\"_type\":\"link\",\"name\":\"caf\u{e9}\"}".as_bytes();
    let gpg = Gpg::new(Some(home.path()));

    // (id to sign with, key that signs, main key)
    let cases: Vec<(&GpgKeyInfo, &GpgKeyInfo, &GpgKeyInfo)> = vec![
        (&rsa, &rsa, &rsa),
        (&dsa, &dsa, &dsa),
        (&ed, &ed, &ed),
        // gpg picks the signing subkey for the main key's id.
        (&main, &sub, &main),
        (&sub, &sub, &main),
    ];
    let mut ours_sigs = Vec::new();
    let mut packets = Vec::new();
    for (id, signer, owner) in &cases {
        let sig = gpg.sign(Some(&id.fpr), data).unwrap();
        assert_eq!(sig.keyid().as_str(), signer.keyid());
        let key = ours(&home, &owner.fpr);
        key.verify_gpg(data, &sig, now()).unwrap();
        let err = key.verify_gpg(b"tampered", &sig, now()).unwrap_err();
        assert!(matches!(err, GpgError::InvalidSignature { .. }), "{err}");
        // A key that is not the signer's.
        let other = ours(
            &home,
            if owner.fpr == rsa.fpr {
                &ed.fpr
            } else {
                &rsa.fpr
            },
        );
        assert!(matches!(
            other.verify_gpg(data, &sig, now()),
            Err(GpgError::WrongKey { .. })
        ));
        ours_sigs.push(
            json!({"sig": from_value(&sig.to_value()), "keyid": owner.fpr, "data": hexs(data)}),
        );
        packets.push(hexs(&home.detach_sign(&[], &signer.fpr, data)));
    }
    let sign: Vec<_> = cases
        .iter()
        .map(|(id, _, _)| json!({"keyid": id.fpr, "data": hexs(data)}))
        .collect();
    let theirs = reference(json!({
        "home": home.path(), "verify": ours_sigs, "parse": packets, "sign": sign,
    }));
    for (i, result) in theirs["verify"].as_array().unwrap().iter().enumerate() {
        assert_eq!(
            *result,
            json!(true),
            "the reference rejects our signature {i}"
        );
    }
    for (i, (hex_packet, expected)) in packets
        .iter()
        .zip(theirs["parse"].as_array().unwrap())
        .enumerate()
    {
        let packet = crate::common::unhex(hex_packet);
        let sig = GpgSignature::from_packet(&packet).unwrap();
        assert_eq!(from_value(&sig.to_value()), *expected, "packet {i}");
    }
    for ((_, signer, owner), made) in cases.iter().zip(theirs["sign"].as_array().unwrap()) {
        let sig = GpgSignature::from_value(&to_value(made)).unwrap();
        assert_eq!(sig.keyid().as_str(), signer.keyid());
        ours(&home, &owner.fpr)
            .verify_gpg(data, &sig, now())
            .unwrap();
    }
}

/// A key, or a signing subkey, that has expired: signatures made while it
/// was valid are refused with the reference's `KeyExpirationError` text,
/// and a subkey's signature is refused when only its main key expired
/// (the reference checks the subkey alone).
#[test]
fn expired_keys_are_refused_with_the_references_message() {
    let home = GpgHome::new("expired");
    let then = ["--faked-system-time", "20200101T000000"];
    let old = home.gen_key_with(&then, "Old <old@example.org>", "rsa2048", "sign", "1d");
    let main = home.gen_key_with(
        &then,
        "Fresh <fresh@example.org>",
        "rsa2048",
        "sign",
        "never",
    );
    let sub = {
        let before = home.fingerprints(&main.fpr);
        home.run(&[
            "--faked-system-time",
            "20200101T000000",
            "--quick-add-key",
            &main.fpr,
            "rsa2048",
            "sign",
            "2d",
        ]);
        let fpr = home
            .fingerprints(&main.fpr)
            .into_iter()
            .find(|f| !before.contains(f))
            .unwrap();
        GpgKeyInfo { fpr }
    };
    let short_lived =
        home.gen_key_with(&then, "Short <short@example.org>", "rsa2048", "sign", "1d");
    let long_sub = {
        let before = home.fingerprints(&short_lived.fpr);
        home.run(&[
            "--faked-system-time",
            "20200101T000100",
            "--quick-add-key",
            &short_lived.fpr,
            "rsa2048",
            "sign",
            "never",
        ]);
        let fpr = home
            .fingerprints(&short_lived.fpr)
            .into_iter()
            .find(|f| !before.contains(f))
            .unwrap();
        GpgKeyInfo { fpr }
    };

    let faked = Gpg::new(Some(home.path()))
        .with_program([home.faked_time_gpg("20200101T010000").into_os_string()]);
    let data = b"payload";
    let mut cases = Vec::new();
    for (key, signer) in [(&old, &old), (&main, &sub)] {
        let sig = faked.sign(Some(&signer.fpr), data).unwrap();
        assert_eq!(sig.keyid().as_str(), signer.keyid());
        let err = ours(&home, &key.fpr)
            .verify_gpg(data, &sig, now())
            .unwrap_err();
        assert!(matches!(err, GpgError::KeyExpired { .. }), "{err}");
        // Still fine on the day it was made.
        ours(&home, &key.fpr)
            .verify_gpg(data, &sig, 1_577_840_400)
            .unwrap();
        cases.push((
            err.to_string(),
            json!({"sig": from_value(&sig.to_value()), "keyid": key.fpr, "data": hexs(data)}),
        ));
    }
    let verify: Vec<_> = cases.iter().map(|(_, v)| v.clone()).collect();
    let theirs = reference(json!({"home": home.path(), "verify": verify}));
    for ((message, _), result) in cases.iter().zip(theirs["verify"].as_array().unwrap()) {
        assert_eq!(*result, json!(format!("KeyExpirationError: {message}")));
    }

    // The main key expired, its subkey did not: the reference accepts.
    let sig = Gpg::new(Some(home.path()))
        .with_program([home.faked_time_gpg("20200101T020000").into_os_string()])
        .sign(Some(&format!("{}!", long_sub.fpr)), data)
        .unwrap();
    assert_eq!(sig.keyid().as_str(), long_sub.keyid());
    let err = ours(&home, &short_lived.fpr)
        .verify_gpg(data, &sig, now())
        .unwrap_err();
    match err {
        GpgError::KeyExpired { keyid, .. } => assert_eq!(keyid, short_lived.keyid()),
        other => panic!("{other}"),
    }
    let theirs = reference(json!({"home": home.path(), "verify": [
        {"sig": from_value(&sig.to_value()), "keyid": short_lived.fpr, "data": hexs(data)}
    ]}));
    assert_eq!(
        theirs["verify"][0],
        json!(true),
        "the reference's laxer rule"
    );
}

/// A revoked subkey is left out of our export (the reference keeps it),
/// asking for it names the revocation, and its signatures are refused.
#[test]
fn revoked_subkeys_are_left_out() {
    let home = GpgHome::new("revoked");
    let main = home.gen_key("Rev <rev@example.org>", "ed25519", "sign", "never");
    let kept = home.add_subkey(&main, "ed25519", "sign", "never");
    let gone = home.add_subkey(&main, "ed25519", "sign", "never");
    let data = b"signed before the revocation";
    let sig = Gpg::new(Some(home.path()))
        .sign(Some(&format!("{}!", gone.fpr)), data)
        .unwrap();
    assert_eq!(sig.keyid().as_str(), gone.keyid());
    home.revoke_subkey(&main, &gone);

    let key = ours(&home, &main.fpr);
    assert_eq!(
        key.gpg_subkey_ids()
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>(),
        [kept.keyid()]
    );
    assert!(key.has_revoked_gpg_subkey(&gone.keyid()));
    let err = key.verify_gpg(data, &sig, now()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GPG key '{}' has been revoked (a subkey of '{}')",
            gone.keyid(),
            main.keyid()
        )
    );
    let err = Gpg::new(Some(home.path()))
        .export_pubkey(&gone.fpr)
        .unwrap_err();
    assert!(matches!(err, GpgError::KeyRevoked { .. }), "{err}");
}

/// The reference keeps revoked subkeys (its dicts equal ours but for
/// them); a key dict carries no revocations, so a dict that lists a revoked
/// subkey still verifies its signatures.
#[test]
fn revoked_rsa_subkeys_differ_from_the_reference_only_by_the_revoked_one() {
    let home = GpgHome::new("revoked-rsa");
    let main = home.gen_key("RevRsa <revrsa@example.org>", "rsa2048", "sign", "never");
    let kept = home.add_subkey(&main, "rsa2048", "sign", "never");
    let gone = home.add_subkey(&main, "rsa2048", "sign", "never");
    let data = b"signed before the revocation";
    let sig = Gpg::new(Some(home.path()))
        .sign(Some(&format!("{}!", gone.fpr)), data)
        .unwrap();
    home.revoke_subkey(&main, &gone);
    let theirs = reference(json!({"home": home.path(), "export": [main.fpr]}));
    let theirs = theirs["export"][&main.fpr].clone();
    let mut expected = theirs.clone();
    assert!(expected["subkeys"].get(gone.keyid()).is_some());
    expected["subkeys"]
        .as_object_mut()
        .unwrap()
        .remove(&gone.keyid());
    let mine = ours(&home, &main.fpr);
    assert_eq!(from_value(&mine.to_key_dict()), expected);
    assert!(mine.has_gpg_subkey(&kept.keyid()));
    assert!(matches!(
        mine.verify_gpg(data, &sig, now()),
        Err(GpgError::KeyRevoked { .. })
    ));
    let their_key = PublicKey::from_key_dict(&to_value(&theirs)).unwrap();
    their_key.verify_gpg(data, &sig, now()).unwrap();
}

/// RSA keys below 2048 bits export as the reference exports them, but
/// their signatures are not trusted.
#[test]
fn weak_keys_export_but_do_not_verify() {
    let home = GpgHome::new("weak");
    let weak = home.gen_key("Weak <weak@example.org>", "rsa1024", "sign", "never");
    let theirs = reference(json!({"home": home.path(), "export": [weak.fpr]}));
    let key = ours(&home, &weak.fpr);
    assert_eq!(from_value(&key.to_key_dict()), theirs["export"][&weak.fpr]);
    let sig = Gpg::new(Some(home.path()))
        .sign(Some(&weak.fpr), b"data")
        .unwrap();
    let err = key.verify_gpg(b"data", &sig, now()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GPG key '{}' is RSA 1024-bit; at least 2048 bits are required to verify signatures",
            weak.keyid()
        )
    );
}

/// GnuPG key dicts that are not keys: typed errors that say what is wrong.
#[test]
fn malformed_gpg_key_dicts() {
    let good = serde_json::json!({
        "creation_time": 1, "hashes": ["pgp+SHA2"], "keyid": "ab",
        "keyval": {"private": "", "public": {"q": "11".repeat(32)}},
        "method": "pgp+eddsa-ed25519", "type": "eddsa",
    });
    let key = PublicKey::from_key_dict(&to_value(&good)).unwrap();
    assert!(!key.keyid_matches(), "'ab' is not the fingerprint");
    assert!(key.to_pem().is_err());
    assert!(key.verify(b"x", &[0; 64]).is_err());
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (
            json!({"type": "rsa", "method": "pgp+eddsa-ed25519"}),
            "Unsupported public key rsa/pgp+eddsa-ed25519",
        ),
        (
            json!({"type": "elgamal", "method": "pgp+elgamal"}),
            "Unsupported public key elgamal/pgp+elgamal",
        ),
        (json!({"hashes": "pgp+SHA2"}), "'hashes' must be a list"),
        (
            json!({"keyval": {"public": "11"}}),
            "'keyval.public' must be an object",
        ),
        (
            json!({"keyval": {"public": {"q": "11"}}}),
            "32-byte Ed25519 key",
        ),
        (
            json!({"keyval": {"public": {"q": "zz".repeat(32)}}}),
            "not hex",
        ),
        (
            json!({"creation_time": -1}),
            "'creation_time' must be a non-negative integer",
        ),
        (
            json!({"validity_period": "1d"}),
            "'validity_period' must be a non-negative integer",
        ),
        (json!({"subkeys": []}), "'subkeys' must be an object"),
        (
            json!({"subkeys": {"cd": good}}),
            "subkey 'cd' has the key id 'ab'",
        ),
        (json!({"keyid": "not hex"}), "invalid key id"),
    ];
    for (patch, message) in cases {
        let mut dict = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            dict[k] = v.clone();
        }
        let err = PublicKey::from_key_dict(&to_value(&dict)).unwrap_err();
        let text = intoto_testkit_chain(&err);
        assert!(text.contains(message), "{patch}: {text}");
    }
    // A subkey inside a subkey.
    let mut nested = good.clone();
    nested["subkeys"] = json!({"ab": good});
    let mut outer = good;
    outer["subkeys"] = json!({"ab": nested});
    let err = PublicKey::from_key_dict(&to_value(&outer)).unwrap_err();
    assert!(err.to_string().contains("cannot have subkeys"), "{err}");
}

fn intoto_testkit_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

/// Fixed-seed damage (bit flips, overwritten, dropped and inserted bytes)
/// to `data`.
fn mutate(rng: &mut intoto_testkit::Rng, data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    match rng.below(4) {
        0 => {
            let i = rng.below(out.len());
            out[i] ^= 1 << rng.below(8);
        }
        1 => {
            let i = rng.below(out.len());
            out[i] = rng.next_u64() as u8;
        }
        2 => out.truncate(rng.below(out.len())),
        _ => {
            let i = rng.below(out.len());
            out.insert(i, rng.next_u64() as u8);
        }
    }
    out
}

/// Damaged `gpg --export` output, signature packets and key dicts give a
/// value or a typed error, never a panic; a signature whose signed parts
/// were damaged never verifies, nor does a damaged key. Set
/// `INTOTO_GPG_MUTATIONS` to run more than the default 150 per input.
#[test]
fn damaged_gpg_input_gives_errors_not_panics() {
    let cases = intoto_testkit::case_count("INTOTO_GPG_MUTATIONS", 150);
    let home = GpgHome::new("damage");
    let rsa = home.gen_key("Rsa Dmg <rsa@example.org>", "rsa2048", "sign", "2y");
    home.add_subkey(&rsa, "rsa2048", "sign", "1y");
    let dsa = home.gen_key("Dsa Dmg <dsa@example.org>", "dsa2048", "sign", "never");
    let ed = home.gen_key("Ed Dmg <ed@example.org>", "ed25519", "sign", "1y");
    home.add_subkey(&ed, "ed25519", "sign", "never");
    let data = b"the signed bytes";
    let mut rng = intoto_testkit::Rng::new(0x6770_6721);
    for key in [&rsa, &dsa, &ed] {
        let export = home.export(&key.fpr);
        let good = key_from_export(&export, &key.fpr).unwrap();
        // Signed by the main key (not a subkey), whose dict is damaged below.
        let packet = home.detach_sign(&[], &format!("{}!", key.fpr), data);
        let sig = GpgSignature::from_packet(&packet).unwrap();
        assert_eq!(sig.keyid().as_str(), key.keyid());
        good.verify_gpg(data, &sig, now()).unwrap();

        for _ in 0..cases {
            // The export: any result, no panic; a key read from damaged
            // data with other parameters does not verify the signature.
            let damaged = mutate(&mut rng, &export);
            if let Ok(k) = key_from_export(&damaged, &key.fpr)
                && !k.same_key_material(&good)
            {
                assert!(k.verify_gpg(data, &sig, now()).is_err());
            }
            // The signature packet: a damaged signed part never verifies.
            let damaged = mutate(&mut rng, &packet);
            if let Ok(s) = GpgSignature::from_packet(&damaged) {
                let result = good.verify_gpg(data, &s, now());
                if s.other_headers() != sig.other_headers() || s.signature() != sig.signature() {
                    assert!(result.is_err(), "a damaged signature verified");
                }
            }
            // The key dict: damaged parameters read or fail, and never
            // verify the signature.
            let mut dict = from_value(&good.to_key_dict());
            let public = dict["keyval"]["public"].as_object_mut().unwrap();
            let names: Vec<String> = public.keys().cloned().collect();
            let name = &names[rng.below(names.len())];
            let hex = public[name].as_str().unwrap().to_owned();
            let damaged = mutate(&mut rng, hex.as_bytes());
            let damaged = String::from_utf8_lossy(&damaged).into_owned();
            public.insert(name.clone(), json!(damaged));
            if let Ok(k) = PublicKey::from_key_dict(&to_value(&dict))
                && !damaged.eq_ignore_ascii_case(&hex)
                && damaged.trim_start_matches('0') != hex.trim_start_matches('0')
            {
                assert!(
                    k.verify_gpg(data, &sig, now()).is_err(),
                    "{name}: {damaged} was {hex}"
                );
            }
        }
    }
}
