//! Metrics: series from OTLP gauges, sums and histograms with a sample history, PromQL
//! evaluation behind the Prometheus-compatible API on :9090, and the collector-style text
//! exposition on :8889.
//!
//! OWNER: metrics helper. The interface below is what the rest of the server calls.

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;

use crate::config::StoreLimits;
use crate::state::{IngestOutcome, Refusal, SharedState, StoreStats};

/// Metric series with a bounded sample history.
pub struct MetricStore {
    limits: StoreLimits,
}

impl MetricStore {
    /// An empty store with these caps.
    pub fn new(limits: StoreLimits) -> Self {
        Self { limits }
    }

    /// Stores a decoded export request; visible to queries when this returns.
    pub fn ingest(&self, req: ExportMetricsServiceRequest) -> Result<IngestOutcome, Refusal> {
        let _ = req;
        Err(Refusal::Full("metric store not built yet".into()))
    }

    /// Sizes and counters, for the server's own metrics.
    pub fn stats(&self) -> StoreStats {
        StoreStats { max_items: self.limits.max_items, max_bytes: self.limits.max_bytes, ..StoreStats::default() }
    }
}

/// The Prometheus-compatible query API served on the Prometheus port.
pub fn router(state: SharedState) -> axum::Router {
    axum::Router::new().with_state(state)
}

/// The collector-style `/metrics` exposition served on the collector-metrics port.
pub fn exposition_router(state: SharedState) -> axum::Router {
    axum::Router::new().with_state(state)
}
