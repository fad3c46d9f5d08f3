//! Reading Statements: what the specification requires, what it leaves
//! optional, and typed errors that name the field.

use intoto_attestation::{
    Error, LINK_V0_3, Predicate, STATEMENT_V0_1, STATEMENT_V1, Statement, StatementType,
};
use intoto_cjson::Value;

use crate::common::{
    hex64, json, link_statement, other_statement, provenance_statement, vsa_statement,
};

fn read(text: &str) -> Result<Statement, Error> {
    Statement::from_slice(text.as_bytes())
}

fn error(text: &str) -> String {
    read(text).unwrap_err().to_string()
}

/// A Statement with `subject` and `predicate` spliced in.
fn with(subject: &str, predicate_type: &str, predicate: &str) -> String {
    let mut s = format!(
        r#"{{"_type": "{STATEMENT_V1}", "subject": {subject}, "predicateType": "{predicate_type}""#
    );
    if !predicate.is_empty() {
        s.push_str(&format!(r#", "predicate": {predicate}"#));
    }
    s.push('}');
    s
}

fn one_subject() -> String {
    format!(
        r#"[{{"name": "a", "digest": {{"sha256": "{}"}}}}]"#,
        hex64('a')
    )
}

#[test]
fn samples_round_trip() {
    for s in [
        link_statement(true),
        provenance_statement(),
        vsa_statement(true, true),
        other_statement(),
    ] {
        s.validate().unwrap();
        assert_eq!(Statement::from_value(&s.to_value()).unwrap(), s);
        assert_eq!(Statement::from_slice(s.to_json().as_bytes()).unwrap(), s);
        assert_eq!(
            s.to_value().get("_type").unwrap().as_str(),
            Some(STATEMENT_V1)
        );
    }
}

#[test]
fn predicate_is_optional_and_unset_is_empty() {
    let pt = "https://example.com/p/v1";
    for predicate in ["", "null", "{}"] {
        let s = read(&with(&one_subject(), pt, predicate)).unwrap();
        assert_eq!(s.predicate_type(), pt);
        assert!(s.deprecations().is_empty());
        // Unset stays unset on writing; set-but-empty stays empty.
        assert_eq!(
            s.to_value().get("predicate").is_some(),
            predicate == "{}",
            "{predicate:?}"
        );
    }
    assert_eq!(
        error(&with(&one_subject(), pt, "[]")),
        "'predicate' must be an object, found array"
    );
    // A typed predicate left unset is an empty one, and a link needs a name.
    assert_eq!(
        error(&with(&one_subject(), LINK_V0_3, "")),
        "'predicate.name' is required"
    );
}

#[test]
fn subjects_may_be_empty_but_each_needs_a_digest() {
    let s = read(&with("[]", "https://example.com/p/v1", "")).unwrap();
    assert!(s.subject.is_empty());
    for (subject, message) in [
        (
            r#"[{"name": "a"}]"#.to_owned(),
            "'subject[0]': a ResourceDescriptor needs at least one of 'uri', 'digest' or 'content'",
        ),
        (
            r#"[{"name": "a", "uri": "https://x/a"}]"#.to_owned(),
            "'subject[0].digest' is required",
        ),
        (
            r#"[{"name": "a", "uri": "https://x/a", "digest": {}}]"#.to_owned(),
            "'subject[0].digest' is required",
        ),
        (
            format!(
                r#"[{{"digest": {{"sha256": "{}"}}}}, {{"digest": {{"sha256": "{}x"}}}}]"#,
                hex64('a'),
                hex64('b')
            ),
            "'subject[1].digest': digest 'sha256': 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbx' is not lower-case hex",
        ),
        ("{}".to_owned(), "'subject' must be an array, found object"),
        ("null".to_owned(), "'subject' is required"),
    ] {
        assert_eq!(
            error(&with(&subject, "https://example.com/p/v1", "")),
            message,
            "{subject}"
        );
    }
}

#[test]
fn statement_type() {
    let v1 = with(&one_subject(), "https://example.com/p/v1", "");
    let old = v1.replace(STATEMENT_V1, STATEMENT_V0_1);
    let s = read(&old).unwrap();
    assert_eq!(s.statement_type, StatementType::V0_1);
    let deprecations = s.deprecations();
    assert_eq!(deprecations.len(), 1);
    assert_eq!(deprecations[0].field, "_type");
    assert_eq!(deprecations[0].found, STATEMENT_V0_1);
    assert_eq!(deprecations[0].replacement, STATEMENT_V1);
    // The canonical type is what gets written.
    assert_eq!(
        s.to_value().get("_type").unwrap().as_str(),
        Some(STATEMENT_V1)
    );
    assert_eq!(
        read(&s.to_json()).unwrap().statement_type,
        StatementType::V1
    );

    for (text, message) in [
        (
            v1.replace(STATEMENT_V1, "https://in-toto.io/Statement/v2"),
            "not an in-toto Statement: '_type' is 'https://in-toto.io/Statement/v2' (expected 'https://in-toto.io/Statement/v1')",
        ),
        (
            v1.replace(STATEMENT_V1, "link"),
            "not an in-toto Statement: '_type' is 'link' (expected 'https://in-toto.io/Statement/v1')",
        ),
        (
            v1.replace(STATEMENT_V1, "https://in-toto.io/statement/v1"),
            "not an in-toto Statement: '_type' is 'https://in-toto.io/statement/v1' (expected 'https://in-toto.io/Statement/v1')",
        ),
        (
            v1.replace(&format!("\"{STATEMENT_V1}\""), "1"),
            "'_type' must be a string, found number",
        ),
        (
            v1.replace(&format!("\"_type\": \"{STATEMENT_V1}\", "), ""),
            "'_type' is required",
        ),
    ] {
        assert_eq!(error(&text), message, "{text}");
    }
}

#[test]
fn a_classic_link_or_layout_is_not_a_statement() {
    assert_eq!(
        error(r#"{"_type": "link", "name": "x", "materials": {}, "products": {}}"#),
        "not an in-toto Statement: '_type' is 'link' (expected 'https://in-toto.io/Statement/v1')"
    );
    assert_eq!(
        error(r#"{"_type": "layout", "steps": []}"#),
        "not an in-toto Statement: '_type' is 'layout' (expected 'https://in-toto.io/Statement/v1')"
    );
}

#[test]
fn predicate_type_is_a_case_normalised_uri() {
    for (pt, message) in [
        ("", "'predicateType' must not be empty"),
        (
            "my-predicate",
            "'predicateType': 'my-predicate' is not a valid URI: it has no scheme",
        ),
        (
            "HTTPS://example.com/p",
            "'predicateType': 'HTTPS://example.com/p' is not a valid URI: the scheme is not in lower case",
        ),
        (
            "https://Example.com/p",
            "'predicateType': 'https://Example.com/p' is not a valid URI: the authority is not in lower case",
        ),
    ] {
        assert_eq!(error(&with(&one_subject(), pt, "")), message, "{pt}");
    }
}

#[test]
fn deprecated_predicate_types_are_reported_and_kept_opaque() {
    for (pt, replacement) in [
        ("https://in-toto.io/Link/v0.2", LINK_V0_3),
        ("https://in-toto.io/Link/v1", LINK_V0_3),
        (
            "https://in-toto.io/Provenance/v0.1",
            "https://slsa.dev/provenance/v1",
        ),
    ] {
        let s = read(&with(
            &one_subject(),
            pt,
            r#"{"name": "x", "materials": {}}"#,
        ))
        .unwrap();
        assert!(matches!(s.predicate, Predicate::Other { .. }));
        let d = s.deprecations();
        assert_eq!(d.len(), 1, "{pt}");
        assert_eq!(
            (d[0].field, d[0].found.as_str(), d[0].replacement),
            ("predicateType", pt, replacement)
        );
    }
}

#[test]
fn unknown_fields_are_ignored_but_kept() {
    let text = with(
        &one_subject(),
        LINK_V0_3,
        r#"{"name": "s", "vendor_note": [1, 2]}"#,
    )
    .replacen('{', r#"{"https://example.com/ext": {"k": "v"}, "#, 1)
    .replace(r#""name": "a""#, r#""name": "a", "x-extra": null"#);
    let s = read(&text).unwrap();
    assert_eq!(s.extensions.len(), 1);
    let Predicate::Link(link) = &s.predicate else {
        panic!("a link")
    };
    assert_eq!(link.extensions.get("vendor_note"), Some(&json("[1, 2]")));
    assert_eq!(s.subject[0].extensions.get("x-extra"), Some(&Value::Null));
    let again = read(&s.to_json()).unwrap();
    assert_eq!(again, s);
    assert_eq!(
        again.to_value().get("https://example.com/ext"),
        Some(&json(r#"{"k": "v"}"#))
    );
}

#[test]
fn hostile_payloads_are_typed_errors() {
    let dup = format!(
        r#"{{"_type": "{STATEMENT_V1}", "subject": [], "subject": {}, "predicateType": "https://x/p"}}"#,
        one_subject()
    );
    assert!(matches!(read(&dup), Err(Error::Json(_))));
    assert_eq!(
        read(&dup).unwrap_err().to_string(),
        "the payload is not valid JSON: duplicate key \"subject\" at line 1 column 61"
    );
    for bad in ["", "[]", "\"x\"", "{", &"[".repeat(200_000)] {
        assert!(read(bad).is_err(), "{bad:.20}");
    }
    assert_eq!(error("[]"), "'<root>' must be an object, found array");
}
