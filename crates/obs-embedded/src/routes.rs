//! What each port serves: the store APIs, OTLP, the exposition, collector-style health and the
//! UI (with the three APIs nested under Grafana's datasource-proxy paths), each with the status
//! endpoint added, behind the localhost guard and a request-body timeout.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use obs_stack::{datasource_uid, ports};

use tower_http::compression::CompressionLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::selfmetrics;
use crate::state::SharedState;
use crate::status::{STATUS_PATH, health, status};

/// The router for the port with key `key`.
pub fn for_port(state: &SharedState, key: &str) -> Router {
    let app = match key {
        k if k == ports::TEMPO.key => tempo(state),
        k if k == ports::LOKI.key => loki(state),
        k if k == ports::PROMETHEUS.key => prometheus(state),
        k if k == ports::OTLP_GRPC.key => crate::otlp::grpc::router(state.clone()),
        k if k == ports::OTLP_HTTP.key => crate::otlp::http::router(state.clone()),
        k if k == ports::COLLECTOR_METRICS.key => {
            obs_metrics::exposition_router(state.metrics.clone(), selfmetrics::source(state))
        }
        k if k == ports::COLLECTOR_HEALTH.key => Router::new().route("/", get(health)).with_state(state.clone()),
        k if k == ports::GRAFANA.key => ui(state),
        _ => Router::new(),
    };
    let app = app.merge(Router::new().route(STATUS_PATH, get(status)).with_state(state.clone()));
    obs_contract::guard::protect(app, Arc::new(state.config.guard.clone()))
        .layer(RequestBodyTimeoutLayer::new(state.config.conn.body_timeout))
}

fn tempo(state: &SharedState) -> Router {
    obs_traces::router(state.traces.clone(), state.runner.clone())
}

fn loki(state: &SharedState) -> Router {
    obs_logs::router_with_limit(state.logs.clone(), state.config.limits.max_request_bytes, state.runner.clone())
        .layer(axum::middleware::from_fn_with_state(state.admission.clone(), obs_contract::http::admit))
}

fn prometheus(state: &SharedState) -> Router {
    obs_metrics::router(state.metrics.clone(), selfmetrics::source(state), state.runner.clone())
}

/// The web UI merged with the three APIs under `/api/datasources/proxy/uid/<uid>`, so the
/// browser calls them on the same origin, as it would through Grafana; answers are gzipped
/// when the browser accepts it (a 100,000-span trace is 30 MB of JSON).
fn ui(state: &SharedState) -> Router {
    let endpoints = &state.config.endpoints;
    let urls = obs_ui::ApiUrls {
        tempo: endpoints.url(ports::TEMPO),
        loki: endpoints.url(ports::LOKI),
        prometheus: endpoints.url(ports::PROMETHEUS),
        otlp_grpc: endpoints.url(ports::OTLP_GRPC),
        otlp_http: endpoints.url(ports::OTLP_HTTP),
    };
    let proxy = |uid: &str| format!("/api/datasources/proxy/uid/{uid}");
    obs_ui::router(urls)
        .nest(&proxy(datasource_uid::TEMPO), tempo(state))
        .nest(&proxy(datasource_uid::LOKI), loki(state))
        .nest(&proxy(datasource_uid::PROMETHEUS), prometheus(state))
        .layer(CompressionLayer::new())
}
