//! The embedded backend's logs: the store and the Loki-compatible API on the Loki port (with Loki's own OTLP and push endpoints).
//!
//! The interface below (new, ingest, stats, router, router_with_limit, close, and the
//! `SignalStore` impl) is what obs-embedded calls; keep it.
//!
//! What it answers, Loki-compatible (shapes checked against Loki 3.4.6 captures): `/ready`,
//! `/loki/api/v1/status/buildinfo`, `/loki/api/v1/push` (JSON with gzip/deflate, or snappy
//! protobuf), `/otlp/v1/logs`, `query_range` and `query` (GET and POST form,
//! `categorize-labels`), `labels`, `label/<name>/values`, `series`, `index/stats`,
//! `index/volume`, `index/volume_range`, `detected_labels`, `detected_fields`,
//! `detected_field/<name>/values`. Not served (404): `tail`, `patterns`, `format_query`.
//!
//! LogQL: selectors (`= != =~ !~`), line filters (`|= != |~ !~`), label filters on index labels,
//! structured metadata and parsed labels (string, numeric, duration, bytes; `and`/`or`/`,`),
//! `json`, `logfmt`, `drop`, `line_format` with `{{.label}}`/`{{__line__}}`; `count_over_time`,
//! `rate`, `bytes_over_time`, `bytes_rate`; `sum`, `count`, `min`, `max`, `avg`, `topk`,
//! `bottomk` with `by`/`without`; `vector(n)`; arithmetic. Other valid LogQL (`unwrap` and the
//! `*_over_time` functions over it, `offset`, comparisons between vectors, `label_format`,
//! `keep`, `pattern`, `regexp`, parser parameters) is refused with a 400 naming it.

pub mod api;
pub mod error;
pub mod ingest;
pub mod labels;
pub mod level;
pub mod query;
pub mod store;
pub mod volume;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use obs_contract::query::QueryRunner;
use obs_contract::{IngestOutcome, ItemLimits, Refusal, SignalStore, StoreLimits, StoreStats};
use obs_stack::env::{OBS_MAX_LOG_BYTES, OBS_MAX_LOG_RECORDS};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use parking_lot::RwLock;

pub use error::Error;
use store::{Batch, Inner};

/// The log store: streams of records in memory, bounded by record and byte caps. Queries read
/// it in short locked chunks; its counters are atomics, so `stats` never waits.
pub struct LogStore {
    inner: RwLock<Inner>,
    closed: AtomicBool,
    counters: Counters,
    limits: StoreLimits,
    item_limits: ItemLimits,
}

/// The store's counters, published after each ingest and eviction.
#[derive(Debug, Default)]
struct Counters {
    items: AtomicU64,
    bytes: AtomicU64,
    ingested: AtomicU64,
    evicted: AtomicU64,
    refused: AtomicU64,
}

impl LogStore {
    /// An empty store with these caps and the default per-item limits.
    pub fn new(limits: StoreLimits) -> Self {
        Self::with_item_limits(limits, ItemLimits::default())
    }

    /// An empty store with these caps and per-item limits.
    pub fn with_item_limits(limits: StoreLimits, item_limits: ItemLimits) -> Self {
        Self {
            inner: RwLock::new(Inner::new(limits)),
            closed: AtomicBool::new(false),
            counters: Counters::default(),
            limits,
            item_limits,
        }
    }

    /// Stores a decoded export request; visible to queries as soon as this returns.
    pub fn ingest(&self, req: ExportLogsServiceRequest) -> Result<IngestOutcome, Refusal> {
        let batch = ingest::otlp_batch(&req, ingest::now_ns(), &self.item_limits);
        self.commit(&batch)
    }

    /// The one way records enter the store: a batch that can never fit is refused whole (nothing
    /// stored, nothing evicted); otherwise it is stored, then the oldest records are evicted
    /// until the caps hold again.
    pub fn commit(&self, batch: &Batch<'_>) -> Result<IngestOutcome, Refusal> {
        if self.is_closed() {
            return Err(Refusal::ShuttingDown);
        }
        self.counters.refused.fetch_add(batch.rejected, Ordering::Relaxed);
        if let Err(refusal) = self.fits(batch) {
            self.counters.refused.fetch_add(batch.records(), Ordering::Relaxed);
            return Err(refusal);
        }
        let mut inner = self.inner.write();
        let accepted = inner.ingest(batch);
        inner.enforce_caps();
        self.publish(&inner);
        Ok(batch.outcome(accepted))
    }

    /// `Err(TooLarge)` when the batch alone is over a cap.
    fn fits(&self, batch: &Batch<'_>) -> Result<(), Refusal> {
        let records = batch.records();
        if records > self.limits.max_items {
            return Err(Refusal::TooLarge(format!(
                "{records} log records in one request are more than the store holds in all ({} records, set by \
                 {OBS_MAX_LOG_RECORDS}); send smaller batches or raise the cap",
                self.limits.max_items
            )));
        }
        let bytes = batch.max_bytes();
        if bytes > self.limits.max_bytes {
            return Err(Refusal::TooLarge(format!(
                "one request of up to {bytes} bytes of log records is more than the store holds in all ({} bytes, \
                 set by {OBS_MAX_LOG_BYTES}); send smaller batches or raise the cap",
                self.limits.max_bytes
            )));
        }
        Ok(())
    }

    /// Copies the counters out of the locked store.
    fn publish(&self, inner: &Inner) {
        let stats = inner.stats();
        self.counters.items.store(stats.items, Ordering::Relaxed);
        self.counters.bytes.store(stats.bytes, Ordering::Relaxed);
        self.counters.ingested.store(stats.ingested, Ordering::Relaxed);
        self.counters.evicted.store(stats.evicted, Ordering::Relaxed);
    }

    /// Refuses further ingest (OTLP and push answer 503) while queries keep working; the server
    /// calls it when it starts shutting down.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    /// Whether [`LogStore::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Sizes and counters, for the server's own metrics; takes no lock.
    pub fn stats(&self) -> StoreStats {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        StoreStats {
            items: load(&self.counters.items),
            bytes: load(&self.counters.bytes),
            max_items: self.limits.max_items,
            max_bytes: self.limits.max_bytes,
            ingested: load(&self.counters.ingested),
            evicted: load(&self.counters.evicted),
            refused: load(&self.counters.refused),
        }
    }

    /// The per-item limits applied at ingest.
    pub fn item_limits(&self) -> &ItemLimits {
        &self.item_limits
    }

    /// Runs `f` under a short read lock. Queries call it per chunk of work, never for a whole
    /// query, so ingest and other queries interleave.
    pub fn with_inner<T>(&self, f: impl FnOnce(&Inner) -> T) -> T {
        f(&self.inner.read())
    }

    /// Approximate heap bytes held by records and interned strings (for the bench).
    pub fn heap_bytes(&self) -> usize {
        self.with_inner(Inner::heap_bytes)
    }
}

impl SignalStore for LogStore {
    type Request = ExportLogsServiceRequest;

    fn ingest(&self, req: ExportLogsServiceRequest) -> Result<IngestOutcome, Refusal> {
        LogStore::ingest(self, req)
    }

    fn stats(&self) -> StoreStats {
        LogStore::stats(self)
    }

    fn close(&self) {
        LogStore::close(self)
    }
}

/// The Loki-compatible API on the Loki port (with Loki's own OTLP and push endpoints), accepting
/// request bodies up to 64 MiB; queries run through `runner`.
pub fn router(store: Arc<LogStore>, runner: QueryRunner) -> axum::Router {
    api::router(store, runner)
}

/// [`router`] with another cap on request bodies (bytes, after decompression).
pub fn router_with_limit(store: Arc<LogStore>, max_request_bytes: usize, runner: QueryRunner) -> axum::Router {
    api::router_with_limit(store, max_request_bytes, runner)
}
