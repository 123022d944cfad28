//! Readiness, Grafana's echo check and build info.

use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::{json, text};

/// `GET /ready`: the store is in memory, so ready as soon as the server listens.
pub async fn ready() -> Response {
    text(StatusCode::OK, "ready\n".to_owned())
}

/// `GET /api/echo`: Grafana's datasource test.
pub async fn echo() -> Response {
    text(StatusCode::OK, "echo\n".to_owned())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BuildInfo {
    version: &'static str,
    revision: &'static str,
    branch: &'static str,
    build_user: &'static str,
    build_date: &'static str,
    go_version: &'static str,
}

/// `GET /api/status/buildinfo`: Tempo's keys, our version.
pub async fn buildinfo() -> Response {
    json(&BuildInfo {
        version: env!("CARGO_PKG_VERSION"),
        revision: "",
        branch: "",
        build_user: "",
        build_date: "",
        go_version: "",
    })
}
