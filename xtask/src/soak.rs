//! `cargo xtask soak --minutes N`: runs a release `obs-embedded` at small caps under mixed
//! ingest, queries and slow clients for N minutes, and reports RSS over time, evictions,
//! refused requests and p99 latencies. It fails when RSS passes the caps' budget by 20 %, when
//! the server dies, or when a health probe goes unanswered.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use obs_stack::{Endpoints, PORTS, ports};

mod load;
mod tally;

use tally::Tally;

/// Byte cap of each of the trace and log stores during the soak, in MiB.
const STORE_MIB: u64 = 64;
/// RSS the server may reach: both byte caps, the metric series, request bytes in flight and
/// the process itself.
const BUDGET_MIB: u64 = 2 * STORE_MIB + 64 + 64 + 64;

/// Arguments of `cargo xtask soak`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How long to run, in minutes.
    #[arg(long, default_value_t = 2.0)]
    minutes: f64,
}

impl Args {
    /// Builds, starts and loads the server, then prints the report; `Err` on a failed check.
    pub fn run(self) -> Result<()> {
        let binary = release_binary()?;
        let endpoints = free_endpoints()?;
        let mut server = start(&binary, &endpoints)?;
        let outcome = soak(&endpoints, server.id(), Duration::from_secs_f64(self.minutes * 60.0));
        let exited = server.try_wait().context("check the server process")?;
        let _ = server.kill();
        let _ = server.wait();
        let report = outcome?;
        report.print();
        if let Some(status) = exited {
            bail!("obs-embedded exited during the soak ({status}); see its stderr above");
        }
        report.verdict(BUDGET_MIB)
    }
}

/// Runs the load threads for `length`, sampling RSS and store counters every 5 s.
fn soak(endpoints: &Endpoints, pid: u32, length: Duration) -> Result<tally::Report> {
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let workers = load::spawn_all(endpoints, &stop, &tally);
    let started = Instant::now();
    let mut samples = Vec::new();
    println!("soak: {length:?} against pid {pid}, budget {BUDGET_MIB} MiB RSS (+20 % tolerated)");
    while started.elapsed() < length {
        std::thread::sleep(Duration::from_secs(5).min(length.saturating_sub(started.elapsed())));
        let rss = rss_mib(pid).unwrap_or(0);
        let evicted = load::evicted(endpoints);
        println!("  t={:>5.0}s rss={rss} MiB evicted={evicted} {}", started.elapsed().as_secs_f64(), tally.line());
        samples.push((started.elapsed(), rss));
    }
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        let _ = worker.join();
    }
    Ok(tally.report(samples, load::evicted(endpoints)))
}

/// The release binary: `OBS_EMBEDDED_BIN`, or built now.
fn release_binary() -> Result<PathBuf> {
    if let Ok(bin) = std::env::var(obs_stack::env::OBS_EMBEDDED_BIN) {
        return Ok(PathBuf::from(bin));
    }
    let root = crate::tools::workspace_root()?;
    println!("soak: building obs-embedded in release (cargo's progress follows)");
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "-p", "obs-embedded"])
        .current_dir(&root)
        .status()
        .context("run cargo build --release -p obs-embedded")?;
    if !status.success() {
        bail!("cargo build --release -p obs-embedded failed ({status})");
    }
    let target = std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root.join("target"), PathBuf::from);
    Ok(target.join("release/obs-embedded"))
}

fn free_endpoints() -> Result<Endpoints> {
    let mut env = Vec::new();
    for port in PORTS {
        env.push((port.env.to_string(), crate::bench::free_port()?.to_string()));
    }
    Endpoints::from_lookup(|name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
        .map_err(anyhow::Error::msg)
        .context("choose free ports for the soak")
}

fn start(binary: &std::path::Path, endpoints: &Endpoints) -> Result<std::process::Child> {
    let store_bytes = (STORE_MIB << 20).to_string();
    let mut command = std::process::Command::new(binary);
    command.args(["--bind", "127.0.0.1", "--max-trace-bytes", &store_bytes, "--max-log-bytes", &store_bytes]);
    command.args(["--max-series", "20000", "--query-timeout", "10", "--idle-timeout", "5"]);
    for (port, number) in &endpoints.ports {
        command.env(port.env, number.to_string());
    }
    let child = command.spawn().with_context(|| format!("start {}", binary.display()))?;
    let health = format!("{}/", endpoints.url(ports::COLLECTOR_HEALTH));
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if ureq::get(&health).call().is_ok_and(|r| r.status() == 200) {
            return Ok(child);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("obs-embedded did not answer {health} within 20 s")
}

/// Resident memory of `pid` in MiB, from `/proc`.
fn rss_mib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kib| kib / 1024)
}
