//! The server's settings: bind address and ports (from the same variables as the Docker
//! stack, see `obs-stack`), store caps, request, query and connection limits, and who may
//! call the server (the localhost guard).

use std::time::Duration;

use obs_contract::StoreLimits;
use obs_contract::guard::Guard;
use obs_contract::query::QueryLimits;

use crate::accept::ConnLimits;

/// Caps of all three stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Trace store caps.
    pub traces: StoreLimits,
    /// Log store caps.
    pub logs: StoreLimits,
    /// Metric store caps.
    pub metrics: StoreLimits,
    /// Largest request body after decompression, in bytes.
    pub max_request_bytes: usize,
    /// Request body bytes read and decoded at once over all ingest ports.
    pub max_inflight_bytes: usize,
}

/// Default cap on spans held.
pub const DEFAULT_MAX_SPANS: u64 = 2_000_000;
/// Default cap on trace store bytes.
pub const DEFAULT_MAX_TRACE_BYTES: u64 = 1 << 30;
/// Default cap on log records held.
pub const DEFAULT_MAX_LOG_RECORDS: u64 = 2_000_000;
/// Default cap on log store bytes.
pub const DEFAULT_MAX_LOG_BYTES: u64 = 1 << 30;
/// Default cap on metric series held.
pub const DEFAULT_MAX_SERIES: u64 = 100_000;
/// Default cap on metric store bytes (not settable: series count and history bound it).
pub const DEFAULT_MAX_METRIC_BYTES: u64 = 512 << 20;
/// Default metric sample history, in seconds.
pub const DEFAULT_METRICS_HISTORY_SECS: u64 = 3600;
/// Default request size limit after decompression: the collector's HTTP receiver default
/// (`max_request_body_size`, 20 MiB). A protobuf request decodes to about 20 times its size.
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 20 << 20;
/// Default cap on request bytes in flight: a few largest requests at once.
pub const DEFAULT_MAX_INFLIGHT_BYTES: usize = 64 << 20;
/// Default cap on open connections per listener.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;

impl Default for Limits {
    fn default() -> Self {
        let history = Duration::from_secs(DEFAULT_METRICS_HISTORY_SECS);
        Self {
            traces: StoreLimits { max_items: DEFAULT_MAX_SPANS, max_bytes: DEFAULT_MAX_TRACE_BYTES, history },
            logs: StoreLimits { max_items: DEFAULT_MAX_LOG_RECORDS, max_bytes: DEFAULT_MAX_LOG_BYTES, history },
            metrics: StoreLimits { max_items: DEFAULT_MAX_SERIES, max_bytes: DEFAULT_MAX_METRIC_BYTES, history },
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
            max_inflight_bytes: DEFAULT_MAX_INFLIGHT_BYTES,
        }
    }
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Bind address and ports.
    pub endpoints: obs_stack::Endpoints,
    /// Store caps and request limits.
    pub limits: Limits,
    /// What bounds each query.
    pub query: QueryLimits,
    /// What bounds each listener's connections.
    pub conn: ConnLimits,
    /// Which hosts and browser origins may call the server.
    pub guard: Guard,
}

impl Config {
    /// Default limits on `endpoints`, guarding only loopback names and the bind address.
    pub fn new(endpoints: obs_stack::Endpoints) -> Self {
        let guard = Guard::new(&endpoints.bind, "", "");
        Self { endpoints, limits: Limits::default(), query: QueryLimits::default(), conn: ConnLimits::default(), guard }
    }
}

impl Default for ConnLimits {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: ConnLimits::DEFAULT_HEADER_TIMEOUT,
            body_timeout: ConnLimits::DEFAULT_BODY_TIMEOUT,
        }
    }
}
