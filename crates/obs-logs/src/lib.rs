//! The embedded backend's logs: the store and the Loki-compatible API on the Loki port (with Loki's own OTLP and push endpoints).
//!
//! The interface below (new, ingest, stats, router, router_with_limit, close) is what obs-embedded
//! calls; keep it.
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
pub mod ingest;
pub mod labels;
pub mod level;
pub mod query;
pub mod store;
pub mod volume;

use std::sync::Arc;

use obs_contract::{IngestOutcome, Refusal, StoreLimits, StoreStats};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use parking_lot::RwLock;

/// The log store: streams of records in memory, bounded by record and byte caps.
pub struct LogStore {
    inner: RwLock<store::Inner>,
    closed: std::sync::atomic::AtomicBool,
}

impl LogStore {
    /// An empty store with these caps.
    pub fn new(limits: StoreLimits) -> Self {
        Self { inner: RwLock::new(store::Inner::new(limits)), closed: std::sync::atomic::AtomicBool::new(false) }
    }

    /// Stores a decoded export request; visible to queries as soon as this returns.
    pub fn ingest(&self, req: ExportLogsServiceRequest) -> Result<IngestOutcome, Refusal> {
        if self.is_closed() {
            return Err(Refusal::ShuttingDown);
        }
        let count = ingest::count_records(&req);
        let mut inner = self.inner.write();
        if count > inner.limits().max_items {
            inner.refuse(count);
            return Err(Refusal::Full(format!(
                "{count} log records in one request exceed the store's cap of {} records; send smaller batches or \
                 raise the cap",
                inner.limits().max_items
            )));
        }
        let outcome = ingest::ingest_otlp(&mut inner, &req, ingest::now_ns());
        inner.enforce_caps();
        Ok(outcome)
    }

    /// Refuses further ingest (OTLP and push answer 503) while queries keep working; the server
    /// calls it when it starts shutting down.
    pub fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether [`LogStore::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Sizes and counters, for the server's own metrics.
    pub fn stats(&self) -> StoreStats {
        self.inner.read().stats()
    }

    /// Read access for queries.
    pub fn read(&self) -> parking_lot::RwLockReadGuard<'_, store::Inner> {
        self.inner.read()
    }

    /// Write access for the push API.
    pub fn write(&self) -> parking_lot::RwLockWriteGuard<'_, store::Inner> {
        self.inner.write()
    }

    /// Approximate heap bytes held by records and interned strings.
    pub fn heap_bytes(&self) -> usize {
        self.inner.read().heap_bytes()
    }
}

/// The Loki-compatible API on the Loki port (with Loki's own OTLP and push endpoints), accepting
/// request bodies up to 64 MiB.
pub fn router(store: Arc<LogStore>) -> axum::Router {
    api::router(store)
}

/// [`router`] with another cap on request bodies (bytes, after decompression).
pub fn router_with_limit(store: Arc<LogStore>, max_request_bytes: usize) -> axum::Router {
    api::router_with_limit(store, max_request_bytes)
}
