//! Bad OTLP input (and over-limit Loki pushes) answers with the spec's status codes and error bodies, and
//! never loses what was already stored.

use std::io::Write;

use obs_contract::http::RpcStatus;
use obs_stack::ports;
use prost::Message;
use test_support::embedded::EmbeddedServer;

use crate::otlp_build::{hex, span, traces};
use crate::{Answer, enc, get, post, status};

const PROTOBUF: (&str, &str) = ("content-type", "application/x-protobuf");
const JSON: (&str, &str) = ("content-type", "application/json");
const KEPT_TRACE: [u8; 16] = [0x4b; 16];

/// A server with a 64 KiB request limit and one span already stored.
fn server_with_one_span() -> EmbeddedServer {
    let server = EmbeddedServer::start(&["--max-request-bytes", "65536"]).unwrap();
    let body = traces("bad-input", vec![span(KEPT_TRACE, [1; 8], "kept-span")]).encode_to_vec();
    let ok = post(&otlp(&server, "traces"), &[PROTOBUF], &body);
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
    server
}

fn otlp(server: &EmbeddedServer, signal: &str) -> String {
    format!("{}/v1/{signal}", server.url(ports::OTLP_HTTP))
}

/// The span stored first is still there and counted once.
fn assert_nothing_lost(server: &EmbeddedServer) {
    let found = get(&format!("{}/api/traces/{}", server.url(ports::TEMPO), hex(&KEPT_TRACE)));
    assert_eq!(found.status, 200, "{}", String::from_utf8_lossy(&found.body));
    assert!(String::from_utf8_lossy(&found.body).contains("kept-span"));
    assert_eq!(status(server)["stores"]["traces"]["items"], 1);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn rpc_json(answer: &Answer) -> RpcStatus {
    serde_json::from_slice(&answer.body).unwrap()
}

/// Garbage protobuf is 400 with a protobuf google.rpc.Status (INVALID_ARGUMENT) naming the message.
#[test]
fn garbage_protobuf_is_400() {
    let server = server_with_one_span();
    let answer = post(&otlp(&server, "traces"), &[PROTOBUF], b"\xff\xff\xff\xffgarbage");
    assert_eq!((answer.status, answer.content_type.as_str()), (400, "application/x-protobuf"));
    let rpc = RpcStatus::decode(&answer.body[..]).unwrap();
    assert_eq!(rpc.code, 3);
    assert!(
        rpc.message.contains("cannot decode the request body as an OTLP ExportTraceServiceRequest"),
        "{}",
        rpc.message
    );
    assert_nothing_lost(&server);
    assert_eq!(requests(&server, "invalid"), "1");
    assert_eq!(requests(&server, "accepted"), "1");
}

/// `obs_embedded_requests_total` for OTLP/HTTP traces with `outcome`, through the Prometheus API.
fn requests(server: &EmbeddedServer, outcome: &str) -> String {
    let query = format!("obs_embedded_requests_total{{protocol=\"http\",signal=\"traces\",outcome=\"{outcome}\"}}");
    let answer = get(&format!("{}/api/v1/query?query={}", server.url(ports::PROMETHEUS), enc(&query))).json();
    answer["data"]["result"][0]["value"][1].as_str().unwrap_or_else(|| panic!("{answer}")).to_string()
}

/// Malformed JSON is 400 with a JSON google.rpc.Status.
#[test]
fn malformed_json_is_400() {
    let server = server_with_one_span();
    let answer = post(&otlp(&server, "logs"), &[JSON], b"{\"resourceLogs\": [");
    assert_eq!((answer.status, answer.content_type.as_str()), (400, "application/json"));
    assert!(rpc_json(&answer).message.contains("ExportLogsServiceRequest in application/json"));
    assert_nothing_lost(&server);
}

/// An unsupported content type is 415 naming the two accepted types.
#[test]
fn wrong_content_type_is_415() {
    let server = server_with_one_span();
    let answer = post(&otlp(&server, "metrics"), &[("content-type", "text/plain")], b"hello");
    assert_eq!((answer.status, answer.content_type.as_str()), (415, "application/json"));
    let rpc = rpc_json(&answer);
    assert_eq!(rpc.message, "unsupported Content-Type \"text/plain\"; send application/x-protobuf or application/json");
    assert_nothing_lost(&server);
}

/// A body over --max-request-bytes is 413 naming the limit and the variable that raises it.
#[test]
fn over_limit_is_413() {
    let server = server_with_one_span();
    let answer = post(&otlp(&server, "traces"), &[PROTOBUF], &vec![0u8; 100_000]);
    assert_eq!((answer.status, answer.content_type.as_str()), (413, "application/x-protobuf"));
    let rpc = RpcStatus::decode(&answer.body[..]).unwrap();
    assert!(
        rpc.message.contains("larger than 65536 bytes") && rpc.message.contains("OBS_MAX_REQUEST_BYTES"),
        "{}",
        rpc.message
    );
    assert_nothing_lost(&server);
}

/// The Loki port follows --max-request-bytes too: an over-limit push and a Loki OTLP request
/// are 413 naming the limit and its variable.
#[test]
fn loki_over_limit_is_413() {
    let server = server_with_one_span();
    let loki = server.url(ports::LOKI);
    let line = "x".repeat(100_000);
    let push = serde_json::json!({"streams": [{"stream": {"job": "big"}, "values": [["1", line]]}]}).to_string();
    let answer = post(&format!("{loki}/loki/api/v1/push"), &[JSON], push.as_bytes());
    let text = String::from_utf8_lossy(&answer.body);
    assert_eq!(answer.status, 413, "{text}");
    assert!(text.contains("larger than 65536 bytes") && text.contains("OBS_MAX_REQUEST_BYTES"), "{text}");
    let answer = post(&format!("{loki}/otlp/v1/logs"), &[PROTOBUF], &vec![0u8; 100_000]);
    assert_eq!(answer.status, 413, "{}", String::from_utf8_lossy(&answer.body));
    assert_nothing_lost(&server);
}

/// A small gzip body that inflates past the limit (a gzip bomb) is 413, not inflated whole.
#[test]
fn gzip_bomb_is_413() {
    let server = server_with_one_span();
    let bomb = gzip(&vec![0u8; 64 << 20]);
    assert!(bomb.len() < 65536, "the bomb itself is under the limit ({} bytes)", bomb.len());
    let answer = post(&otlp(&server, "traces"), &[JSON, ("content-encoding", "gzip")], &bomb);
    assert_eq!((answer.status, answer.content_type.as_str()), (413, "application/json"));
    assert!(rpc_json(&answer).message.contains("after decompression"));
    assert_nothing_lost(&server);
}

/// A span with an all-zero trace id is rejected as a partial success; its valid neighbour is stored.
#[test]
fn all_zero_trace_id_is_partial_success() {
    let server = server_with_one_span();
    let good = span([0x7a; 16], [2; 8], "good-span");
    let zero = span([0; 16], [3; 8], "zero-span");
    let body = serde_json::to_vec(&traces("bad-input", vec![good, zero])).unwrap();
    let answer = post(&otlp(&server, "traces"), &[JSON], &body);
    assert_eq!((answer.status, answer.content_type.as_str()), (200, "application/json"));
    let partial = &answer.json()["partialSuccess"];
    assert_eq!(partial["rejectedSpans"], 1, "{partial}");
    assert!(!partial["errorMessage"].as_str().unwrap().is_empty());
    let found = get(&format!("{}/api/traces/{}", server.url(ports::TEMPO), hex(&[0x7a; 16])));
    assert_eq!(found.status, 200);
    assert_eq!(status(&server)["stores"]["traces"]["items"], 2);
}

/// The same span sent twice (as a retrying client does) is stored once.
#[test]
fn duplicate_span_stored_once() {
    let server = server_with_one_span();
    let body = traces("bad-input", vec![span([0x5d; 16], [4; 8], "dup-span")]).encode_to_vec();
    for _ in 0..2 {
        assert_eq!(post(&otlp(&server, "traces"), &[PROTOBUF], &body).status, 200);
    }
    let found = get(&format!("{}/api/traces/{}", server.url(ports::TEMPO), hex(&[0x5d; 16])));
    assert_eq!(found.status, 200);
    assert_eq!(String::from_utf8_lossy(&found.body).matches("dup-span").count(), 1);
    assert_eq!(status(&server)["stores"]["traces"]["items"], 2);
}
