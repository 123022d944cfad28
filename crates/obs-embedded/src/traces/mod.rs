//! Traces: the span store, its indexes, TraceQL, and the Tempo-compatible HTTP API on :3200.
//!
//! OWNER: core+traces helper. The interface below is what the rest of the server calls.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;

use crate::config::StoreLimits;
use crate::state::{IngestOutcome, Refusal, SharedState, StoreStats};

/// Spans, indexed by trace id, service, name, attributes, status, duration and time.
pub struct TraceStore {
    limits: StoreLimits,
}

impl TraceStore {
    /// An empty store with these caps.
    pub fn new(limits: StoreLimits) -> Self {
        Self { limits }
    }

    /// Stores a decoded export request; visible to queries when this returns.
    pub fn ingest(&self, req: ExportTraceServiceRequest) -> Result<IngestOutcome, Refusal> {
        let _ = req;
        Err(Refusal::Full("trace store not built yet".into()))
    }

    /// Sizes and counters, for the server's own metrics.
    pub fn stats(&self) -> StoreStats {
        StoreStats { max_items: self.limits.max_items, max_bytes: self.limits.max_bytes, ..StoreStats::default() }
    }
}

/// The Tempo-compatible API served on the Tempo port.
pub fn router(state: SharedState) -> axum::Router {
    axum::Router::new().with_state(state)
}
