//! An unreachable or refusing collector never hangs, crashes or fails the example: it finishes its
//! backtest (exit 0, result printed) and warns on stderr how many spans and records each signal
//! dropped, naming that signal's endpoint.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;

use crate::{Run, backtest};

fn assert_reports_drops(run: &Run, endpoint: &str) {
    assert_eq!(run.code, Some(0), "stdout: {} stderr: {}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("backtest of BTC-USD finished: 120 bars, "), "{}", run.stdout);
    assert!(run.stderr.contains("backtest: warning: telemetry export failed: traces: dropped "), "{}", run.stderr);
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
    assert_eq!(run.stderr.matches("telemetry export failed").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("metrics: dropped "), "undelivered metrics are counted too: {}", run.stderr);
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

/// Only the logs endpoint is broken: the failure names logs and that endpoint, not traces.
#[test]
fn only_the_broken_signal_is_named() {
    let server = test_support::embedded::EmbeddedServer::start(&[]).unwrap();
    let live = server.url(obs_stack::ports::OTLP_HTTP);
    let broken = format!("http://127.0.0.1:{}/v1/logs", test_support::free_port().unwrap());
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", live.as_str()),
        ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", broken.as_str()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"),
    ];
    let run = backtest(&["--lake", "memory://"], &env, Duration::from_secs(30));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let warning = run.stderr.lines().find(|l| l.starts_with("backtest: warning: ")).unwrap_or_default();
    assert!(warning.starts_with("backtest: warning: telemetry export failed: logs: dropped "), "{warning}");
    assert!(warning.contains(&format!("log record(s) sent to {broken} (export: ")), "{warning}");
    assert!(warning.contains("connection refused"), "the cause, not just \"network error\": {warning}");
    assert!(!warning.contains("traces:") && !warning.contains("metrics:"), "{warning}");
}

/// OTLP/HTTP aimed at the stack's gRPC port is warned about once, at init, before anything is lost.
#[test]
fn port_mismatch_is_warned_once_at_init() {
    let grpc_port = test_support::free_port().unwrap().to_string();
    let endpoint = format!("http://127.0.0.1:{grpc_port}");
    let env = [
        ("OBS_OTLP_GRPC_PORT", grpc_port.as_str()),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "500"),
    ];
    let run = backtest(&["--lake", "memory://"], &env, Duration::from_secs(30));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("obs: warning: ")).collect();
    assert_eq!(
        warnings,
        [format!(
            "obs: warning: traces, logs, metrics go to {endpoint}, the OTLP gRPC port ({grpc_port}), but the \
             protocol is http/protobuf: those exports will fail or be lost; use port 4318 or set \
             OTEL_EXPORTER_OTLP_PROTOCOL=grpc"
        )]
    );
}

/// Invalid OTEL_* values warn and fall back (the backtest still runs and exports); with
/// OBS_STRICT_CONFIG=true the same value stops it with the precise message.
#[test]
fn invalid_values_warn_unless_strict() {
    let server = test_support::embedded::EmbeddedServer::start(&[]).unwrap();
    let live = server.url(obs_stack::ports::OTLP_HTTP);
    let lenient = [("OTEL_EXPORTER_OTLP_ENDPOINT", live.as_str()), ("OTEL_TRACES_SAMPLER", "bogus")];
    let run = backtest(&["--json", "--lake", "memory://"], &lenient, Duration::from_secs(30));
    let (trace_id, bars, _) = crate::summary(&run);
    assert_eq!((trace_id.len(), bars), (32, 120));
    assert!(run.stderr.contains("obs: warning: OTEL_TRACES_SAMPLER=\"bogus\" is not supported"), "{}", run.stderr);
    assert!(run.stderr.contains("; using parentbased_always_on"), "{}", run.stderr);
    let strict = [lenient[0], lenient[1], ("OBS_STRICT_CONFIG", "true")];
    let run = backtest(&["--lake", "memory://"], &strict, Duration::from_secs(30));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.starts_with("backtest: resolve the telemetry configuration: invalid telemetry configuration (strict mode): OTEL_TRACES_SAMPLER=\"bogus\""), "{}", run.stderr);
}

/// A collector that accepts connections and never answers: the example still finishes, names
/// every signal's loss (metrics included), and no background thread prints a panic.
#[test]
fn blackholed_collector_reports_every_signal_without_panic() {
    let endpoint = crate::blackhole();
    let env = [("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()), ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000")];
    let run = backtest(&["--lake", "memory://"], &env, Duration::from_secs(30));
    assert_reports_drops(&run, &format!("{endpoint}/v1/traces"));
    for signal in ["logs: dropped ", "metrics: dropped "] {
        assert!(run.stderr.contains(signal), "{signal} missing: {}", run.stderr);
    }
}
