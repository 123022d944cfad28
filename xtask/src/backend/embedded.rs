//! The embedded backend: our `obs-embedded` server as a detached child (own process group,
//! stdin closed, output appended to its log), recorded in the pid and state files, and stopped
//! with SIGTERM then SIGKILL. A stale pid file (process gone, or pid reused) is recognised.

use std::fs::OpenOptions;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use obs_stack::{Endpoints, env::OBS_BIND};
use rustix::process::{Pid, Signal, kill_process};
use xshell::{Cmd, Shell, cmd};

use super::state::{Files, Liveness, State, liveness, now_unix};
use super::{OBS_EMBEDDED_BIN, target_dir};

/// How often a stopping server is checked.
const STOP_POLL: Duration = Duration::from_millis(20);
/// How long to wait for the process to vanish after SIGKILL.
const KILL_GRACE: Duration = Duration::from_secs(5);

/// `cargo build --release -p obs-embedded` (a no-op when nothing changed). Not `--quiet`: a cold
/// build takes minutes, and cargo's progress is what tells the user it has not hung.
pub fn build_command(sh: &Shell) -> Cmd<'_> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    cmd!(sh, "{cargo} build --release -p obs-embedded")
}

/// Where the server binary comes from: `$OBS_EMBEDDED_BIN`, else the release build.
pub fn planned_binary() -> (PathBuf, bool) {
    match std::env::var_os(OBS_EMBEDDED_BIN) {
        Some(bin) if !bin.is_empty() => (PathBuf::from(bin), false),
        _ => (target_dir().join("release").join(super::state::PROGRAM), true),
    }
}

/// The binary to start, building it first unless `$OBS_EMBEDDED_BIN` names one.
pub fn binary() -> Result<PathBuf> {
    let (path, build) = planned_binary();
    if build {
        let sh = super::docker::shell()?;
        let cmd = build_command(&sh);
        let shown = cmd.to_string();
        eprintln!("{}", super::build_note::announce("obs-embedded", "release", &path, OBS_EMBEDDED_BIN));
        super::docker::run_visible(cmd, super::docker::Stdout::ToStderr)
            .with_context(|| format!("build obs-embedded with `{shown}`"))?;
    }
    if !path.is_file() && build {
        bail!(
            "cargo build finished but {} does not exist; check CARGO_TARGET_DIR, or set {OBS_EMBEDDED_BIN} to a built binary",
            path.display()
        );
    }
    if !path.is_file() {
        bail!(
            "obs-embedded binary {} does not exist; unset {OBS_EMBEDDED_BIN} or point it at a built binary",
            path.display()
        );
    }
    Ok(path)
}

/// Starts `binary` detached on `endpoints`, appending its output to the log, and records it.
pub fn spawn(binary: &Path, endpoints: &Endpoints, files: &Files) -> Result<(Child, State)> {
    std::fs::create_dir_all(&files.dir).with_context(|| format!("create {}", files.dir.display()))?;
    let log_path = files.log();
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .with_context(|| format!("open log {}", log_path.display()))?;
    let log_err = log.try_clone().with_context(|| format!("share log {}", log_path.display()))?;
    let mut command = Command::new(binary);
    command.env(OBS_BIND, &endpoints.bind);
    for (port, number) in &endpoints.ports {
        command.env(port.env, number.to_string());
    }
    command.stdin(Stdio::null()).stdout(log).stderr(log_err).process_group(0);
    let child = command.spawn().with_context(|| format!("start {}", binary.display()))?;
    let state = State {
        backend: "embedded".into(),
        pid: child.id(),
        bind: endpoints.bind.clone(),
        ports: endpoints.ports.iter().map(|(p, n)| (p.key.to_string(), *n)).collect(),
        started_at: now_unix(),
        binary: binary.to_path_buf(),
    };
    files.write(&state)?;
    Ok((child, state))
}

/// What [`stop`] found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped {
    /// No pid file: nothing to stop.
    NothingRunning,
    /// The pid file was stale; the text says why. The files were removed.
    Stale(String),
    /// The server stopped; `forced` when it needed SIGKILL.
    Exited {
        /// Its pid.
        pid: u32,
        /// Whether SIGTERM was not enough.
        forced: bool,
    },
}

/// Stops the recorded server: SIGTERM, wait up to `grace`, then SIGKILL; removes the files.
pub fn stop(files: &Files, grace: Duration) -> Result<Stopped> {
    let Some(state) = files.read()? else { return Ok(Stopped::NothingRunning) };
    let outcome = match liveness(&state) {
        Liveness::Gone => Stopped::Stale(format!("pid {} is no longer running", state.pid)),
        Liveness::Reused(cmd) => Stopped::Stale(format!("pid {} now runs another program ({cmd})", state.pid)),
        Liveness::Ours => terminate(&state, grace)?,
    };
    files.clear()?;
    Ok(outcome)
}

fn terminate(state: &State, grace: Duration) -> Result<Stopped> {
    let pid = Pid::from_raw(i32::try_from(state.pid).context("pid out of range")?).context("pid 0 in state file")?;
    signal(pid, Signal::TERM, state.pid)?;
    if gone_within(state, grace) {
        return Ok(Stopped::Exited { pid: state.pid, forced: false });
    }
    signal(pid, Signal::KILL, state.pid)?;
    if gone_within(state, KILL_GRACE) {
        return Ok(Stopped::Exited { pid: state.pid, forced: true });
    }
    bail!("obs-embedded (pid {}) is still running after SIGKILL; check it with `ps -p {}`", state.pid, state.pid)
}

fn signal(pid: Pid, signal: Signal, raw: u32) -> Result<()> {
    match kill_process(pid, signal) {
        Ok(()) | Err(rustix::io::Errno::SRCH) => Ok(()),
        Err(err) => Err(err).with_context(|| format!("send {signal:?} to obs-embedded (pid {raw})")),
    }
}

fn gone_within(state: &State, wait: Duration) -> bool {
    crate::probe::poll(Instant::now() + wait, STOP_POLL, || match liveness(state) {
        Liveness::Ours => Err("still running".to_string()),
        _ => Ok(()),
    })
    .is_ok()
}

/// The last `n` lines of the server log (empty when there is no log).
pub fn log_tail(files: &Files, n: usize) -> String {
    let text = std::fs::read_to_string(files.log()).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The build command is planned exactly, so `--dry-run` shows what would run.
    #[test]
    fn build_command_is_exact() {
        let sh = Shell::new().unwrap();
        let shown = build_command(&sh).to_string();
        assert!(shown.ends_with(" build --release -p obs-embedded"), "{shown}");
    }

    /// Stopping with no pid file is a success that says nothing was running.
    #[test]
    fn stop_without_pid_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files { dir: dir.path().to_path_buf() };
        assert_eq!(stop(&files, Duration::from_secs(1)).unwrap(), Stopped::NothingRunning);
    }
}
