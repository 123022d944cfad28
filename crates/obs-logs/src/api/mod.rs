//! The Loki-compatible HTTP API: routes, shared parameter parsing and answers.

mod detected;
mod labels;
mod otlp;
mod params;
mod push;
pub mod push_proto;
mod query;
pub mod render;
mod stats;
mod volume;

use std::sync::Arc;

use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::{Extension, Router};
use obs_contract::query::{Budget, QueryRunner};

use crate::{Error, LogStore};

/// Largest push or OTLP body accepted (after decompression) unless the server sets its own.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The largest request body (after decompression) the push and OTLP handlers accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

/// What every handler can reach: the store and the runner its queries go through.
#[derive(Clone)]
pub struct Api {
    /// The store.
    pub store: Arc<LogStore>,
    /// Runs queries off the async workers, with the server's limits.
    pub runner: QueryRunner,
}

impl FromRef<Api> for Arc<LogStore> {
    fn from_ref(api: &Api) -> Self {
        api.store.clone()
    }
}

impl Api {
    /// Runs `work` on the runner with the store and a budget; a runner stop (timeout, busy,
    /// cancelled, panic) becomes the crate's error.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&LogStore, &Budget) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let store = self.store.clone();
        self.runner.run(move |budget| work(&store, budget)).await?
    }

    /// Checks a query text's length, depth and operator count before any parser sees it.
    pub fn scan(&self, text: &str) -> Result<(), Error> {
        obs_contract::query::scan::check(text, self.runner.limits())?;
        Ok(())
    }

    /// The deepest nesting the parser accepts.
    pub fn max_depth(&self) -> usize {
        self.runner.limits().max_depth
    }
}

/// All routes, with the store as state, accepting bodies up to [`MAX_BODY_BYTES`].
pub fn router(store: Arc<LogStore>, runner: QueryRunner) -> Router {
    router_with_limit(store, MAX_BODY_BYTES, runner)
}

/// All routes, accepting request bodies up to `max_body_bytes` (after decompression); queries
/// run through `runner`.
pub fn router_with_limit(store: Arc<LogStore>, max_body_bytes: usize, runner: QueryRunner) -> Router {
    Router::new()
        .route("/ready", get(|| async { "ready\n" }))
        .route("/loki/api/v1/status/buildinfo", get(render::buildinfo))
        .route("/loki/api/v1/push", post(push::push))
        .route("/otlp/v1/logs", post(otlp::export))
        .route("/loki/api/v1/query_range", get(query::query_range).post(query::query_range))
        .route("/loki/api/v1/query", get(query::query).post(query::query))
        .route("/loki/api/v1/labels", get(labels::labels).post(labels::labels))
        .route("/loki/api/v1/label/{name}/values", get(labels::label_values).post(labels::label_values))
        .route("/loki/api/v1/series", get(labels::series).post(labels::series))
        .route("/loki/api/v1/index/stats", get(labels::index_stats).post(labels::index_stats))
        .route("/loki/api/v1/index/volume", get(volume::volume).post(volume::volume))
        .route("/loki/api/v1/index/volume_range", get(volume::volume_range).post(volume::volume_range))
        .route("/loki/api/v1/detected_labels", get(detected::detected_labels))
        .route("/loki/api/v1/detected_fields", get(detected::detected_fields))
        .route("/loki/api/v1/detected_field/{name}/values", get(detected::detected_field_values))
        .layer(axum::extract::DefaultBodyLimit::max(max_body_bytes))
        .layer(Extension(BodyLimit(max_body_bytes)))
        .with_state(Api { store, runner })
}
