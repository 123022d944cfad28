//! The stack's facts — services, ports, URLs and environment variable names — live here once,
//! so that xtask, the embedded backend, smoke-sender, the configs check and the README agree.
//!
//! This crate has no dependencies: everything that needs a port or a variable name reads it
//! from here, and `cargo xtask obs-check` proves the compose file and README match it.

pub mod env;
pub mod ports;
pub mod tools;

pub use ports::{Endpoints, PORTS, Port};

/// Compose project name; the collector container is `observability-otel-collector-1`.
pub const COMPOSE_PROJECT: &str = "observability";
/// Compose file, relative to the workspace root.
pub const COMPOSE_FILE: &str = "ops/observability/docker-compose.yml";
/// Directory holding every config the compose stack mounts, relative to the workspace root.
pub const OPS_DIR: &str = "ops/observability";
/// Service name the smoke check sends as and searches for.
pub const SMOKE_SERVICE_NAME: &str = "peak_trade_smoke_sender";
/// Span name of the smoke span.
pub const SMOKE_SPAN_NAME: &str = "obs-smoke";
/// Metric name (OTLP) of the smoke counter; Prometheus sees it as `peak_trade_smoke_total`.
pub const SMOKE_METRIC_NAME: &str = "peak_trade_smoke";
/// Grafana login of the docker stack (local development only).
pub const GRAFANA_CREDENTIALS: &str = "admin/admin";
/// Default bind address of every published port.
pub const DEFAULT_BIND: &str = "127.0.0.1";
/// Directory (relative to the workspace target dir) for the embedded backend's pid file, log and state.
pub const EMBEDDED_STATE_DIR: &str = "obs";

/// Grafana datasource uids, fixed so links between datasources never break.
pub mod datasource_uid {
    /// Tempo datasource.
    pub const TEMPO: &str = "tempo";
    /// Loki datasource.
    pub const LOKI: &str = "loki";
    /// Prometheus datasource.
    pub const PROMETHEUS: &str = "prometheus";
}

/// The exemplar label under which Tempo's metrics-generator writes trace ids (`traceID`);
/// Grafana's Prometheus datasource must name this label in `exemplarTraceIdDestinations`.
pub const TEMPO_EXEMPLAR_TRACE_LABEL: &str = "traceID";
/// Longest Tempo may keep a new trace out of `/api/search` (its `query_frontend.query_end_cutoff`,
/// 30 s by default in Tempo 3), so that `obs-smoke` finds the trace by search within its deadline.
pub const TEMPO_MAX_QUERY_END_CUTOFF_SECS: u64 = 5;
