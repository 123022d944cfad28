//! Shared by the runtime command tests: run the built `xtask` binary with a cleared, controlled
//! environment (free ports, a private state directory, a chosen `PATH`), build the recording
//! `docker` stand-in, and normalise output (ports, temp paths, durations) for whole-output asserts.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use obs_stack::{PORTS, env::OBS_BIND};

/// The finished run of one command.
#[derive(Debug)]
pub struct Output {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// A private environment for xtask runs: its own ports, state directory and `PATH`.
pub struct Env {
    /// Temp dir holding the state directory, the stand-in and its call log.
    pub dir: tempfile::TempDir,
    /// `(variable, value)` pairs every run gets.
    pub vars: Vec<(String, String)>,
    /// `(port variable, port)` pairs, for filtering output.
    pub ports: Vec<(String, u16)>,
}

impl Env {
    /// Fresh free ports for every port variable, a private state dir, and `path` as `PATH`.
    pub fn new(path: &str) -> Result<Self> {
        let dir = tempfile::tempdir().context("create temp dir")?;
        let mut ports = Vec::new();
        let mut taken = Vec::new();
        while ports.len() < PORTS.len() {
            // Keep each probe listener open until all are chosen, so no port repeats.
            let listener = std::net::TcpListener::bind("127.0.0.1:0").context("bind a free port")?;
            ports.push((PORTS[ports.len()].env.to_string(), listener.local_addr()?.port()));
            taken.push(listener);
        }
        drop(taken);
        let mut vars = vec![
            ("PATH".to_string(), path.to_string()),
            ("HOME".to_string(), std::env::var("HOME").unwrap_or_default()),
            (OBS_BIND.to_string(), "127.0.0.1".to_string()),
            ("OBS_STATE_DIR".to_string(), dir.path().join("obs").display().to_string()),
        ];
        vars.extend(ports.iter().map(|(k, v)| (k.clone(), v.to_string())));
        Ok(Self { dir, vars, ports })
    }

    /// Adds or replaces one variable.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.to_string(), value.into()));
    }

    /// Takes over `vars` (such as a running server's `OBS_BIND` and port variables).
    pub fn adopt(&mut self, vars: &[(String, String)]) {
        for (key, value) in vars {
            self.set(key, value.clone());
            if let (Some(slot), Ok(port)) = (self.ports.iter_mut().find(|(k, _)| k == key), value.parse()) {
                slot.1 = port;
            }
        }
    }

    /// The port assigned to `variable`.
    pub fn port(&self, variable: &str) -> u16 {
        self.ports.iter().find(|(k, _)| k == variable).map_or(0, |(_, p)| *p)
    }

    /// The state directory xtask uses.
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("obs")
    }

    /// `xtask args...` planned in this environment only, stdin closed.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .args(args)
            .env_clear()
            .envs(self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(std::process::Stdio::null());
        command
    }

    /// Runs `xtask args...` in this environment only and waits for it.
    pub fn run(&self, args: &[&str]) -> Result<Output> {
        let out = self.command(args).output().with_context(|| format!("run xtask {args:?}"))?;
        Ok(Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// Replaces this environment's ports with `[VARIABLE]`, its temp dir with `[TMP]`, durations with `[DUR]`.
    pub fn filter(&self, text: &str) -> String {
        let mut out = text.replace(&self.dir.path().display().to_string(), "[TMP]");
        for (var, port) in &self.ports {
            out = out.replace(&format!(":{port}"), &format!(":[{var}]"));
            out = out.replace(&format!("port {port} "), &format!("port [{var}] "));
        }
        durations(&out)
    }
}

impl Drop for Env {
    /// A test that failed half-way must not leave its server running: stop what the pid file names.
    fn drop(&mut self) {
        if self.state_dir().join("obs-embedded.pid").exists() {
            let _ = self.run(&["obs-down", "--backend", "embedded", "--timeout", "5"]);
        }
    }
}

/// Replaces every `<digits>.<digits>s` duration with `[DUR]`.
pub fn durations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let int_end = i;
        if int_end > start && chars.get(i) == Some(&'.') {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            let boundary = chars.get(j + 1).is_none_or(|c| !c.is_alphanumeric());
            if j > i + 1
                && chars.get(j) == Some(&'s')
                && boundary
                && (start == 0 || !chars[start - 1].is_alphanumeric())
            {
                out.push_str("[DUR]");
                i = j + 1;
                continue;
            }
        }
        if int_end > start {
            out.extend(&chars[start..int_end]);
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Builds a workspace binary (a no-op when fresh) and returns its path.
pub fn build(package: &str, binary: &str) -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--package", package])
        .current_dir(test_support::workspace_root())
        .status()
        .with_context(|| format!("run cargo build --package {package}"))?;
    if !status.success() {
        bail!("cargo build --package {package} failed ({status})");
    }
    Ok(test_support::target_dir().join("debug").join(binary))
}

/// A directory holding only the recording `docker` stand-in, for use as `PATH`.
pub fn standin_path(env: &Env) -> Result<PathBuf> {
    let bin = build("docker-standin", "docker")?;
    let dir = env.dir.path().join("standin-bin");
    std::fs::create_dir_all(&dir).context("create stand-in dir")?;
    std::os::unix::fs::symlink(&bin, dir.join("docker")).context("link the docker stand-in")?;
    Ok(dir)
}

/// An environment whose `PATH` holds only the stand-in, recording to `calls.log`, with the
/// client, compose plugin and daemon checks answering as a working Docker would.
pub fn standin_env() -> Result<Env> {
    let mut env = Env::new("")?;
    let dir = standin_path(&env)?;
    env.set("PATH", dir.display().to_string());
    env.set("DOCKER_STANDIN_LOG", env.dir.path().join("calls.log").display().to_string());
    env.set("DOCKER_STANDIN_1_MATCH", "compose version");
    env.set("DOCKER_STANDIN_1_STDOUT", "2.40.3\n");
    env.set("DOCKER_STANDIN_2_MATCH", "info --format");
    env.set("DOCKER_STANDIN_2_STDOUT", "28.2.2\n");
    env.set("DOCKER_STANDIN_3_MATCH", "--version");
    env.set("DOCKER_STANDIN_3_STDOUT", "Docker version 28.2.2, build e6534b4\n");
    Ok(env)
}

/// The stand-in's recorded calls, one argv per line.
pub fn calls(env: &Env) -> Vec<String> {
    std::fs::read_to_string(env.dir.path().join("calls.log")).unwrap_or_default().lines().map(str::to_string).collect()
}

/// Polls `done` every 20 ms until it holds or `timeout` passes.
pub fn wait_for(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The compose prefix every recorded compose call starts with.
pub const COMPOSE: &str = "compose --project-name observability -f ops/observability/docker-compose.yml";
