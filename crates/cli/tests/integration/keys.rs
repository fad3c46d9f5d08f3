//! `in-toto key`: generation, key ids and key dicts, checked against the reference.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::util::*;

#[test]
fn generated_keys_match_the_reference_loader() {
    let tmp = TempDir::new("keys");
    let dir = tmp.path();
    for (name, args) in [
        ("ed", &["--type", "ed25519"][..]),
        ("rsa", &["--type", "rsa", "--bits", "2048"][..]),
        ("p256", &["--type", "ecdsa"][..]),
        ("p384", &["--type", "ecdsa", "--curve", "p384"][..]),
        ("enc", &["--type", "ed25519", "--password", "s3cret"][..]),
    ] {
        let mut c = ours("in-toto");
        c.args(["key", "generate"]).args(args).args(["-o", name]);
        expect_code(c, dir, 0);
        let mode = fs::metadata(dir.join(name)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{name} must be owner-only");
        // `key show` prints exactly the dict the reference derives from the public key.
        let mut c = ours("in-toto");
        c.args(["key", "show", &format!("{name}.pub")]);
        let ours_dict = String::from_utf8(expect_code(c, dir, 0).stdout).unwrap();
        let script = r#"
import json, sys
from in_toto.models._signer import load_public_key_from_file, load_crypto_signer_from_pkcs8_file
a = json.load(sys.stdin)
k = load_public_key_from_file(a["pub"])
load_crypto_signer_from_pkcs8_file(a["priv"], a["pw"].encode() if a["pw"] else None)
print(json.dumps(k, indent=1, sort_keys=True))
"#;
        let pw = if name == "enc" { "\"s3cret\"" } else { "null" };
        let input = format!(r#"{{"pub": "{name}.pub", "priv": "{name}", "pw": {pw}}}"#);
        let theirs_dict = String::from_utf8(python(script, input.as_bytes(), dir)).unwrap();
        assert_eq!(ours_dict, theirs_dict, "{name}");
        // `key id` agrees.
        let mut c = ours("in-toto");
        c.args(["key", "id", &format!("{name}.pub")]);
        let id = String::from_utf8(expect_code(c, dir, 0).stdout).unwrap();
        assert!(theirs_dict.contains(id.split_whitespace().next().unwrap()));
    }
    // Refuses to overwrite.
    let mut c = ours("in-toto");
    c.args(["key", "generate", "-o", "ed"]);
    let out = expect_code(c, dir, 1);
    assert!(stderr(&out).contains("already exists"));
}
