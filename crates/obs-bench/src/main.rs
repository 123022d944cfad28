//! `obs-bench`: measures the embedded backend on the load of PERFORMANCE.md — ingest per CPU-
//! second against rotel in the same run, memory and query latency at a million items, and
//! ack-to-found time — and writes the figures as JSON and Markdown. `cargo xtask bench` runs it.

mod compare;
mod freshness;
mod ingest;
mod latency;
mod load;
mod process;
mod report;
mod scale;
mod targets;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;

/// Benchmarks of the embedded backend.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The obs-embedded binary to measure (a release build).
    #[arg(long)]
    embedded: PathBuf,
    /// rotel-agent, the peer for ingest ratios; without it ratios are left out.
    #[arg(long)]
    rotel: Option<PathBuf>,
    /// Core the servers are pinned to (run this process on the other one).
    #[arg(long, default_value_t = 1)]
    core: usize,
    /// Seconds per ingest run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Ingest runs per cell (the median counts).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Items stored for the memory and query measurements.
    #[arg(long, default_value_t = 1_000_000)]
    scale: u64,
    /// Times each query kind is asked.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// Which parts to run.
    #[arg(long, value_delimiter = ',', default_value = "ingest,scale,freshness")]
    parts: Vec<Part>,
    /// Where the report goes.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
}

/// A part of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Part {
    /// Ingest per CPU-second against rotel.
    Ingest,
    /// Memory and queries at scale.
    Scale,
    /// Ack to found.
    Freshness,
}

fn main() -> std::process::ExitCode {
    match run(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<()> {
    let big_caps = (args.scale * 2).to_string();
    let targets = targets::Targets {
        embedded: args.embedded.clone(),
        rotel: args.rotel.clone(),
        core: args.core,
        embedded_args: vec!["--max-spans".into(), big_caps.clone(), "--max-log-records".into(), big_caps],
    };
    let mut report = report::Report::default();
    if args.parts.contains(&Part::Ingest) {
        report.ingest = compare::run(&targets, compare::Plan { seconds: args.seconds, runs: args.runs })?;
    }
    if args.parts.contains(&Part::Scale) {
        let ready = targets.start_embedded()?;
        report.ready_ms = Some(ready.ready_after.as_secs_f64() * 1000.0);
        report.idle_rss_bytes = Some(ready.server.rss_bytes()?);
        drop(ready);
        report.scale.push(scale::run(&targets, ingest::Signal::Spans, args.scale, args.queries)?);
        report.scale.push(scale::run(&targets, ingest::Signal::Logs, args.scale, args.queries)?);
    }
    if args.parts.contains(&Part::Freshness) {
        report.freshness = freshness::run(&targets, args.queries.min(100))?;
    }
    std::fs::create_dir_all(&args.out).with_context(|| format!("create {}", args.out.display()))?;
    let markdown = report.markdown();
    std::fs::write(args.out.join("embedded.json"), serde_json::to_string_pretty(&report)?)?;
    std::fs::write(args.out.join("embedded.md"), &markdown)?;
    println!("{markdown}");
    Ok(())
}
