//! The embedded backend's web UI, served on the Grafana port.
//!
//! The UI is static HTML, CSS and JavaScript modules compiled into the binary ([`assets`]). The
//! browser calls the Tempo, Loki and Prometheus APIs on the same origin under Grafana's
//! datasource-proxy paths (`/api/datasources/proxy/uid/<uid>/...`), which `obs-embedded` nests
//! beside this router; so what the UI shows, a curl user can fetch too.

mod assets;
mod explore;
mod headers;
mod routes;

pub use assets::{ASSETS, Asset};

/// What the home page shows about where to send and fetch telemetry (the browser does not call these;
/// it calls the same-origin datasource-proxy paths).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ApiUrls {
    /// Tempo-compatible API base URL, for curl users.
    pub tempo: String,
    /// Loki-compatible API base URL, for curl users.
    pub loki: String,
    /// Prometheus-compatible API base URL, for curl users.
    pub prometheus: String,
    /// OTLP gRPC endpoint to send to.
    pub otlp_grpc: String,
    /// OTLP HTTP endpoint to send to.
    pub otlp_http: String,
}

/// The UI served on the Grafana port: pages, assets, `/ui/config.json` and Grafana-style `/explore` links.
///
/// Its fallback answers unknown paths with 404: the HTML shell outside `/api/` (the app's own "not
/// found" page), plain text under it. Merge it only with routers that have no fallback of their own.
pub fn router(urls: ApiUrls) -> axum::Router {
    routes::router(urls).layer(axum::middleware::map_response(headers::secure))
}

pub use headers::CSP;
