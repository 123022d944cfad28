//! The embedded backend's web UI (placeholder, replaced by its owner).

/// Where the UI's pages find the APIs (the browser calls them directly).
#[derive(Debug, Clone)]
pub struct ApiUrls {
    /// Tempo-compatible API base URL.
    pub tempo: String,
    /// Loki-compatible API base URL.
    pub loki: String,
    /// Prometheus-compatible API base URL.
    pub prometheus: String,
    /// OTLP endpoints to show on the home page.
    pub otlp_grpc: String,
    /// OTLP HTTP endpoint to show on the home page.
    pub otlp_http: String,
}

/// The UI served on the Grafana port.
pub fn router(urls: ApiUrls) -> axum::Router {
    let _ = urls;
    axum::Router::new()
}
