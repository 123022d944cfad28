//! The embedded backend's files under the state directory (`target/obs/` by default): the pid
//! file, the state file `obs-up` writes and `obs-down`/`obs-status` read, and whether the pid
//! in them still belongs to a live `obs-embedded` (pids get reused, machines reboot).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// File name of the pid file.
pub const PID_FILE: &str = "obs-embedded.pid";
/// File name of the state file.
pub const STATE_FILE: &str = "state.json";
/// File name of the server's log (stdout and stderr, appended).
pub const LOG_FILE: &str = "obs-embedded.log";
/// Program name the pid must run, when the recorded binary path does not match.
pub const PROGRAM: &str = "obs-embedded";

/// What `obs-up` recorded about the server it started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Always `embedded` (the docker backend keeps its state in docker).
    pub backend: String,
    /// Process id of the server.
    pub pid: u32,
    /// Bind address of every listener.
    pub bind: String,
    /// Port in force per port key of the obs-stack table.
    pub ports: BTreeMap<String, u16>,
    /// Start time, seconds since the Unix epoch.
    pub started_at: u64,
    /// Path of the binary that was started.
    pub binary: PathBuf,
}

/// The files of one state directory.
#[derive(Debug, Clone)]
pub struct Files {
    /// The directory itself.
    pub dir: PathBuf,
}

impl Files {
    /// The files under [`super::state_dir`].
    pub fn current() -> Self {
        Self { dir: super::state_dir() }
    }

    /// Path of the pid file.
    pub fn pid(&self) -> PathBuf {
        self.dir.join(PID_FILE)
    }

    /// Path of the state file.
    pub fn state(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// Path of the server log.
    pub fn log(&self) -> PathBuf {
        self.dir.join(LOG_FILE)
    }

    /// Reads the state file; `None` when there is none.
    pub fn read(&self) -> Result<Option<State>> {
        let path = self.state();
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .with_context(|| format!("parse {} (delete it if obs-embedded is not running)", path.display())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => self.read_pid_only(),
            Err(err) => Err(err).with_context(|| format!("read {}", path.display())),
        }
    }

    /// A pid file without a state file (an interrupted `obs-up`) still names a process to stop.
    fn read_pid_only(&self) -> Result<Option<State>> {
        let path = self.pid();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err).with_context(|| format!("read {}", path.display())),
        };
        let pid = text.trim().parse().with_context(|| format!("parse pid in {}", path.display()))?;
        Ok(Some(State {
            backend: "embedded".into(),
            pid,
            bind: String::new(),
            ports: BTreeMap::new(),
            started_at: 0,
            binary: PathBuf::from(PROGRAM),
        }))
    }

    /// Writes the pid file and the state file.
    pub fn write(&self, state: &State) -> Result<()> {
        std::fs::create_dir_all(&self.dir).with_context(|| format!("create {}", self.dir.display()))?;
        std::fs::write(self.pid(), format!("{}\n", state.pid))
            .with_context(|| format!("write {}", self.pid().display()))?;
        let json = serde_json::to_string_pretty(state).context("serialise embedded state")?;
        std::fs::write(self.state(), json + "\n").with_context(|| format!("write {}", self.state().display()))
    }

    /// Removes the pid and state files (missing files are fine).
    pub fn clear(&self) -> Result<()> {
        for path in [self.pid(), self.state()] {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(err).with_context(|| format!("remove {}", path.display())),
            }
        }
        Ok(())
    }
}

impl State {
    /// The endpoints the recorded server listens on (defaults for ports it did not record).
    pub fn endpoints(&self) -> obs_stack::Endpoints {
        let bind = if self.bind.is_empty() { obs_stack::DEFAULT_BIND.to_string() } else { self.bind.clone() };
        let ports =
            obs_stack::PORTS.iter().map(|p| (*p, self.ports.get(p.key).copied().unwrap_or(p.default))).collect();
        obs_stack::Endpoints { bind, ports }
    }
}

/// What the pid recorded in a state file is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Liveness {
    /// A live process running the recorded binary.
    Ours,
    /// No such process (or only a zombie left to be reaped).
    Gone,
    /// The pid now belongs to another program, shown by its command line.
    Reused(String),
}

/// Checks `/proc/<pid>` against the recorded binary.
pub fn liveness(state: &State) -> Liveness {
    let proc_dir = PathBuf::from(format!("/proc/{}", state.pid));
    if !is_alive(&proc_dir) {
        return Liveness::Gone;
    }
    let argv = command_line(state.pid);
    let argv0 = argv.first().map(String::as_str).unwrap_or_default();
    let same_binary = Path::new(argv0) == state.binary;
    let same_name = Path::new(argv0).file_name().is_some_and(|n| n == PROGRAM);
    if same_binary || same_name { Liveness::Ours } else { Liveness::Reused(argv.join(" ")) }
}

/// Whether the process exists and is not a zombie.
fn is_alive(proc_dir: &Path) -> bool {
    match std::fs::read_to_string(proc_dir.join("stat")) {
        // The state letter follows the command name, which sits in parentheses and may hold spaces.
        Ok(stat) => stat.rsplit_once(')').and_then(|(_, rest)| rest.trim_start().chars().next()) != Some('Z'),
        Err(_) => false,
    }
}

/// A process's argv from `/proc/<pid>/cmdline` (empty when unreadable).
pub fn command_line(pid: u32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|raw| {
            raw.split(|b| *b == 0).filter(|a| !a.is_empty()).map(|a| String::from_utf8_lossy(a).into_owned()).collect()
        })
        .unwrap_or_default()
}

/// Seconds since the Unix epoch.
pub fn now_unix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn state(pid: u32, binary: &str) -> State {
        State {
            backend: "embedded".into(),
            pid,
            bind: "127.0.0.1".into(),
            ports: BTreeMap::new(),
            started_at: 0,
            binary: binary.into(),
        }
    }

    /// A pid held by another program is reported as reused, with its command line.
    #[test]
    fn reused_pid_is_not_ours() {
        let me = std::process::id();
        match liveness(&state(me, "/nowhere/obs-embedded")) {
            Liveness::Reused(cmd) => assert!(!cmd.is_empty()),
            other => panic!("expected Reused, got {other:?}"),
        }
        let own = std::env::current_exe().unwrap();
        assert_eq!(liveness(&state(me, own.to_str().unwrap())), Liveness::Ours);
    }

    /// A pid with no process behind it is gone.
    #[test]
    fn missing_pid_is_gone() {
        assert_eq!(liveness(&state(u32::MAX - 1, "obs-embedded")), Liveness::Gone);
    }

    /// State round-trips through its files, and clearing twice is fine.
    #[test]
    fn files_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files { dir: dir.path().join("obs") };
        assert_eq!(files.read().unwrap(), None);
        let s = state(42, "/bin/obs-embedded");
        files.write(&s).unwrap();
        assert_eq!(files.read().unwrap(), Some(s));
        assert_eq!(std::fs::read_to_string(files.pid()).unwrap(), "42\n");
        files.clear().unwrap();
        files.clear().unwrap();
        assert_eq!(files.read().unwrap(), None);
    }
}
