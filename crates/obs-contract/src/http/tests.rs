//! Unit tests of OTLP/HTTP decoding and answers.
#![allow(clippy::unwrap_used)]

use std::io::Write;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;

use super::*;
use crate::{IngestOutcome, Refusal};

const LIMIT: usize = 1 << 20;

fn headers(content_type: &str, encoding: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
    if let Some(e) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_str(e).unwrap());
    }
    h
}

fn one_span() -> ExportTraceServiceRequest {
    let span = Span { trace_id: vec![1; 16], span_id: vec![2; 8], name: "op".into(), ..Default::default() };
    let scope = ScopeSpans { spans: vec![span], ..Default::default() };
    ExportTraceServiceRequest { resource_spans: vec![ResourceSpans { scope_spans: vec![scope], ..Default::default() }] }
}

fn accept_all(
    seen: &mut Option<ExportTraceServiceRequest>,
) -> impl FnOnce(ExportTraceServiceRequest) -> Result<IngestOutcome, Refusal> + '_ {
    move |req| {
        *seen = Some(req);
        Ok(IngestOutcome { accepted: 1, ..Default::default() })
    }
}

async fn body_of(response: Response) -> (StatusCode, String, Bytes) {
    let status = response.status();
    let ct = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, ct, axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap())
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// A protobuf body is decoded and answered with an empty protobuf response (full success).
#[tokio::test]
async fn protobuf_round_trip() {
    let mut seen = None;
    let body = Bytes::from(one_span().encode_to_vec());
    let resp = handle_bytes(&headers("application/x-protobuf", None), body, LIMIT, accept_all(&mut seen));
    let (status, ct, bytes) = body_of(resp).await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/x-protobuf"));
    assert_eq!(ExportTraceServiceResponse::decode(bytes).unwrap(), ExportTraceServiceResponse::default());
    assert_eq!(seen.unwrap(), one_span());
}

/// OTLP JSON: hex ids, lowerCamelCase, 64-bit ints as strings, enum ints, a charset parameter.
#[tokio::test]
async fn json_mapping_rules() {
    let json = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
      "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
      "name":"op","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,
      "attributes":[{"key":"n","value":{"intValue":"42"}}],"status":{"code":2},"unknownField":true}]}]}]}"#;
    let mut seen = None;
    let h = headers("application/json; charset=utf-8", None);
    let (status, ct, bytes) = body_of(handle_bytes(&h, Bytes::from(json), LIMIT, accept_all(&mut seen))).await;
    assert_eq!((status, ct.as_str(), &bytes[..]), (StatusCode::OK, "application/json", &b"{}"[..]));
    let span = &seen.unwrap().resource_spans[0].scope_spans[0].spans[0];
    assert_eq!(hex_of(&span.trace_id), "5b8efff798038103d269b633813fc60c");
    assert_eq!(hex_of(&span.span_id), "eee19b7ec3c1b174");
    assert_eq!(
        (span.kind, span.start_time_unix_nano, span.end_time_unix_nano),
        (2, 1544712660000000000, 1544712661000000000)
    );
    assert_eq!(span.status.as_ref().unwrap().code, 2);
    assert_eq!(span.attributes[0].value.as_ref().unwrap().value, Some(Value::IntValue(42)));
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// snake_case field names (which receivers should also accept) decode like lowerCamelCase.
#[tokio::test]
async fn json_snake_case_names() {
    let json = r#"{"resource_spans":[{"scope_spans":[{"spans":[{"trace_id":"01010101010101010101010101010101",
      "span_id":"0202020202020202","name":"op","start_time_unix_nano":"5"}]}]}]}"#;
    let mut seen = None;
    let resp = handle_bytes(&headers("application/json", None), Bytes::from(json), LIMIT, accept_all(&mut seen));
    assert_eq!(resp.status(), StatusCode::OK);
    let mut expected = one_span();
    expected.resource_spans[0].scope_spans[0].spans[0].start_time_unix_nano = 5;
    assert_eq!(seen.unwrap(), expected);
}

/// A gzip body is inflated and decoded.
#[tokio::test]
async fn gzip_body() {
    let mut seen = None;
    let body = Bytes::from(gzip(&one_span().encode_to_vec()));
    let resp = handle_bytes(&headers("application/x-protobuf", Some("gzip")), body, LIMIT, accept_all(&mut seen));
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(seen.unwrap(), one_span());
}

/// A small gzip body that inflates past the limit is refused with 413 and never ingested.
#[tokio::test]
async fn gzip_bomb_is_413() {
    let bomb = gzip(&vec![0u8; 16 * LIMIT]);
    assert!(bomb.len() < LIMIT / 10);
    let mut seen = None;
    let resp =
        handle_bytes(&headers("application/json", Some("gzip")), Bytes::from(bomb), LIMIT, accept_all(&mut seen));
    let (status, ct, bytes) = body_of(resp).await;
    assert_eq!((status, ct.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "application/json"));
    let rpc: RpcStatus = serde_json::from_slice(&bytes).unwrap();
    assert!(rpc.message.contains("larger than 1048576 bytes after decompression"), "{}", rpc.message);
    assert!(seen.is_none());
}

/// Garbage protobuf is 400 with a protobuf `google.rpc.Status` naming the message type.
#[tokio::test]
async fn garbage_protobuf_is_400() {
    let mut seen = None;
    let body = Bytes::from_static(b"\xff\xff\xff\xff not protobuf");
    let resp = handle_bytes(&headers("application/x-protobuf", None), body, LIMIT, accept_all(&mut seen));
    let (status, ct, bytes) = body_of(resp).await;
    assert_eq!((status, ct.as_str()), (StatusCode::BAD_REQUEST, "application/x-protobuf"));
    let rpc = RpcStatus::decode(bytes).unwrap();
    assert_eq!(rpc.code, 3);
    assert!(
        rpc.message.starts_with("cannot decode the request body as an OTLP ExportTraceServiceRequest"),
        "{}",
        rpc.message
    );
    assert!(seen.is_none());
}

/// An unsupported content type or encoding is 415 naming what to send instead.
#[tokio::test]
async fn unsupported_media_is_415() {
    let resp = handle_bytes(&headers("text/plain", None), Bytes::new(), LIMIT, accept_all(&mut None));
    let (status, ct, bytes) = body_of(resp).await;
    assert_eq!((status, ct.as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "application/json"));
    let rpc: RpcStatus = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(rpc.message, "unsupported Content-Type \"text/plain\"; send application/x-protobuf or application/json");
    let resp = handle_bytes(&headers("application/json", Some("br")), Bytes::new(), LIMIT, accept_all(&mut None));
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _, bytes) = body_of(handle_bytes(&HeaderMap::new(), Bytes::new(), LIMIT, accept_all(&mut None))).await;
    let rpc: RpcStatus = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(rpc.message, "missing Content-Type; send application/x-protobuf or application/json");
}

/// A store refusal is 503 with Retry-After and an UNAVAILABLE status body.
#[tokio::test]
async fn refusal_is_503_with_retry_after() {
    let body = Bytes::from(one_span().encode_to_vec());
    let resp = handle_bytes(&headers("application/x-protobuf", None), body, LIMIT, |_: ExportTraceServiceRequest| {
        Err(Refusal::ShuttingDown)
    });
    assert_eq!(resp.headers().get(header::RETRY_AFTER).unwrap(), "1");
    let (status, _, bytes) = body_of(resp).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let rpc = RpcStatus::decode(bytes).unwrap();
    assert_eq!((rpc.code, rpc.message.as_str()), (14, "the server is shutting down; retry once it is back"));
}

/// Rejected items become a partial success in the request's content type.
#[tokio::test]
async fn partial_success_json() {
    let outcome = IngestOutcome { accepted: 0, rejected: 1, message: Some("all-zero trace id".into()) };
    let resp = handle_bytes(
        &headers("application/json", None),
        Bytes::from_static(b"{}"),
        LIMIT,
        |_: ExportLogsServiceRequest| Ok(outcome),
    );
    let (status, _, bytes) = body_of(resp).await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"partialSuccess": {"rejectedLogRecords": 1, "errorMessage": "all-zero trace id"}})
    );
}

/// [`handle`] reads the body with the limit and answers 413 past it, without ingesting.
#[tokio::test]
async fn handle_limits_the_raw_body() {
    let request = axum::http::Request::builder()
        .header(header::CONTENT_TYPE, "application/x-protobuf")
        .body(axum::body::Body::from(vec![0u8; 2048]))
        .unwrap();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let called = seen.clone();
    let resp = handle(request, 1024, move |_: ExportTraceServiceRequest| {
        called.store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(IngestOutcome::default())
    })
    .await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(!seen.load(std::sync::atomic::Ordering::SeqCst));
}
