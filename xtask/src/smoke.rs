//! `cargo xtask obs-smoke`: send one span, one log record and one counter with smoke-sender,
//! then prove each arrived by querying Tempo, Loki and Prometheus (or the embedded backend's
//! same APIs), polling until `--timeout`. One pass/fail line per signal, and a link to the trace.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use obs_stack::{Endpoints, SMOKE_SERVICE_NAME, SMOKE_SPAN_NAME, datasource_uid, ports};
use serde::{Deserialize, Serialize};
use xshell::cmd;

use crate::backend::exec::{Ran, run_bounded};
use crate::backend::running::Target;
use crate::backend::{Kind, SMOKE_SENDER_BIN, build_note, docker, target_dir};
use crate::verify::{self, Sent};
use crate::{probe, report};

/// How often each signal is looked for.
const INTERVAL: Duration = Duration::from_millis(100);
/// Extra time smoke-sender gets beyond `--timeout` (process start, the flush budget).
const SENDER_SLACK: Duration = Duration::from_secs(30);

/// OTLP transport smoke-sender uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// OTLP over gRPC.
    Grpc,
    /// OTLP over HTTP (protobuf), the `obs` library's and the OTel SDKs' default.
    #[value(alias = "http/protobuf")]
    Http,
}

impl Protocol {
    /// Lower-case name, as smoke-sender's `--protocol` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Grpc => "grpc",
            Protocol::Http => "http",
        }
    }
}

/// Arguments of `obs-smoke`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// OTLP transport to send over (http, like the obs library's default, or grpc)
    #[arg(long, value_enum, default_value = "http")]
    protocol: Protocol,
    /// Give up on a signal that is not queryable after this many seconds
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    timeout: u64,
    /// Print one JSON object on stdout instead of lines
    #[arg(long)]
    json: bool,
}

/// What smoke-sender printed with `--json`.
#[derive(Debug, Clone, Deserialize)]
struct Ids {
    trace_id: String,
    span_id: String,
}

/// The outcome of one signal.
#[derive(Debug, Clone, Serialize)]
struct Outcome {
    signal: &'static str,
    ok: bool,
    seconds: f64,
    detail: String,
}

impl Args {
    /// Runs the command.
    pub fn run(self) -> Result<()> {
        let target = Target::current()?;
        if let Some(note) = target.override_note() {
            eprintln!("{note}");
        }
        let endpoints = target.endpoints.clone();
        let kind = detect(&endpoints);
        let start_ns = unix_nanos().saturating_sub(60_000_000_000);
        let ids = self.send(&target)?;
        let sent = Sent { service: SMOKE_SERVICE_NAME, span_name: SMOKE_SPAN_NAME, trace_id: &ids.trace_id };
        let outcomes = self.verify_all(&endpoints, &sent, start_ns);
        let link = trace_link(kind, &endpoints, &ids.trace_id);
        self.print(kind, &ids, &outcomes, &link)?;
        let failed: Vec<&str> = outcomes.iter().filter(|o| !o.ok).map(|o| o.signal).collect();
        if !failed.is_empty() {
            bail!("smoke check failed for: {} (trace id {})", failed.join(", "), ids.trace_id);
        }
        Ok(())
    }

    fn send(&self, target: &Target) -> Result<Ids> {
        let port = match self.protocol {
            Protocol::Grpc => ports::OTLP_GRPC,
            Protocol::Http => ports::OTLP_HTTP,
        };
        let endpoint = target.endpoints.url(port);
        let protocol = self.protocol.name();
        let sh = docker::shell()?;
        let bin = sender_binary(&sh)?;
        let planned = cmd!(sh, "{bin}").args(["--json", "--protocol", protocol, "--endpoint", &endpoint]);
        let shown = planned.to_string();
        let limit = Duration::from_secs(self.timeout) + SENDER_SLACK;
        let out = match run_bounded(planned, limit).with_context(|| format!("run `{shown}`"))? {
            Ran::Finished(out) if out.success() => out,
            Ran::Finished(out) if refused(&out.stderr) => bail!(
                "smoke-sender could not send to {endpoint}: {}\n{}",
                out.stderr.trim(),
                target.refused_hint(&endpoint)
            ),
            Ran::Finished(out) => bail!("smoke-sender could not send to {endpoint}: {}", out.stderr.trim()),
            Ran::Missing => bail!("`{shown}` could not start: the program does not exist; check {SMOKE_SENDER_BIN}"),
            Ran::TimedOut => bail!("`{shown}` did not finish within {limit:?}"),
        };
        let line = out.stdout.lines().rev().find(|l| l.trim_start().starts_with('{')).unwrap_or("");
        serde_json::from_str(line).with_context(|| format!("parse smoke-sender output {:?}", out.stdout.trim()))
    }

    fn verify_all(&self, endpoints: &Endpoints, sent: &Sent<'_>, start_ns: u128) -> Vec<Outcome> {
        let sent_at = Instant::now();
        let deadline = sent_at + Duration::from_secs(self.timeout);
        let agent = probe::agent(probe::REQUEST_TIMEOUT);
        let (tempo, loki, prom) =
            (endpoints.url(ports::TEMPO), endpoints.url(ports::LOKI), endpoints.url(ports::PROMETHEUS));
        let mut outcomes = Vec::new();
        let mut check = |signal, attempt: &dyn Fn() -> Result<String, String>| {
            let result = probe::poll(deadline, INTERVAL, attempt);
            let seconds = (sent_at.elapsed().as_secs_f64() * 100.0).round() / 100.0;
            let (ok, detail) = match result {
                Ok(found) => (true, found),
                Err(last) => (false, last),
            };
            outcomes.push(Outcome { signal, ok, seconds, detail });
        };
        check("trace", &|| verify::trace(&agent, &tempo, sent));
        check("log", &|| verify::log(&agent, &loki, sent, start_ns, unix_nanos() + 60_000_000_000));
        check("metric", &|| verify::metric(&agent, &prom, sent));
        outcomes
    }

    fn print(&self, kind: Kind, ids: &Ids, outcomes: &[Outcome], link: &str) -> Result<()> {
        if self.json {
            let out = serde_json::json!({
                "ok": outcomes.iter().all(|o| o.ok),
                "backend": kind,
                "protocol": self.protocol,
                "trace_id": ids.trace_id,
                "span_id": ids.span_id,
                "signals": outcomes,
                "trace_url": link,
            });
            println!("{out}");
            return Ok(());
        }
        let protocol = self.protocol.name();
        println!("sent trace {} (span {}) over {protocol} to the {} backend", ids.trace_id, ids.span_id, kind.name());
        for o in outcomes {
            let verdict = if o.ok { "PASS" } else { "FAIL" };
            println!("{:<7}{verdict}  {}  {}", o.signal, report::secs(Duration::from_secs_f64(o.seconds)), o.detail);
        }
        println!("trace: {link}");
        Ok(())
    }
}

/// `$SMOKE_SENDER_BIN`, else smoke-sender built now with cargo's progress on stderr (a first
/// build takes a while, and silence reads as a hang).
fn sender_binary(sh: &xshell::Shell) -> Result<std::path::PathBuf> {
    if let Some(bin) = std::env::var_os(SMOKE_SENDER_BIN).filter(|b| !b.is_empty()) {
        return Ok(bin.into());
    }
    let path = target_dir().join("debug").join("smoke-sender");
    eprintln!("{}", build_note::announce("smoke-sender", "debug", &path, SMOKE_SENDER_BIN));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    docker::run_visible(cmd!(sh, "{cargo} build -p smoke-sender"), docker::Stdout::ToStderr)
        .context("build smoke-sender")?;
    if !path.is_file() {
        bail!(
            "smoke-sender binary {} does not exist after the build; set {SMOKE_SENDER_BIN} to a built one",
            path.display()
        );
    }
    Ok(path)
}

/// Whether smoke-sender's error is a refused connection (nothing listens on the port).
fn refused(stderr: &str) -> bool {
    let lower = stderr.to_ascii_lowercase();
    lower.contains("connection refused") || lower.contains("tcp connect error")
}

/// Which backend answers: every embedded listener says so at `/obs-embedded/status`.
fn detect(endpoints: &Endpoints) -> Kind {
    let agent = probe::agent(probe::REQUEST_TIMEOUT);
    let says_embedded = |port| {
        let url = format!("{}/obs-embedded/status", endpoints.url(port));
        let answer = agent.get(&url).call().ok().filter(|r| r.status() == 200);
        answer
            .and_then(|mut r| r.body_mut().read_json::<serde_json::Value>().ok())
            .is_some_and(|s| s["backend"] == "embedded")
    };
    if [ports::TEMPO, ports::LOKI, ports::PROMETHEUS].into_iter().any(says_embedded) {
        Kind::Embedded
    } else {
        Kind::Docker
    }
}

/// Where to look at the trace: Grafana Explore (docker) or the embedded UI's trace page.
pub fn trace_link(kind: Kind, endpoints: &Endpoints, trace_id: &str) -> String {
    let ui = endpoints.url(ports::GRAFANA);
    match kind {
        Kind::Embedded => format!("{ui}/trace/{trace_id}"),
        Kind::Docker => {
            let panes = serde_json::json!({ "smoke": {
                "datasource": datasource_uid::TEMPO,
                "queries": [{ "refId": "A", "datasource": { "type": "tempo", "uid": datasource_uid::TEMPO },
                              "queryType": "traceql", "query": trace_id }],
                "range": { "from": "now-1h", "to": "now" },
            }});
            format!("{ui}/explore?schemaVersion=1&orgId=1&panes={}", percent_encode(&panes.to_string()))
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn unix_nanos() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The docker link opens Grafana Explore on the Tempo datasource with the trace id as query.
    #[test]
    fn grafana_explore_link() {
        let e = Endpoints::from_lookup(|_| None).unwrap();
        let link = trace_link(Kind::Docker, &e, "0af7651916cd43dd8448eb211c80319c");
        assert!(
            link.starts_with("http://127.0.0.1:3000/explore?schemaVersion=1&orgId=1&panes=%7B%22smoke%22%3A%7B"),
            "{link}"
        );
        assert!(link.contains("%22query%22%3A%220af7651916cd43dd8448eb211c80319c%22"), "{link}");
        assert_eq!(trace_link(Kind::Embedded, &e, "ab"), "http://127.0.0.1:3000/trace/ab");
    }
}
