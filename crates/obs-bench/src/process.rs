//! The servers under test as real child processes pinned to one core, and what the kernel
//! says about them: CPU seconds used and resident memory.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A server process, killed on drop.
pub struct Server {
    child: Child,
    /// What it is, for the report (`obs-embedded`, `rotel`).
    pub name: &'static str,
}

/// Kernel clock ticks per second, for `/proc/<pid>/stat` times.
const CLOCK_TICKS: f64 = 100.0;

impl Server {
    /// Starts `program args` pinned to `core` with extra environment.
    pub fn start(
        name: &'static str,
        program: &Path,
        args: &[String],
        env: &[(String, String)],
        core: usize,
    ) -> Result<Self> {
        let child = Command::new("taskset")
            .arg("-c")
            .arg(core.to_string())
            .arg(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("start {name} ({}) pinned to core {core} with taskset", program.display()))?;
        Ok(Self { child, name })
    }

    /// Process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// User plus system CPU seconds the process has used so far.
    pub fn cpu_seconds(&self) -> Result<f64> {
        let path = format!("/proc/{}/stat", self.pid());
        let stat = std::fs::read_to_string(&path).with_context(|| format!("read {path}"))?;
        let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).context("parse /proc stat")?;
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // After the command name: state is field 0, utime field 11, stime field 12.
        let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).context("parse cpu ticks");
        Ok((ticks(11)? + ticks(12)?) / CLOCK_TICKS)
    }

    /// Resident memory in bytes.
    pub fn rss_bytes(&self) -> Result<u64> {
        let path = format!("/proc/{}/status", self.pid());
        let status = std::fs::read_to_string(&path).with_context(|| format!("read {path}"))?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).context("no VmRSS line")?;
        let kib: u64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).context("parse VmRSS")?;
        Ok(kib * 1024)
    }

    /// Polls until `probe` succeeds, failing if the process exits or `timeout` passes.
    pub fn wait_until(&mut self, timeout: Duration, mut probe: impl FnMut() -> bool) -> Result<Duration> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Some(status) = self.child.try_wait()? {
                bail!("{} exited before it was ready ({status})", self.name);
            }
            if probe() {
                return Ok(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        bail!("{} not ready after {timeout:?}", self.name)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("bind 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Whether something accepts TCP connections on `port`.
pub fn accepts(port: u16) -> bool {
    std::net::TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(100)).is_ok()
}
