//! How to start each server under test on free loopback ports: our embedded backend, and
//! rotel with its blackhole exporter (decode, then drop) as the peer.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use obs_stack::{PORTS, env::OBS_BIND, ports};

use crate::process::{Server, accepts, free_port};

/// Binaries and the core the servers are pinned to.
#[derive(Debug, Clone)]
pub struct Targets {
    /// The release build of obs-embedded.
    pub embedded: PathBuf,
    /// rotel-agent from the rotel wheel.
    pub rotel: Option<PathBuf>,
    /// Core the server runs on (the load runs on the other).
    pub core: usize,
    /// Extra flags for obs-embedded (for example larger caps).
    pub embedded_args: Vec<String>,
}

/// A started server and the ports a client needs.
pub struct Running {
    /// The process.
    pub server: Server,
    /// OTLP gRPC port.
    pub grpc: u16,
    /// OTLP HTTP port.
    pub http: u16,
    /// Tempo API port (embedded only).
    pub tempo: u16,
    /// Loki API port (embedded only).
    pub loki: u16,
    /// Time from spawn to ready.
    pub ready_after: Duration,
}

impl Targets {
    /// Starts obs-embedded on fresh ports and waits for Tempo's `/ready`.
    pub fn start_embedded(&self) -> Result<Running> {
        let mut env = vec![(OBS_BIND.to_string(), "127.0.0.1".to_string())];
        let mut port_of = std::collections::HashMap::new();
        for port in PORTS {
            let n = free_port()?;
            port_of.insert(port.key, n);
            env.push((port.env.to_string(), n.to_string()));
        }
        let get = |p: obs_stack::Port| port_of.get(p.key).copied().unwrap_or(p.default);
        let mut server = Server::start("obs-embedded", &self.embedded, &self.embedded_args, &env, self.core)?;
        let ready_url = format!("http://127.0.0.1:{}/ready", get(ports::TEMPO));
        let agent = crate::latency::agent();
        let ready_after = server.wait_until(Duration::from_secs(20), || {
            agent.get(&ready_url).call().map(|r| r.status() == 200).unwrap_or(false)
        })?;
        Ok(Running {
            server,
            grpc: get(ports::OTLP_GRPC),
            http: get(ports::OTLP_HTTP),
            tempo: get(ports::TEMPO),
            loki: get(ports::LOKI),
            ready_after,
        })
    }

    /// Starts rotel with the blackhole exporter on fresh OTLP ports.
    pub fn start_rotel(&self) -> Result<Option<Running>> {
        let Some(rotel) = &self.rotel else { return Ok(None) };
        let (grpc, http) = (free_port()?, free_port()?);
        let dir = std::env::temp_dir().join(format!("obs-bench-rotel-{grpc}"));
        std::fs::create_dir_all(&dir)?;
        let args = [
            "start".to_string(),
            "--exporter".into(),
            "blackhole".into(),
            "--otlp-grpc-endpoint".into(),
            format!("127.0.0.1:{grpc}"),
            "--otlp-http-endpoint".into(),
            format!("127.0.0.1:{http}"),
            "--pid-file".into(),
            dir.join("rotel.pid").display().to_string(),
            "--log-file".into(),
            dir.join("rotel.log").display().to_string(),
        ];
        let mut server = Server::start("rotel", rotel, &args, &[], self.core)?;
        let ready_after = server.wait_until(Duration::from_secs(20), || accepts(grpc) && accepts(http))?;
        Ok(Some(Running { server, grpc, http, tempo: 0, loki: 0, ready_after }))
    }
}
