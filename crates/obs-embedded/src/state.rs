//! The state every listener shares: the three stores and the shutdown flag.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use obs_logs::LogStore;
use obs_metrics::MetricStore;
use obs_traces::TraceStore;

use crate::config::Config;

/// Shared by every router and gRPC service.
pub struct AppState {
    /// Settings the server was started with.
    pub config: Config,
    /// Spans, indexed for Tempo-style search.
    pub traces: Arc<TraceStore>,
    /// Log records in Loki-style streams.
    pub logs: Arc<LogStore>,
    /// Metric series with a sample history.
    pub metrics: Arc<MetricStore>,
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
            traces: Arc::new(TraceStore::new(config.limits.traces)),
            logs: Arc::new(LogStore::new(config.limits.logs)),
            metrics: Arc::new(MetricStore::new(config.limits.metrics)),
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
