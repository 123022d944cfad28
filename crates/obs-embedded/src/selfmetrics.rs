//! The server's own metrics (ingest counts, store fill, evictions, refusals, requests by
//! outcome, uptime) as samples the metrics crate renders on :8889 `/metrics` and answers
//! through the Prometheus API.

use std::sync::Weak;
use std::sync::atomic::{AtomicU64, Ordering};

use obs_contract::{SelfSample, SelfSamples, StoreStats};

use crate::state::{AppState, SharedState};

/// The OTLP transport a request came over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// OTLP/gRPC.
    Grpc,
    /// OTLP/HTTP.
    Http,
}

/// The three signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Spans.
    Traces,
    /// Log records.
    Logs,
    /// Metric data points.
    Metrics,
}

/// How one OTLP request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything stored.
    Accepted,
    /// Stored, some items rejected (partial success).
    Partial,
    /// Undecodable (400 / INVALID_ARGUMENT).
    Invalid,
    /// Over the size limit (413).
    TooLarge,
    /// Unsupported content type or encoding (415).
    Unsupported,
    /// Refused: store full or shutting down (503 / UNAVAILABLE).
    Refused,
}

const PROTOCOLS: [(Protocol, &str); 2] = [(Protocol::Grpc, "grpc"), (Protocol::Http, "http")];
const SIGNALS: [(Signal, &str); 3] = [(Signal::Traces, "traces"), (Signal::Logs, "logs"), (Signal::Metrics, "metrics")];
const OUTCOMES: [(Outcome, &str); 6] = [
    (Outcome::Accepted, "accepted"),
    (Outcome::Partial, "partial"),
    (Outcome::Invalid, "invalid"),
    (Outcome::TooLarge, "too_large"),
    (Outcome::Unsupported, "unsupported"),
    (Outcome::Refused, "refused"),
];
const CELLS: usize = PROTOCOLS.len() * SIGNALS.len() * OUTCOMES.len();

/// Lock-free counts of OTLP requests by protocol, signal and outcome.
pub struct RequestCounters {
    cells: [AtomicU64; CELLS],
}

impl Default for RequestCounters {
    fn default() -> Self {
        Self { cells: std::array::from_fn(|_| AtomicU64::new(0)) }
    }
}

impl RequestCounters {
    /// Counts one request.
    pub fn record(&self, protocol: Protocol, signal: Signal, outcome: Outcome) {
        self.cells[index(protocol, signal, outcome)].fetch_add(1, Ordering::Relaxed);
    }

    /// Requests counted so far for one combination.
    pub fn get(&self, protocol: Protocol, signal: Signal, outcome: Outcome) -> u64 {
        self.cells[index(protocol, signal, outcome)].load(Ordering::Relaxed)
    }
}

fn index(protocol: Protocol, signal: Signal, outcome: Outcome) -> usize {
    let p = PROTOCOLS.iter().position(|(x, _)| *x == protocol).unwrap_or(0);
    let s = SIGNALS.iter().position(|(x, _)| *x == signal).unwrap_or(0);
    let o = OUTCOMES.iter().position(|(x, _)| *x == outcome).unwrap_or(0);
    (p * SIGNALS.len() + s) * OUTCOMES.len() + o
}

/// The sample source handed to the metrics crate; holds the state weakly so it never keeps it alive.
pub fn source(state: &SharedState) -> SelfSamples {
    let weak: Weak<AppState> = std::sync::Arc::downgrade(state);
    std::sync::Arc::new(move || weak.upgrade().map(|state| snapshot(&state)).unwrap_or_default())
}

/// Reads every store's stats and the request counters into samples.
pub fn snapshot(state: &AppState) -> Vec<SelfSample> {
    let mut out = Vec::with_capacity(64);
    for (signal, stats) in
        [("traces", state.traces.stats()), ("logs", state.logs.stats()), ("metrics", state.metrics.stats())]
    {
        store_samples(&mut out, signal, &stats);
    }
    for (protocol, p) in PROTOCOLS {
        for (signal, s) in SIGNALS {
            for (outcome, o) in OUTCOMES {
                let labels = vec![("protocol", p.to_string()), ("signal", s.to_string()), ("outcome", o.to_string())];
                let value = state.requests.get(protocol, signal, outcome) as f64;
                out.push(sample(
                    "obs_embedded_requests_total",
                    "OTLP requests by protocol, signal and outcome",
                    "counter",
                    labels,
                    value,
                ));
            }
        }
    }
    let uptime = state.started.elapsed().as_secs_f64();
    out.push(sample("obs_embedded_uptime_seconds", "Seconds since the server started", "gauge", Vec::new(), uptime));
    out
}

fn store_samples(out: &mut Vec<SelfSample>, signal: &str, stats: &StoreStats) {
    let rows: [(&'static str, &'static str, &'static str, u64); 7] = [
        ("obs_embedded_store_items", "Items held (spans, log records, metric series)", "gauge", stats.items),
        ("obs_embedded_store_bytes", "Approximate bytes held", "gauge", stats.bytes),
        ("obs_embedded_store_max_items", "Cap on items held", "gauge", stats.max_items),
        ("obs_embedded_store_max_bytes", "Cap on bytes held", "gauge", stats.max_bytes),
        ("obs_embedded_ingested_total", "Items accepted since start", "counter", stats.ingested),
        ("obs_embedded_evicted_total", "Items evicted, oldest first, to stay under the caps", "counter", stats.evicted),
        ("obs_embedded_refused_total", "Items refused (invalid or over the caps)", "counter", stats.refused),
    ];
    for (name, help, kind, value) in rows {
        out.push(sample(name, help, kind, vec![("signal", signal.to_string())], value as f64));
    }
}

fn sample(
    name: &'static str,
    help: &'static str,
    kind: &'static str,
    labels: Vec<(&'static str, String)>,
    value: f64,
) -> SelfSample {
    SelfSample { name, help, kind, labels, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every protocol/signal/outcome combination has its own counter cell.
    #[test]
    fn counter_cells_are_distinct() {
        let counters = RequestCounters::default();
        counters.record(Protocol::Http, Signal::Metrics, Outcome::Refused);
        counters.record(Protocol::Http, Signal::Metrics, Outcome::Refused);
        counters.record(Protocol::Grpc, Signal::Traces, Outcome::Accepted);
        assert_eq!(counters.get(Protocol::Http, Signal::Metrics, Outcome::Refused), 2);
        assert_eq!(counters.get(Protocol::Grpc, Signal::Traces, Outcome::Accepted), 1);
        assert_eq!(counters.get(Protocol::Grpc, Signal::Metrics, Outcome::Refused), 0);
        let mut all: Vec<usize> = Vec::new();
        for (p, _) in PROTOCOLS {
            for (s, _) in SIGNALS {
                for (o, _) in OUTCOMES {
                    all.push(index(p, s, o));
                }
            }
        }
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), CELLS);
    }
}
