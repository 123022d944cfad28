//! Runs one of our binaries the way a user would — a cleared environment plus only the given
//! variables — and stops it if it outlives a limit, so a hung binary fails its test instead of hanging it.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// What one run printed and how it ended.
pub struct Run {
    /// The exit code (`None` when a signal ended it).
    pub code: Option<i32>,
    /// Everything it wrote to stdout (lossy UTF-8).
    pub stdout: String,
    /// Everything it wrote to stderr (lossy UTF-8).
    pub stderr: String,
}

/// Runs `program` with `args` and only `env` set; kills it and fails, quoting its stderr, if it
/// outlives `limit`.
pub fn run_limited(program: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Result<Run> {
    let name = program.file_name().map_or_else(|| program.display().to_string(), |n| n.to_string_lossy().into());
    let mut child = Command::new(program)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("start {}", program.display()))?;
    let deadline = Instant::now() + limit;
    while child.try_wait().with_context(|| format!("wait for {name}"))?.is_none() {
        if Instant::now() > deadline {
            child.kill().with_context(|| format!("kill {name}"))?;
            let out = child.wait_with_output().with_context(|| format!("collect {name}'s output"))?;
            bail!("{name} {args:?} did not finish within {limit:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let Output { status, stdout, stderr } =
        child.wait_with_output().with_context(|| format!("collect {name}'s output"))?;
    Ok(Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}
