//! Requests that used to be acknowledged and then lost: one larger than the store's cap, a
//! histogram point with 100,000 bounds, a point a year ahead. None is answered 200 and then
//! wiped; what cannot be kept is refused and named.

use obs_stack::ports;
use prost::Message;
use test_support::embedded::EmbeddedServer;

use super::under_attack;
use crate::otlp_build::{attr, gauge, hex, histogram, logs, metrics, now_ns, record, span, traces};
use crate::{enc, get, post, status};

const PROTOBUF: [(&str, &str); 1] = [("content-type", "application/x-protobuf")];

/// 150 spans into a 100-span store: 413 naming the cap, and the spans stored before stay.
#[test]
fn request_over_the_span_cap_is_refused_not_wiped() {
    let server = EmbeddedServer::start(&["--max-spans", "100"]).unwrap();
    let url = format!("{}/v1/traces", server.url(ports::OTLP_HTTP));
    let first = traces("loss", vec![span([0x51; 16], [1; 8], "kept")]);
    assert_eq!(post(&url, &PROTOBUF, &first.encode_to_vec()).status, 200);
    let big = traces("loss", (0..150u8).map(|n| span([0x52; 16], [n, 1, 1, 1, 1, 1, 1, 1], "too-many")).collect());
    let answer = under_attack(&server, 300, || post(&url, &PROTOBUF, &big.encode_to_vec()));
    assert_eq!(answer.status, 413, "{}", super::short(&answer.body));
    assert!(answer.header("retry-after").is_none(), "a request that can never fit must not invite a retry");
    assert!(super::short(&answer.body).contains("OBS_MAX_SPANS"), "{}", super::short(&answer.body));
    assert_eq!(get(&format!("{}/api/traces/{}", server.url(ports::TEMPO), hex(&[0x51; 16]))).status, 200);
}

/// 2,000 log records into a 1,000-record store: 413, earlier records kept.
#[test]
fn request_over_the_log_cap_is_refused_not_wiped() {
    let server = EmbeddedServer::start(&["--max-log-records", "1000"]).unwrap();
    let url = format!("{}/v1/logs", server.url(ports::OTLP_HTTP));
    assert_eq!(
        post(&url, &PROTOBUF, &logs("loss", vec![record("kept", now_ns(), vec![])]).encode_to_vec()).status,
        200
    );
    let big = logs("loss", (0..2_000).map(|n| record(&format!("r{n}"), now_ns(), vec![])).collect());
    let answer = post(&url, &PROTOBUF, &big.encode_to_vec());
    assert_eq!(answer.status, 413, "{}", super::short(&answer.body));
    assert_eq!(status(&server)["stores"]["logs"]["items"], 1);
}

/// A histogram point with 100,000 bounds is rejected as partial success; other series stay.
#[test]
fn huge_histogram_is_rejected_others_kept() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let url = format!("{}/v1/metrics", server.url(ports::OTLP_HTTP));
    let now = now_ns();
    let kept = metrics("loss", vec![gauge("loss_kept", vec![(vec![attr("k", "v")], now, 1.0)])]);
    assert_eq!(post(&url, &PROTOBUF, &kept.encode_to_vec()).status, 200);
    let bounds = (0..100_000).map(f64::from).collect();
    let big = metrics("loss", vec![histogram("loss_huge", bounds, now)]);
    let answer = under_attack(&server, 300, || post(&url, &PROTOBUF, &big.encode_to_vec()));
    assert_eq!(answer.status, 200, "{}", super::short(&answer.body));
    let body =
        opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceResponse::decode(&answer.body[..]);
    let partial = body.ok().and_then(|b| b.partial_success).unwrap_or_default();
    assert_eq!(partial.rejected_data_points, 1, "{partial:?}");
    let query = format!("{}/api/v1/query?query={}", server.url(ports::PROMETHEUS), enc("loss_kept"));
    assert_eq!(get(&query).json()["data"]["result"].as_array().map(Vec::len), Some(1));
}

/// A point a year ahead is rejected, and the series keeps taking points at the current time.
#[test]
fn far_future_point_does_not_block_its_series() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let url = format!("{}/v1/metrics", server.url(ports::OTLP_HTTP));
    let year = 365 * 86_400 * 1_000_000_000u64;
    let labels = vec![attr("k", "v")];
    let future = metrics("loss", vec![gauge("loss_future", vec![(labels.clone(), now_ns() + year, 5.0)])]);
    let answer = post(&url, &PROTOBUF, &future.encode_to_vec());
    let body =
        opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceResponse::decode(&answer.body[..]);
    assert_eq!(body.ok().and_then(|b| b.partial_success).map(|p| p.rejected_data_points), Some(1));
    let now = metrics("loss", vec![gauge("loss_future", vec![(labels, now_ns(), 7.0)])]);
    assert_eq!(post(&url, &PROTOBUF, &now.encode_to_vec()).status, 200);
    let query = format!("{}/api/v1/query?query={}", server.url(ports::PROMETHEUS), enc("loss_future"));
    assert_eq!(get(&query).json()["data"]["result"][0]["value"][1], "7");
}
