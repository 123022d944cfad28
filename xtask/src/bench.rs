//! `cargo xtask bench`: builds release binaries and measures the embedded backend on the load
//! of PERFORMANCE.md (through `obs-bench`, pinned away from the server's core), then times
//! `obs-up` to ready and an `obs-smoke` round trip as a user runs them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use obs_stack::env::{OBS_BIND, OBS_EMBEDDED_BIN, SMOKE_SENDER_BIN};
use obs_stack::{PORTS, tools::VENV_DIR};
use xshell::{Shell, cmd};

/// Arguments of `cargo xtask bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Seconds per ingest run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Ingest runs per cell (median reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Items stored for memory and query latency.
    #[arg(long, default_value_t = 1_000_000)]
    scale: u64,
    /// Which server parts to run: ingest, scale, freshness (comma separated).
    #[arg(long, default_value = "ingest,scale,freshness")]
    parts: String,
    /// Times of `obs-up` to ready and `obs-smoke` round trip to take.
    #[arg(long, default_value_t = 5)]
    cli_runs: usize,
    /// Also run the criterion benchmarks of the crates (`cargo bench`).
    #[arg(long)]
    criterion: bool,
}

impl Args {
    /// Runs the benchmarks and prints the figures.
    pub fn run(self) -> Result<()> {
        let sh = Shell::new().context("start a shell")?;
        let root = workspace_root();
        sh.change_dir(&root);
        cmd!(sh, "cargo build --release --quiet -p obs-embedded -p obs-bench -p smoke-sender")
            .run()
            .context("build the release binaries")?;
        let release = root.join("target/release");
        let rotel = rotel_agent(&root)?;
        let embedded = release.join("obs-embedded");
        let obs_bench = release.join("obs-bench");
        let (seconds, runs, scale, parts) =
            (self.seconds.to_string(), self.runs.to_string(), self.scale.to_string(), &self.parts);
        cmd!(sh, "taskset -c 0 {obs_bench} --embedded {embedded} --rotel {rotel} --core 1 --seconds {seconds} --runs {runs} --scale {scale} --parts {parts} --out target/bench")
            .run()
            .context("run obs-bench")?;
        self.time_cli(&embedded, &release.join("smoke-sender"))?;
        if self.criterion {
            cmd!(sh, "cargo bench --workspace").run().context("run the criterion benchmarks")?;
        }
        Ok(())
    }

    fn time_cli(&self, embedded: &Path, smoke_sender: &Path) -> Result<()> {
        let me = std::env::current_exe().context("find the xtask binary")?;
        let mut env = vec![(OBS_BIND.to_string(), "127.0.0.1".to_string())];
        for port in PORTS {
            env.push((port.env.to_string(), free_port()?.to_string()));
        }
        env.push((OBS_EMBEDDED_BIN.into(), embedded.display().to_string()));
        env.push((SMOKE_SENDER_BIN.into(), smoke_sender.display().to_string()));
        let (mut up, mut smoke) = (Vec::new(), Vec::new());
        for _ in 0..self.cli_runs {
            up.push(timed(&me, &["obs-up", "--backend", "embedded"], &env)?);
            smoke.push(timed(&me, &["obs-smoke"], &env)?);
            timed(&me, &["obs-down"], &env)?;
        }
        println!("\n## CLI as a user runs it ({} runs, binaries built)\n", self.cli_runs);
        println!("| command | median ms | max ms |\n|---|---|---|");
        for (name, mut times) in
            [("obs-up --backend embedded (to ready)", up), ("obs-smoke (3 signals verified)", smoke)]
        {
            times.sort();
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            println!("| {name} | {:.0} | {:.0} |", ms(times[times.len() / 2]), ms(times[times.len() - 1]));
        }
        Ok(())
    }
}

fn timed(program: &Path, args: &[&str], env: &[(String, String)]) -> Result<Duration> {
    let start = Instant::now();
    let out = std::process::Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .with_context(|| format!("run xtask {}", args.join(" ")))?;
    if !out.status.success() {
        bail!("xtask {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }
    Ok(start.elapsed())
}

/// A port free on loopback now.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("bind 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map_or(here.clone(), Path::to_path_buf)
}

fn rotel_agent(root: &Path) -> Result<PathBuf> {
    let lib = root.join(VENV_DIR).join("lib");
    let found = std::fs::read_dir(&lib).ok().into_iter().flatten().flatten().find_map(|py| {
        let candidate = py.path().join("site-packages/rotel/rotel-agent");
        candidate.exists().then_some(candidate)
    });
    found.with_context(|| {
        format!("rotel-agent (PyPI `rotel`) is not under {}; run `cargo xtask ci` to install the tools", lib.display())
    })
}
