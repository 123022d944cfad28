//! Command line of the `obs-embedded` binary: flags (with environment fallbacks) for the bind
//! address and store caps; ports come from the stack's `OBS_*_PORT` variables.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use obs_contract::StoreLimits;
use obs_contract::guard::Guard;
use obs_contract::query::QueryLimits;
use obs_stack::env::{
    OBS_ALLOWED_HOSTS, OBS_ALLOWED_ORIGINS, OBS_IDLE_TIMEOUT, OBS_MAX_CONCURRENT_QUERIES, OBS_MAX_CONNECTIONS,
    OBS_MAX_INFLIGHT_BYTES, OBS_MAX_LOG_BYTES, OBS_MAX_LOG_RECORDS, OBS_MAX_REQUEST_BYTES, OBS_MAX_SERIES,
    OBS_MAX_SPANS, OBS_MAX_TRACE_BYTES, OBS_METRICS_HISTORY, OBS_QUERY_MAX_SAMPLES, OBS_QUERY_TIMEOUT,
};

use crate::accept::ConnLimits;
use crate::config::{self, Config, Limits};

/// Stack size of the server's threads: query parsers and evaluators recurse, and the query
/// limits keep their depth far below what this holds.
const THREAD_STACK_BYTES: usize = 16 << 20;

/// The embedded observability backend: OTLP in (gRPC and HTTP); Tempo-, Loki- and
/// Prometheus-compatible APIs, a collector-style exposition and a web UI out. Ports come from
/// the OBS_*_PORT variables, the same ones the Docker stack uses.
#[derive(Debug, Parser)]
#[command(name = "obs-embedded", version)]
pub struct Cli {
    /// Address every listener binds to [env: OBS_BIND] [default: 127.0.0.1]
    #[arg(long)]
    pub bind: Option<String>,
    /// Most spans held; the oldest are evicted past it
    #[arg(long, env = OBS_MAX_SPANS, default_value_t = config::DEFAULT_MAX_SPANS)]
    pub max_spans: u64,
    /// Most bytes the trace store holds
    #[arg(long, env = OBS_MAX_TRACE_BYTES, default_value_t = config::DEFAULT_MAX_TRACE_BYTES)]
    pub max_trace_bytes: u64,
    /// Most log records held; the oldest are evicted past it
    #[arg(long, env = OBS_MAX_LOG_RECORDS, default_value_t = config::DEFAULT_MAX_LOG_RECORDS)]
    pub max_log_records: u64,
    /// Most bytes the log store holds
    #[arg(long, env = OBS_MAX_LOG_BYTES, default_value_t = config::DEFAULT_MAX_LOG_BYTES)]
    pub max_log_bytes: u64,
    /// Most metric series held; the oldest are evicted past it
    #[arg(long, env = OBS_MAX_SERIES, default_value_t = config::DEFAULT_MAX_SERIES)]
    pub max_series: u64,
    /// How long metric samples are kept, in seconds
    #[arg(long, env = OBS_METRICS_HISTORY, default_value_t = config::DEFAULT_METRICS_HISTORY_SECS)]
    pub metrics_history: u64,
    /// Largest OTLP request accepted, in bytes after decompression (larger ones get 413)
    #[arg(long, env = OBS_MAX_REQUEST_BYTES, default_value_t = config::DEFAULT_MAX_REQUEST_BYTES)]
    pub max_request_bytes: usize,
    /// Request body bytes read and decoded at once over all ingest ports (others wait, then 503)
    #[arg(long, env = OBS_MAX_INFLIGHT_BYTES, default_value_t = config::DEFAULT_MAX_INFLIGHT_BYTES)]
    pub max_inflight_bytes: usize,
    /// Longest a query may run, in seconds (then 503/504 as the real backend answers a timeout)
    #[arg(long, env = OBS_QUERY_TIMEOUT, default_value_t = QueryLimits::DEFAULT_TIMEOUT.as_secs())]
    pub query_timeout: u64,
    /// Queries evaluated at once; others wait for a slot [default: the number of cores, at least 2]
    #[arg(long, env = OBS_MAX_CONCURRENT_QUERIES)]
    pub max_concurrent_queries: Option<usize>,
    /// Most samples one PromQL or LogQL query may hold (then 422, as Prometheus' query.max-samples)
    #[arg(long, env = OBS_QUERY_MAX_SAMPLES, default_value_t = QueryLimits::DEFAULT_MAX_SAMPLES)]
    pub query_max_samples: u64,
    /// Connections each listener keeps open at once; one more gets a 503 and is closed
    #[arg(long, env = OBS_MAX_CONNECTIONS, default_value_t = config::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Seconds a connection may take to send request headers, or idle between requests
    #[arg(long, env = OBS_IDLE_TIMEOUT, default_value_t = ConnLimits::DEFAULT_HEADER_TIMEOUT.as_secs())]
    pub idle_timeout: u64,
    /// Extra Host names to answer, comma-separated (loopback names and the bind address always work)
    #[arg(long, env = OBS_ALLOWED_HOSTS, default_value = "")]
    pub allowed_hosts: String,
    /// Browser origins allowed to call the APIs cross-site, comma-separated (`*` for any)
    #[arg(long, env = OBS_ALLOWED_ORIGINS, default_value = "")]
    pub allowed_origins: String,
}

impl Cli {
    /// The server settings: ports from the environment, `--bind` over `OBS_BIND`, caps from flags.
    pub fn config(&self) -> Result<Config> {
        let mut endpoints =
            obs_stack::Endpoints::from_env().map_err(anyhow::Error::msg).context("read port settings")?;
        if let Some(bind) = &self.bind {
            endpoints.bind = bind.clone();
        }
        let history = Duration::from_secs(self.metrics_history);
        let limits = Limits {
            traces: StoreLimits { max_items: self.max_spans, max_bytes: self.max_trace_bytes, history },
            logs: StoreLimits { max_items: self.max_log_records, max_bytes: self.max_log_bytes, history },
            metrics: StoreLimits { max_items: self.max_series, max_bytes: config::DEFAULT_MAX_METRIC_BYTES, history },
            max_request_bytes: self.max_request_bytes,
            max_inflight_bytes: self.max_inflight_bytes.max(self.max_request_bytes),
        };
        let defaults = QueryLimits::default();
        let query = QueryLimits {
            timeout: Duration::from_secs(self.query_timeout.max(1)),
            max_concurrent: self.max_concurrent_queries.unwrap_or(defaults.max_concurrent).max(1),
            max_samples: self.query_max_samples,
            ..defaults
        };
        let conn = ConnLimits {
            max_connections: self.max_connections.max(1),
            header_timeout: Duration::from_secs(self.idle_timeout.max(1)),
            ..ConnLimits::default()
        };
        let guard = Guard::new(&endpoints.bind, &self.allowed_hosts, &self.allowed_origins);
        Ok(Config { endpoints, limits, query, conn, guard })
    }
}

/// Parses flags, starts the server, exits 0 after a graceful stop and 1 on any error.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<()> {
    let config = cli.config()?;
    crate::fdlimit::raise();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(THREAD_STACK_BYTES)
        .build()
        .context("start the async runtime")?;
    runtime.block_on(crate::server::run(config))
}

/// Logs to stderr; `RUST_LOG` overrides the default `info` level.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .init();
}

#[cfg(test)]
mod tests {
    use obs_stack::env::OBS_BIND;

    use super::*;

    /// `--help` names every cap flag with its environment variable, so users find both spellings.
    #[test]
    fn help_names_env_vars() {
        let help = <Cli as clap::CommandFactory>::command().render_long_help().to_string();
        for var in [OBS_MAX_SPANS, OBS_MAX_TRACE_BYTES, OBS_MAX_LOG_RECORDS, OBS_MAX_LOG_BYTES, OBS_MAX_SERIES] {
            assert!(help.contains(var), "{var} missing from:\n{help}");
        }
        assert!(help.contains(OBS_METRICS_HISTORY) && help.contains(OBS_MAX_REQUEST_BYTES) && help.contains(OBS_BIND));
        for var in [OBS_QUERY_TIMEOUT, OBS_MAX_CONCURRENT_QUERIES, OBS_QUERY_MAX_SAMPLES, OBS_MAX_CONNECTIONS] {
            assert!(help.contains(var), "{var} missing from:\n{help}");
        }
        for var in [OBS_MAX_INFLIGHT_BYTES, OBS_ALLOWED_HOSTS, OBS_ALLOWED_ORIGINS, OBS_IDLE_TIMEOUT] {
            assert!(help.contains(var), "{var} missing from:\n{help}");
        }
    }
}
