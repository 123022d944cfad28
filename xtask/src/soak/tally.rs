//! What the soak counts: latencies and outcomes per request kind, health probes, and the
//! verdict against the RSS budget.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Result, bail};
use std::sync::Mutex;

/// Shared counters of every load thread.
#[derive(Debug, Default)]
pub struct Tally {
    kinds: Mutex<BTreeMap<&'static str, Kind>>,
}

/// Latencies and outcomes of one request kind.
#[derive(Debug, Default, Clone)]
struct Kind {
    latencies: Vec<Duration>,
    ok: u64,
    refused: u64,
    failed: u64,
}

/// The soak's result.
#[derive(Debug)]
pub struct Report {
    kinds: BTreeMap<&'static str, Kind>,
    rss: Vec<(Duration, u64)>,
    evicted: u64,
}

impl Tally {
    /// Records one request of `kind`: its latency and status (0 when no answer came).
    pub fn record(&self, kind: &'static str, latency: Duration, status: u16) {
        let mut kinds = self.kinds.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = kinds.entry(kind).or_default();
        entry.latencies.push(latency);
        match status {
            200..=299 => entry.ok += 1,
            400..=599 => entry.refused += 1,
            _ => entry.failed += 1,
        }
    }

    /// One progress line: requests so far per kind.
    pub fn line(&self) -> String {
        let kinds = self.kinds.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        kinds.iter().map(|(k, v)| format!("{k}={}", v.ok + v.refused + v.failed)).collect::<Vec<_>>().join(" ")
    }

    /// The report, with the RSS samples and the final eviction count.
    pub fn report(&self, rss: Vec<(Duration, u64)>, evicted: u64) -> Report {
        Report { kinds: self.kinds.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone(), rss, evicted }
    }
}

impl Report {
    /// Prints the table of kinds and the RSS series.
    pub fn print(&self) {
        println!("\n| kind | requests | ok | refused (4xx/5xx) | no answer | p50 ms | p99 ms | max ms |");
        println!("|---|---|---|---|---|---|---|---|");
        for (name, kind) in &self.kinds {
            let mut sorted = kind.latencies.clone();
            sorted.sort();
            let at = |q: f64| sorted.get(((sorted.len() as f64 - 1.0) * q) as usize).map_or(0.0, ms);
            println!(
                "| {name} | {} | {} | {} | {} | {:.1} | {:.1} | {:.1} |",
                sorted.len(),
                kind.ok,
                kind.refused,
                kind.failed,
                at(0.5),
                at(0.99),
                at(1.0)
            );
        }
        let peak = self.rss.iter().map(|(_, r)| *r).max().unwrap_or(0);
        let series: Vec<String> = self.rss.iter().map(|(t, r)| format!("{:.0}s:{r}", t.as_secs_f64())).collect();
        println!("\nRSS MiB over time: {}\npeak RSS {peak} MiB; items evicted {}", series.join(" "), self.evicted);
    }

    /// `Err` when RSS passed 120 % of `budget_mib` or a health probe went unanswered.
    pub fn verdict(&self, budget_mib: u64) -> Result<()> {
        let peak = self.rss.iter().map(|(_, r)| *r).max().unwrap_or(0);
        if peak * 10 > budget_mib * 12 {
            bail!("peak RSS {peak} MiB is over the budget of {budget_mib} MiB + 20 %");
        }
        let health = self.kinds.get("health").cloned().unwrap_or_default();
        if health.failed + health.refused > 0 || health.ok == 0 {
            bail!(
                "{} of {} health probes went unanswered within 5 s",
                health.failed + health.refused,
                health.latencies.len()
            );
        }
        println!("soak: passed (peak RSS {peak} MiB of {budget_mib} MiB budget, every health probe answered)");
        Ok(())
    }
}

fn ms(d: &Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
