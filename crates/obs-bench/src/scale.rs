//! The embedded backend holding a million items: memory per item, and query latency for every
//! query kind PERFORMANCE.md lists, one at a time on one keep-alive connection.

use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::ingest::{self, Load, Protocol, Signal};
use crate::latency::{self, Latency, enc};
use crate::targets::{Running, Targets};

/// What a store full of one signal costs and answers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScaleReport {
    /// Spans or logs.
    pub signal: Signal,
    /// Items stored.
    pub items: u64,
    /// Resident memory growth per item, bytes.
    pub rss_bytes_per_item: f64,
    /// The store's own accounting per item, bytes.
    pub store_bytes_per_item: Option<f64>,
    /// Resident memory once ready and empty, bytes.
    pub idle_rss_bytes: u64,
    /// Query latencies.
    pub queries: Vec<Latency>,
}

fn fill(running: &Running, signal: Signal, items: u64) -> Result<()> {
    let load = Load {
        grpc_port: running.grpc,
        http_port: running.http,
        protocol: Protocol::Grpc,
        signal,
        inflight: 4,
        batch: 512,
        duration: Duration::from_secs(3600),
        max_items: items,
        seed: 99,
    };
    let sent = ingest::run(&load)?;
    eprintln!("filled {} {signal:?} in {:.1}s", sent.items, sent.elapsed.as_secs_f64());
    Ok(())
}

fn store_stats(agent: &ureq::Agent, running: &Running, key: &str) -> Result<(u64, u64)> {
    let url = format!("http://127.0.0.1:{}/obs-embedded/status", running.tempo);
    let (_, body) = latency::get(agent, &url)?;
    let json: serde_json::Value = serde_json::from_str(&body).with_context(|| format!("parse {url}"))?;
    let stats = &json["stores"][key];
    Ok((stats["items"].as_u64().unwrap_or(0), stats["bytes"].as_u64().unwrap_or(0)))
}

/// Fills a fresh server with `items` of `signal` and measures it.
pub fn run(targets: &Targets, signal: Signal, items: u64, queries: usize) -> Result<ScaleReport> {
    let running = targets.start_embedded()?;
    let agent = latency::agent();
    let idle_rss_bytes = running.server.rss_bytes()?;
    fill(&running, signal, items)?;
    let rss = running.server.rss_bytes()?;
    let key = if signal == Signal::Spans { "traces" } else { "logs" };
    let (stored, bytes) = store_stats(&agent, &running, key)?;
    if stored < items * 9 / 10 {
        bail!("only {stored} of {items} {key} items are stored: raise the caps for the benchmark");
    }
    let queries = match signal {
        Signal::Spans => trace_queries(&agent, &running, queries)?,
        Signal::Logs => log_queries(&agent, &running, queries)?,
    };
    Ok(ScaleReport {
        signal,
        items: stored,
        rss_bytes_per_item: rss.saturating_sub(idle_rss_bytes) as f64 / stored.max(1) as f64,
        store_bytes_per_item: (bytes > 0).then(|| bytes as f64 / stored.max(1) as f64),
        idle_rss_bytes,
        queries,
    })
}

fn trace_ids(agent: &ureq::Agent, base: &str) -> Result<Vec<String>> {
    let url = format!("{base}/api/search?tags={}&limit=200", enc("service.name=backtest"));
    let (_, body) = latency::get(agent, &url)?;
    let json: serde_json::Value = serde_json::from_str(&body).with_context(|| format!("parse {url}"))?;
    let ids: Vec<String> = json["traces"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["traceID"].as_str().map(|s| format!("{s:0>32}")))
        .collect();
    if ids.is_empty() {
        bail!("search found no traces to fetch by id: {}", body.chars().take(300).collect::<String>());
    }
    Ok(ids)
}

fn trace_queries(agent: &ureq::Agent, running: &Running, n: usize) -> Result<Vec<Latency>> {
    let base = format!("http://127.0.0.1:{}", running.tempo);
    let by_id: Vec<String> = trace_ids(agent, &base)?.iter().map(|id| format!("{base}/api/traces/{id}")).collect();
    let q = |query: &str| vec![format!("{base}/api/search?q={}&limit=20", enc(query))];
    Ok(vec![
        latency::measure(agent, "trace by id", &by_id, n)?,
        latency::measure(
            agent,
            "search by tag, limit 20",
            &[format!("{base}/api/search?tags={}&limit=20", enc("service.name=risk"))],
            n,
        )?,
        latency::measure(agent, "TraceQL on an attribute", &q(r#"{ span.instrument = "SPY" }"#), n)?,
        latency::measure(agent, "TraceQL rare value (full scan)", &q(r#"{ span.order.id = "ord-zzzzzz" }"#), n)?,
    ])
}

fn log_queries(agent: &ureq::Agent, running: &Running, n: usize) -> Result<Vec<Latency>> {
    let base = format!("http://127.0.0.1:{}/loki/api/v1", running.loki);
    let range = |query: &str| vec![format!("{base}/query_range?query={}&limit=100", enc(query))];
    let instant = |query: &str| vec![format!("{base}/query?query={}", enc(query))];
    Ok(vec![
        latency::measure(agent, "LogQL stream selector, limit 100", &range(r#"{service_name="backtest"}"#), n)?,
        latency::measure(agent, "LogQL rare line filter", &range(r#"{service_name="backtest"} |= "ord-zzzzzz""#), n)?,
        latency::measure(
            agent,
            "LogQL trace_id filter",
            &range(r#"{service_name="risk"} | trace_id="1f5a5a5a5a5a5a5a0000000000000001""#),
            n,
        )?,
        latency::measure(
            agent,
            "LogQL sum by count_over_time",
            &instant(r#"sum by (severity_text) (count_over_time({service_name="orders"}[10m]))"#),
            n,
        )?,
    ])
}
