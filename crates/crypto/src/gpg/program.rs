//! Running the `gpg` program, chosen as the reference chooses it: the
//! command in `$GNUPG` when that is set (and nothing else then), else
//! `gpg2`, else `gpg`, whichever runs `--version` successfully.

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::{Duration, Instant};

use super::bundle::key_from_export;
use super::error::GpgError;
use super::signature::{GpgSignature, read_detached};
use crate::keyid::KeyId;
use crate::public::PublicKey;

/// The environment variable that names the gpg command (the reference's).
pub const GNUPG_ENV: &str = "GNUPG";

/// How to run `gpg`: which program, which home directory, and how long to
/// wait for it.
#[derive(Debug)]
pub struct Gpg {
    homedir: Option<PathBuf>,
    program: Option<Vec<OsString>>,
    timeout: Duration,
    resolved: OnceLock<Result<Vec<OsString>, String>>,
}

impl Clone for Gpg {
    fn clone(&self) -> Self {
        Self {
            homedir: self.homedir.clone(),
            program: self.program.clone(),
            timeout: self.timeout,
            resolved: OnceLock::new(),
        }
    }
}

impl Default for Gpg {
    fn default() -> Self {
        Self::new(None)
    }
}

impl Gpg {
    /// The reference's time limit for every `gpg` invocation.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// `gpg` with the given home directory (`--homedir`), or GnuPG's
    /// default one. The program is chosen on first use.
    pub fn new(homedir: Option<&Path>) -> Self {
        Self {
            homedir: homedir.map(Path::to_path_buf),
            program: None,
            timeout: Self::DEFAULT_TIMEOUT,
            resolved: OnceLock::new(),
        }
    }

    /// Uses this command (a program and leading arguments) instead of
    /// looking at `$GNUPG`, `gpg2` and `gpg`.
    pub fn with_program<I, S>(mut self, command: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.program = Some(command.into_iter().map(Into::into).collect());
        self.resolved = OnceLock::new();
        self
    }

    /// Waits this long for each `gpg` invocation instead of 10 seconds.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The home directory given, if any.
    pub fn homedir(&self) -> Option<&Path> {
        self.homedir.as_deref()
    }

    /// The gpg command: program and leading arguments.
    fn command(&self) -> Result<&[OsString], GpgError> {
        let resolved = self.resolved.get_or_init(|| match &self.program {
            Some(p) if !p.is_empty() => Ok(p.clone()),
            _ => resolve_program(self.timeout),
        });
        match resolved {
            Ok(cmd) => Ok(cmd),
            Err(tried) => Err(GpgError::NoGpg {
                tried: tried.clone(),
            }),
        }
    }

    /// Signs `data` with `gpg --detach-sign --digest-algo SHA256`, with
    /// `--local-user <keyid>` when a key is named (else GnuPG's default
    /// key) and `--homedir`, and returns the signature as the reference
    /// stores it.
    ///
    /// When the signature names only a short key id (GnuPG before 2.1),
    /// the signing key's fingerprint is found by exporting that key, as
    /// the reference does.
    pub fn sign(&self, keyid: Option<&str>, data: &[u8]) -> Result<GpgSignature, GpgError> {
        let mut args: Vec<OsString> = ["--detach-sign", "--digest-algo", "SHA256"]
            .iter()
            .map(OsString::from)
            .collect();
        if let Some(k) = keyid.filter(|k| !k.is_empty()) {
            args.push("--local-user".into());
            args.push(k.into());
        }
        self.push_homedir(&mut args);
        let out = self.run(&args, data)?;
        let parsed = read_detached(&out.stdout)?;
        let signer = match (&parsed.fingerprint, &parsed.short_keyid) {
            (Some(f), _) => f.clone(),
            (None, Some(short)) => {
                let bundle = self.export_key(short)?;
                std::iter::once(&bundle.keyid)
                    .chain(bundle.subkeys.iter().map(|s| &s.keyid))
                    .find(|k| k.as_str().ends_with(short.as_str()))
                    .map(|k| k.as_str().to_owned())
                    .unwrap_or_default()
            }
            (None, None) => String::new(),
        };
        let keyid = KeyId::new(signer).map_err(|_| GpgError::SignaturePacket {
            reason: "the full key id of the signing key could not be determined".into(),
        })?;
        Ok(GpgSignature::from_parsed(keyid, &parsed))
    }

    /// Exports the key `keyid` (the fingerprint or a key id of a main key
    /// or of one of its subkeys) with `gpg --export`, as the reference's
    /// `export_pubkey`: the main key with its subkeys.
    pub fn export_pubkey(&self, keyid: &str) -> Result<PublicKey, GpgError> {
        let key = self.export_key(keyid)?;
        Ok(PublicKey::from_gpg_key(key))
    }

    fn export_key(&self, keyid: &str) -> Result<super::key::GpgKey, GpgError> {
        let mut args = Vec::new();
        self.push_homedir(&mut args);
        args.push(OsString::from("--export"));
        args.push(OsString::from(keyid));
        let out = self.run(&args, &[])?;
        key_from_export(&out.stdout, keyid)
    }

    fn push_homedir(&self, args: &mut Vec<OsString>) {
        if let Some(h) = &self.homedir {
            args.push("--homedir".into());
            args.push(h.as_os_str().to_owned());
        }
    }

    /// Runs gpg with `args`, feeding `stdin`; fails unless it exits 0.
    fn run(&self, args: &[OsString], stdin: &[u8]) -> Result<Output, GpgError> {
        let command = self.command()?;
        let mut full: Vec<OsString> = command.to_vec();
        full.extend_from_slice(args);
        let shown = python_list(&full);
        let out = run_with_timeout(&full, stdin, self.timeout, &shown)?;
        if !out.status.success() {
            return Err(GpgError::CommandFailed {
                command: shown,
                status: status_text(out.status),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        Ok(out)
    }
}

/// Something that signs with GnuPG: a [`Gpg`] and the key to use (GnuPG's
/// default key when none is named).
#[derive(Debug, Clone, Default)]
pub struct GpgSigner {
    gpg: Gpg,
    keyid: Option<String>,
}

impl GpgSigner {
    /// Signs with `keyid` (or the default key) through `gpg`.
    pub fn new(gpg: Gpg, keyid: Option<String>) -> Self {
        Self { gpg, keyid }
    }

    /// The key asked for, if any.
    pub fn keyid(&self) -> Option<&str> {
        self.keyid.as_deref()
    }

    /// How gpg is run.
    pub fn gpg(&self) -> &Gpg {
        &self.gpg
    }

    /// Signs `data`; see [`Gpg::sign`].
    pub fn sign(&self, data: &[u8]) -> Result<GpgSignature, GpgError> {
        self.gpg.sign(self.keyid.as_deref(), data)
    }
}

struct Output {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// `$GNUPG` if set (split at whitespace, as the reference splits it),
/// else `gpg2`, else `gpg`; the first whose `--version` succeeds.
fn resolve_program(timeout: Duration) -> Result<Vec<OsString>, String> {
    let candidates: Vec<Vec<OsString>> = match std::env::var_os(GNUPG_ENV) {
        Some(v) if !v.is_empty() => vec![
            v.to_string_lossy()
                .split_whitespace()
                .map(OsString::from)
                .collect(),
        ],
        _ => vec![vec!["gpg2".into()], vec!["gpg".into()]],
    };
    let tried: Vec<String> = candidates
        .iter()
        .map(|c| {
            c.iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    for cmd in candidates {
        if cmd.is_empty() {
            continue;
        }
        let mut probe = cmd.clone();
        probe.push("--version".into());
        let shown = python_list(&probe);
        if run_with_timeout(&probe, &[], timeout, &shown).is_ok_and(|o| o.status.success()) {
            return Ok(cmd);
        }
    }
    let source = if std::env::var_os(GNUPG_ENV).is_some_and(|v| !v.is_empty()) {
        format!("${GNUPG_ENV}={}", tried.join(", "))
    } else {
        tried.join(", ")
    };
    Err(source)
}

/// Runs `cmd` with `stdin` as its input, collecting its output, killing it
/// after `timeout`. The pipes are served by threads that are left behind
/// if the time runs out (a process that gpg started may hold them open).
fn run_with_timeout(
    cmd: &[OsString],
    stdin: &[u8],
    timeout: Duration,
    shown: &str,
) -> Result<Output, GpgError> {
    let deadline = Instant::now() + timeout;
    let timed_out = || GpgError::Timeout {
        command: shown.to_owned(),
        seconds: timeout.as_secs(),
    };
    let (program, args) = cmd.split_first().ok_or_else(|| GpgError::NoGpg {
        tried: String::new(),
    })?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| GpgError::Spawn {
            command: shown.to_owned(),
            source,
        })?;
    if let Some(mut input) = child.stdin.take() {
        let data = stdin.to_vec();
        // gpg may exit without reading (e.g. an unknown key); the error
        // then shows in its status and stderr.
        std::thread::spawn(move || {
            let _ = input.write_all(&data);
        });
    }
    let stdout = read_in_background(child.stdout.take());
    let stderr = read_in_background(child.stderr.take());
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(timed_out());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(source) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(GpgError::Spawn {
                    command: shown.to_owned(),
                    source,
                });
            }
        }
    };
    let collect = |rx: mpsc::Receiver<Vec<u8>>| {
        let left = deadline.saturating_duration_since(Instant::now());
        rx.recv_timeout(left).map_err(|_| timed_out())
    };
    let stdout = collect(stdout)?;
    let stderr = collect(stderr)?;
    Ok(Output {
        status,
        stdout,
        stderr,
    })
}

/// Reads a pipe to its end in a thread; the bytes arrive on the channel.
fn read_in_background<R: Read + Send + 'static>(pipe: Option<R>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut r) = pipe {
            let _ = r.read_to_end(&mut buf);
        }
        let _ = tx.send(buf);
    });
    rx
}

/// An exit status as Python shows a return code: the code, or minus the
/// signal number.
fn status_text(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("-{sig}");
        }
    }
    status
        .code()
        .map(|c| c.to_string())
        .unwrap_or_else(|| status.to_string())
}

/// A command as Python prints a list of strings: `['gpg', '--export', 'ID']`.
fn python_list(cmd: &[OsString]) -> String {
    let items: Vec<String> = cmd.iter().map(|a| python_str_repr(a)).collect();
    format!("[{}]", items.join(", "))
}

fn python_str_repr(s: &OsStr) -> String {
    let s = s.to_string_lossy();
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_print_as_python_lists() {
        let cmd: Vec<OsString> = ["gpg", "--homedir", "it's", "a\\b"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(python_list(&cmd), r#"['gpg', '--homedir', "it's", 'a\\b']"#);
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let gpg = Gpg::new(None).with_program(["/nonexistent/gpg-for-tests"]);
        let err = gpg.sign(None, b"x").unwrap_err();
        assert!(matches!(err, GpgError::Spawn { .. }), "{err}");
        assert!(err.to_string().contains("/nonexistent/gpg-for-tests"));
    }

    #[test]
    fn failures_and_timeouts_are_reported() {
        let gpg = Gpg::new(None).with_program(["sh", "-c", "echo oops >&2; exit 3", "sh"]);
        let err = gpg.export_pubkey("AB").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("Command '['sh', '-c', 'echo oops >&2; exit 3', 'sh', '--export', 'AB']' returned non-zero exit status '3', stderr was:\noops"),
            "{msg}"
        );
        let slow = Gpg::new(None)
            .with_program(["sh", "-c", "sleep 5", "sh"])
            .with_timeout(Duration::from_millis(100));
        let err = slow.export_pubkey("AB").unwrap_err();
        assert!(matches!(err, GpgError::Timeout { .. }), "{err}");
    }

    #[test]
    fn garbage_output_is_a_malformed_packet() {
        let gpg = Gpg::new(None).with_program(["sh", "-c", "cat >/dev/null; printf garbage", "sh"]);
        let err = gpg.sign(Some("AB"), b"payload").unwrap_err();
        assert!(matches!(err, GpgError::SignaturePacket { .. }), "{err}");
        let empty = Gpg::new(None).with_program(["sh", "-c", "cat >/dev/null", "sh"]);
        assert!(matches!(
            empty.sign(None, b"payload").unwrap_err(),
            GpgError::SignaturePacket { .. }
        ));
    }
}
