//! Running our binary and the reference's tools.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

pub use intoto_testkit::{TempDir, oracle_tool, python, ref_samples};

/// Our binary acting as `tool` (e.g. `in-toto-sign`), or as `in-toto` itself.
pub fn ours(tool: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_in-toto"));
    c.arg0(tool);
    c.stdin(Stdio::null());
    c
}

/// The reference's tool.
pub fn theirs(tool: &str) -> Command {
    let mut c = oracle_tool(tool);
    c.stdin(Stdio::null());
    c
}

/// Runs and asserts the exit code, showing the output when it differs.
#[track_caller]
pub fn expect_code(mut cmd: Command, cwd: &Path, code: i32) -> Output {
    let shown = format!("{cmd:?}");
    let out = cmd.current_dir(cwd).output().expect("run command");
    assert_eq!(
        out.status.code(),
        Some(code),
        "{shown}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Text of stderr.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Python that writes a key pair `<name>` / `<name>.pub` in `dir` with the
/// reference's own crypto library: `kind` is ed25519, rsa, ecdsa-p256,
/// ecdsa-p384 or ecdsa-p521; a password encrypts the private key.
pub fn python_keypair(dir: &Path, name: &str, kind: &str, password: Option<&str>) {
    let script = r#"
import json, sys
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa, ec
from cryptography.hazmat.primitives import serialization as s
a = json.load(sys.stdin)
kind = a["kind"]
if kind == "ed25519":
    k = ed25519.Ed25519PrivateKey.generate()
elif kind == "rsa":
    k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
else:
    curve = {"ecdsa-p256": ec.SECP256R1(), "ecdsa-p384": ec.SECP384R1(), "ecdsa-p521": ec.SECP521R1()}[kind]
    k = ec.generate_private_key(curve)
enc = s.BestAvailableEncryption(a["password"].encode()) if a["password"] else s.NoEncryption()
open(a["name"], "wb").write(k.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, enc))
open(a["name"] + ".pub", "wb").write(k.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo))
"#;
    let args = format!(
        r#"{{"kind": "{kind}", "name": "{name}", "password": {}}}"#,
        password
            .map(|p| format!("\"{p}\""))
            .unwrap_or_else(|| "null".into())
    );
    python(script, args.as_bytes(), dir);
}

/// Python that writes the reference's two-stage example layout, signed by
/// `owner` (a PKCS#8 file in `dir`), with `func.pub` as the build functionary.
/// `dsse` selects the DSSE container.
pub fn python_layout(dir: &Path, owner: &str, func_pub: &str, out: &str, dsse: bool) {
    let script = r#"
import json, sys
from in_toto.models.layout import Layout, Step, Inspection
from in_toto.models.metadata import Metablock, Envelope
from in_toto.models._signer import load_crypto_signer_from_pkcs8_file
a = json.load(sys.stdin)
layout = Layout()
layout.set_relative_expiration(months=4)
key = layout.add_functionary_key_from_path(a["func_pub"])
build = Step(name="build")
build.pubkeys = [key["keyid"]]
build.set_expected_command_from_string("python -m build")
for r in ["ALLOW pyproject.toml", "ALLOW src/*", "DISALLOW *"]:
    build.add_material_rule_from_string(r)
for r in ["CREATE dist/*", "DISALLOW *"]:
    build.add_product_rule_from_string(r)
check = Inspection(name="check-dist")
check.set_run_from_string("test -d dist")
check.add_material_rule_from_string("MATCH dist/* WITH PRODUCTS FROM build")
layout.steps = [build]
layout.inspect = [check]
layout.readme = "caf\u00e9 \"two-stage\" example\n"
md = Envelope.from_signable(layout) if a["dsse"] else Metablock(signed=layout)
md.create_signature(load_crypto_signer_from_pkcs8_file(a["owner"]))
md.dump(a["out"])
"#;
    let args = format!(
        r#"{{"owner": "{owner}", "func_pub": "{func_pub}", "out": "{out}", "dsse": {dsse}}}"#
    );
    python(script, args.as_bytes(), dir);
}
