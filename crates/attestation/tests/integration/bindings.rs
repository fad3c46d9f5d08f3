//! Interoperability with the `in-toto-attestation` Python bindings from
//! PyPI (0.9.3, installed into the oracle venv by `scripts/oracle-venv`).
//!
//! Statements we emit parse with the bindings (`json_format.Parse` into
//! their `Statement` proto, `Statement.validate()`, and the typed predicate
//! protos for link, provenance and VSA), and what the bindings write back
//! reads here as the same Statement. Where the bindings and the
//! specification disagree, we follow the specification, and each such
//! deviation is one test named `bindings_...` that shows both sides.

use intoto_attestation::{
    ClassicLink, Error, Predicate, ResourceDescriptor, STATEMENT_V0_1, STATEMENT_V1, Statement,
};
use intoto_cjson::{Style, Value, to_python_json};
use intoto_testkit::TempDir;

use crate::common::{
    hex64, json, keys, link_statement, object, other_statement, provenance_statement, vsa_statement,
};

/// Reads a list of cases from stdin and writes one outcome per case.
const SCRIPT: &str = r#"
import json, sys
try:
    import in_toto_attestation
    from google.protobuf import json_format
    from in_toto_attestation.v1.statement import Statement
    from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor
    import in_toto_attestation.v1.statement_pb2 as spb
    import in_toto_attestation.v1.resource_descriptor_pb2 as rdpb
    from in_toto_attestation.predicates.link.v0 import link_pb2
    from in_toto_attestation.predicates.provenance.v1 import provenance_pb2
    from in_toto_attestation.predicates.vsa.v1 import vsa_pb2
except ImportError as e:
    sys.exit("the in-toto-attestation bindings are missing from the oracle venv (%s): "
             "run scripts/oracle-venv, or pip install in-toto-attestation==0.9.3 into it" % e)

TYPED = {
    "https://in-toto.io/attestation/link/v0.3": link_pb2.Link,
    "https://slsa.dev/provenance/v1": provenance_pb2.Provenance,
    "https://slsa.dev/verification_summary/v1": vsa_pb2.VerificationSummary,
}

def run(case):
    ignore = case["ignore_unknown"]
    out = {"ok": False, "error": "", "statement": None,
           "typed_ok": None, "typed_error": "", "predicate": None}
    try:
        if case["kind"] == "descriptor":
            pb = rdpb.ResourceDescriptor()
            json_format.Parse(case["json"], pb, ignore_unknown_fields=ignore)
            ResourceDescriptor.copy_from_pb(pb).validate()
        else:
            pb = spb.Statement()
            json_format.Parse(case["json"], pb, ignore_unknown_fields=ignore)
            Statement.copy_from_pb(pb).validate()
            out["statement"] = json_format.MessageToJson(pb, indent=None)
        out["ok"] = True
    except Exception as e:
        out["error"] = "%s: %s" % (type(e).__name__, e)
        return out
    d = json.loads(case["json"]) if case["kind"] == "statement" else {}
    cls = TYPED.get(d.get("predicateType"))
    if cls is not None and d.get("predicate") is not None:
        try:
            typed = cls()
            json_format.ParseDict(d["predicate"], typed, ignore_unknown_fields=ignore)
            out["predicate"] = json_format.MessageToJson(typed, indent=None)
            out["typed_ok"] = True
        except Exception as e:
            out["typed_ok"] = False
            out["typed_error"] = "%s: %s" % (type(e).__name__, e)
    return out

cases = json.load(sys.stdin)
from importlib.metadata import version
print(json.dumps({"version": version("in-toto-attestation"), "outcomes": [run(c) for c in cases]}))
"#;

/// What the bindings made of one case: the Statement (or descriptor)
/// layer, and for link, provenance and VSA predicates their typed proto.
#[derive(Debug)]
struct Outcome {
    ok: bool,
    error: String,
    statement: Option<String>,
    /// `None` when no typed proto applies (or the Statement failed).
    typed_ok: Option<bool>,
    typed_error: String,
    predicate: Option<String>,
}

#[derive(Clone, Copy)]
enum Kind {
    Statement,
    Descriptor,
}

/// Runs the bindings over `cases` (kind, JSON text, ignore unknown fields).
fn bindings(cases: &[(Kind, String, bool)]) -> Vec<Outcome> {
    let input: Value = cases
        .iter()
        .map(|(kind, text, ignore)| {
            let kind = match kind {
                Kind::Statement => "statement",
                Kind::Descriptor => "descriptor",
            };
            Value::Object(object(&[
                ("kind", Value::from(kind)),
                ("json", Value::from(text.as_str())),
                ("ignore_unknown", Value::from(*ignore)),
            ]))
        })
        .collect();
    let dir = TempDir::new("bindings");
    let stdin = to_python_json(&input, Style::Compact);
    let out = intoto_testkit::python(SCRIPT, stdin.as_bytes(), dir.path());
    let out = intoto_cjson::from_slice(&out).unwrap();
    assert_eq!(
        out.get("version").and_then(Value::as_str),
        Some("0.9.3"),
        "the deviation tests describe in-toto-attestation 0.9.3"
    );
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    out.get("outcomes")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| Outcome {
            ok: o.get("ok").and_then(Value::as_bool).unwrap(),
            error: text(o, "error").unwrap_or_default(),
            statement: text(o, "statement"),
            typed_ok: o.get("typed_ok").and_then(Value::as_bool),
            typed_error: text(o, "typed_error").unwrap_or_default(),
            predicate: text(o, "predicate"),
        })
        .collect()
}

fn statements(texts: &[String]) -> Vec<Outcome> {
    let cases: Vec<_> = texts
        .iter()
        .map(|t| (Kind::Statement, t.clone(), false))
        .collect();
    bindings(&cases)
}

/// The Statement with its `predicate` replaced.
fn with_predicate(s: &Statement, predicate: Value) -> Value {
    let mut v = s.to_value().into_object().unwrap();
    v.insert("predicate".into(), predicate);
    Value::Object(v)
}

fn ours(text: &str) -> Result<Statement, Error> {
    Statement::from_slice(text.as_bytes())
}

fn statement_text(subject: &str, predicate_type: &str, predicate: Option<&str>) -> String {
    let mut s = format!(
        r#"{{"_type": "{STATEMENT_V1}", "subject": {subject}, "predicateType": "{predicate_type}""#
    );
    if let Some(p) = predicate {
        s.push_str(&format!(r#", "predicate": {p}"#));
    }
    s.push('}');
    s
}

fn subject() -> String {
    format!(
        r#"[{{"name": "a", "digest": {{"sha256": "{}"}}}}]"#,
        hex64('a')
    )
}

#[test]
fn statements_we_emit_parse_with_the_bindings_and_come_back_unchanged() {
    let samples = [
        link_statement(false),
        provenance_statement(),
        vsa_statement(false, false),
        other_statement(),
    ];
    let texts: Vec<String> = samples.iter().map(Statement::to_json).collect();
    let outcomes = statements(&texts);
    for (s, o) in samples.iter().zip(&outcomes) {
        let pt = s.predicate_type();
        assert!(o.ok, "{pt}: {}", o.error);
        // What the bindings write is the same Statement here.
        let back = ours(o.statement.as_deref().unwrap()).unwrap();
        assert_eq!(&back, s, "{pt}");
        // Link and provenance predicates parse with their typed protos,
        // and what those write is the same predicate here. (The typed VSA
        // proto of 0.9.3 cannot take a specification-conformant VSA; see
        // `bindings_vsa_verified_levels_is_a_single_string`.)
        match &s.predicate {
            Predicate::Link(_) | Predicate::Provenance(_) => {
                assert_eq!(o.typed_ok, Some(true), "{pt}: {}", o.typed_error);
                let typed = json(o.predicate.as_deref().unwrap());
                let back = Statement::from_value(&with_predicate(s, typed)).unwrap();
                assert_eq!(&back, s, "{pt}");
            }
            Predicate::Vsa(_) => assert_eq!(o.typed_ok, Some(false)),
            _ => assert_eq!(o.typed_ok, None),
        }
    }
    // A VSA shaped the way the 0.9.3 proto wants it parses as a typed VSA
    // too, and what it writes back is our VSA again.
    let vsa = vsa_statement(false, false);
    let o = statements(&[bindings_shaped_vsa(&vsa)]);
    assert_eq!(o[0].typed_ok, Some(true), "{}", o[0].typed_error);
    let mut typed = json(o[0].predicate.as_deref().unwrap());
    let level = typed.get("verifiedLevels").unwrap().clone();
    typed
        .as_object_mut()
        .unwrap()
        .insert("verifiedLevels".into(), Value::Array(vec![level]));
    assert_eq!(
        Statement::from_value(&with_predicate(&vsa, typed)).unwrap(),
        vsa
    );
}

/// A VSA Statement rewritten the way the 0.9.3 VSA proto wants it: its
/// single verified level as a string instead of a list.
fn bindings_shaped_vsa(s: &Statement) -> String {
    let mut v = s.to_value();
    let p = v.get_mut("predicate").unwrap().as_object_mut().unwrap();
    let first = p["verifiedLevels"].as_array().unwrap()[0].clone();
    p.insert("verifiedLevels".into(), first);
    to_python_json(&v, Style::Compact)
}

#[test]
fn signed_statements_parse_with_the_bindings() {
    // The payload of an envelope we sign is the Statement the bindings read.
    let env = link_statement(false).sign(&[&keys().alice]).unwrap();
    let text = String::from_utf8(env.payload).unwrap();
    let o = statements(&[text]);
    assert!(o[0].ok, "{}", o[0].error);
}

#[test]
fn bindings_require_a_predicate_that_the_spec_makes_optional() {
    let pt = "https://example.com/p/v1";
    let texts = vec![
        statement_text(&subject(), pt, None),
        statement_text(&subject(), pt, Some("null")),
        statement_text(&subject(), pt, Some("{}")),
    ];
    for (t, o) in texts.iter().zip(statements(&texts)) {
        assert!(ours(t).is_ok(), "{t}");
        assert!(
            !o.ok && o.error.contains("Predicate object required"),
            "{t}: {o:?}"
        );
    }
}

#[test]
fn bindings_require_a_subject_that_the_spec_lets_be_empty() {
    // A step without products is a link Statement without subjects.
    let classic = ClassicLink {
        name: "test".into(),
        command: vec!["pytest".into()],
        ..ClassicLink::default()
    };
    let s = Statement::from_classic_link(&classic).unwrap();
    assert!(s.subject.is_empty());
    let env = s.sign(&[&keys().alice]).unwrap();
    let verified =
        intoto_attestation::VerifiedStatement::verify(&env, &[keys().alice.public_key()], 1)
            .unwrap();
    assert_eq!(verified.statement().to_classic_link().unwrap(), classic);
    let o = statements(&[s.to_json()]);
    assert!(
        !o[0].ok && o[0].error.contains("At least one subject required"),
        "{o:?}"
    );
}

#[test]
fn bindings_refuse_the_deprecated_statement_type_v0_1() {
    let text = statement_text(
        &subject(),
        "https://example.com/p/v1",
        Some(r#"{"k": "v"}"#),
    )
    .replace(STATEMENT_V1, STATEMENT_V0_1);
    let s = ours(&text).unwrap();
    assert_eq!(s.deprecations()[0].found, STATEMENT_V0_1);
    let o = statements(&[text]);
    assert!(
        !o[0].ok && o[0].error.contains("Wrong statement type"),
        "{o:?}"
    );
    // What we write instead (v1) is accepted.
    let o = statements(&[s.to_json()]);
    assert!(o[0].ok, "{}", o[0].error);
}

#[test]
fn bindings_accept_a_descriptor_with_only_a_name() {
    let text = r#"{"name": "only-a-name"}"#.to_owned();
    assert!(matches!(
        ResourceDescriptor::from_value(&json(&text)),
        Err(Error::EmptyDescriptor { .. })
    ));
    let o = bindings(&[(Kind::Descriptor, text, false)]);
    assert!(o[0].ok, "{}", o[0].error);
}

#[test]
fn bindings_refuse_a_descriptor_with_only_content() {
    let text = r#"{"content": "aGVsbG8="}"#.to_owned();
    let rd = ResourceDescriptor::from_value(&json(&text)).unwrap();
    assert_eq!(rd.content(), Some(&b"hello"[..]));
    let o = bindings(&[(Kind::Descriptor, text, false)]);
    assert!(
        !o[0].ok && o[0].error.contains("At least one of name, URI, or digest"),
        "{o:?}"
    );
}

#[test]
fn bindings_do_not_check_digest_values() {
    let digests = [
        format!(r#"{{"sha256": "{}"}}"#, hex64('A')),
        format!(r#"{{"sha256": "{}"}}"#, &hex64('a')[1..]),
        format!(r#"{{"gitCommit": "{}"}}"#, "a".repeat(50)),
        format!(r#"{{"md5": "{}"}}"#, "g".repeat(32)),
        r#"{"customAlgorithm": ""}"#.to_owned(),
    ];
    let texts: Vec<String> = digests
        .iter()
        .map(|d| {
            statement_text(
                &format!(r#"[{{"name": "a", "digest": {d}}}]"#),
                "https://example.com/p/v1",
                Some(r#"{"k": "v"}"#),
            )
        })
        .collect();
    for (t, o) in texts.iter().zip(statements(&texts)) {
        assert!(matches!(ours(t), Err(Error::Digest { .. })), "{t}");
        assert!(o.ok, "{t}: {}", o.error);
    }
}

#[test]
fn bindings_refuse_unknown_fields_that_the_spec_says_to_ignore() {
    let mut s = other_statement();
    s.extensions
        .insert("https://example.com/ext".into(), Value::from("x"));
    s.subject[0]
        .extensions
        .insert("vendor_field".into(), Value::from(1i64));
    let text = s.to_json();
    assert_eq!(ours(&text).unwrap(), s);
    let o = bindings(&[
        (Kind::Statement, text.clone(), false),
        (Kind::Statement, text, true),
    ]);
    assert!(!o[0].ok && o[0].error.starts_with("ParseError"), "{o:?}");
    assert!(o[1].ok, "with ignore_unknown_fields: {}", o[1].error);
}

#[test]
fn bindings_vsa_verified_levels_is_a_single_string() {
    // The specification (and the bindings' repository since) make
    // `verifiedLevels` an array; the released 0.9.3 proto has one string.
    let s = vsa_statement(false, false);
    let o = statements(&[s.to_json()]);
    assert!(o[0].ok, "{}", o[0].error);
    assert_eq!(o[0].typed_ok, Some(false));
    assert!(o[0].typed_error.contains("verifiedLevels"), "{o:?}");
    // What the proto wants is refused here, naming the field.
    let shaped = bindings_shaped_vsa(&s);
    assert_eq!(
        ours(&shaped).unwrap_err().to_string(),
        "'predicate.verifiedLevels' must be an array, found string"
    );
    let o = statements(&[shaped]);
    assert_eq!(o[0].typed_ok, Some(true), "{}", o[0].typed_error);
}

#[test]
fn bindings_vsa_proto_lacks_verifier_version() {
    let s = vsa_statement(true, false);
    assert_eq!(ours(&s.to_json()).unwrap(), s);
    let o = statements(&[bindings_shaped_vsa(&s)]);
    // The Statement layer takes it (the predicate is a Struct there), the
    // typed VSA proto does not know `verifier.version`.
    assert!(o[0].ok, "{}", o[0].error);
    assert_eq!(o[0].typed_ok, Some(false));
    assert!(
        o[0].typed_error
            .contains("Verifier\" has no field named \"version\""),
        "{o:?}"
    );
}

#[test]
fn bindings_vsa_policy_and_inputs_take_only_uri_and_digest() {
    // The specification makes `policy` and each input attestation a
    // ResourceDescriptor; the bindings' proto has only `uri` and `digest`.
    let mut with_name = vsa_statement(false, false);
    let mut with_media_type = with_name.clone();
    if let Predicate::Vsa(vsa) = &mut with_name.predicate {
        vsa.policy.name = Some("root.layout".into());
    }
    if let Predicate::Vsa(vsa) = &mut with_media_type.predicate {
        vsa.input_attestations.as_mut().unwrap()[0].media_type =
            Some("application/vnd.in-toto.bundle".into());
    }
    for (s, message) in [
        (
            with_name,
            "VerificationSummary.Policy\" has no field named \"name\"",
        ),
        (
            with_media_type,
            "InputAttestation\" has no field named \"mediaType\"",
        ),
    ] {
        assert_eq!(ours(&s.to_json()).unwrap(), s);
        let o = statements(&[bindings_shaped_vsa(&s)]);
        assert!(o[0].ok, "{}", o[0].error);
        assert_eq!(o[0].typed_ok, Some(false));
        assert!(o[0].typed_error.contains(message), "{o:?}");
    }
}

#[test]
fn bindings_turn_predicate_numbers_into_doubles() {
    let mut s = link_statement(true);
    if let Predicate::Link(link) = &mut s.predicate {
        link.byproducts
            .insert("big".into(), json("9007199254740993"));
    }
    assert_eq!(ours(&s.to_json()).unwrap(), s);
    let o = statements(&[s.to_json()]);
    assert!(o[0].ok, "{}", o[0].error);
    let back = json(o[0].statement.as_deref().unwrap());
    let byproducts = back.get("predicate").unwrap().get("byproducts").unwrap();
    // 0 comes back as 0.0, and 2^53 + 1 as 2^53.
    assert_eq!(
        byproducts
            .get("return-value")
            .unwrap()
            .as_number()
            .unwrap()
            .as_str(),
        "0.0"
    );
    assert_ne!(
        byproducts.get("big").unwrap().as_number().unwrap().as_str(),
        "9007199254740993"
    );
    assert_ne!(ours(o[0].statement.as_deref().unwrap()).unwrap(), s);
}

#[test]
fn bindings_write_vsa_dependency_levels_as_strings() {
    let s = vsa_statement(false, true);
    let o = statements(&[bindings_shaped_vsa(&s)]);
    assert_eq!(o[0].typed_ok, Some(true), "{}", o[0].typed_error);
    let mut typed = json(o[0].predicate.as_deref().unwrap());
    assert_eq!(
        typed
            .get("dependencyLevels")
            .unwrap()
            .get("SLSA_BUILD_LEVEL_1"),
        Some(&Value::from("3"))
    );
    let level = typed.get("verifiedLevels").unwrap().clone();
    typed
        .as_object_mut()
        .unwrap()
        .insert("verifiedLevels".into(), Value::Array(vec![level]));
    // The specification says integers; what the bindings write is refused.
    assert_eq!(
        Statement::from_value(&with_predicate(&s, typed))
            .unwrap_err()
            .to_string(),
        "'predicate.dependencyLevels.SLSA_BUILD_LEVEL_1' must be a non-negative integer, found string"
    );
}

#[test]
fn bindings_do_not_check_link_rules() {
    let link = "https://in-toto.io/attestation/link/v0.3";
    let d = |c: char| format!(r#"{{"sha256": "{}"}}"#, hex64(c));
    let texts = vec![
        statement_text(
            &format!(
                r#"[{{"name": "p", "digest": {}}}, {{"name": "p", "digest": {}}}]"#,
                d('a'),
                d('b')
            ),
            link,
            Some(r#"{"name": "s"}"#),
        ),
        statement_text(
            &subject(),
            link,
            Some(r#"{"name": "s", "materials": [{"name": "m", "uri": "https://x/m"}]}"#),
        ),
        statement_text(&subject(), link, Some(r#"{"command": ["make"]}"#)),
    ];
    for (t, o) in texts.iter().zip(statements(&texts)) {
        assert!(ours(t).is_err(), "{t}");
        assert!(o.ok, "{t}: {}", o.error);
    }
}

#[test]
fn bindings_do_not_check_uris() {
    let texts = vec![
        statement_text(&subject(), "HTTPS://Example.com/p", Some(r#"{"k": "v"}"#)),
        statement_text(
            &format!(
                r#"[{{"uri": "not a uri", "digest": {{"sha256": "{}"}}}}]"#,
                hex64('a')
            ),
            "https://example.com/p",
            Some(r#"{"k": "v"}"#),
        ),
    ];
    for (t, o) in texts.iter().zip(statements(&texts)) {
        assert!(matches!(ours(t), Err(Error::Uri { .. })), "{t}");
        assert!(o.ok, "{t}: {}", o.error);
    }
}

#[test]
fn bindings_accept_timestamps_with_offsets_and_rewrite_them() {
    let p = r#"{"buildDefinition": {"buildType": "https://x/t"}, "runDetails": {"builder": {"id": "https://x/b"}, "metadata": {"startedOn": "2024-01-01T00:00:00+01:00"}}}"#;
    let t = statement_text(&subject(), "https://slsa.dev/provenance/v1", Some(p));
    assert!(matches!(ours(&t), Err(Error::Timestamp { .. })));
    let o = statements(&[t]);
    assert!(o[0].ok, "{}", o[0].error);
    let typed = json(o[0].predicate.as_deref().unwrap());
    assert_eq!(
        typed
            .get("runDetails")
            .and_then(|r| r.get("metadata"))
            .and_then(|m| m.get("startedOn"))
            .and_then(Value::as_str),
        Some("2023-12-31T23:00:00Z")
    );
}

#[test]
fn bindings_do_not_check_required_predicate_fields() {
    let mut vsa = json(&bindings_shaped_vsa(&vsa_statement(false, false)));
    let p = vsa.get_mut("predicate").unwrap().as_object_mut().unwrap();
    p.insert("verificationResult".into(), Value::from("MAYBE"));
    p.remove("resourceUri");
    let vsa = to_python_json(&vsa, Style::Compact);
    let provenance = statement_text(
        &subject(),
        "https://slsa.dev/provenance/v1",
        Some(r#"{"buildDefinition": {}, "runDetails": {"builder": {}}}"#),
    );
    let texts = vec![vsa, provenance];
    for (t, o) in texts.iter().zip(statements(&texts)) {
        assert!(ours(t).is_err(), "{t}");
        assert!(o.ok, "{t}: {}", o.error);
        assert_eq!(o.typed_ok, Some(true), "{t}: {}", o.typed_error);
    }
}
