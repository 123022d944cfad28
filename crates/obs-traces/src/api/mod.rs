//! The Tempo-compatible HTTP API (paths, parameters and answer shapes of Tempo 2.7). Every path
//! is relative so the router also works nested under Grafana's datasource-proxy prefix.
//! Handlers only decode parameters, hand the work to the query runner and render the answer;
//! failures are [`crate::Error`], rendered in Tempo's plain-text shape.

mod duration;
mod misc;
pub mod params;
mod render_json;
mod render_proto;
mod search;
pub mod search_params;
mod tags;
mod trace_by_id;
pub mod traceid;

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use obs_contract::query::QueryRunner;

use crate::TraceStore;

/// Shared state of the handlers: the store and the runner its queries go through.
#[derive(Clone)]
pub struct App {
    /// The span store.
    pub store: Arc<TraceStore>,
    /// Runs queries off the async workers, with the shared limits.
    pub runner: QueryRunner,
}

/// The routes of the Tempo API.
pub fn router(store: Arc<TraceStore>, runner: QueryRunner) -> Router {
    Router::new()
        .route("/ready", get(misc::ready))
        .route("/api/echo", get(misc::echo))
        .route("/api/status/buildinfo", get(misc::buildinfo))
        .route("/api/search", get(search::search))
        .route("/api/traces/{id}", get(trace_by_id::v1))
        .route("/api/v2/traces/{id}", get(trace_by_id::v2))
        .route("/api/search/tags", get(tags::names_v1))
        .route("/api/v2/search/tags", get(tags::names_v2))
        .route("/api/search/tag/{name}/values", get(tags::values_v1))
        .route("/api/v2/search/tag/{name}/values", get(tags::values_v2))
        .with_state(App { store, runner })
}

/// A plain-text answer.
pub fn text(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// A JSON answer.
pub fn json<T: serde::Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, format!("could not encode the answer as JSON: {e}")),
    }
}
