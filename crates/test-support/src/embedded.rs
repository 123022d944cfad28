//! A real `obs-embedded` process on free loopback ports, stopped when dropped.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use obs_stack::{Endpoints, PORTS, env::OBS_BIND};

use crate::{free_port, target_dir, workspace_root};

const EXITED_EARLY: &str = "obs-embedded exited before it was ready";

/// A running embedded backend; killed on drop.
pub struct EmbeddedServer {
    child: Child,
    /// Where every port landed.
    pub endpoints: Endpoints,
    /// The `(variable, value)` pairs that point a client or another process at it.
    pub env: Vec<(String, String)>,
}

/// Builds `obs-embedded` (a no-op when fresh) and returns the binary's path.
pub fn build_binary() -> Result<std::path::PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--package", "obs-embedded"])
        .current_dir(workspace_root())
        .status()
        .context("run cargo build --package obs-embedded")?;
    if !status.success() {
        bail!("cargo build --package obs-embedded failed ({status})");
    }
    Ok(target_dir().join("debug/obs-embedded"))
}

impl EmbeddedServer {
    /// Starts the server on fresh ports with `extra_args`, waiting until Tempo's `/ready` answers 200.
    ///
    /// A free port can be taken by another test between choosing it and binding it; the server
    /// then exits naming the port, and this tries again on new ports (three times at most).
    pub fn start(extra_args: &[&str]) -> Result<Self> {
        let binary = build_binary()?;
        let mut last = None;
        for _ in 0..3 {
            match Self::start_once(&binary, extra_args) {
                Ok(server) => return Ok(server),
                Err(err) if err.to_string().contains(EXITED_EARLY) => last = Some(err),
                Err(err) => return Err(err),
            }
        }
        Err(last.unwrap_or_else(|| anyhow::anyhow!("obs-embedded did not start")))
    }

    fn start_once(binary: &std::path::Path, extra_args: &[&str]) -> Result<Self> {
        let mut env = vec![(OBS_BIND.to_string(), "127.0.0.1".to_string())];
        for port in PORTS {
            env.push((port.env.to_string(), free_port()?.to_string()));
        }
        let endpoints = Endpoints::from_lookup(|name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .map_err(anyhow::Error::msg)?;
        let child = Command::new(binary)
            .args(extra_args)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("start {}", binary.display()))?;
        let mut server = Self { child, endpoints, env };
        server.wait_ready(Duration::from_secs(20))?;
        Ok(server)
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<()> {
        let url = format!("{}/ready", self.endpoints.url(obs_stack::ports::TEMPO));
        let agent = ureq::Agent::config_builder().timeout_global(Some(Duration::from_millis(500))).build().new_agent();
        let deadline = Instant::now() + timeout;
        let mut last = String::from("no answer yet");
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!("{EXITED_EARLY} ({status})");
            }
            match agent.get(&url).call() {
                Ok(resp) if resp.status() == 200 => return Ok(()),
                Ok(resp) => last = format!("status {}", resp.status()),
                Err(err) => last = err.to_string(),
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        bail!("obs-embedded not ready at {url} after {timeout:?}: {last}")
    }

    /// Base URL of one port, such as `http://127.0.0.1:41234`.
    pub fn url(&self, port: obs_stack::Port) -> String {
        self.endpoints.url(port)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM (a graceful stop).
    pub fn terminate(&self) -> Result<()> {
        let pid = rustix::process::Pid::from_raw(i32::try_from(self.pid()).context("pid fits i32")?)
            .context("obs-embedded pid is not zero")?;
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).context("send SIGTERM to obs-embedded")
    }

    /// Polls until the process exits, up to `timeout`, and returns how it exited.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().context("poll obs-embedded")? {
                return Ok(status);
            }
            if Instant::now() >= deadline {
                bail!("obs-embedded still running {timeout:?} after being asked to stop");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Resident memory of the process in KiB (`VmRSS` from `/proc/<pid>/status`).
    pub fn rss_kib(&self) -> Result<u64> {
        let path = format!("/proc/{}/status", self.pid());
        let text = std::fs::read_to_string(&path).with_context(|| format!("read {path}"))?;
        text.lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("find VmRSS in {path}"))
    }
}

impl Drop for EmbeddedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
