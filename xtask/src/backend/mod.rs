//! How a stack runs: the docker compose project or our `obs-embedded` server as a detached
//! child. This module picks one (`--backend auto|docker|embedded`) and knows where each keeps
//! its files; `docker` and `embedded` hold the commands, `state` the embedded pid and state files.

pub mod build_note;
pub mod docker;
pub mod embedded;
pub mod exec;
pub mod running;
pub mod state;

use std::path::PathBuf;
use std::time::Duration;

use obs_stack::{Endpoints, ports};

pub use obs_stack::env::{OBS_EMBEDDED_BIN, OBS_STATE_DIR, SMOKE_SENDER_BIN};

/// Which backend a command should use, as the user asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Choice {
    /// Docker when a daemon answers, else embedded.
    Auto,
    /// The docker compose stack (real collector, Tempo, Loki, Prometheus, Grafana).
    Docker,
    /// Our `obs-embedded` server, started detached.
    Embedded,
}

/// A backend that actually runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The docker compose stack.
    Docker,
    /// The `obs-embedded` server.
    Embedded,
}

impl Kind {
    /// Lower-case name, as printed.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Docker => "docker",
            Kind::Embedded => "embedded",
        }
    }
}

/// Resolves `auto`: docker when its daemon answers within a short timeout, with the reason in words.
pub fn resolve(choice: Choice) -> (Kind, String) {
    let from_flag = std::env::args().any(|a| a == "--backend" || a.starts_with("--backend="));
    let asked = |name: &str| match std::env::var(obs_stack::env::OBS_BACKEND) {
        Ok(value) if !from_flag => format!("asked for with {}={value}", obs_stack::env::OBS_BACKEND),
        _ => format!("asked for with --backend {name}"),
    };
    match choice {
        Choice::Docker => (Kind::Docker, asked("docker")),
        Choice::Embedded => (Kind::Embedded, asked("embedded")),
        Choice::Auto => match docker::daemon_answers(DAEMON_PROBE_TIMEOUT) {
            Ok(version) => (Kind::Docker, format!("the Docker daemon {version} answered `docker info`")),
            Err(why) => (Kind::Embedded, format!("{why}; pass --backend docker to insist")),
        },
    }
}

/// How long `auto` waits for `docker info` before choosing embedded.
pub const DAEMON_PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// The stack's endpoints from `OBS_BIND` and every port variable, as one error naming the variable.
pub fn endpoints() -> anyhow::Result<Endpoints> {
    Endpoints::from_env().map_err(anyhow::Error::msg)
}

/// The workspace root: the parent of the `xtask` crate.
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map_or(here.clone(), PathBuf::from)
}

/// The cargo target directory in force (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// Where the embedded backend keeps its pid file, log and state.
pub fn state_dir() -> PathBuf {
    match std::env::var_os(OBS_STATE_DIR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => target_dir().join(obs_stack::EMBEDDED_STATE_DIR),
    }
}

/// One readiness endpoint of a running stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Service name as printed (compose service name for docker).
    pub name: &'static str,
    /// URL that answers 200 once the service is ready.
    pub url: String,
}

/// Readiness endpoints of `kind`, in the order they are awaited.
pub fn checks(kind: Kind, endpoints: &Endpoints) -> Vec<Check> {
    let check = |name, port, path: &str| Check { name, url: format!("{}{path}", endpoints.url(port)) };
    let mut all = vec![
        check("otel-collector", ports::COLLECTOR_HEALTH, "/"),
        check("tempo", ports::TEMPO, "/ready"),
        check("loki", ports::LOKI, "/ready"),
        check("prometheus", ports::PROMETHEUS, "/-/ready"),
    ];
    match kind {
        Kind::Docker => all.push(check("grafana", ports::GRAFANA, "/api/health")),
        Kind::Embedded => {
            all[0].name = "collector-health";
            all.push(check("ui", ports::GRAFANA, "/"));
        }
    }
    all
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Each backend waits on the documented readiness endpoints, on the ports in force.
    #[test]
    fn checks_follow_the_port_table() {
        let e = Endpoints::from_lookup(|n| (n == "OBS_LOKI_PORT").then(|| "13100".into())).unwrap();
        let docker: Vec<_> = checks(Kind::Docker, &e).into_iter().map(|c| format!("{} {}", c.name, c.url)).collect();
        assert_eq!(
            docker,
            [
                "otel-collector http://127.0.0.1:13133/",
                "tempo http://127.0.0.1:3200/ready",
                "loki http://127.0.0.1:13100/ready",
                "prometheus http://127.0.0.1:9090/-/ready",
                "grafana http://127.0.0.1:3000/api/health",
            ]
        );
        let embedded: Vec<_> = checks(Kind::Embedded, &e).into_iter().map(|c| c.name).collect();
        assert_eq!(embedded, ["collector-health", "tempo", "loki", "prometheus", "ui"]);
    }
}
