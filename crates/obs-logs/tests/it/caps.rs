//! Caps: filling past them evicts the oldest records (counted), a request larger than the cap is
//! refused (counted), OTLP protobuf takes the same path.

use std::time::Duration;

use obs_contract::StoreLimits;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value::Value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use prost::Message;
use serde_json::json;

use super::server::{Server, enc};

fn now_ns() -> i64 {
    super::fixtures::offset() + 1_795_554_716_272_863_279
}

fn push(server: &Server, n: usize, base: i64) -> u16 {
    let values: Vec<serde_json::Value> =
        (0..n).map(|i| json!([(base + i as i64).to_string(), format!("line {}", base + i as i64)])).collect();
    let body = json!({"streams": [{"stream": {"job": "caps"}, "values": values}]});
    server.post("/loki/api/v1/push", "application/json", body.to_string().as_bytes()).0
}

/// Past the record cap the oldest go first; counters say how many.
#[test]
fn record_cap_evicts_oldest() {
    let limits = StoreLimits { max_items: 10, max_bytes: 1 << 20, history: Duration::from_secs(60) };
    let server = Server::with_limits(limits);
    let base = now_ns() - 1_000_000;
    for batch in 0..5 {
        assert_eq!(push(&server, 5, base + batch * 5), 204);
    }
    let stats = server.store.stats();
    assert_eq!((stats.items, stats.ingested, stats.evicted, stats.refused), (10, 25, 15, 0));
    let body = server.json(&format!("/loki/api/v1/query_range?query={}&limit=100", enc(r#"{job="caps"}"#)), &[]);
    let values = body["data"]["result"][0]["values"].as_array().cloned().unwrap_or_default();
    assert_eq!(values.len(), 10);
    assert_eq!(values[9][1], format!("line {}", base + 15), "the oldest kept is the 16th pushed");
    assert_eq!(push(&server, 11, base + 100), 413, "one push larger than the whole cap is refused, not retried");
    let stats = server.store.stats();
    assert_eq!((stats.refused, stats.items, stats.evicted), (11, 10, 15), "nothing stored was evicted for it");
}

/// Past the byte cap records are evicted until the bytes fit.
#[test]
fn byte_cap_evicts_oldest() {
    let limits = StoreLimits { max_items: 1_000_000, max_bytes: 2_000, history: Duration::from_secs(60) };
    let server = Server::with_limits(limits);
    let base = now_ns() - 1_000_000;
    for batch in 0..40 {
        assert_eq!(push(&server, 5, base + batch * 5), 204);
    }
    let stats = server.store.stats();
    assert!(stats.bytes <= 2_000, "{stats:?}");
    assert_eq!(stats.items + stats.evicted, 200, "{stats:?}");
    assert!(stats.evicted > 100, "{stats:?}");
}

/// OTLP protobuf on /otlp/v1/logs is stored and answered 204; a trace id is queryable at once.
#[test]
fn otlp_protobuf() {
    let server = Server::start();
    let record = LogRecord {
        time_unix_nano: u64::try_from(now_ns()).expect("positive"),
        severity_number: 13,
        severity_text: "WARN".into(),
        body: Some(AnyValue { value: Some(Value::StringValue("slow fill ord-3fa9c1".into())) }),
        trace_id: vec![0xab; 16],
        span_id: vec![0xcd; 8],
        ..LogRecord::default()
    };
    let req = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs { log_records: vec![record], ..ScopeLogs::default() }],
            ..ResourceLogs::default()
        }],
    };
    let (status, _, body) = server.post("/otlp/v1/logs", "application/x-protobuf", &req.encode_to_vec());
    assert_eq!((status, body.as_str()), (204, ""));
    let q = format!(r#"{{service_name="unknown_service"}} | trace_id="{}""#, "AB".repeat(16));
    let body = server.json(&format!("/loki/api/v1/query_range?query={}", enc(&q)), &[]);
    let stream = &body["data"]["result"][0]["stream"];
    assert_eq!(stream["span_id"], "cd".repeat(8));
    assert_eq!(stream["detected_level"], "warn");
    assert_eq!(body["data"]["result"][0]["values"][0][1], "slow fill ord-3fa9c1");
}

/// After close() ingest is refused with 503 and stored records stay queryable.
#[test]
fn closed_store_refuses_ingest() {
    let server = Server::start();
    assert_eq!(push(&server, 2, now_ns() - 1_000_000), 204);
    server.store.close();
    assert_eq!(push(&server, 1, now_ns()), 503);
    let body = json!({"streams": [{"stream": {"job": "caps"}, "values": [[now_ns().to_string(), "late"]]}]});
    let (_, _, answer) = server.post("/loki/api/v1/push", "application/json", body.to_string().as_bytes());
    assert!(answer.contains("shutting down"), "{answer}");
    let (status, _, _) = server.post("/otlp/v1/logs", "application/json", br#"{"resourceLogs":[]}"#);
    assert_eq!(status, 503);
    let body = server.json(&format!("/loki/api/v1/query_range?query={}", enc(r#"{job="caps"}"#)), &[]);
    assert_eq!(body["data"]["result"][0]["values"].as_array().map(Vec::len), Some(2));
}

/// A snappy protobuf push (promtail's and Alloy's format) is stored like a JSON one.
#[test]
fn protobuf_push() {
    use obs_logs::api::push_proto::{EntryAdapter, LabelPair, PushRequest, StreamAdapter, Timestamp};
    let server = Server::start();
    let now = now_ns();
    let request = PushRequest {
        streams: vec![StreamAdapter {
            labels: r#"{job="alloy", host="h1"}"#.into(),
            entries: vec![EntryAdapter {
                timestamp: Some(Timestamp { seconds: now / 1_000_000_000, nanos: (now % 1_000_000_000) as i32 }),
                line: "level=warn msg=slow".into(),
                structured_metadata: vec![LabelPair { name: "trace_id".into(), value: "ab".repeat(16) }],
            }],
        }],
    };
    let body = snap::raw::Encoder::new().compress_vec(&request.encode_to_vec()).expect("snappy");
    let (status, _, answer) = server.post("/loki/api/v1/push", "application/x-protobuf", &body);
    assert_eq!((status, answer.as_str()), (204, ""));
    let q = format!(r#"{{service_name="alloy"}} | trace_id="{}""#, "ab".repeat(16));
    let body = server.json(&format!("/loki/api/v1/query_range?query={}", enc(&q)), &[]);
    let stream = &body["data"]["result"][0]["stream"];
    assert_eq!((stream["host"].as_str(), stream["detected_level"].as_str()), (Some("h1"), Some("warn")));
    assert_eq!(body["data"]["result"][0]["values"][0][0], now.to_string());
}

/// `router_with_limit` caps push and OTLP bodies (raw and after gzip) at the given size with a
/// 413, while smaller pushes still pass.
#[test]
fn body_limit_follows_the_router_setting() {
    use std::io::Write;
    let server = Server::with_body_limit(2048);
    assert_eq!(push(&server, 3, now_ns() - 1_000_000), 204);
    assert_eq!(push(&server, 100, now_ns() - 1_000_000), 413, "a raw body over the limit");
    let big = json!({"streams": [{"stream": {"job": "caps"}, "values": [[now_ns().to_string(), "x".repeat(10_000)]]}]});
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(big.to_string().as_bytes()).expect("gzip");
    let gz = gz.finish().expect("gzip");
    assert!(gz.len() < 2048, "the compressed body itself fits");
    let (status, _, body) = server.post_encoded("/loki/api/v1/push", "application/json", "gzip", &gz);
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("2048 bytes") && body.contains("OBS_MAX_REQUEST_BYTES"), "{body}");
    let otlp = format!(r#"{{"resourceLogs":[],"padding":"{}"}}"#, "x".repeat(4096));
    assert_eq!(server.post("/otlp/v1/logs", "application/json", otlp.as_bytes()).0, 413);
    assert_eq!(server.store.stats().items, 3, "nothing from the refused requests was stored");
}
