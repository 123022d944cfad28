//! OTLP/HTTP on :4318: `POST /v1/traces`, `/v1/logs`, `/v1/metrics`, decoded and answered by
//! `obs_contract::http`, counted by outcome.

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;

use super::{Routed, ingest, outcome_of};
use crate::selfmetrics::{Outcome, Protocol};
use crate::state::SharedState;

/// The three export routes, admitted by the shared byte budget.
pub fn router(state: SharedState) -> Router {
    let admission = state.admission.clone();
    Router::new()
        .route("/v1/traces", post(export::<ExportTraceServiceRequest>))
        .route("/v1/logs", post(export::<ExportLogsServiceRequest>))
        .route("/v1/metrics", post(export::<ExportMetricsServiceRequest>))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(admission, obs_contract::http::admit))
}

async fn export<S: Routed>(State(state): State<SharedState>, request: Request) -> Response {
    let limit = state.config.limits.max_request_bytes;
    let seen = Arc::new(OnceLock::new());
    let (store, record) = (state.clone(), seen.clone());
    let response = obs_contract::http::handle::<S>(request, limit, move |req| {
        let result = ingest(&store, req);
        let _ = record.set(outcome_of(&result));
        result
    })
    .await;
    let outcome = seen.get().copied().unwrap_or_else(|| outcome_of_status(response.status()));
    state.requests.record(Protocol::Http, S::KIND, outcome);
    response
}

/// The outcome of a request that never reached a store.
fn outcome_of_status(status: StatusCode) -> Outcome {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => Outcome::TooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Outcome::Unsupported,
        _ => Outcome::Invalid,
    }
}
