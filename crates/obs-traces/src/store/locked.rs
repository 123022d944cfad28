//! The store behind its lock: [`TraceStore`] admits, trims and stores requests (the write lock
//! for one request), lends the read lock to queries one chunk at a time, and publishes its
//! counters in atomics so health and status never wait on a lock.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use obs_contract::{IngestOutcome, ItemLimits, Refusal, SignalStore, StoreLimits, StoreStats};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::TracesData;
use parking_lot::RwLock;

use super::{Inner, admit, item_limits};

/// The span store: one lock around [`Inner`], held by ingest for one request and by queries
/// for one chunk at a time.
pub struct TraceStore {
    limits: StoreLimits,
    items: ItemLimits,
    inner: RwLock<Inner>,
    published: Published,
    closed: AtomicBool,
}

/// The counters as of the last ingest, readable without the lock.
#[derive(Default)]
struct Published {
    items: AtomicU64,
    bytes: AtomicU64,
    ingested: AtomicU64,
    evicted: AtomicU64,
    /// Spans refused inside the store (invalid spans).
    refused_inside: AtomicU64,
    /// Spans of whole requests refused before the store (too large, shutting down).
    refused_whole: AtomicU64,
}

impl Published {
    fn publish(&self, inner: &Inner) {
        self.items.store(inner.items(), Ordering::Relaxed);
        self.bytes.store(inner.bytes(), Ordering::Relaxed);
        self.ingested.store(inner.counters.ingested, Ordering::Relaxed);
        self.evicted.store(inner.counters.evicted, Ordering::Relaxed);
        self.refused_inside.store(inner.counters.refused, Ordering::Relaxed);
    }
}

impl TraceStore {
    /// An empty store with these caps and the default per-item limits.
    pub fn new(limits: StoreLimits) -> Self {
        Self {
            limits,
            items: ItemLimits::default(),
            inner: RwLock::new(Inner::default()),
            published: Published::default(),
            closed: AtomicBool::new(false),
        }
    }

    /// The same store with other per-item limits.
    pub fn with_item_limits(mut self, items: ItemLimits) -> Self {
        self.items = items;
        self
    }

    /// Stores a decoded export request; visible to queries as soon as this returns. A request
    /// that can never fit is refused whole ([`Refusal::TooLarge`]) and nothing is evicted for it.
    pub fn ingest(&self, mut req: ExportTraceServiceRequest) -> Result<IngestOutcome, Refusal> {
        let spans = admit::span_count(&req);
        if self.closed.load(Ordering::Relaxed) {
            self.published.refused_whole.fetch_add(spans, Ordering::Relaxed);
            return Err(Refusal::ShuttingDown);
        }
        item_limits::apply(&mut req, &self.items);
        if let Err(refusal) = admit::check(&req, spans, &self.limits) {
            self.published.refused_whole.fetch_add(spans, Ordering::Relaxed);
            return Err(refusal);
        }
        let mut inner = self.inner.write();
        let outcome = inner.ingest(&req, &self.limits);
        self.published.publish(&inner);
        Ok(outcome)
    }

    /// Sizes and counters as of the last ingest; takes no lock.
    pub fn stats(&self) -> StoreStats {
        let p = &self.published;
        StoreStats {
            items: p.items.load(Ordering::Relaxed),
            bytes: p.bytes.load(Ordering::Relaxed),
            max_items: self.limits.max_items,
            max_bytes: self.limits.max_bytes,
            ingested: p.ingested.load(Ordering::Relaxed),
            evicted: p.evicted.load(Ordering::Relaxed),
            refused: p.refused_inside.load(Ordering::Relaxed) + p.refused_whole.load(Ordering::Relaxed),
        }
    }

    /// Refuses further ingest with [`Refusal::ShuttingDown`]; queries keep working.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
    }

    /// The stored trace with this id, as OTLP (assembled in chunks, without a deadline).
    pub fn trace(&self, trace_id: &[u8; 16]) -> Option<TracesData> {
        crate::query::trace_by_id::assemble(self, trace_id, &obs_contract::query::Budget::unlimited()).ok().flatten()
    }

    /// Runs `f` with the store read-locked. Queries call it once per chunk of work, so the
    /// lock is never held for a whole query.
    pub fn read<R>(&self, f: impl FnOnce(&Inner) -> R) -> R {
        f(&self.inner.read())
    }
}

impl SignalStore for TraceStore {
    type Request = ExportTraceServiceRequest;

    fn ingest(&self, req: Self::Request) -> Result<IngestOutcome, Refusal> {
        TraceStore::ingest(self, req)
    }

    fn stats(&self) -> StoreStats {
        TraceStore::stats(self)
    }

    fn close(&self) {
        TraceStore::close(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{request, span};

    /// Pins that stats never take the store lock: they answer while a writer holds it (a
    /// regression would deadlock here, as health did behind a long query).
    #[test]
    fn stats_answer_while_the_lock_is_held() {
        let limits = StoreLimits { max_items: 10, max_bytes: 1 << 20, history: std::time::Duration::from_secs(60) };
        let store = TraceStore::new(limits);
        store.ingest(request("svc", vec![span(1, 1, 0, "op", 0, vec![])])).ok();
        let _writer = store.inner.write();
        assert_eq!(store.stats().items, 1);
    }

    /// Pins that a closed store refuses ingest as shutting down and counts the spans refused.
    #[test]
    fn closed_store_refuses() {
        let limits = StoreLimits { max_items: 10, max_bytes: 1 << 20, history: std::time::Duration::from_secs(60) };
        let store = TraceStore::new(limits);
        SignalStore::close(&store);
        let refused = SignalStore::ingest(&store, request("svc", vec![span(1, 1, 0, "op", 0, vec![])]));
        assert_eq!(refused, Err(Refusal::ShuttingDown));
        assert_eq!(store.stats().refused, 1);
    }
}
