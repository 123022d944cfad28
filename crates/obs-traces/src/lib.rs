//! The embedded backend's traces: the store ([`store`]), the queries over it ([`query`]: the
//! TraceQL subset and the searches, run in chunks under the shared query runner) and the
//! Tempo-compatible API on the Tempo port ([`api`]).
//!
//! What obs-embedded calls: [`TraceStore::new`], the [`obs_contract::SignalStore`] methods
//! (`ingest`, `stats`, `close`) and [`router`]. Store design (memory, indexes, eviction) is
//! described in [`store`].

pub mod api;
mod codec;
pub mod error;
mod hash;
mod intern;
pub mod query;
mod seqlist;
pub mod store;
#[cfg(test)]
mod testdata;

use std::sync::Arc;

use obs_contract::query::QueryRunner;

pub use error::Error;
pub use store::TraceStore;

/// The Tempo-compatible API on the Tempo port; queries run through `runner` (its limits,
/// deadline and slots are shared with the other signals' APIs).
pub fn router(store: Arc<TraceStore>, runner: QueryRunner) -> axum::Router {
    api::router(store, runner)
}
