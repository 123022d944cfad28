//! What the embedded backend's stores share: how an ingest went ([`IngestOutcome`],
//! [`Refusal`]), their caps and counters ([`StoreLimits`], [`StoreStats`]), the server's own
//! metric samples ([`SelfSample`]), OTLP/HTTP request decoding and answers (`http`), and the
//! timestamp and duration parsing the query APIs share (`time`).
//!
//! OWNER: core helper (obs-embedded). The types below are the contract between the stores
//! and the server; change them only together with every user.

use std::time::Duration;

pub mod http;
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

/// Why a store refused a whole request (retryable: 503 with Retry-After / gRPC UNAVAILABLE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The store is at its cap and cannot evict (for example one request larger than the cap).
    Full(String),
    /// The server is shutting down.
    ShuttingDown,
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
