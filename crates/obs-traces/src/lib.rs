//! The embedded backend's traces: the store and the Tempo-compatible API on the Tempo port.
//!
//! The interface below (new, ingest, stats, router) is what obs-embedded calls; keep it.
//! Store design (memory, indexes, eviction) is described in [`store`].

pub mod api;
mod codec;
mod hash;
mod intern;
pub mod query;
mod seqlist;
pub mod store;
#[cfg(test)]
mod testdata;

use std::sync::Arc;

use obs_contract::{IngestOutcome, Refusal, StoreLimits, StoreStats};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::TracesData;
use parking_lot::RwLock;

/// The span store: one lock around [`store::Inner`], held briefly by ingest (one request) and
/// by queries (read).
pub struct TraceStore {
    limits: StoreLimits,
    inner: RwLock<store::Inner>,
}

impl TraceStore {
    /// An empty store with these caps.
    pub fn new(limits: StoreLimits) -> Self {
        Self { limits, inner: RwLock::new(store::Inner::default()) }
    }

    /// Stores a decoded export request; visible to queries as soon as this returns.
    pub fn ingest(&self, req: ExportTraceServiceRequest) -> Result<IngestOutcome, Refusal> {
        self.inner.write().ingest(&req, &self.limits)
    }

    /// Sizes and counters, for the server's own metrics.
    pub fn stats(&self) -> StoreStats {
        let inner = self.inner.read();
        StoreStats {
            items: inner.items(),
            bytes: inner.bytes(),
            max_items: self.limits.max_items,
            max_bytes: self.limits.max_bytes,
            ingested: inner.counters.ingested,
            evicted: inner.counters.evicted,
            refused: inner.counters.refused,
        }
    }

    /// The stored trace with this id, as OTLP.
    pub fn trace(&self, trace_id: &[u8; 16]) -> Option<TracesData> {
        self.inner.read().trace_data(trace_id)
    }

    /// Runs `f` with the store read-locked (queries).
    pub fn read<R>(&self, f: impl FnOnce(&store::Inner) -> R) -> R {
        f(&self.inner.read())
    }
}

/// The Tempo-compatible API on the Tempo port.
pub fn router(store: Arc<TraceStore>) -> axum::Router {
    api::router(store)
}
