//! The embedded backend's traces: the store and the Tempo-compatible API on the Tempo port.
//!
//! The interface below (new, ingest, stats, router) is what obs-embedded calls; keep it.

use std::sync::Arc;

use obs_ingest::{IngestOutcome, Refusal, StoreLimits, StoreStats};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;

/// The store (placeholder, replaced by its owner).
pub struct TraceStore {
    limits: StoreLimits,
}

impl TraceStore {
    /// An empty store with these caps.
    pub fn new(limits: StoreLimits) -> Self {
        Self { limits }
    }

    /// Stores a decoded export request; visible to queries as soon as this returns.
    pub fn ingest(&self, req: ExportTraceServiceRequest) -> Result<IngestOutcome, Refusal> {
        let _ = req;
        Err(Refusal::Full("not built yet".into()))
    }

    /// Sizes and counters, for the server's own metrics.
    pub fn stats(&self) -> StoreStats {
        StoreStats { max_items: self.limits.max_items, max_bytes: self.limits.max_bytes, ..StoreStats::default() }
    }
}

/// The Tempo-compatible API on the Tempo port.
pub fn router(store: Arc<TraceStore>) -> axum::Router {
    let _ = store;
    axum::Router::new()
}
