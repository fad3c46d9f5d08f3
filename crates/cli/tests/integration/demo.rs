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
    // A non-empty --dir is refused.
    let mut c = ours("in-toto");
    c.args(["demo", "--dir"]).arg(&dir);
    let out = expect_code(c, tmp.path(), 1);
    assert!(stderr(&out).contains("not empty"));
}
