//! Our answers to the captured request compared with real Tempo 2.7.2's (same keys, types and
//! values; only Tempo's internal counters and its resource-attribute order are set aside).

use opentelemetry_proto::tonic::trace::v1::TracesData;
use prost::Message;

use crate::support::{Server, enc, expected, normalise, replayed_request, roomy, type_name};

const TRACE: &str = "0af7651916cd43dd8448eb211c80319c";

fn loaded() -> (Server, u64) {
    let server = Server::start(roomy());
    let (req, shift) = replayed_request();
    let outcome = server.store.ingest(req).expect("ingest the captured request");
    assert_eq!((outcome.accepted, outcome.rejected), (3, 0));
    (server, shift)
}

/// Pins legacy tag search: leading zero dropped from traceID, root service/name, start, durationMs, metrics keys.
#[test]
fn search_by_tags_matches_tempo() {
    let (server, shift) = loaded();
    let ours = server.json(&format!("/api/search?tags={}", enc("service.name=peak_trade_smoke_sender")));
    let want = expected(include_str!("../fixtures/tempo-search-tags.json"), shift);
    assert_eq!(normalise(ours), normalise(want));
}

/// Pins TraceQL search: spanSet/spanSets with only the queried attribute, span ids with leading zeros, serviceStats.
#[test]
fn search_traceql_matches_tempo() {
    let (server, shift) = loaded();
    let q = enc(r#"{resource.service.name="peak_trade_smoke_sender"}"#);
    let ours = server.json(&format!("/api/search?q={q}"));
    let want = expected(include_str!("../fixtures/tempo-search-traceql.json"), shift);
    assert_eq!(normalise(ours), normalise(want));
}

/// Pins `{status=error}`: only the error span, reported as a string attribute named `status`.
#[test]
fn search_status_error_matches_tempo() {
    let (server, shift) = loaded();
    let ours = server.json(&format!("/api/search?q={}", enc("{status=error}")));
    let want = expected(include_str!("../fixtures/tempo-search-traceql-error.json"), shift);
    assert_eq!(normalise(ours), normalise(want));
}

/// Pins trace by id v1 (`batches`, base64 ids, enum names, int64 strings, integral doubles) for both id spellings.
#[test]
fn trace_v1_matches_tempo() {
    let (server, shift) = loaded();
    let want = normalise(expected(include_str!("../fixtures/tempo-trace-v1.json"), shift));
    assert_eq!(normalise(server.json(&format!("/api/traces/{TRACE}"))), want);
    assert_eq!(normalise(server.json(&format!("/api/traces/{}", &TRACE[1..]))), want);
}

/// Pins trace by id v2 (`{"trace":{"resourceSpans":...}}`).
#[test]
fn trace_v2_matches_tempo() {
    let (server, shift) = loaded();
    let want = normalise(expected(include_str!("../fixtures/tempo-trace-v2.json"), shift));
    assert_eq!(normalise(server.json(&format!("/api/v2/traces/{TRACE}"))), want);
}

/// Wire form of Tempo's TraceByIDResponse (trace = field 1).
#[derive(Clone, PartialEq, Message)]
struct TraceByIdResponse {
    #[prost(message, optional, tag = "1")]
    trace: Option<TracesData>,
}

/// Pins the protobuf forms Grafana decodes: v1 Trace and v2 TraceByIDResponse give back exactly what was sent.
#[test]
fn trace_protobuf_round_trips() {
    let server = Server::start(roomy());
    let (req, _) = replayed_request();
    server.store.ingest(req.clone()).expect("ingest the captured request");
    let v1 = server.get(&format!("/api/traces/{TRACE}"), Some("application/protobuf"));
    assert_eq!((v1.status, v1.content_type.as_str()), (200, "application/protobuf"));
    let v1 = TracesData::decode(v1.body.as_slice()).expect("decode a Tempo Trace message");
    assert_eq!(v1.resource_spans, req.resource_spans);
    let v2 = server.get(&format!("/api/v2/traces/{TRACE}"), Some("application/protobuf"));
    assert_eq!((v2.status, v2.content_type.as_str()), (200, "application/protobuf"));
    let v2 = TraceByIdResponse::decode(v2.body.as_slice()).expect("decode a TraceByIDResponse");
    assert_eq!(v2.trace.map(|t| t.resource_spans), Some(req.resource_spans));
}

/// Pins tag names v1 (one flat sorted list incl. event keys) and v2 (scopes span, event, resource, intrinsic).
#[test]
fn tag_names_match_tempo() {
    let (server, _) = loaded();
    let want = expected(include_str!("../fixtures/tempo-search-tags-list.json"), 0);
    assert_eq!(normalise(server.json("/api/search/tags")), normalise(want));
    let want = expected(include_str!("../fixtures/tempo-v2-tags.json"), 0);
    assert_eq!(normalise(server.json("/api/v2/search/tags")), normalise(want.clone()));
    let resource = server.json("/api/v2/search/tags?scope=resource");
    assert_eq!(resource["scopes"], serde_json::json!([want["scopes"][2]]));
    let link = server.json("/api/v2/search/tags?scope=link");
    assert_eq!(link["scopes"], serde_json::json!([]));
    assert_eq!(server.get("/api/v2/search/tags?scope=bogus", None).status, 400);
    let intrinsic = server.json("/api/search/tags?scope=intrinsic");
    assert_eq!(intrinsic["tagNames"], want["scopes"][3]["tags"]);
}

/// Pins tag values v1 (strings) and v2 (typed), plus typed ints and keywords.
#[test]
fn tag_values_match_tempo() {
    let (server, _) = loaded();
    let want = expected(include_str!("../fixtures/tempo-tag-values.json"), 0);
    assert_eq!(normalise(server.json("/api/search/tag/service.name/values")), normalise(want));
    let want = expected(include_str!("../fixtures/tempo-v2-tag-values.json"), 0);
    assert_eq!(normalise(server.json("/api/v2/search/tag/resource.service.name/values")), normalise(want));
    let ints = server.json("/api/v2/search/tag/span.http.response.status_code/values");
    assert_eq!(ints["tagValues"], serde_json::json!([{"type": "int", "value": "201"}]));
    let status = server.json("/api/v2/search/tag/status/values");
    assert_eq!(status["tagValues"][0], serde_json::json!({"type": "keyword", "value": "error"}));
}

/// Pins buildinfo's keys and types (our own version), readiness and Grafana's echo.
#[test]
fn buildinfo_ready_echo() {
    let server = Server::start(roomy());
    let ours = server.json("/api/status/buildinfo");
    let want = expected(include_str!("../fixtures/tempo-buildinfo.json"), 0);
    let shape = |v: &serde_json::Value| {
        let mut keys: Vec<_> = v.as_object().unwrap().iter().map(|(k, v)| (k.clone(), type_name(v))).collect();
        keys.sort();
        keys
    };
    assert_eq!(shape(&ours), shape(&want));
    assert_eq!(ours["version"], env!("CARGO_PKG_VERSION"));
    let ready = server.get("/ready", None);
    assert_eq!((ready.status, ready.text().as_str()), (200, "ready\n"));
    let echo = server.get("/api/echo", None);
    assert_eq!(
        (echo.status, echo.text().as_str(), echo.content_type.as_str()),
        (200, "echo\n", "text/plain; charset=utf-8")
    );
}

/// Pins that the API works nested under Grafana's datasource-proxy prefix (no absolute paths).
#[test]
fn nested_under_datasource_proxy() {
    let server = Server::start_at(roomy(), "/api/datasources/proxy/uid/tempo");
    let (req, _) = replayed_request();
    server.store.ingest(req).expect("ingest the captured request");
    let found = server.json(&format!("/api/search?q={}", enc("{ name = \"risk.check\" }")));
    assert_eq!(found["traces"][0]["traceID"], &TRACE[1..]);
    assert_eq!(found["traces"][0]["spanSet"]["spans"][0]["name"], "risk.check");
    assert_eq!(server.get(&format!("/api/traces/{TRACE}"), None).status, 200);
}
