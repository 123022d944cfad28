//! What the embedded backend's stores share: how an ingest went ([`IngestOutcome`],
//! [`Refusal`]), their caps and counters ([`StoreLimits`], [`StoreStats`]), the server's own
//! metric samples ([`SelfSample`]), the store contract ([`SignalStore`]) and per-item limits
//! ([`ItemLimits`]), OTLP/HTTP request decoding and answers (`http`), how queries run and
//! what bounds them (`query`), the localhost guard every port sits behind (`guard`), and the
//! timestamp and duration parsing the query APIs share (`time`).
//!
//! OWNER: core helper (obs-embedded). The types below are the contract between the stores
//! and the server; change them only together with every user.

use std::time::Duration;

pub mod guard;
pub mod http;
pub mod query;
pub mod time;

/// What a store made of one export request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// Items stored (duplicates count as accepted: they are already stored).
    pub accepted: u64,
    /// Items refused as invalid; reported as OTLP partial success.
    pub rejected: u64,
    /// Why items were rejected, for the partial-success `error_message`.
    pub message: Option<String>,
}

/// Why a store refused a whole request. Nothing of a refused request is stored, and nothing
/// stored is evicted for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The store is busy or full for now; retryable (503 with Retry-After / gRPC UNAVAILABLE
    /// with RetryInfo).
    Full(String),
    /// The request can never fit (for example more bytes or items than the whole cap); not
    /// retryable (413 / gRPC RESOURCE_EXHAUSTED without RetryInfo). The message names the cap
    /// and the variable that raises it.
    TooLarge(String),
    /// The server is shutting down; retryable.
    ShuttingDown,
}

impl Refusal {
    /// Whether an exporter should retry the same request later.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, Refusal::TooLarge(_))
    }
}

/// What every signal store offers the server: ingest, counters, and closing for shutdown.
/// The three stores implement it alike, so the server and the OTLP transports treat them alike.
pub trait SignalStore: Send + Sync + 'static {
    /// The decoded OTLP export request this store takes.
    type Request;
    /// Stores `req`; visible to queries when this returns. A refusal stores nothing.
    fn ingest(&self, req: Self::Request) -> Result<IngestOutcome, Refusal>;
    /// Sizes and counters; never waits on a running query.
    fn stats(&self) -> StoreStats;
    /// Refuses further ingest with [`Refusal::ShuttingDown`]; queries keep working.
    fn close(&self);
}

/// Per-item limits applied at ingest, like the OpenTelemetry SDKs' defaults. Over a limit an
/// item is truncated and the drop counted (attributes, value length), or the item is rejected
/// and reported as partial success (histogram bounds, far-future timestamps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemLimits {
    /// Attributes kept per span, record or point (resource and scope each count on their own);
    /// the SDKs' `OTEL_ATTRIBUTE_COUNT_LIMIT` default.
    pub max_attributes: usize,
    /// Keys made when flattening one kvlist/array attribute (Loki's structured metadata).
    pub max_flattened_keys: usize,
    /// Longest attribute key kept, in bytes.
    pub max_key_bytes: usize,
    /// Longest attribute value or log body kept, in bytes; longer ones are truncated.
    pub max_value_bytes: usize,
    /// Most explicit bucket bounds in one histogram point.
    pub max_histogram_bounds: usize,
    /// How far ahead of the server's clock an item may be (Loki's `creation_grace_period`).
    pub creation_grace: Duration,
}

impl Default for ItemLimits {
    fn default() -> Self {
        Self {
            max_attributes: 128,
            max_flattened_keys: 128,
            max_key_bytes: 1024,
            max_value_bytes: 64 * 1024,
            max_histogram_bounds: 512,
            creation_grace: Duration::from_secs(600),
        }
    }
}

/// Caps of one store. Each store evicts oldest first to stay under both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    /// Most items held (spans, log records; for metrics: series).
    pub max_items: u64,
    /// Most bytes held (approximate, counted by the store).
    pub max_bytes: u64,
    /// How far back data is kept (metrics: sample history).
    pub history: Duration,
}

/// Counters and sizes every store reports; exposed as the server's own metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    /// Items held now (spans, log records, metric series).
    pub items: u64,
    /// Approximate bytes held now.
    pub bytes: u64,
    /// Cap on items.
    pub max_items: u64,
    /// Cap on bytes.
    pub max_bytes: u64,
    /// Items accepted since start.
    pub ingested: u64,
    /// Items evicted (oldest first) to stay under the caps.
    pub evicted: u64,
    /// Items refused (invalid, or over the caps).
    pub refused: u64,
}

/// One sample of the server's own state, such as `obs_embedded_spans_evicted_total`.
#[derive(Debug, Clone, PartialEq)]
pub struct SelfSample {
    /// Prometheus metric name.
    pub name: &'static str,
    /// `# HELP` text.
    pub help: &'static str,
    /// `counter` or `gauge`.
    pub kind: &'static str,
    /// Label pairs.
    pub labels: Vec<(&'static str, String)>,
    /// Current value.
    pub value: f64,
}

/// Produces the server's own samples on demand (the metrics crate calls it per scrape/query).
pub type SelfSamples = std::sync::Arc<dyn Fn() -> Vec<SelfSample> + Send + Sync>;
