//! Small requests built to blow memory up: a kvlist attribute that flattens into thousands of
//! keys, a million-stream churn, a PromQL query over too many samples. Each stays within its
//! budget, and what cannot be held is refused or truncated.

use obs_stack::ports;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, KeyValueList, any_value};
use prost::Message;
use test_support::embedded::EmbeddedServer;

use super::under_attack;
use crate::otlp_build::{attr, gauge, logs, metrics, now_ns, record};
use crate::{enc, get, post, status};

const PROTOBUF: [(&str, &str); 1] = [("content-type", "application/x-protobuf")];

fn kvlist(key: &str, entries: usize) -> KeyValue {
    let values = (0..entries).map(|i| attr(&format!("k{i}"), "v")).collect();
    let value = any_value::Value::KvlistValue(KeyValueList { values });
    KeyValue { key: key.into(), value: Some(AnyValue { value: Some(value) }), ..Default::default() }
}

/// Ten requests of one record whose kvlist attribute has 20,000 entries under a 4 KiB key
/// (about 240 KB each, the reported 2.66 GB attack): accepted, truncated, RSS stays small.
#[test]
fn flattened_kvlist_is_bounded() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let url = format!("{}/v1/logs", server.url(ports::OTLP_HTTP));
    under_attack(&server, 250, || {
        for n in 0..10 {
            let attribute = kvlist(&"k".repeat(4096), 20_000);
            let body = logs("kvlist-attack", vec![record(&format!("line {n}"), now_ns(), vec![attribute])]);
            let answer = post(&url, &PROTOBUF, &body.encode_to_vec());
            assert_eq!(answer.status, 200, "{}", super::short(&answer.body));
        }
    });
    let bytes = status(&server)["stores"]["logs"]["bytes"].as_u64().unwrap_or(u64::MAX);
    assert!(bytes < 10 << 20, "the log store counts {bytes} bytes for ten truncated records");
}

/// 100,000 records in 100,000 distinct streams into a 1,000-record store: streams and their
/// keys are freed with their last record, so the store's bytes and the RSS stay bounded.
#[test]
fn stream_churn_frees_streams() {
    let server = EmbeddedServer::start(&["--max-log-records", "1000"]).unwrap();
    let url = format!("{}/v1/logs", server.url(ports::OTLP_HTTP));
    under_attack(&server, 250, || {
        for batch in 0..100u32 {
            let mut request = logs("churn", Vec::new());
            request.resource_logs = (0..1_000u32)
                .map(|i| {
                    let mut one = logs(&format!("svc-{batch}-{i}"), vec![record("x", now_ns(), vec![])]);
                    one.resource_logs.remove(0)
                })
                .collect();
            let answer = post(&url, &PROTOBUF, &request.encode_to_vec());
            assert_eq!(answer.status, 200, "{}", super::short(&answer.body));
        }
    });
    let logs = &status(&server)["stores"]["logs"];
    assert!(logs["items"].as_u64().unwrap_or(u64::MAX) <= 1000, "{logs}");
    assert!(logs["bytes"].as_u64().unwrap_or(u64::MAX) < 4 << 20, "streams outlive their records: {logs}");
}

/// A range query that would hold more samples than `--query-max-samples` answers 422 with
/// Prometheus' message, instead of building the answer.
#[test]
fn promql_samples_limit() {
    let server = EmbeddedServer::start(&["--query-max-samples", "1000"]).unwrap();
    let now = now_ns();
    let points = (0..50).map(|i| (vec![attr("instance", &format!("i{i}"))], now, 1.0)).collect();
    let request = metrics("samples", vec![gauge("abuse_gauge", points)]);
    let answer = post(&format!("{}/v1/metrics", server.url(ports::OTLP_HTTP)), &PROTOBUF, &request.encode_to_vec());
    assert_eq!(answer.status, 200);
    let end = now / 1_000_000_000 + 60;
    let url = format!(
        "{}/api/v1/query_range?query={}&start={}&end={end}&step=1",
        server.url(ports::PROMETHEUS),
        enc("abuse_gauge"),
        end - 600
    );
    let answer = under_attack(&server, 300, || get(&url));
    assert_eq!(answer.status, 422, "{}", super::short(&answer.body));
    let json = answer.json();
    assert_eq!(json["errorType"], "execution", "{json}");
    assert!(json["error"].as_str().unwrap_or("").contains("too many samples"), "{json}");
}
