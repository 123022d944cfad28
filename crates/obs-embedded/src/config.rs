//! The server's settings: bind address and ports (from the same variables as the Docker
//! stack, see `obs-stack`), store caps and request limits.

use std::time::Duration;

use obs_contract::StoreLimits;

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
/// Default request size limit after decompression (the OTLP spec's recommendation).
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 64 << 20;

impl Default for Limits {
    fn default() -> Self {
        let history = Duration::from_secs(DEFAULT_METRICS_HISTORY_SECS);
        Self {
            traces: StoreLimits { max_items: DEFAULT_MAX_SPANS, max_bytes: DEFAULT_MAX_TRACE_BYTES, history },
            logs: StoreLimits { max_items: DEFAULT_MAX_LOG_RECORDS, max_bytes: DEFAULT_MAX_LOG_BYTES, history },
            metrics: StoreLimits { max_items: DEFAULT_MAX_SERIES, max_bytes: DEFAULT_MAX_METRIC_BYTES, history },
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
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
}
