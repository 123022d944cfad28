//! The Prometheus-compatible HTTP API on the Prometheus port: health, instant and range
//! queries, label and series metadata, build info, with Prometheus' envelope and error types.
//! Exemplars, rules and alerts answer empty (none are stored), as Grafana probes them.
//! Handlers only parse parameters, run the query on the shared runner and render.

pub mod encode;
pub mod meta;
pub mod params;
pub mod query;

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, header::CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use obs_contract::SelfSamples;
use obs_contract::query::{Budget, QueryLimits, QueryRunner};
use serde_json::{Value as Json, json};

use crate::error::QueryError;
use crate::store::MetricStore;
use crate::view::StoreView;
pub use params::Params;

/// What the handlers share: the store, the server's own samples and the query runner.
#[derive(Clone)]
pub struct ApiState {
    /// The metric store.
    pub store: Arc<MetricStore>,
    /// The server's own samples, queryable like stored series.
    pub own: SelfSamples,
    /// Runs every query off the async workers, within the limits.
    pub runner: QueryRunner,
}

impl ApiState {
    /// Runs `work` on the runner with a view of the store (own samples stamped `arrived` ms,
    /// when the request came); a limit that stops it becomes [`QueryError::Limit`].
    pub async fn run<T, F>(&self, arrived: i64, work: F) -> Result<T, QueryError>
    where
        T: Send + 'static,
        F: FnOnce(&StoreView<'_>, &QueryLimits, &Budget) -> Result<T, QueryError> + Send + 'static,
    {
        let (store, own, limits) = (self.store.clone(), self.own.clone(), *self.runner.limits());
        self.runner.run(move |budget| work(&StoreView::stamped(&store, &own, arrived), &limits, budget)).await?
    }
}

/// The API router.
pub fn router(store: Arc<MetricStore>, own: SelfSamples, runner: QueryRunner) -> axum::Router {
    let state = ApiState { store, own, runner };
    axum::Router::new()
        .route("/-/ready", get(|| async { text("Prometheus Server is Ready.\n") }))
        .route("/-/healthy", get(|| async { text("Prometheus Server is Healthy.\n") }))
        .route("/api/v1/query", any(query::instant))
        .route("/api/v1/query_range", any(query::range))
        .route("/api/v1/labels", any(meta::labels))
        .route("/api/v1/label/{name}/values", get(meta::label_values))
        .route("/api/v1/series", any(meta::series))
        .route("/api/v1/metadata", get(meta::metadata))
        .route("/api/v1/status/buildinfo", get(|| async { success(meta::buildinfo()) }))
        .route("/api/v1/query_exemplars", any(|| async { success(json!([])) }))
        .route("/api/v1/rules", get(|| async { success(json!({"groups": []})) }))
        .route("/api/v1/alerts", get(|| async { success(json!({"alerts": []})) }))
        .fallback(|| async { QueryError::NotFound("no such endpoint in the embedded Prometheus API".into()) })
        .with_state(state)
}

fn text(body: &'static str) -> Response {
    ([(CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `{"status":"success","data":...}` for small answers.
pub fn success(data: Json) -> Response {
    axum::Json(json!({"status": "success", "data": data})).into_response()
}

/// Parameters from the query string and, for a form POST, the body.
pub fn collect_params(method: &Method, headers: &HeaderMap, raw: Option<String>, body: &Bytes) -> Params {
    let mut params = Params::default();
    params.extend_from(raw.as_deref().unwrap_or(""));
    let form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if *method == Method::POST && form {
        params.extend_from(&String::from_utf8_lossy(body));
    }
    params
}
