//! `cargo xtask obs-status`: which backend runs, each service's state (container state, or the
//! embedded server's pid, uptime, listeners, ingest counts and store fill) and readiness.
//! Exits non-zero when nothing runs or a service is not ready, so CI can gate on it.

use std::time::Duration;

use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::Value;

use crate::backend::exec::{Ran, run_bounded};
use crate::backend::state::{Files, Liveness, State, liveness};
use crate::backend::{self, Kind, checks, docker};
use crate::probe;

/// Arguments of `obs-status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object on stdout
    #[arg(long)]
    json: bool,
}

/// Readiness of one service.
#[derive(Debug, Clone, Serialize)]
struct Readiness {
    name: &'static str,
    url: String,
    ready: bool,
    detail: String,
}

impl Args {
    /// Runs the command.
    pub fn run(self) -> Result<()> {
        let files = Files::current();
        if let Some(state) = files.read()? {
            match liveness(&state) {
                Liveness::Ours => return self.embedded(&state),
                Liveness::Gone => eprintln!("note: stale pid file: pid {} is no longer running", state.pid),
                Liveness::Reused(cmd) => eprintln!("note: stale pid file: pid {} now runs {cmd}", state.pid),
            }
        }
        match docker::daemon_answers(backend::DAEMON_PROBE_TIMEOUT) {
            Ok(_) => self.docker(),
            Err(why) => self.nothing(&why),
        }
    }

    fn nothing(&self, why: &str) -> Result<()> {
        if self.json {
            println!("{}", serde_json::json!({ "backend": null, "running": false, "ready": false }));
        }
        bail!(
            "nothing is running: obs-embedded has no live pid file and {why}; start the stack with `cargo xtask obs-up`"
        )
    }

    fn embedded(&self, state: &State) -> Result<()> {
        let endpoints = state.endpoints();
        let url = format!("{}/obs-embedded/status", endpoints.url(obs_stack::ports::TEMPO));
        let status = get_json(&url);
        let services = readiness(Kind::Embedded, &endpoints);
        if self.json {
            let out = serde_json::json!({
                "backend": "embedded", "running": true, "ready": services.iter().all(|s| s.ready),
                "pid": state.pid, "started_at": state.started_at, "binary": state.binary,
                "server": status.as_ref().ok(), "server_error": status.as_ref().err(), "services": services,
            });
            println!("{out}");
        } else {
            println!("backend: embedded (pid {}, binary {})", state.pid, state.binary.display());
            match &status {
                Ok(server) => print_server(server),
                Err(err) => println!("server status: unavailable ({err})"),
            }
            print_readiness(&services);
        }
        verdict(&services)
    }

    fn docker(&self) -> Result<()> {
        let sh = docker::shell()?;
        let containers = match run_bounded(docker::compose_ps(&sh), Duration::from_secs(20))? {
            Ran::Finished(out) if out.success() => parse_ps(&out.stdout),
            Ran::Finished(out) => bail!("`docker compose ps` failed: {}", out.first_line()),
            Ran::Missing => bail!("docker is not installed"),
            Ran::TimedOut => bail!("`docker compose ps` did not answer within 20s"),
        };
        let endpoints = backend::endpoints()?;
        let services = readiness(Kind::Docker, &endpoints);
        if self.json {
            let out = serde_json::json!({
                "backend": "docker", "running": !containers.is_empty(), "ready": services.iter().all(|s| s.ready),
                "containers": containers, "services": services,
            });
            println!("{out}");
        } else {
            println!("backend: docker (compose project \"{}\")", obs_stack::COMPOSE_PROJECT);
            for c in &containers {
                println!("  {:<16} {:<10} {}", text(&c["Service"]), text(&c["State"]), text(&c["Status"]));
            }
            print_readiness(&services);
        }
        verdict(&services)
    }
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// `docker compose ps --format json`: one object per line (v2.21+) or one array (older).
fn parse_ps(stdout: &str) -> Vec<Value> {
    let trimmed = stdout.trim();
    if trimmed.starts_with('[') {
        return serde_json::from_str(trimmed).unwrap_or_default();
    }
    trimmed.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

fn get_json(url: &str) -> Result<Value, String> {
    let mut resp = probe::agent(probe::REQUEST_TIMEOUT).get(url).call().map_err(|e| probe::describe(&e))?;
    if resp.status() != 200 {
        return Err(format!("HTTP {} from {url}", resp.status().as_u16()));
    }
    resp.body_mut().read_json().map_err(|e| format!("not JSON from {url}: {e}"))
}

fn readiness(kind: Kind, endpoints: &obs_stack::Endpoints) -> Vec<Readiness> {
    let agent = probe::agent(probe::REQUEST_TIMEOUT);
    checks(kind, endpoints)
        .into_iter()
        .map(|c| {
            let result = probe::ready_once(&agent, &c.url);
            Readiness { name: c.name, ready: result.is_ok(), detail: result.err().unwrap_or_default(), url: c.url }
        })
        .collect()
}

fn print_server(server: &Value) {
    println!("uptime: {:.1}s, version {}", server["uptime_seconds"].as_f64().unwrap_or(0.0), text(&server["version"]));
    if let Some(listen) = server["listen"].as_object() {
        let all: Vec<String> = listen.iter().map(|(k, v)| format!("{k} {}", text(v))).collect();
        println!("listening: {}", all.join(", "));
    }
    for (name, s) in server["stores"].as_object().into_iter().flatten() {
        println!(
            "  {name:<8} items {}/{}  bytes {}/{}  ingested {}  evicted {}  refused {}",
            s["items"], s["max_items"], s["bytes"], s["max_bytes"], s["ingested"], s["evicted"], s["refused"]
        );
    }
}

fn print_readiness(services: &[Readiness]) {
    let name_width = services.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let url_width = services.iter().map(|s| s.url.len()).max().unwrap_or(0);
    for s in services {
        let verdict = if s.ready { "ready".to_string() } else { format!("NOT READY ({})", s.detail) };
        println!("  {:<name_width$}  {:<url_width$}  {verdict}", s.name, s.url);
    }
}

fn verdict(services: &[Readiness]) -> Result<()> {
    let missing: Vec<&str> = services.iter().filter(|s| !s.ready).map(|s| s.name).collect();
    if missing.is_empty() { Ok(()) } else { bail!("not ready: {}", missing.join(", ")) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Both `compose ps --format json` shapes are read: one object per line (v2.21+) and one array.
    #[test]
    fn parses_both_ps_formats() {
        let lines = "{\"Service\":\"tempo\",\"State\":\"running\"}\n{\"Service\":\"loki\",\"State\":\"exited\"}\n";
        let array = "[{\"Service\":\"tempo\",\"State\":\"running\"},{\"Service\":\"loki\",\"State\":\"exited\"}]";
        for out in [lines, array] {
            let services: Vec<String> = parse_ps(out).iter().map(|c| text(&c["Service"])).collect();
            assert_eq!(services, ["tempo", "loki"]);
        }
        assert!(parse_ps("").is_empty());
    }
}
