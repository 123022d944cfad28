//! Time from an export being acknowledged to the data being found, by id and by search.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use prost::Message;

use crate::latency::{self, Latency, enc, summarize};
use crate::load::LoadGen;
use crate::targets::Targets;

fn poll(agent: &ureq::Agent, url: &str, found: impl Fn(u16, &str) -> bool) -> Result<Duration> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        let (status, body) = latency::get(agent, url)?;
        if found(status, &body) {
            return Ok(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    bail!("not found within 10 s: {url}")
}

/// Sends `count` traces one by one and measures ack-to-found for each.
pub fn run(targets: &Targets, count: usize) -> Result<Vec<Latency>> {
    let running = targets.start_embedded()?;
    let agent = latency::agent();
    let mut loadgen = LoadGen::new(777);
    let (mut by_id, mut by_search) = (Vec::new(), Vec::new());
    let tempo = format!("http://127.0.0.1:{}", running.tempo);
    for _ in 0..count {
        let req = loadgen.traces(8);
        let root = &req.resource_spans[0].scope_spans[0].spans[0];
        let trace_id = hex::encode(&root.trace_id);
        let order = root
            .attributes
            .iter()
            .find(|kv| kv.key == "order.id")
            .and_then(|kv| kv.value.as_ref()?.value.clone())
            .and_then(|v| if let Value::StringValue(s) = v { Some(s) } else { None })
            .context("load span has an order.id")?;
        let url = format!("http://127.0.0.1:{}/v1/traces", running.http);
        let resp = agent.post(&url).content_type("application/x-protobuf").send(&req.encode_to_vec()[..])?;
        if resp.status() != 200 {
            bail!("{url} answered {}", resp.status());
        }
        by_id.push(poll(&agent, &format!("{tempo}/api/traces/{trace_id}"), |s, _| s == 200)?);
        let short = trace_id.trim_start_matches('0').to_string();
        let search = format!("{tempo}/api/search?tags={}", enc(&format!("order.id={order}")));
        by_search.push(poll(&agent, &search, |s, body| s == 200 && body.contains(&short))?);
    }
    Ok(vec![summarize("ack to found by id", by_id), summarize("ack to found by search", by_search)])
}
