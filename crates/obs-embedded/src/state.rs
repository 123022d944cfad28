//! The state every listener shares: the three stores, and the types they report through.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::config::Config;
use crate::logs::LogStore;
use crate::metrics::MetricStore;
use crate::traces::TraceStore;

/// Shared by every router and gRPC service.
pub struct AppState {
    /// Settings the server was started with.
    pub config: Config,
    /// Spans, indexed for Tempo-style search.
    pub traces: TraceStore,
    /// Log records in Loki-style streams.
    pub logs: LogStore,
    /// Metric series with a sample history.
    pub metrics: MetricStore,
    /// Set when shutdown begins: ingest answers 503 / UNAVAILABLE from then on.
    shutting_down: AtomicBool,
    /// When the server started (for uptime).
    pub started: std::time::Instant,
}

/// Shared handle to the state.
pub type SharedState = Arc<AppState>;

impl AppState {
    /// Builds empty stores sized by `config`'s caps.
    pub fn new(config: Config) -> SharedState {
        Arc::new(Self {
            traces: TraceStore::new(config.limits.traces),
            logs: LogStore::new(config.limits.logs),
            metrics: MetricStore::new(config.limits.metrics),
            config,
            shutting_down: AtomicBool::new(false),
            started: std::time::Instant::now(),
        })
    }

    /// Marks the server as stopping; ingest refuses from now on.
    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }

    /// Whether shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }
}

/// What a store made of one export request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// Items stored (duplicates count as accepted: they are already stored).
    pub accepted: u64,
    /// Items refused as invalid; reported as OTLP partial success.
    pub rejected: u64,
    /// Why items were rejected, for the partial-success `error_message`.
    pub message: Option<String>,
}

/// Why a store refused a whole request (retryable: 503 with Retry-After / gRPC UNAVAILABLE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The store is at its cap and cannot evict (for example one request larger than the cap).
    Full(String),
    /// The server is shutting down.
    ShuttingDown,
}

/// Counters and sizes every store reports; exposed as the server's own metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Items held now (spans, log records, series samples).
    pub items: u64,
    /// Approximate bytes held now.
    pub bytes: u64,
    /// Cap on items.
    pub max_items: u64,
    /// Cap on bytes.
    pub max_bytes: u64,
    /// Items accepted since start.
    pub ingested: u64,
    /// Items evicted (oldest first) to stay under the caps.
    pub evicted: u64,
    /// Items refused (invalid or over the caps).
    pub refused: u64,
}
