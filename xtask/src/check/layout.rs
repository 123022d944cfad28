//! Where each config file of the Docker stack lives, relative to the checked root.

use obs_stack::OPS_DIR;

/// `ops/observability/<name>`.
fn ops(name: &str) -> String {
    format!("{OPS_DIR}/{name}")
}

/// The compose file.
pub fn compose() -> String {
    obs_stack::COMPOSE_FILE.to_string()
}

/// The OpenTelemetry Collector config.
pub fn collector() -> String {
    ops("otel-collector-config.yaml")
}

/// Prometheus' config.
pub fn prometheus() -> String {
    ops("prometheus.yml")
}

/// Folder of Grafana datasource provisioning files.
pub fn datasources_dir() -> String {
    ops("grafana/provisioning/datasources")
}

/// Folder of Grafana dashboard provider files and dashboard JSON.
pub fn dashboards_dir() -> String {
    ops("grafana/provisioning/dashboards")
}

/// The README holding the port table.
pub const README: &str = "README.md";

/// Tempo's config.
pub fn tempo() -> String {
    ops("tempo.yaml")
}
