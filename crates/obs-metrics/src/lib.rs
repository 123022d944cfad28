//! The embedded backend's metrics: the store and the Prometheus-compatible query API on the Prometheus port.
//!
//! The interface below (new, ingest, stats, router) is what obs-embedded calls; keep it.

use std::sync::Arc;

use obs_ingest::{IngestOutcome, Refusal, StoreLimits, StoreStats};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;

/// The store (placeholder, replaced by its owner).
pub struct MetricStore {
    limits: StoreLimits,
}

impl MetricStore {
    /// An empty store with these caps.
    pub fn new(limits: StoreLimits) -> Self {
        Self { limits }
    }

    /// Stores a decoded export request; visible to queries as soon as this returns.
    pub fn ingest(&self, req: ExportMetricsServiceRequest) -> Result<IngestOutcome, Refusal> {
        let _ = req;
        Err(Refusal::Full("not built yet".into()))
    }

    /// Sizes and counters, for the server's own metrics.
    pub fn stats(&self) -> StoreStats {
        StoreStats { max_items: self.limits.max_items, max_bytes: self.limits.max_bytes, ..StoreStats::default() }
    }
}

/// The Prometheus-compatible query API on the Prometheus port.
pub fn router(store: Arc<MetricStore>) -> axum::Router {
    let _ = store;
    axum::Router::new()
}

/// The collector-style `/metrics` exposition on the collector-metrics port: every stored
/// series plus the server's own samples.
pub fn exposition_router(store: Arc<MetricStore>, own: obs_ingest::SelfSamples) -> axum::Router {
    let _ = (store, own);
    axum::Router::new()
}
