//! The embedded backend's metrics: the store, PromQL evaluation, the Prometheus-compatible
//! query API on the Prometheus port and the collector-style exposition on the collector-metrics
//! port.
//!
//! The interface below (new, ingest, stats, router, exposition_router) is what obs-embedded
//! calls; keep it.

pub mod api;
pub mod error;
pub mod exposition;
pub mod format;
pub mod naming;
pub mod query;
pub mod store;
pub mod view;

#[cfg(test)]
mod testutil;

use std::sync::Arc;

pub use error::QueryError;
pub use store::MetricStore;

/// The Prometheus-compatible query API on the Prometheus port; the server's own samples are
/// queryable alongside the stored series, and every query runs on `runner` (off the async
/// workers, within its limits).
pub fn router(
    store: Arc<MetricStore>,
    own: obs_contract::SelfSamples,
    runner: obs_contract::query::QueryRunner,
) -> axum::Router {
    api::router(store, own, runner)
}

/// The collector-style `/metrics` exposition on the collector-metrics port: every stored
/// series plus the server's own samples.
pub fn exposition_router(store: Arc<MetricStore>, own: obs_contract::SelfSamples) -> axum::Router {
    exposition::router(store, own)
}
