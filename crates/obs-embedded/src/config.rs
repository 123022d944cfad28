//! The server's settings: bind address and ports (from the same variables as the Docker
//! stack, see `obs-stack`), store caps and request limits.
//!
//! OWNER: core helper. Flags and env vars for the caps are added here.

use std::time::Duration;

use obs_ingest::StoreLimits;

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

impl Default for Limits {
    fn default() -> Self {
        let hour = Duration::from_secs(3600);
        Self {
            traces: StoreLimits { max_items: 2_000_000, max_bytes: 1 << 30, history: hour },
            logs: StoreLimits { max_items: 2_000_000, max_bytes: 1 << 30, history: hour },
            metrics: StoreLimits { max_items: 100_000, max_bytes: 512 << 20, history: hour },
            max_request_bytes: 64 << 20,
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
