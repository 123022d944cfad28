//! The state every listener shares: the three stores, request counters, where each port
//! listens, and the shutdown flag.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use obs_contract::http::Admission;
use obs_contract::query::QueryRunner;
use obs_logs::LogStore;
use obs_metrics::MetricStore;
use obs_traces::TraceStore;

use crate::config::Config;
use crate::selfmetrics::RequestCounters;

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
    /// Runs every query off the async workers, with the query limits.
    pub runner: QueryRunner,
    /// The byte budget of request bodies over all ingest ports.
    pub admission: Arc<Admission>,
    /// OTLP requests by protocol, signal and outcome.
    pub requests: RequestCounters,
    /// `(port key, local address)` of every listener, set once they are all bound.
    pub listen: OnceLock<Vec<(&'static str, SocketAddr)>>,
    /// Set when shutdown begins: ingest answers 503 / UNAVAILABLE from then on.
    shutting_down: AtomicBool,
    /// When the server started (for uptime).
    pub started: std::time::Instant,
    /// Wall-clock start, for the collector-style health answer.
    pub started_at: std::time::SystemTime,
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
            runner: QueryRunner::new(config.query),
            admission: Arc::new(Admission::new(config.limits.max_inflight_bytes, config.limits.max_request_bytes)),
            requests: RequestCounters::default(),
            listen: OnceLock::new(),
            config,
            shutting_down: AtomicBool::new(false),
            started: std::time::Instant::now(),
            started_at: std::time::SystemTime::now(),
        })
    }

    /// Marks the server as stopping; ingest refuses from now on (Loki push and OTLP included).
    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
        self.traces.close();
        self.logs.close();
        self.metrics.close();
    }

    /// Whether shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }
}
