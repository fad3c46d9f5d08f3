//! Running a command the way the reference does: no shell, `PATH` lookup,
//! inherited stdin and environment, output either discarded or shown live
//! and recorded, and a timeout after which the child is killed.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// What a finished command left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    /// The exit code, or the negated signal number when a signal killed the
    /// command (as Python's `returncode`).
    pub return_value: i64,
    /// Standard output, decoded as UTF-8 with universal newlines (empty
    /// unless streams were recorded).
    pub stdout: String,
    /// Standard error, likewise.
    pub stderr: String,
}

/// Why a command could not be run to completion.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// The argument vector is empty.
    #[error("no command given")]
    Empty,
    /// The program does not exist (or is not on `PATH`).
    #[error("command not found: '{0}'")]
    NotFound(String),
    /// The program exists but could not be started.
    #[error("could not start '{program}': {source}")]
    Spawn {
        /// The program.
        program: String,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The command ran longer than allowed and was killed.
    #[error("command {command:?} timed out after {seconds} seconds")]
    Timeout {
        /// The command.
        command: Vec<String>,
        /// The timeout.
        seconds: u64,
    },
    /// Recorded output is not valid UTF-8.
    #[error("the command's {stream} is not valid UTF-8 (byte 0x{byte:02x} at position {position})")]
    NonUtf8 {
        /// `stdout` or `stderr`.
        stream: &'static str,
        /// The offending byte.
        byte: u8,
        /// Its offset.
        position: usize,
    },
    /// Waiting for the command or reading its output failed.
    #[error("running the command failed: {0}")]
    Io(#[from] std::io::Error),
    /// This executor cannot run commands in another working directory.
    #[error("this executor cannot run commands in {}", .0.display())]
    WorkDir(std::path::PathBuf),
}

/// Runs commands for steps and inspections. Tests substitute their own.
pub trait Executor: Send + Sync {
    /// Runs `argv`. With `record_streams` the output is shown live and
    /// returned; without it, it is discarded.
    fn execute(
        &self,
        argv: &[String],
        record_streams: bool,
        timeout: Duration,
    ) -> Result<CommandOutput, ExecError>;

    /// Like [`execute`](Self::execute), in the working directory `dir`
    /// (this process's own when `None`). The default implementation can
    /// only run in this process's directory and refuses any other.
    fn execute_in(
        &self,
        dir: Option<&Path>,
        argv: &[String],
        record_streams: bool,
        timeout: Duration,
    ) -> Result<CommandOutput, ExecError> {
        match dir {
            None => self.execute(argv, record_streams, timeout),
            Some(d) => Err(ExecError::WorkDir(d.to_path_buf())),
        }
    }
}

/// Runs commands as child processes of this one.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemExecutor;

impl Executor for SystemExecutor {
    fn execute(
        &self,
        argv: &[String],
        record_streams: bool,
        timeout: Duration,
    ) -> Result<CommandOutput, ExecError> {
        run_child(None, argv, record_streams, timeout)
    }

    fn execute_in(
        &self,
        dir: Option<&Path>,
        argv: &[String],
        record_streams: bool,
        timeout: Duration,
    ) -> Result<CommandOutput, ExecError> {
        run_child(dir, argv, record_streams, timeout)
    }
}

fn run_child(
    dir: Option<&Path>,
    argv: &[String],
    record_streams: bool,
    timeout: Duration,
) -> Result<CommandOutput, ExecError> {
    let (program, args) = argv.split_first().ok_or(ExecError::Empty)?;
    let mut cmd = Command::new(program);
    cmd.args(args).stdin(Stdio::inherit());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    if record_streams {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    } else {
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
    }
    let mut child = cmd.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ExecError::NotFound(program.clone())
        } else {
            ExecError::Spawn {
                program: program.clone(),
                source: e,
            }
        }
    })?;
    let (tx, rx) = mpsc::channel();
    let mut readers = Vec::new();
    if let Some(out) = child.stdout.take() {
        readers.push(tee(out, std::io::stdout(), 0, tx.clone()));
    }
    if let Some(err) = child.stderr.take() {
        readers.push(tee(err, std::io::stderr(), 1, tx.clone()));
    }
    drop(tx);
    let deadline = Instant::now() + timeout;
    let status = wait_until(&mut child, deadline)?;
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(ExecError::Timeout {
            command: argv.to_vec(),
            seconds: timeout.as_secs(),
        });
    };
    let mut captured = [Vec::new(), Vec::new()];
    for (idx, bytes) in rx {
        if let Some(slot) = captured.get_mut(idx) {
            *slot = bytes;
        }
    }
    for r in readers {
        let _ = r.join();
    }
    let [out, err] = captured;
    Ok(CommandOutput {
        return_value: return_value(status),
        stdout: decode(out, "stdout")?,
        stderr: decode(err, "stderr")?,
    })
}

fn tee<R: Read + Send + 'static, W: Write + Send + 'static>(
    mut from: R,
    mut to: W,
    idx: usize,
    done: mpsc::Sender<(usize, Vec<u8>)>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match from.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let chunk = buf.get(..n).unwrap_or_default();
                    let _ = to.write_all(chunk);
                    let _ = to.flush();
                    all.extend_from_slice(chunk);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = done.send((idx, all));
    })
}

fn wait_until(
    child: &mut std::process::Child,
    deadline: Instant,
) -> std::io::Result<Option<ExitStatus>> {
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

fn return_value(status: ExitStatus) -> i64 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => i64::from(code),
        (None, Some(sig)) => -i64::from(sig),
        (None, None) => -1,
    }
}

/// Decodes recorded output as Python's text mode does: UTF-8 (strict) with
/// universal newlines (`\r\n` and lone `\r` become `\n`).
pub fn decode(bytes: Vec<u8>, stream: &'static str) -> Result<String, ExecError> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let position = e.utf8_error().valid_up_to();
        let byte = e.as_bytes().get(position).copied().unwrap_or(0);
        ExecError::NonUtf8 {
            stream,
            byte,
            position,
        }
    })?;
    if !text.contains('\r') {
        return Ok(text);
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn records_streams_and_return_value() {
        let out = SystemExecutor
            .execute(
                &sh("printf 'a\\r\\nb\\rc'; printf err >&2; exit 3"),
                true,
                Duration::from_secs(10),
            )
            .unwrap();
        assert_eq!(out.return_value, 3);
        assert_eq!(out.stdout, "a\nb\nc");
        assert_eq!(out.stderr, "err");
        let quiet = SystemExecutor
            .execute(&sh("echo hi"), false, Duration::from_secs(10))
            .unwrap();
        assert_eq!((quiet.stdout.as_str(), quiet.return_value), ("", 0));
    }

    #[test]
    fn signals_timeouts_and_missing_programs() {
        let out = SystemExecutor
            .execute(&sh("kill -9 $$"), false, Duration::from_secs(10))
            .unwrap();
        assert_eq!(out.return_value, -9);
        let err = SystemExecutor
            .execute(
                &["sleep".into(), "5".into()],
                false,
                Duration::from_millis(200),
            )
            .unwrap_err();
        assert!(matches!(err, ExecError::Timeout { .. }), "{err}");
        let err = SystemExecutor
            .execute(
                &["no-such-program-xyz".into()],
                false,
                Duration::from_secs(1),
            )
            .unwrap_err();
        assert!(matches!(err, ExecError::NotFound(ref p) if p == "no-such-program-xyz"));
        let err = SystemExecutor
            .execute(&sh("printf '\\377'"), true, Duration::from_secs(5))
            .unwrap_err();
        assert!(
            matches!(
                err,
                ExecError::NonUtf8 {
                    byte: 0xff,
                    position: 0,
                    ..
                }
            ),
            "{err}"
        );
    }
}
