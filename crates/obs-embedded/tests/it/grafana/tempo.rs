//! Grafana's Tempo datasource (wire-facts §2.4): the Test button (`/api/echo`), TraceQL search,
//! trace by id as protobuf `TraceByIDResponse` (v2) with the v1 `Trace` fallback, the JSON trace
//! forms, and the language provider's tag and tag-value lookups (v2 first, v1 as fallback).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use obs_stack::ports;
use opentelemetry_proto::tonic::common::v1::any_value;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, Span};
use prost::Message;
use serde_json::Value;

use super::feed::{CHILD_ID, CHILD_SPAN, Fed, ROOT_ID, ROOT_SPAN, SERVICE, TRACE_ID, fed};
use super::{grafana_get, json_ok, with_query};
use crate::otlp_build::hex;

/// Tempo's `tempopb.Trace`: `batches` = field 1 (OTLP `ResourceSpans`).
#[derive(Clone, PartialEq, Message)]
struct TempoTrace {
    #[prost(message, repeated, tag = "1")]
    batches: Vec<ResourceSpans>,
}

/// Tempo's `tempopb.TraceByIDResponse`: `trace` = 1, `metrics` = 2, `status` = 3 (COMPLETE = 0,
/// PARTIAL = 1), `message` = 4 (wire-facts §2.2).
#[derive(Clone, PartialEq, Message)]
struct TraceByIdResponse {
    #[prost(message, optional, tag = "1")]
    trace: Option<TempoTrace>,
    #[prost(int32, tag = "3")]
    status: i32,
    #[prost(string, tag = "4")]
    message: String,
}

const PROTOBUF: (&str, &str) = ("Accept", "application/protobuf");

fn tempo(fed: &Fed) -> String {
    fed.server.url(ports::TEMPO)
}

fn time_range(fed: &Fed) -> [(&'static str, String); 2] {
    let (start, end) = fed.range_s();
    [("start", start.to_string()), ("end", end.to_string())]
}

/// Checks a decoded trace holds our two spans under the service's resource, ids as raw bytes.
fn assert_spans(batches: &[ResourceSpans]) {
    let service = batches[0].resource.as_ref().unwrap().attributes.iter().find(|kv| kv.key == "service.name");
    let value = service.and_then(|kv| kv.value.as_ref()).and_then(|v| v.value.clone());
    assert_eq!(value, Some(any_value::Value::StringValue(SERVICE.into())));
    let spans: Vec<&Span> = batches.iter().flat_map(|b| &b.scope_spans).flat_map(|s| &s.spans).collect();
    assert_eq!(spans.len(), 2, "{spans:?}");
    let root = spans.iter().find(|s| s.name == ROOT_SPAN).unwrap();
    let child = spans.iter().find(|s| s.name == CHILD_SPAN).unwrap();
    assert_eq!((root.trace_id.as_slice(), root.span_id.as_slice(), root.kind), (&TRACE_ID[..], &ROOT_ID[..], 2));
    assert_eq!((child.span_id.as_slice(), child.parent_span_id.as_slice()), (&CHILD_ID[..], &ROOT_ID[..]));
    assert_eq!(child.status.as_ref().unwrap().code, 2);
    assert_eq!(root.end_time_unix_nano - root.start_time_unix_nano, 1_000_000_000);
}

/// The datasource's Test button: `GET /api/echo` answers 2xx (`echo`).
#[test]
fn tempo_test_button_gets_echo() {
    let fed = fed();
    let answer = grafana_get(&format!("{}/api/echo", tempo(&fed)), &[]);
    assert!((200..300).contains(&answer.status), "{}", answer.status);
    assert_eq!(String::from_utf8_lossy(&answer.body).trim_end(), "echo");
}

/// Search: `GET /api/search?q=<TraceQL>&limit&spss&start&end` with `Accept: application/json`
/// lists the trace (leading zero dropped) with the string and number fields Grafana parses.
#[test]
fn tempo_traceql_search_has_the_fields_grafana_parses() {
    let fed = fed();
    let [start, end] = time_range(&fed);
    let query = format!("{{resource.service.name=\"{SERVICE}\"}}");
    let params = [("q", query.as_str()), ("limit", "20"), ("spss", "3"), start.as_ref_pair(), end.as_ref_pair()];
    let url = with_query(&format!("{}/api/search", tempo(&fed)), &params);
    let body = json_ok("search", &grafana_get(&url, &[("Accept", "application/json")]));
    assert!(body["metrics"].is_object(), "{body}");
    let wanted = hex(&TRACE_ID).trim_start_matches('0').to_string();
    let traces = body["traces"].as_array().unwrap();
    let trace = traces.iter().find(|t| t["traceID"] == wanted.as_str()).unwrap_or_else(|| panic!("{wanted}: {body}"));
    assert_eq!(trace["rootServiceName"], SERVICE);
    assert_eq!(trace["rootTraceName"], ROOT_SPAN);
    let start_ns: u64 = trace["startTimeUnixNano"].as_str().unwrap().parse().unwrap();
    assert_eq!(start_ns, fed.now_ns - 5_000_000_000);
    assert_eq!(trace["durationMs"].as_u64(), Some(1000), "{trace}");
    let span_set = &trace["spanSets"][0];
    assert!(span_set["matched"].as_u64().unwrap() >= 2, "{trace}");
    for span in span_set["spans"].as_array().unwrap() {
        assert_eq!(span["spanID"].as_str().unwrap().len(), 16, "{span}");
        span["startTimeUnixNano"].as_str().unwrap().parse::<u64>().unwrap();
        span["durationNanos"].as_str().unwrap().parse::<u64>().unwrap();
    }
    let ids: Vec<&str> = span_set["spans"].as_array().unwrap().iter().map(|s| s["spanID"].as_str().unwrap()).collect();
    assert!(ids.contains(&hex(&ROOT_ID).as_str()), "span ids keep leading zeros: {ids:?}");
}

/// A query-builder search (`&&` of service, status and duration): the trace is listed and its
/// span set holds only the matching (error) span.
#[test]
fn tempo_query_builder_search_matches_the_error_span() {
    let fed = fed();
    let [start, end] = time_range(&fed);
    let query = format!("{{resource.service.name=\"{SERVICE}\" && status=error && duration>100ms}}");
    let params = [("q", query.as_str()), ("limit", "20"), ("spss", "3"), start.as_ref_pair(), end.as_ref_pair()];
    let url = with_query(&format!("{}/api/search", tempo(&fed)), &params);
    let body = json_ok("builder search", &grafana_get(&url, &[("Accept", "application/json")]));
    let traces = body["traces"].as_array().unwrap();
    assert_eq!(traces.len(), 1, "{body}");
    let spans = traces[0]["spanSets"][0]["spans"].as_array().unwrap();
    let ids: Vec<&str> = spans.iter().map(|s| s["spanID"].as_str().unwrap()).collect();
    assert_eq!(ids, [hex(&CHILD_ID)], "{body}");
}

/// The legacy "Search" query type (nativeSearch): logfmt `tags` with a leading space and quoted
/// values, then `minDuration`, `limit`, `start`, `end` (seconds), as Grafana serialises them.
#[test]
fn tempo_native_search_with_logfmt_tags() {
    let fed = fed();
    let [start, end] = time_range(&fed);
    let tags = format!(" service.name=\"{SERVICE}\" name=\"{ROOT_SPAN}\"");
    let params =
        [("tags", tags.as_str()), ("minDuration", "500ms"), ("limit", "20"), start.as_ref_pair(), end.as_ref_pair()];
    let url = with_query(&format!("{}/api/search", tempo(&fed)), &params);
    let body = json_ok("native search", &grafana_get(&url, &[]));
    let wanted = hex(&TRACE_ID).trim_start_matches('0').to_string();
    let ids: Vec<&str> = body["traces"].as_array().unwrap().iter().map(|t| t["traceID"].as_str().unwrap()).collect();
    assert_eq!(ids, [wanted.as_str()], "{body}");
}

/// Older Grafana's Test button fetched trace `0` and passed on "trace not found": v1 answers 404.
#[test]
fn tempo_trace_zero_is_not_found() {
    let fed = fed();
    let answer = grafana_get(&format!("{}/api/traces/0", tempo(&fed)), &[PROTOBUF]);
    assert_eq!(answer.status, 404, "{}", String::from_utf8_lossy(&answer.body));
}

/// Trace by id as Grafana's backend fetches it: `GET /api/v2/traces/<id>?start&end` with
/// `Accept: application/protobuf`, decoded as `TraceByIDResponse` (status COMPLETE).
#[test]
fn tempo_trace_by_id_v2_protobuf_decodes_as_trace_by_id_response() {
    let fed = fed();
    let [start, end] = time_range(&fed);
    let url = with_query(
        &format!("{}/api/v2/traces/{}", tempo(&fed), hex(&TRACE_ID)),
        &[start.as_ref_pair(), end.as_ref_pair()],
    );
    let answer = grafana_get(&url, &[PROTOBUF]);
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.content_type, "application/protobuf");
    let decoded = TraceByIdResponse::decode(answer.body.as_slice()).unwrap();
    assert_eq!((decoded.status, decoded.message.as_str()), (0, ""));
    assert_spans(&decoded.trace.unwrap().batches);
}

/// Grafana's fallback: `GET /api/traces/<id>` with `Accept: application/protobuf` decodes as
/// Tempo's `Trace` (`batches`); an unknown id is empty on v2 (Grafana: not found) and 404 on v1.
#[test]
fn tempo_trace_by_id_v1_protobuf_fallback_and_unknown_ids() {
    let fed = fed();
    let [start, end] = time_range(&fed);
    let params = [start.as_ref_pair(), end.as_ref_pair()];
    let v1 = grafana_get(&with_query(&format!("{}/api/traces/{}", tempo(&fed), hex(&TRACE_ID)), &params), &[PROTOBUF]);
    assert_eq!((v1.status, v1.content_type.as_str()), (200, "application/protobuf"));
    assert_spans(&TempoTrace::decode(v1.body.as_slice()).unwrap().batches);
    let unknown = "11111111111111111111111111111111";
    let v2 = grafana_get(&with_query(&format!("{}/api/v2/traces/{unknown}", tempo(&fed)), &params), &[PROTOBUF]);
    assert_eq!(v2.status, 200);
    let empty = TraceByIdResponse::decode(v2.body.as_slice()).unwrap();
    assert!(empty.trace.unwrap_or_default().batches.is_empty());
    let v1 = grafana_get(&with_query(&format!("{}/api/traces/{unknown}", tempo(&fed)), &params), &[PROTOBUF]);
    assert_eq!(v1.status, 404);
}

/// The JSON forms: v1 `{"batches":[...]}` and v2 `{"trace":{"resourceSpans":[...]}}`, ids in
/// base64, enum names, 64-bit times as strings.
#[test]
fn tempo_trace_by_id_json_v1_and_v2() {
    let fed = fed();
    let id = hex(&TRACE_ID);
    let v1 = json_ok("v1", &grafana_get(&format!("{}/api/traces/{id}", tempo(&fed)), &[]));
    let v2 = json_ok("v2", &grafana_get(&format!("{}/api/v2/traces/{id}", tempo(&fed)), &[]));
    for batches in [&v1["batches"], &v2["trace"]["resourceSpans"]] {
        let spans: Vec<&Value> = batches
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|b| b["scopeSpans"].as_array().unwrap())
            .flat_map(|s| s["spans"].as_array().unwrap())
            .collect();
        let root = spans.iter().find(|s| s["name"] == ROOT_SPAN).unwrap();
        assert_eq!(root["traceId"], BASE64.encode(TRACE_ID));
        assert_eq!(root["spanId"], BASE64.encode(ROOT_ID));
        assert_eq!(root["kind"], "SPAN_KIND_SERVER");
        root["startTimeUnixNano"].as_str().unwrap().parse::<u64>().unwrap();
        let child = spans.iter().find(|s| s["name"] == CHILD_SPAN).unwrap();
        assert_eq!(child["parentSpanId"], BASE64.encode(ROOT_ID));
        assert_eq!(child["status"]["code"], "STATUS_CODE_ERROR");
    }
}

/// The language provider's first choice: `/api/v2/search/tags` (scopes) and
/// `/api/v2/search/tag/<traceql ident>/values` (typed values), filtered by `q` as Grafana does.
#[test]
fn tempo_v2_tag_lookups() {
    let fed = fed();
    let [start, end] = time_range(&fed);
    let url = with_query(&format!("{}/api/v2/search/tags", tempo(&fed)), &[start.as_ref_pair(), end.as_ref_pair()]);
    let body = json_ok("v2 tags", &grafana_get(&url, &[]));
    let scope = |name: &str| -> Vec<String> {
        let scopes = body["scopes"].as_array().unwrap();
        let found = scopes.iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("scope {name}: {body}"));
        found["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect()
    };
    assert!(scope("resource").contains(&"service.name".to_string()), "{body}");
    assert!(scope("span").contains(&"http.method".to_string()), "{body}");
    assert!(scope("intrinsic").contains(&"name".to_string()), "{body}");
    let query = format!("{{resource.service.name=\"{SERVICE}\"}}");
    let params = [("q", query.as_str()), start.as_ref_pair(), end.as_ref_pair()];
    let base = tempo(&fed);
    let values = json_ok(
        "v2 values",
        &grafana_get(&with_query(&format!("{base}/api/v2/search/tag/resource.service.name/values"), &params), &[]),
    );
    assert!(
        values["tagValues"].as_array().unwrap().contains(&serde_json::json!({"type":"string","value":SERVICE})),
        "{values}"
    );
    let values = json_ok(
        "v2 span values",
        &grafana_get(&with_query(&format!("{base}/api/v2/search/tag/span.http.method/values"), &params), &[]),
    );
    assert_eq!(values["tagValues"], serde_json::json!([{"type":"string","value":"GET"}]), "{values}");
}

/// The fallback lookups: `/api/search/tags` (`tagNames`) and `/api/search/tag/<tag>/values`.
#[test]
fn tempo_v1_tag_lookups() {
    let fed = fed();
    let base = tempo(&fed);
    let names = json_ok("v1 tags", &grafana_get(&format!("{base}/api/search/tags"), &[]));
    let names: Vec<&str> = names["tagNames"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert!(names.contains(&"service.name") && names.contains(&"http.method"), "{names:?}");
    let values = json_ok("v1 values", &grafana_get(&format!("{base}/api/search/tag/service.name/values"), &[]));
    assert!(values["tagValues"].as_array().unwrap().contains(&Value::from(SERVICE)), "{values}");
}

/// `(name, value)` as string slices for `with_query`.
trait AsRefPair {
    fn as_ref_pair(&self) -> (&str, &str);
}

impl AsRefPair for (&'static str, String) {
    fn as_ref_pair(&self) -> (&str, &str) {
        (self.0, self.1.as_str())
    }
}
