//! Logs: streams keyed by index labels with structured metadata, LogQL, and the
//! Loki-compatible HTTP API on :3100 (including Loki's own OTLP and push endpoints).
//!
//! OWNER: logs helper. The interface below is what the rest of the server calls.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;

use crate::config::StoreLimits;
use crate::state::{IngestOutcome, Refusal, SharedState, StoreStats};

/// Log records in Loki-style streams.
pub struct LogStore {
    limits: StoreLimits,
}

impl LogStore {
    /// An empty store with these caps.
    pub fn new(limits: StoreLimits) -> Self {
        Self { limits }
    }

    /// Stores a decoded export request; visible to queries when this returns.
    pub fn ingest(&self, req: ExportLogsServiceRequest) -> Result<IngestOutcome, Refusal> {
        let _ = req;
        Err(Refusal::Full("log store not built yet".into()))
    }

    /// Sizes and counters, for the server's own metrics.
    pub fn stats(&self) -> StoreStats {
        StoreStats { max_items: self.limits.max_items, max_bytes: self.limits.max_bytes, ..StoreStats::default() }
    }
}

/// The Loki-compatible API served on the Loki port.
pub fn router(state: SharedState) -> axum::Router {
    axum::Router::new().with_state(state)
}
