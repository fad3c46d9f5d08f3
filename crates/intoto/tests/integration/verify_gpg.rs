//! GnuPG functionaries in verification: the reference's
//! `TestInTotoVerifyThresholdsGpgSubkeys` (tests/test_verifylib.py), ported
//! through the whole pipeline with a throwaway GnuPG home.
//!
//! SIG is the key that signed the link (M: a main key, S: its signing
//! subkey), AUTH the key id the step authorises, KEY the key the layout
//! holds. M-S-* and M-M-S cannot be made (gpg signs with the signing subkey
//! when there is one), as the reference notes.

use intoto::keys::export_gpg_key;
use intoto::model::{Layout, Link, Metadata, Payload, Step};
use intoto::time::{Clock, FixedClock, SystemClock};
use intoto::verify::{LinkStatus, VerificationReport, verify};
use intoto_crypto::PublicKey;
use intoto_crypto::gpg::{Gpg, GpgSigner};
use intoto_testkit::gpg::{GpgHome, GpgKeyInfo};

use crate::verify_support::*;

struct Keys {
    home: GpgHome,
    /// A main key with a signing subkey.
    main: GpgKeyInfo,
    sub: GpgKeyInfo,
    /// A second signing subkey of `main`.
    sub2: GpgKeyInfo,
    /// A main key without subkeys.
    single: GpgKeyInfo,
}

fn keys() -> Keys {
    let home = GpgHome::new("verify");
    let main = home.gen_key("Main <main@example.org>", "ed25519", "sign", "never");
    let sub = home.add_subkey(&main, "ed25519", "sign", "never");
    let sub2 = home.add_subkey(&main, "ed25519", "sign", "never");
    let single = home.gen_key("Single <single@example.org>", "ed25519", "sign", "never");
    Keys {
        home,
        main,
        sub,
        sub2,
        single,
    }
}

impl Keys {
    fn export(&self, k: &GpgKeyInfo) -> PublicKey {
        export_gpg_key(&k.fpr, Some(self.home.path())).unwrap()
    }

    /// The dict of a subkey on its own, as the layout may hold it.
    fn subkey_dict(&self, sub: &GpgKeyInfo) -> PublicKey {
        let main = self.export(&self.main);
        let dict = main.to_key_dict();
        let sub_dict = dict
            .get("subkeys")
            .and_then(|s| s.get(&sub.keyid()))
            .unwrap()
            .clone();
        PublicKey::from_key_dict(&sub_dict).unwrap()
    }

    /// A link for `s` signed through gpg by `signer` (gpg picks the
    /// signing subkey when there is one); returns the signature's key id.
    fn sign(&self, env: &Env, signer: &GpgKeyInfo) -> String {
        let mut md = Metadata::new_metablock(&Payload::Link(Link::new("s")));
        let gpg = GpgSigner::new(Gpg::new(Some(self.home.path())), Some(signer.fpr.clone()));
        let sig = md.sign_gpg(&gpg).unwrap();
        env.put_as("s", sig.keyid().as_str(), &md);
        sig.keyid().as_str().to_owned()
    }
}

fn run(
    env: &Env,
    auth: &[String],
    layout_keys: Vec<PublicKey>,
    threshold: i64,
    clock: &dyn Clock,
) -> VerificationReport {
    let owner = key();
    let mut l = Layout {
        expires: SystemClock.now().add_relative(1, 0, 0),
        ..layout()
    };
    for k in layout_keys {
        l.add_functionary_key(k);
    }
    let mut s = Step::new("s");
    s.pubkeys = auth.to_vec();
    s.threshold = threshold;
    l.steps.push(s);
    let opts = env.options(&NEVER).clock(clock);
    verify(&signed_layout(&l, &[&owner]), &[public(&owner)], &opts)
}

#[test]
fn subkey_authorisation_combinations() {
    let k = keys();
    let clock = SystemClock;
    // M M M: the normal case.
    let env = Env::new("gpg-mmm");
    assert_eq!(k.sign(&env, &k.single), k.single.keyid());
    assert_pass(&run(
        &env,
        &[k.single.keyid()],
        vec![k.export(&k.single)],
        1,
        &clock,
    ));

    // Signing with the main key uses its signing subkey.
    let env = Env::new("gpg-s");
    let signed_by = k.sign(&env, &k.main);
    assert!(signed_by == k.sub.keyid() || signed_by == k.sub2.keyid());
    let sub = if signed_by == k.sub.keyid() {
        &k.sub
    } else {
        &k.sub2
    };
    // S M M: the main key is authorised and in the layout: a subkey's
    // link (`s.<subkey>.link`) is trusted through it.
    let r = run(&env, &[k.main.keyid()], vec![k.export(&k.main)], 1, &clock);
    assert_pass(&r);
    assert_eq!(r.step("s").unwrap().signers, [k.main.keyid()]);
    // S M S: the layout holds only the subkey, the step authorises the
    // main key: nothing connects them.
    assert_fail(
        &run(&env, &[k.main.keyid()], vec![k.subkey_dict(sub)], 1, &clock),
        "LinkNotFoundError",
    );
    // S S M: the subkey is authorised and its main key is in the layout.
    assert_pass(&run(
        &env,
        &[sub.keyid()],
        vec![k.export(&k.main)],
        1,
        &clock,
    ));
    // S S S: the subkey is authorised and in the layout.
    assert_pass(&run(
        &env,
        &[sub.keyid()],
        vec![k.subkey_dict(sub)],
        1,
        &clock,
    ));
}

/// `test_verify_subkey_thresholds`: links signed by two subkeys of one main
/// key count once.
#[test]
fn subkeys_of_one_key_count_once() {
    let k = keys();
    let env = Env::new("gpg-threshold");
    for sub in [&k.sub, &k.sub2] {
        let mut md = Metadata::new_metablock(&Payload::Link(Link::new("s")));
        let gpg = GpgSigner::new(Gpg::new(Some(k.home.path())), Some(format!("{}!", sub.fpr)));
        let sig = md.sign_gpg(&gpg).unwrap();
        assert_eq!(sig.keyid().as_str(), sub.keyid());
        env.put_as("s", &sub.keyid(), &md);
    }
    let r = run(
        &env,
        &[k.main.keyid()],
        vec![k.export(&k.main)],
        2,
        &SystemClock,
    );
    assert_fail(&r, "ThresholdVerificationError");
    let s = r.step("s").unwrap();
    assert_eq!(s.signers, [k.main.keyid()]);
    assert!(
        s.links
            .iter()
            .filter(|l| l.status == LinkStatus::Verified)
            .count()
            == 2
    );
    assert!(r.warnings.iter().any(|w| {
        w.message
            .starts_with("Found links signed by different subkeys of the same main key")
    }));
}

/// `test_verify_thresholds_skip_expired_key`: a link by a key that has
/// expired (at the verifier's clock) is skipped, not counted.
#[test]
fn expired_key_is_skipped() {
    let home = GpgHome::new("verify-expiry");
    let expiring = home.gen_key("Exp <exp@example.org>", "ed25519", "sign", "1d");
    let env = Env::new("gpg-expired");
    let mut md = Metadata::new_metablock(&Payload::Link(Link::new("s")));
    let gpg = GpgSigner::new(Gpg::new(Some(home.path())), Some(expiring.fpr.clone()));
    md.sign_gpg(&gpg).unwrap();
    env.put_as("s", &expiring.keyid(), &md);
    let key = export_gpg_key(&expiring.fpr, Some(home.path())).unwrap();
    // Today the key is valid.
    assert_pass(&run(
        &env,
        &[expiring.keyid()],
        vec![key.clone()],
        1,
        &SystemClock,
    ));
    // Three days later it has expired.
    let later = FixedClock(SystemClock.now().add_relative(0, 0, 3));
    let r = run(&env, &[expiring.keyid()], vec![key], 1, &later);
    assert_fail(&r, "ThresholdVerificationError");
    let check = &r.step("s").unwrap().links[0];
    assert_eq!(check.status, LinkStatus::BadSignature);
    assert!(
        check.detail.as_deref().unwrap().contains("expired"),
        "{check:?}"
    );
}
