//! The port table: one row per published port, with the variable that moves it.

use crate::{DEFAULT_BIND, env::OBS_BIND};

/// One published port of the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Port {
    /// Short key used in code and output (`grafana`, `otlp-grpc`, ...).
    pub key: &'static str,
    /// What a person calls it in the access table.
    pub label: &'static str,
    /// Compose service that publishes it.
    pub compose_service: &'static str,
    /// Port inside the container.
    pub container_port: u16,
    /// Default host port (the embedded backend listens on the same one).
    pub default: u16,
    /// Environment variable that moves the host port.
    pub env: &'static str,
    /// URL scheme shown to users (`http` or `grpc`).
    pub scheme: &'static str,
}

impl Port {
    /// The host port in force: the environment variable if set and valid, else the default.
    pub fn resolve(&self) -> Result<u16, String> {
        resolve_with(self, |name| std::env::var(name).ok())
    }
}

/// Resolves a port through a variable lookup, so tests need not touch the process environment.
pub fn resolve_with(port: &Port, lookup: impl Fn(&str) -> Option<String>) -> Result<u16, String> {
    match lookup(port.env) {
        None => Ok(port.default),
        Some(raw) if raw.trim().is_empty() => Ok(port.default),
        Some(raw) => raw
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("{}={raw:?} is not a port number; set it to a value from 1 to 65535", port.env)),
    }
}

/// Grafana (docker) or the embedded web UI.
pub const GRAFANA: Port = Port {
    key: "grafana",
    label: "Grafana",
    compose_service: "grafana",
    container_port: 3000,
    default: 3000,
    env: "OBS_GRAFANA_PORT",
    scheme: "http",
};
/// Loki HTTP API.
pub const LOKI: Port = Port {
    key: "loki",
    label: "Loki",
    compose_service: "loki",
    container_port: 3100,
    default: 3100,
    env: "OBS_LOKI_PORT",
    scheme: "http",
};
/// Tempo HTTP API.
pub const TEMPO: Port = Port {
    key: "tempo",
    label: "Tempo",
    compose_service: "tempo",
    container_port: 3200,
    default: 3200,
    env: "OBS_TEMPO_PORT",
    scheme: "http",
};
/// OTLP over gRPC.
pub const OTLP_GRPC: Port = Port {
    key: "otlp-grpc",
    label: "OTLP gRPC",
    compose_service: "otel-collector",
    container_port: 4317,
    default: 4317,
    env: "OBS_OTLP_GRPC_PORT",
    scheme: "grpc",
};
/// OTLP over HTTP.
pub const OTLP_HTTP: Port = Port {
    key: "otlp-http",
    label: "OTLP HTTP",
    compose_service: "otel-collector",
    container_port: 4318,
    default: 4318,
    env: "OBS_OTLP_HTTP_PORT",
    scheme: "http",
};
/// The collector's Prometheus exporter (metrics in text exposition format).
pub const COLLECTOR_METRICS: Port = Port {
    key: "collector-metrics",
    label: "Collector metrics",
    compose_service: "otel-collector",
    container_port: 8889,
    default: 8889,
    env: "OBS_COLLECTOR_METRICS_PORT",
    scheme: "http",
};
/// Prometheus HTTP API.
pub const PROMETHEUS: Port = Port {
    key: "prometheus",
    label: "Prometheus",
    compose_service: "prometheus",
    container_port: 9090,
    default: 9090,
    env: "OBS_PROMETHEUS_PORT",
    scheme: "http",
};
/// The collector's health_check extension (docker backend only).
pub const COLLECTOR_HEALTH: Port = Port {
    key: "collector-health",
    label: "Collector health",
    compose_service: "otel-collector",
    container_port: 13133,
    default: 13133,
    env: "OBS_COLLECTOR_HEALTH_PORT",
    scheme: "http",
};

/// Every published port, in access-table order.
pub const PORTS: [Port; 8] =
    [GRAFANA, LOKI, TEMPO, OTLP_GRPC, OTLP_HTTP, COLLECTOR_METRICS, PROMETHEUS, COLLECTOR_HEALTH];

/// Resolved bind address and host ports: what every client connects to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Address the ports are published on.
    pub bind: String,
    /// `(port row, host port in force)` in [`PORTS`] order.
    pub ports: Vec<(Port, u16)>,
}

impl Endpoints {
    /// Reads `OBS_BIND` and every port variable from the process environment.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`; errors name the variable and the fix.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let bind = lookup(OBS_BIND).filter(|b| !b.trim().is_empty()).unwrap_or_else(|| DEFAULT_BIND.to_string());
        let ports = PORTS.iter().map(|p| resolve_with(p, &lookup).map(|n| (*p, n))).collect::<Result<_, _>>()?;
        Ok(Self { bind, ports })
    }

    /// Host port in force for `port`.
    pub fn port(&self, port: Port) -> u16 {
        self.ports.iter().find(|(p, _)| p.key == port.key).map_or(port.default, |(_, n)| *n)
    }

    /// Host to connect to: the bind address, or loopback when bound to every interface.
    pub fn connect_host(&self) -> &str {
        match self.bind.as_str() {
            "0.0.0.0" | "::" | "[::]" => "127.0.0.1",
            other => other,
        }
    }

    /// Base URL of `port` as clients reach it, such as `http://127.0.0.1:3200`.
    pub fn url(&self, port: Port) -> String {
        let scheme = if port.scheme == "grpc" { "http" } else { port.scheme };
        format!("{scheme}://{}:{}", self.connect_host(), self.port(port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unset variables give the documented defaults, loopback included.
    #[test]
    fn defaults_bind_loopback() {
        let e = Endpoints::from_lookup(|_| None).unwrap();
        assert_eq!(e.bind, "127.0.0.1");
        assert_eq!(e.url(TEMPO), "http://127.0.0.1:3200");
        assert_eq!(e.port(OTLP_GRPC), 4317);
    }

    /// A port variable moves one port and a bad one names itself in the error.
    #[test]
    fn env_overrides_and_errors() {
        let e = Endpoints::from_lookup(|n| (n == "OBS_LOKI_PORT").then(|| "13100".into())).unwrap();
        assert_eq!(e.port(LOKI), 13100);
        let err = Endpoints::from_lookup(|n| (n == "OBS_TEMPO_PORT").then(|| "abc".into())).unwrap_err();
        assert!(err.contains("OBS_TEMPO_PORT=\"abc\""), "{err}");
    }
}
