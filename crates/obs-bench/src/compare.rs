//! Ingest rate per server CPU-second, ours against rotel's on the same load in the same run.

use std::time::Duration;

use anyhow::{Context, Result};

use crate::ingest::{self, Load, Protocol, Signal};
use crate::targets::{Running, Targets};

/// One protocol and signal, both servers, median of the runs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IngestRow {
    /// Spans or logs.
    pub signal: Signal,
    /// Wire protocol.
    pub protocol: Protocol,
    /// Our items per CPU-second of the server process.
    pub embedded_per_cpu_s: f64,
    /// Our items per wall second (load generator on the other core).
    pub embedded_per_s: f64,
    /// rotel's items per CPU-second (blackhole exporter).
    pub rotel_per_cpu_s: Option<f64>,
    /// Ours divided by rotel's.
    pub ratio: Option<f64>,
}

/// Settings of the comparison.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Length of each run.
    pub seconds: u64,
    /// Runs per cell; the median counts.
    pub runs: usize,
}

fn one_run(running: &Running, signal: Signal, protocol: Protocol, plan: Plan, seed: u64) -> Result<(f64, f64)> {
    let load = Load {
        grpc_port: running.grpc,
        http_port: running.http,
        protocol,
        signal,
        inflight: 4,
        batch: 512,
        duration: Duration::from_secs(plan.seconds),
        max_items: u64::MAX,
        seed,
    };
    let cpu_before = running.server.cpu_seconds()?;
    let sent =
        ingest::run(&load).with_context(|| format!("{signal:?} over {protocol:?} to {}", running.server.name))?;
    let cpu = running.server.cpu_seconds()? - cpu_before;
    Ok((sent.items as f64 / cpu.max(0.01), sent.items as f64 / sent.elapsed.as_secs_f64()))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs every signal and protocol against both servers.
pub fn run(targets: &Targets, plan: Plan) -> Result<Vec<IngestRow>> {
    let mut rows = Vec::new();
    let mut seed = 1;
    for signal in [Signal::Spans, Signal::Logs] {
        for protocol in [Protocol::Grpc, Protocol::HttpProtobuf, Protocol::HttpJson] {
            let (mut ours, mut ours_wall, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..plan.runs {
                seed += 1;
                let running = targets.start_embedded()?;
                let (per_cpu, per_s) = one_run(&running, signal, protocol, plan, seed)?;
                ours.push(per_cpu);
                ours_wall.push(per_s);
                if let Some(rotel) = targets.start_rotel()? {
                    theirs.push(one_run(&rotel, signal, protocol, plan, seed)?.0);
                }
            }
            let embedded_per_cpu_s = median(ours);
            let rotel_per_cpu_s = (!theirs.is_empty()).then(|| median(theirs));
            eprintln!("ingest {signal:?} {protocol:?}: ours {embedded_per_cpu_s:.0}/cpu-s, rotel {rotel_per_cpu_s:?}");
            rows.push(IngestRow {
                signal,
                protocol,
                embedded_per_cpu_s,
                embedded_per_s: median(ours_wall),
                rotel_per_cpu_s,
                ratio: rotel_per_cpu_s.map(|r| embedded_per_cpu_s / r),
            });
        }
    }
    Ok(rows)
}
