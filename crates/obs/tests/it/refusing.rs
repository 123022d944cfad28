//! An unreachable or refusing collector never hangs or crashes the example: it finishes within its
//! bound and its shutdown reports how many spans and records were dropped.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;

use crate::{Run, backtest};

fn assert_reports_drops(run: &Run, endpoint: &str) {
    assert_eq!(run.code, Some(1), "stdout: {} stderr: {}", run.stdout, run.stderr);
    assert!(run.stderr.contains(endpoint), "{}", run.stderr);
    let dropped = run.stderr.split("dropped ").nth(1).and_then(|rest| rest.split(' ').next()).unwrap_or("0");
    assert!(dropped.parse::<u64>().unwrap() > 0, "{}", run.stderr);
    assert!(run.stderr.contains("log record(s)"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// A closed port over gRPC: the backtest still completes its work and reports the drops once.
#[test]
fn closed_port_reports_drops() {
    let endpoint = format!("http://127.0.0.1:{}", test_support::free_port().unwrap());
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"),
    ];
    let run = backtest(&["--lake", "memory://"], &env, Duration::from_secs(20));
    assert_reports_drops(&run, &endpoint);
    assert_eq!(run.stderr.matches("telemetry export to").count(), 1, "{}", run.stderr);
}

/// A collector answering 503 with Retry-After over HTTP: retried within the timeout, then reported.
#[test]
fn unavailable_collector_reports_drops() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new().fallback(|| async {
        let mut response = (StatusCode::SERVICE_UNAVAILABLE, "overloaded").into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        response
    });
    runtime.spawn(async move { axum::serve(listener, app).await });
    let endpoint = format!("http://127.0.0.1:{port}");
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "1500"),
    ];
    let run = backtest(&["--lake", "memory://"], &env, Duration::from_secs(20));
    assert_reports_drops(&run, &format!("{endpoint}/v1/traces"));
    assert!(run.stderr.contains("503"), "{}", run.stderr);
}
