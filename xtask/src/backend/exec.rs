//! Runs a planned command (an `xshell::Cmd` value) with its output captured and a deadline, so a
//! hung `docker info` can never hang `obs-up`.

use std::io;
use std::process::Command;
use std::time::Duration;

/// What a finished command left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Captured standard output, lossily decoded.
    pub stdout: String,
    /// Captured standard error, lossily decoded.
    pub stderr: String,
}

impl Finished {
    /// Whether it exited with code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// The first non-empty line of stderr (else stdout), for one-line error messages.
    pub fn first_line(&self) -> String {
        let line = |s: &str| s.lines().map(str::trim).find(|l| !l.is_empty()).map(str::to_string);
        line(&self.stderr).or_else(|| line(&self.stdout)).unwrap_or_else(|| format!("exit code {:?}", self.code))
    }
}

/// How a bounded run ended.
#[derive(Debug)]
pub enum Ran {
    /// The program ran to completion.
    Finished(Finished),
    /// It did not finish within the timeout and was killed.
    TimedOut,
    /// The program does not exist (not on `PATH`).
    Missing,
}

/// Runs `cmd` with stdin closed and stdout/stderr captured, killing it after `timeout`.
pub fn run_bounded(cmd: xshell::Cmd<'_>, timeout: Duration) -> io::Result<Ran> {
    let command = Command::from(cmd);
    let mut expr =
        duct::cmd(command.get_program(), command.get_args()).stdin_null().stdout_capture().stderr_capture().unchecked();
    if let Some(dir) = command.get_current_dir() {
        expr = expr.dir(dir);
    }
    let handle = match expr.start() {
        Ok(handle) => handle,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Ran::Missing),
        Err(err) => return Err(err),
    };
    match handle.wait_timeout(timeout)? {
        Some(output) => Ok(Ran::Finished(Finished {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })),
        None => {
            handle.kill()?;
            Ok(Ran::TimedOut)
        }
    }
}
