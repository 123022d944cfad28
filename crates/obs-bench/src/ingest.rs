//! Drives OTLP load (gRPC, HTTP protobuf, HTTP JSON) at a server for a fixed time with a fixed
//! number of requests in flight, and counts what it acknowledged.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use prost::Message;

use crate::load::LoadGen;

/// Wire protocol of the load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
pub enum Protocol {
    /// OTLP over gRPC.
    Grpc,
    /// OTLP over HTTP with protobuf bodies.
    HttpProtobuf,
    /// OTLP over HTTP with JSON bodies.
    HttpJson,
}

/// What the load is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
pub enum Signal {
    /// Spans.
    Spans,
    /// Log records.
    Logs,
}

/// Where to send and how.
#[derive(Debug, Clone)]
pub struct Load {
    /// OTLP gRPC port of the target.
    pub grpc_port: u16,
    /// OTLP HTTP port of the target.
    pub http_port: u16,
    /// Protocol to use.
    pub protocol: Protocol,
    /// Spans or logs.
    pub signal: Signal,
    /// Requests in flight.
    pub inflight: usize,
    /// Items per request.
    pub batch: usize,
    /// Stop after this long...
    pub duration: Duration,
    /// ...or after this many items, whichever comes first.
    pub max_items: u64,
    /// Seed for distinct ids across runs.
    pub seed: u64,
}

/// Items acknowledged and wall time taken.
#[derive(Debug, Clone, Copy)]
pub struct Sent {
    /// Items the server acknowledged.
    pub items: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
}

/// Runs one load to completion.
pub fn run(load: &Load) -> Result<Sent> {
    let start = Instant::now();
    let per_worker = load.max_items.div_ceil(load.inflight as u64);
    let items = match load.protocol {
        Protocol::Grpc => run_grpc(load, per_worker)?,
        Protocol::HttpProtobuf | Protocol::HttpJson => run_http(load, per_worker)?,
    };
    Ok(Sent { items, elapsed: start.elapsed() })
}

fn body(loadgen: &mut LoadGen, load: &Load) -> Result<Vec<u8>> {
    Ok(match (load.signal, load.protocol) {
        (Signal::Spans, Protocol::HttpJson) => serde_json::to_vec(&loadgen.traces(load.batch))?,
        (Signal::Logs, Protocol::HttpJson) => serde_json::to_vec(&loadgen.logs(load.batch))?,
        (Signal::Spans, _) => loadgen.traces(load.batch).encode_to_vec(),
        (Signal::Logs, _) => loadgen.logs(load.batch).encode_to_vec(),
    })
}

fn run_http(load: &Load, per_worker: u64) -> Result<u64> {
    let path = match load.signal {
        Signal::Spans => "v1/traces",
        Signal::Logs => "v1/logs",
    };
    let url = format!("http://127.0.0.1:{}/{path}", load.http_port);
    let content_type = if load.protocol == Protocol::HttpJson { "application/json" } else { "application/x-protobuf" };
    let deadline = Instant::now() + load.duration;
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..load.inflight)
            .map(|w| {
                let url = url.clone();
                scope.spawn(move || -> Result<u64> {
                    let agent = ureq::Agent::config_builder()
                        .timeout_global(Some(Duration::from_secs(30)))
                        .http_status_as_error(false)
                        .build()
                        .new_agent();
                    let mut loadgen = LoadGen::new(load.seed * 64 + w as u64);
                    let mut sent = 0u64;
                    while sent < per_worker && Instant::now() < deadline {
                        let body = body(&mut loadgen, load)?;
                        let resp = agent.post(&url).content_type(content_type).send(&body[..]).context("post load")?;
                        if resp.status() != 200 {
                            bail!("{url} answered {}", resp.status());
                        }
                        sent += load.batch as u64;
                    }
                    Ok(sent)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().map_err(|_| anyhow::anyhow!("load worker panicked"))?).sum()
    })
}

fn run_grpc(load: &Load, per_worker: u64) -> Result<u64> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().context("start tokio")?;
    runtime.block_on(async {
        let endpoint = format!("http://127.0.0.1:{}", load.grpc_port);
        let channel = tonic::transport::Endpoint::from_shared(endpoint.clone())?
            .timeout(Duration::from_secs(30))
            .connect()
            .await
            .with_context(|| format!("connect to {endpoint}"))?;
        let deadline = Instant::now() + load.duration;
        let mut tasks = Vec::new();
        for w in 0..load.inflight {
            let channel = channel.clone();
            let load = load.clone();
            tasks.push(tokio::spawn(async move { grpc_worker(channel, load, w, per_worker, deadline).await }));
        }
        let mut total = 0;
        for task in tasks {
            total += task.await.context("join load task")??;
        }
        Ok(total)
    })
}

async fn grpc_worker(
    channel: tonic::transport::Channel,
    load: Load,
    worker: usize,
    per_worker: u64,
    deadline: Instant,
) -> Result<u64> {
    let mut loadgen = LoadGen::new(load.seed * 64 + worker as u64);
    let mut traces = TraceServiceClient::new(channel.clone()).max_encoding_message_size(64 << 20);
    let mut logs = LogsServiceClient::new(channel).max_encoding_message_size(64 << 20);
    let mut sent = 0u64;
    while sent < per_worker && Instant::now() < deadline {
        match load.signal {
            Signal::Spans => traces.export(loadgen.traces(load.batch)).await.map(|_| ()),
            Signal::Logs => logs.export(loadgen.logs(load.batch)).await.map(|_| ()),
        }
        .context("export over gRPC")?;
        sent += load.batch as u64;
    }
    Ok(sent)
}
