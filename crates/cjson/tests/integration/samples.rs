//! The reference's sample vectors (`tests/fixtures/python-in-toto-3.1.0/samples`).

use intoto_cjson::{Style, Value, from_slice, to_canonical, to_python_json};
use intoto_testkit::ref_samples;

use crate::base64_decode;

fn read(name: &str) -> Vec<u8> {
    let path = ref_samples().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn parse(name: &str) -> Value {
    from_slice(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn canonical_json_vectors() {
    let vectors = parse("canonical-json-vectors.json");
    let vectors = vectors.as_array().unwrap();
    assert_eq!(vectors.len(), 4, "the sample file has four vectors");
    for vector in vectors {
        let input = vector.get("input_json").unwrap().as_str().unwrap();
        let want = base64_decode(
            vector
                .get("canonical_utf8_base64")
                .unwrap()
                .as_str()
                .unwrap(),
        );
        let text = vector.get("canonical_text").unwrap().as_str().unwrap();
        assert_eq!(want, text.as_bytes(), "the vector is self-consistent");
        let value = from_slice(input.as_bytes()).unwrap();
        assert_eq!(
            to_canonical(&value).unwrap(),
            want,
            "canonical form of {input}"
        );
    }
}

#[test]
fn signed_bytes_of_link_and_layout() {
    for (file, canonical) in [
        ("build.a8007901.link", "build.canonical"),
        ("root.layout", "root.canonical"),
    ] {
        let metablock = parse(file);
        let signed = metablock.get("signed").unwrap();
        assert_eq!(
            to_canonical(signed).unwrap(),
            read(canonical),
            "canonical form of the signed part of {file}"
        );
    }
}

#[test]
fn metablock_files_are_reproduced_byte_for_byte() {
    for file in ["build.a8007901.link", "root.layout"] {
        let bytes = read(file);
        let written = to_python_json(&from_slice(&bytes).unwrap(), Style::Indent1);
        assert_eq!(written, String::from_utf8(bytes).unwrap(), "{file}");
    }
}

#[test]
fn dsse_payload_and_envelopes_are_reproduced_byte_for_byte() {
    let payload = read("build.dsse.payload");
    let written = to_python_json(&from_slice(&payload).unwrap(), Style::Spaced);
    assert_eq!(written.as_bytes(), payload);

    let envelope = read("build.dsse.link");
    let value = from_slice(&envelope).unwrap();
    assert_eq!(to_python_json(&value, Style::Spaced).as_bytes(), envelope);
    let carried = base64_decode(value.get("payload").unwrap().as_str().unwrap());
    assert_eq!(carried, payload, "the envelope carries the payload sample");

    let layout = read("root.dsse.layout");
    let value = from_slice(&layout).unwrap();
    assert_eq!(to_python_json(&value, Style::Spaced).as_bytes(), layout);
    // The layout payload round-trips through our reader and writer too.
    let inner = base64_decode(value.get("payload").unwrap().as_str().unwrap());
    let inner_value = from_slice(&inner).unwrap();
    assert_eq!(
        to_python_json(&inner_value, Style::Spaced).as_bytes(),
        inner
    );
}
