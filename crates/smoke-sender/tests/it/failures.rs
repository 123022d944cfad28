//! Failure paths: a closed port and a loopback server answering 503. smoke-sender must finish
//! within its bound, exit non-zero naming the endpoint and the drop counts, and never panic.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::smoke;

/// A server on 127.0.0.1 that refuses every export: HTTP requests get 503 + Retry-After, gRPC
/// (h2c) requests get the gRPC equivalent, a trailers-only UNAVAILABLE.
struct Unavailable {
    port: u16,
    _runtime: tokio::runtime::Runtime,
}

impl Unavailable {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = axum::Router::new().fallback(|headers: HeaderMap| async move { refuse(&headers) });
        runtime.spawn(async move { axum::serve(listener, app).await });
        Self { port, _runtime: runtime }
    }
}

fn refuse(headers: &HeaderMap) -> Response {
    let grpc = headers.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/grpc"));
    if grpc {
        let mut response = StatusCode::OK.into_response();
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
        h.insert("grpc-status", HeaderValue::from_static("14"));
        h.insert("grpc-message", HeaderValue::from_static("overloaded"));
        return response;
    }
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, "overloaded").into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

fn closed_port() -> u16 {
    test_support::free_port().unwrap()
}

fn assert_failed_naming(run: &crate::Run, endpoint: &str) {
    assert_ne!(run.code, Some(0), "stdout: {}", run.stdout);
    assert!(run.code.is_some(), "killed by a signal: {}", run.stderr);
    assert!(run.stdout.is_empty(), "nothing on stdout when the export failed: {}", run.stdout);
    assert!(run.stderr.contains(endpoint), "stderr must name {endpoint}: {}", run.stderr);
    assert!(run.stderr.contains("traces: dropped 1 span(s) sent to "), "{}", run.stderr);
    assert!(run.stderr.contains("logs: dropped 1 log record(s) sent to "), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// A closed gRPC port: exits non-zero within the bound, naming the endpoint and what was dropped.
#[test]
fn closed_port_grpc_fails_in_time() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let run = smoke(&["--endpoint", &endpoint, "--protocol", "grpc", "--timeout", "2"], &[], Duration::from_secs(10));
    assert_failed_naming(&run, &endpoint);
}

/// A closed HTTP port: same, with the `/v1/traces` URL in the message.
#[test]
fn closed_port_http_fails_in_time() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let run = smoke(&["--endpoint", &endpoint, "--protocol", "http", "--timeout", "2"], &[], Duration::from_secs(10));
    assert_failed_naming(&run, &format!("{endpoint}/v1/traces"));
}

/// A collector answering 503 over HTTP: retried within the budget, then a clear failure.
#[test]
fn unavailable_http_fails_in_time() {
    let server = Unavailable::start();
    let endpoint = format!("http://127.0.0.1:{}", server.port);
    let run = smoke(&["--endpoint", &endpoint, "--protocol", "http", "--timeout", "2"], &[], Duration::from_secs(10));
    assert_failed_naming(&run, &format!("{endpoint}/v1/traces"));
    assert!(run.stderr.contains("503"), "{}", run.stderr);
}

/// A collector answering 503 to gRPC: UNAVAILABLE, retried within the budget, then a clear failure.
#[test]
fn unavailable_grpc_fails_in_time() {
    let server = Unavailable::start();
    let endpoint = format!("http://127.0.0.1:{}", server.port);
    let run = smoke(&["--endpoint", &endpoint, "--protocol", "grpc", "--timeout", "2"], &[], Duration::from_secs(10));
    assert_failed_naming(&run, &endpoint);
    assert!(run.stderr.contains("Unavailable"), "{}", run.stderr);
}

/// A bad flag value is refused by the command line, naming the choices.
#[test]
fn bad_protocol_is_refused() {
    let run = smoke(&["--protocol", "carrier-pigeon"], &[], Duration::from_secs(10));
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("grpc") && run.stderr.contains("http"), "{}", run.stderr);
}
