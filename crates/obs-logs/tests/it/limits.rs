//! Limits from issue #10 on a real loopback server: a query past its deadline or its samples,
//! entries too far ahead, requests larger than the whole store, and attributes that would
//! flatten into thousands of keys.

use std::time::Duration;

use obs_contract::StoreLimits;
use obs_contract::query::QueryLimits;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, KeyValueList, any_value::Value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use prost::Message;
use serde_json::json;

use super::server::{Server, enc};

fn now_ns() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_nanos();
    i64::try_from(now).expect("ns fit i64")
}

/// Pushes `lines` entries of stream `{job="t"}`, one ns apart, ending a second ago.
fn push_lines(server: &Server, lines: &[String]) -> (u16, String) {
    let base = now_ns() - 1_000_000_000 - lines.len() as i64;
    let values: Vec<serde_json::Value> =
        lines.iter().enumerate().map(|(i, line)| json!([(base + i as i64).to_string(), line])).collect();
    let body = json!({"streams": [{"stream": {"job": "t"}, "values": values}]});
    let (status, _, answer) = server.post("/loki/api/v1/push", "application/json", body.to_string().as_bytes());
    (status, answer)
}

fn request(records: Vec<LogRecord>) -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs { log_records: records, ..ScopeLogs::default() }],
            ..ResourceLogs::default()
        }],
    }
}

fn otlp(records: Vec<LogRecord>) -> Vec<u8> {
    request(records).encode_to_vec()
}

/// OTLP JSON, so the answer is readable text.
fn otlp_json(records: Vec<LogRecord>) -> Vec<u8> {
    serde_json::to_vec(&request(records)).expect("OTLP JSON")
}

fn record(ts: i64, body: &str) -> LogRecord {
    LogRecord {
        time_unix_nano: u64::try_from(ts).expect("positive"),
        body: Some(AnyValue { value: Some(Value::StringValue(body.into())) }),
        ..LogRecord::default()
    }
}

/// A query past its deadline answers 504 naming OBS_QUERY_TIMEOUT; health and ingest keep
/// answering.
#[test]
fn query_past_its_deadline_answers_504() {
    let limits = QueryLimits { timeout: Duration::from_millis(1), ..QueryLimits::default() };
    let server = Server::with_query_limits(limits);
    let lines: Vec<String> = (0..20_000).map(|i| format!(r#"{{"n":{i},"a":"x","b":"y","c":"z"}}"#)).collect();
    assert_eq!(push_lines(&server, &lines).0, 204);
    let q = r#"sum(count_over_time({job="t"} | json | n > 5 [1h]))"#;
    let (status, content_type, body) = server.get(&format!("/loki/api/v1/query?query={}", enc(q)), &[]);
    assert_eq!((status, content_type.as_str()), (504, "text/plain; charset=utf-8"), "{body}");
    assert!(body.contains("timed out") && body.contains("OBS_QUERY_TIMEOUT"), "{body}");
    assert_eq!(server.get("/ready", &[]).0, 200);
    assert_eq!(push_lines(&server, &["after".to_owned()]).0, 204);
}

/// A query holding more samples than allowed answers 400 naming OBS_QUERY_MAX_SAMPLES.
#[test]
fn query_over_the_samples_limit_answers_400() {
    let limits = QueryLimits { max_samples: 10, ..QueryLimits::default() };
    let server = Server::with_query_limits(limits);
    let path = format!("/loki/api/v1/query_range?query={}&start=0&end=100&step=1", enc("vector(1)"));
    let (status, _, body) = server.get(&path, &[]);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("too many samples") && body.contains("OBS_QUERY_MAX_SAMPLES"), "{body}");
}

/// A pushed entry more than 10 minutes ahead is answered 400 in Loki's words; the others are
/// stored.
#[test]
fn push_entry_too_far_ahead_is_refused_like_loki() {
    let server = Server::start();
    let now = now_ns();
    let ahead = now + 11 * 60 * 1_000_000_000;
    let body = json!({"streams": [{"stream": {"job": "t"}, "values": [[ahead.to_string(), "future"], [now.to_string(), "now"]]}]});
    let (status, _, answer) = server.post("/loki/api/v1/push", "application/json", body.to_string().as_bytes());
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer.starts_with(r#"entry for stream '{job="t", service_name="t"}' has timestamp too new: "#),
        "{answer}"
    );
    assert!(answer.contains("(1 entries rejected)"), "{answer}");
    assert_eq!(server.store.stats().items, 1);
}

/// An OTLP record more than 10 minutes ahead is rejected as partial success; the others are stored.
#[test]
fn otlp_record_too_far_ahead_is_partial_success() {
    let server = Server::start();
    let now = now_ns();
    let body = otlp_json(vec![record(now + 11 * 60 * 1_000_000_000, "future"), record(now, "now")]);
    let (status, _, answer) = server.post("/otlp/v1/logs", "application/json", &body);
    assert_eq!(status, 200, "{answer}");
    let response: serde_json::Value = serde_json::from_str(&answer).expect("JSON answer");
    let partial = &response["partialSuccess"];
    assert_eq!(partial["rejectedLogRecords"], json!(1), "{answer}");
    let message = partial["errorMessage"].as_str().unwrap_or_default();
    assert!(message.contains("has timestamp too new"), "{message}");
    assert_eq!(server.store.stats().items, 1);
}

/// An OTLP request larger than the whole byte cap is refused with 413 naming OBS_MAX_LOG_BYTES,
/// and nothing already stored is evicted for it.
#[test]
fn request_larger_than_the_store_is_refused_up_front() {
    let limits = StoreLimits { max_items: 1_000, max_bytes: 4_000, history: Duration::from_secs(60) };
    let server = Server::with_limits(limits);
    assert_eq!(push_lines(&server, &vec!["kept".to_owned(); 3]).0, 204);
    let body = otlp_json(vec![record(now_ns(), &"x".repeat(5_000))]);
    let (status, _, answer) = server.post("/otlp/v1/logs", "application/json", &body);
    assert_eq!(status, 413, "{answer}");
    assert!(answer.contains("4000 bytes") && answer.contains("OBS_MAX_LOG_BYTES"), "{answer}");
    let stats = server.store.stats();
    assert_eq!((stats.items, stats.evicted, stats.refused), (3, 0, 1), "{stats:?}");
}

/// A kvlist attribute with 100,000 entries under a long key keeps 128 keys of at most 1 KiB;
/// the rest is counted as dropped, and the store's byte count stays small.
#[test]
fn flattened_kvlist_is_bounded() {
    let server = Server::start();
    let entries: Vec<KeyValue> = (0..100_000)
        .map(|i| KeyValue {
            key: format!("k{i}"),
            value: Some(AnyValue { value: Some(Value::StringValue("v".into())) }),
            ..KeyValue::default()
        })
        .collect();
    let mut attack = record(now_ns() - 1_000_000_000, "kvlist");
    attack.attributes = vec![KeyValue {
        key: "a".repeat(2_000),
        value: Some(AnyValue { value: Some(Value::KvlistValue(KeyValueList { values: entries })) }),
        ..KeyValue::default()
    }];
    let (status, _, answer) = server.post("/otlp/v1/logs", "application/x-protobuf", &otlp(vec![attack]));
    assert_eq!(status, 204, "{answer}");
    let stats = server.store.stats();
    assert!(stats.bytes < 200_000, "{stats:?}");
    let q = r#"{service_name="unknown_service"}"#;
    let body = server.json(&format!("/loki/api/v1/query_range?query={}", enc(q)), &[]);
    let stream = body["data"]["result"][0]["stream"].as_object().cloned().unwrap_or_default();
    assert_eq!(stream.get("dropped_attributes_count").and_then(|v| v.as_str()), Some("99872"));
    assert!(stream.keys().all(|k| k.len() <= 1_024), "every key is cut to 1 KiB");
    assert!(stream.len() <= 128 + 4, "{} labels", stream.len());
}

/// `| json` and `| logfmt` over lines with 3,000 fields (under the 64 KiB line limit) extract every field (through a hash
/// index, so the cost is linear in the fields).
#[test]
fn parsers_take_lines_with_many_fields() {
    let server = Server::start();
    let json_line = serde_json::Value::Object((0..3_000).map(|i| (format!("f{i}"), json!(i.to_string()))).collect());
    let logfmt_line: Vec<String> = (0..3_000).map(|i| format!("g{i}={i}")).collect();
    assert_eq!(push_lines(&server, &[json_line.to_string(), logfmt_line.join(" ")]).0, 204);
    for q in [r#"{job="t"} | json | f2999="2999" | f0="0""#, r#"{job="t"} | logfmt | g2999="2999" | g0="0""#] {
        let body = server.json(&format!("/loki/api/v1/query_range?query={}", enc(q)), &[]);
        let result = body["data"]["result"].as_array().cloned().unwrap_or_default();
        assert_eq!(result.len(), 1, "{q}");
        assert!(result[0]["stream"].as_object().is_some_and(|s| s.len() > 3_000), "{q}");
    }
}
