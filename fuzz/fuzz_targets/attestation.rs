//! In-toto Statements (v1 and the deprecated v0.1) with their typed
//! predicates, and JSON Lines bundles of DSSE envelopes.
//!
//! Properties: reading never panics; a Statement that reads writes JSON
//! that reads back as the same Statement (with the current `_type`) and is
//! a fixed point; a Statement
//! that validates still validates after the round trip; a link v0.3
//! Statement turns into a classic link and, when that link is accepted,
//! back into a Statement with the same subjects and materials; a bundle
//! keeps every line it does not ignore, and verifying it with the sample
//! keys never panics and never claims more verified envelopes than it has.

#![no_main]

use intoto_attestation::{Bundle, Predicate, Statement};
use intoto_cjson::from_slice;
use intoto_fuzz::sample_keys;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    statement(data);
    bundle(data);
});

fn statement(data: &[u8]) {
    let statement = match Statement::from_slice(data) {
        Ok(s) => s,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = statement.deprecations();
    let valid = statement.validate().is_ok();

    let json = statement.to_json();
    let back = Statement::from_slice(json.as_bytes()).expect("a written Statement reads back");
    // A deprecated `_type` is read, and the current one written.
    assert_eq!(back.subject, statement.subject);
    assert_eq!(back.predicate, statement.predicate);
    assert_eq!(back.extensions, statement.extensions);
    assert_eq!(back.to_json(), json);
    assert_eq!(back.validate().is_ok(), valid);
    assert_eq!(
        statement.to_value(),
        from_slice(json.as_bytes()).expect("written JSON parses")
    );
    assert_eq!(back.to_value(), statement.to_value());

    if let Predicate::Link(_) = statement.predicate
        && let Ok(link) = statement.to_classic_link()
        && let Ok(again) = Statement::from_classic_link(&link)
    {
        let relink = again
            .to_classic_link()
            .expect("a converted link converts back");
        assert_eq!(relink.materials, link.materials);
        assert_eq!(relink.products, link.products);
        assert_eq!(relink.name, link.name);
    }
    if let Ok(envelope) = statement.to_envelope() {
        let unverified =
            Statement::from_envelope_unverified(&envelope).expect("its own envelope reads back");
        assert_eq!(unverified.to_value(), statement.to_value());
    }
}

fn bundle(data: &[u8]) {
    let bundle = Bundle::from_slice(data);
    let entries = bundle.entries().len();
    let _ = bundle.ignored().len();
    let keys: Vec<_> = sample_keys().iter().collect();
    let verification = bundle.verify_all(&keys, 1);
    assert!(verification.verified.len() <= entries);
    let written = Bundle::write(bundle.entries().iter().map(|e| &e.envelope));
    assert_eq!(Bundle::from_slice(&written).entries().len(), entries);
}
