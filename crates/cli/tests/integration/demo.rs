//! `in-toto demo` runs the whole chain, passes, then catches the attack.

use crate::util::*;

#[test]
fn demo_passes_then_catches_the_tampering() {
    let tmp = TempDir::new("demo");
    let dir = tmp.join("d");
    let mut c = ours("in-toto");
    c.args(["demo", "--dir"]).arg(&dir);
    let out = expect_code(c, tmp.path(), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("verdict: PASSED"), "{text}");
    assert!(
        text.contains("verdict: FAILED: the tampering was caught"),
        "{text}"
    );
    // The explanation names the broken link and the rule with both digests.
    assert!(text.contains("Invalid signature for keyid"), "{text}");
    assert!(text.contains("'DISALLOW *' matched 1 artifact"), "{text}");
    assert!(text.contains("digests differ"), "{text}");
    // The chain recorded as attestations verifies under the same layout,
    // and the summary written for it verifies as a VSA of the package.
    assert!(text.contains("--attestation"), "{text}");
    assert!(text.contains("in-toto attest provenance"), "{text}");
    assert!(
        text.contains("verdict: PASSED, and the signed verification summary checks out"),
        "{text}"
    );
    assert!(text.contains("app.tar.vsa.json: verified"), "{text}");
    assert!(
        text.contains("predicate type: https://slsa.dev/verification_summary/v1"),
        "{text}"
    );
    // In the kept directory: the evidence really is attestations.
    let links = dir.join("attestations/final/links");
    let mut kinds = Vec::new();
    for entry in std::fs::read_dir(&links).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        kinds.push((name, text.contains("\"payloadType\"")));
    }
    kinds.sort();
    let dsse: Vec<_> = kinds
        .iter()
        .filter(|k| k.1)
        .map(|k| &k.0[..k.0.find('.').unwrap()])
        .collect();
    assert_eq!(dsse, ["build", "package", "write-code"], "{kinds:?}");
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    // A non-empty --dir is refused.
    let mut c = ours("in-toto");
    c.args(["demo", "--dir"]).arg(&dir);
    let out = expect_code(c, tmp.path(), 1);
    assert!(stderr(&out).contains("not empty"));
}
