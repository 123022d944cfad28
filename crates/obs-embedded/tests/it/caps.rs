//! Caps: filling a store past its cap evicts the oldest, counts it in the status document and
//! the server's own metrics, and keeps memory bounded.

use std::time::Duration;

use obs_stack::ports;
use prost::Message;
use test_support::embedded::EmbeddedServer;

use crate::otlp_build::{hex, span, traces};
use crate::{enc, get, poll, post, status};

/// Generous bound on resident memory for a server holding at most 100 spans.
const RSS_BOUND_KIB: u64 = 200 * 1024;

fn trace_id(batch: u8, n: u8) -> [u8; 16] {
    let mut id = [0x11; 16];
    id[0] = batch + 1;
    id[15] = n;
    id
}

/// 500 spans into a 100-span store: at least 400 evicted, at most 100 held, the newest found,
/// the oldest gone, eviction visible as `obs_embedded_evicted_total`, and RSS bounded.
#[test]
fn spans_past_the_cap_are_evicted_and_counted() {
    let server = EmbeddedServer::start(&["--max-spans", "100"]).unwrap();
    let url = format!("{}/v1/traces", server.url(ports::OTLP_HTTP));
    for batch in 0..10u8 {
        let spans = (0..50u8).map(|n| span(trace_id(batch, n), [n + 1; 8], "capped-span")).collect();
        let answer = post(&url, &[("content-type", "application/x-protobuf")], &traces("caps", spans).encode_to_vec());
        assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
        assert!(server.rss_kib().unwrap() < RSS_BOUND_KIB);
    }
    let stores = &status(&server)["stores"]["traces"];
    assert!(stores["items"].as_u64().unwrap() <= 100, "{stores}");
    assert!(stores["evicted"].as_u64().unwrap() >= 400, "{stores}");
    assert_eq!(stores["max_items"], 100);
    let tempo = server.url(ports::TEMPO);
    assert_eq!(get(&format!("{tempo}/api/traces/{}", hex(&trace_id(9, 49)))).status, 200);
    assert_eq!(get(&format!("{tempo}/api/traces/{}", hex(&trace_id(0, 0)))).status, 404);
    let evicted = stores["evicted"].as_u64().unwrap();
    let query = format!(
        "{}/api/v1/query?query={}",
        server.url(ports::PROMETHEUS),
        enc("obs_embedded_evicted_total{signal=\"traces\"}")
    );
    let value = poll("obs_embedded_evicted_total through the Prometheus API", Duration::from_secs(10), || {
        let answer = get(&query).json();
        Ok(answer["data"]["result"][0]["value"][1].as_str().map(str::to_string))
    })
    .unwrap();
    assert_eq!(value.parse::<u64>().unwrap(), evicted);
    let exposition = String::from_utf8(get(&format!("{}/metrics", server.url(ports::COLLECTOR_METRICS))).body).unwrap();
    assert!(exposition.contains(&format!("obs_embedded_evicted_total{{signal=\"traces\"}} {evicted}")), "{exposition}");
}

/// Log records past the cap are evicted oldest first and counted.
#[test]
fn log_records_past_the_cap_are_evicted() {
    let server = EmbeddedServer::start(&["--max-log-records", "50"]).unwrap();
    let url = format!("{}/v1/logs", server.url(ports::OTLP_HTTP));
    for batch in 0..4 {
        let records: Vec<serde_json::Value> = (0..50)
            .map(|n| serde_json::json!({"timeUnixNano": now_nanos().to_string(), "severityNumber": 9, "body": {"stringValue": format!("record {batch}-{n}")}}))
            .collect();
        let body = serde_json::json!({"resourceLogs": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "caps"}}]}, "scopeLogs": [{"logRecords": records}]}]});
        let answer = post(&url, &[("content-type", "application/json")], &serde_json::to_vec(&body).unwrap());
        assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    }
    let logs = &status(&server)["stores"]["logs"];
    assert!(logs["items"].as_u64().unwrap() <= 50, "{logs}");
    assert!(logs["evicted"].as_u64().unwrap() >= 150, "{logs}");
    assert!(server.rss_kib().unwrap() < RSS_BOUND_KIB);
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

/// A request larger than the whole store is refused with a non-retryable 413 (no Retry-After,
/// `RESOURCE_EXHAUSTED` in the body), counted as refused, and what was stored stays.
#[test]
fn request_larger_than_the_store_is_413() {
    let server = EmbeddedServer::start(&["--max-spans", "10"]).unwrap();
    let url = format!("{}/v1/traces", server.url(ports::OTLP_HTTP));
    let protobuf = [("content-type", "application/x-protobuf")];
    let one = traces("caps", vec![span(trace_id(0, 0), [1; 8], "kept")]).encode_to_vec();
    assert_eq!(post(&url, &protobuf, &one).status, 200);
    let spans = (1..=11u8).map(|n| span(trace_id(1, n), [n; 8], "too-many")).collect();
    let answer = post(&url, &protobuf, &traces("caps", spans).encode_to_vec());
    assert_eq!((answer.status, answer.header("retry-after")), (413, None));
    let rpc = obs_contract::http::RpcStatus::decode(&answer.body[..]).unwrap();
    assert_eq!(rpc.code, 8);
    assert!(rpc.message.starts_with("the traces store can never take this request"), "{}", rpc.message);
    assert!(rpc.message.contains("OBS_MAX_SPANS"), "{}", rpc.message);
    let stores = &status(&server)["stores"]["traces"];
    assert_eq!((stores["items"].as_u64(), stores["refused"].as_u64()), (Some(1), Some(11)), "{stores}");
    assert_eq!(get(&format!("{}/api/traces/{}", server.url(ports::TEMPO), hex(&trace_id(0, 0)))).status, 200);
}
