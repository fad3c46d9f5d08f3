//! DSSE envelopes, for any payload type.
//!
//! Properties: reading never panics; the PAE has the protocol's exact
//! shape (`DSSEv1 <len> <type> <len> <payload>`); the JSON an envelope
//! writes reads back as the same envelope; verification with the sample
//! keys never panics and never counts a key twice.

#![no_main]

use intoto_cjson::from_slice;
use intoto_dsse::{Envelope, pae};
use intoto_fuzz::sample_keys;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = from_slice(data) else {
        return;
    };
    let is_envelope = Envelope::is_envelope(&value);
    let env = match Envelope::from_value(&value) {
        Ok(env) => env,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    assert!(is_envelope);

    let bytes = env.pae();
    assert_eq!(bytes, pae(&env.payload_type, &env.payload));
    let head = format!(
        "DSSEv1 {} {} {} ",
        env.payload_type.len(),
        env.payload_type,
        env.payload.len()
    );
    assert!(bytes.starts_with(head.as_bytes()));
    assert_eq!(&bytes[head.len()..], env.payload.as_slice());

    let json = env.to_json();
    assert!(json.is_ascii());
    let back = Envelope::from_value(&from_slice(json.as_bytes()).expect("written JSON parses"))
        .expect("written envelope reads back");
    assert_eq!(back, env);
    assert_eq!(back.to_json(), json);
    assert_eq!(env.to_value(), from_slice(json.as_bytes()).expect("parses"));

    let keys: Vec<_> = sample_keys().iter().collect();
    let verified = env.verified_keys(&keys);
    assert!(verified.len() <= keys.len());
    for (i, a) in verified.iter().enumerate() {
        assert!(verified[i + 1..].iter().all(|b| b.keyid() != a.keyid()));
    }
    let _ = env.verify(&keys, 1).map_err(|e| e.to_string());
});
