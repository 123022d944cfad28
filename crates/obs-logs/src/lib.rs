//! The embedded backend's logs: the store and the Loki-compatible API on the Loki port (with Loki's own OTLP and push endpoints).
//!
//! The interface below (new, ingest, stats, router) is what obs-embedded calls; keep it.

use std::sync::Arc;

use obs_ingest::{IngestOutcome, Refusal, StoreLimits, StoreStats};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;

/// The store (placeholder, replaced by its owner).
pub struct LogStore {
    limits: StoreLimits,
}

impl LogStore {
    /// An empty store with these caps.
    pub fn new(limits: StoreLimits) -> Self {
        Self { limits }
    }

    /// Stores a decoded export request; visible to queries as soon as this returns.
    pub fn ingest(&self, req: ExportLogsServiceRequest) -> Result<IngestOutcome, Refusal> {
        let _ = req;
        Err(Refusal::Full("not built yet".into()))
    }

    /// Sizes and counters, for the server's own metrics.
    pub fn stats(&self) -> StoreStats {
        StoreStats { max_items: self.limits.max_items, max_bytes: self.limits.max_bytes, ..StoreStats::default() }
    }
}

/// The Loki-compatible API on the Loki port (with Loki's own OTLP and push endpoints).
pub fn router(store: Arc<LogStore>) -> axum::Router {
    let _ = store;
    axum::Router::new()
}
