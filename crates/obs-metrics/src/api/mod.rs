//! The Prometheus-compatible HTTP API on the Prometheus port: health, instant and range
//! queries, label and series metadata, build info, with Prometheus' envelope and error types.
//! Exemplars, rules and alerts answer empty (none are stored), as Grafana probes them.

pub mod meta;
pub mod params;
pub mod query;

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, header::CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use obs_contract::SelfSamples;
use serde_json::{Value as Json, json};

use crate::query::QueryError;
use crate::store::MetricStore;
pub use params::Params;

/// What the handlers share: the store and the server's own samples.
#[derive(Clone)]
pub struct ApiState {
    /// The metric store.
    pub store: Arc<MetricStore>,
    /// The server's own samples, queryable like stored series.
    pub own: SelfSamples,
}

/// The API router.
pub fn router(store: Arc<MetricStore>, own: SelfSamples) -> axum::Router {
    let state = ApiState { store, own };
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
        .fallback(|| async {
            error(StatusCode::NOT_FOUND, "not_found", "no such endpoint in the embedded Prometheus API")
        })
        .with_state(state)
}

fn text(body: &'static str) -> Response {
    ([(CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `{"status":"success","data":...}`.
pub fn success(data: Json) -> Response {
    axum::Json(json!({"status": "success", "data": data})).into_response()
}

/// `{"status":"error","errorType":...,"error":...}` with `status`.
pub fn error(status: StatusCode, error_type: &str, message: &str) -> Response {
    (status, axum::Json(json!({"status": "error", "errorType": error_type, "error": message}))).into_response()
}

/// A query error as Prometheus answers it (400 `bad_data`, 422 `execution`).
pub fn query_error(e: QueryError) -> Response {
    match e {
        QueryError::BadData(m) => error(StatusCode::BAD_REQUEST, "bad_data", &m),
        QueryError::Execution(m) => error(StatusCode::UNPROCESSABLE_ENTITY, "execution", &m),
    }
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

/// A unix-ms timestamp as Prometheus writes it: seconds as a JSON number.
pub fn ts_json(ms: i64) -> Json {
    if ms % 1000 == 0 { Json::from(ms / 1000) } else { Json::from(ms as f64 / 1000.0) }
}
