//! Throwaway GnuPG homes for tests: keys are made in the test with the
//! `gpg` program (unprotected, so signing needs no passphrase), and the
//! home's `gpg-agent` is stopped when the home is dropped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::TempDir;

/// The `gpg` program the tests use (`$GNUPG` when set, else `gpg`).
pub fn gpg_program() -> PathBuf {
    std::env::var_os("GNUPG")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("gpg"))
}

/// A GnuPG home directory in a fresh temporary directory.
#[derive(Debug)]
pub struct GpgHome {
    home: PathBuf,
    // Dropped after `Drop::drop` has stopped the agent.
    _dir: TempDir,
}

/// A key made by [`GpgHome::gen_key`] or [`GpgHome::add_subkey`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpgKeyInfo {
    /// The fingerprint, upper-case hex as gpg prints it.
    pub fpr: String,
}

impl GpgKeyInfo {
    /// The fingerprint in lower case, as in-toto key ids are written.
    pub fn keyid(&self) -> String {
        self.fpr.to_lowercase()
    }
}

impl GpgHome {
    /// A new empty home (mode 0700, as gpg wants it).
    pub fn new(label: &str) -> Self {
        let dir = TempDir::new(&format!("gpg-{label}"));
        let home = dir.join("g");
        std::fs::create_dir(&home).expect("create gnupg home");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700))
                .expect("chmod gnupg home");
        }
        Self { home, _dir: dir }
    }

    /// The home directory (for `--homedir` / `--gpg-home`).
    pub fn path(&self) -> &Path {
        &self.home
    }

    /// `gpg --homedir <home> --batch` with no passphrase prompts.
    pub fn gpg(&self) -> Command {
        let mut c = Command::new(gpg_program());
        c.arg("--homedir")
            .arg(&self.home)
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .stdin(Stdio::null());
        c
    }

    /// Runs a gpg command and panics with its stderr when it fails.
    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.gpg().args(args).output().expect(
            "run gpg (install GnuPG: `apt-get install gnupg`, or set $GNUPG to the gpg binary)",
        );
        assert!(
            out.status.success(),
            "gpg {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Makes a primary key (`algo` e.g. `rsa2048`, `dsa2048`, `ed25519`;
    /// `usage` e.g. `sign`; `expire` e.g. `never`, `2y`) with extra gpg
    /// options such as `--faked-system-time`.
    pub fn gen_key_with(
        &self,
        extra: &[&str],
        uid: &str,
        algo: &str,
        usage: &str,
        expire: &str,
    ) -> GpgKeyInfo {
        let mut args: Vec<&str> = extra.to_vec();
        args.extend(["--quick-gen-key", uid, algo, usage, expire]);
        self.run(&args);
        let fpr = self
            .fingerprints(uid)
            .into_iter()
            .next()
            .expect("the new key is listed");
        GpgKeyInfo { fpr }
    }

    /// [`gen_key_with`](Self::gen_key_with) without extra options.
    pub fn gen_key(&self, uid: &str, algo: &str, usage: &str, expire: &str) -> GpgKeyInfo {
        self.gen_key_with(&[], uid, algo, usage, expire)
    }

    /// Adds a subkey to `main` and returns it.
    pub fn add_subkey(
        &self,
        main: &GpgKeyInfo,
        algo: &str,
        usage: &str,
        expire: &str,
    ) -> GpgKeyInfo {
        let before = self.fingerprints(&main.fpr);
        self.run(&["--quick-add-key", &main.fpr, algo, usage, expire]);
        let fpr = self
            .fingerprints(&main.fpr)
            .into_iter()
            .find(|f| !before.contains(f))
            .expect("the new subkey is listed");
        GpgKeyInfo { fpr }
    }

    /// Revokes the subkey `sub` of `main` (through `--edit-key`).
    pub fn revoke_subkey(&self, main: &GpgKeyInfo, sub: &GpgKeyInfo) {
        let index = self
            .fingerprints(&main.fpr)
            .iter()
            .position(|f| *f == sub.fpr)
            .expect("the subkey belongs to the key");
        let script = format!("key {index}\nrevkey\ny\n0\n\ny\nsave\n");
        let mut child = self
            .gpg()
            .args(["--yes", "--command-fd", "0", "--edit-key", &main.fpr])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run gpg --edit-key");
        {
            use std::io::Write;
            let mut input = child.stdin.take().expect("stdin");
            input.write_all(script.as_bytes()).expect("feed gpg");
        }
        let out = child.wait_with_output().expect("wait for gpg");
        assert!(
            out.status.success(),
            "revoking failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Fingerprints of the keys matching `query` and of their subkeys, in
    /// gpg's order (each main key before its subkeys).
    pub fn fingerprints(&self, query: &str) -> Vec<String> {
        let out = self.run(&[
            "--with-colons",
            "--with-subkey-fingerprint",
            "--list-keys",
            query,
        ]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("fpr:"))
            .filter_map(|l| l.split(':').nth(9).map(str::to_owned))
            .collect()
    }

    /// `gpg --export <id>` output.
    pub fn export(&self, id: &str) -> Vec<u8> {
        self.run(&["--export", id]).stdout
    }

    /// Detached binary signature of `data` by `id` (with extra options).
    pub fn detach_sign(&self, extra: &[&str], id: &str, data: &[u8]) -> Vec<u8> {
        let dir = TempDir::new("gpg-sign");
        let input = dir.write("data", data);
        let mut args: Vec<&str> = extra.to_vec();
        let input = input.to_string_lossy().into_owned();
        args.extend([
            "--digest-algo",
            "SHA256",
            "--local-user",
            id,
            "--output",
            "-",
            "--detach-sign",
            &input,
        ]);
        self.run(&args).stdout
    }

    /// A script that runs gpg with `--faked-system-time <time>` (e.g.
    /// `20200101T000000`), for use as `$GNUPG`: signatures by keys that
    /// have since expired.
    pub fn faked_time_gpg(&self, time: &str) -> PathBuf {
        let path = self
            .home
            .parent()
            .expect("the home is in a temp dir")
            .join(format!("gpg-at-{time}"));
        let script = format!(
            "#!/bin/sh\nexec '{}' --faked-system-time {time} \"$@\"\n",
            gpg_program().display()
        );
        std::fs::write(&path, script).expect("write gpg wrapper");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .expect("chmod gpg wrapper");
        }
        path
    }
}

impl Drop for GpgHome {
    fn drop(&mut self) {
        // Stop the agent (and any other daemon) this home started.
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(&self.home)
            .args(["--kill", "all"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
