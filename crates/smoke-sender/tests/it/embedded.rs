//! End to end: smoke-sender exports to the real embedded backend over gRPC and HTTP, and each
//! signal is found through that backend's Tempo, Loki and Prometheus APIs.

use std::time::Duration;

use obs_stack::{SMOKE_METRIC_NAME, SMOKE_SERVICE_NAME, SMOKE_SPAN_NAME, ports};
use test_support::embedded::EmbeddedServer;

use crate::backend::{assert_log, assert_trace, metric_value};
use crate::{ids, smoke};

fn round_trip(protocol: &str, port: obs_stack::Port) {
    let server = EmbeddedServer::start(&[]).unwrap();
    let endpoint = server.url(port);
    let run = smoke(&["--endpoint", &endpoint, "--protocol", protocol, "--json"], &[], Duration::from_secs(30));
    let (trace_id, _) = ids(&run);
    assert_trace(&server.endpoints, SMOKE_SERVICE_NAME, &trace_id, SMOKE_SPAN_NAME);
    let line = assert_log(&server.endpoints, SMOKE_SERVICE_NAME, &trace_id);
    assert!(line.contains("obs smoke log record"), "{line}");
    let query = format!("{SMOKE_METRIC_NAME}_total{{smoke_run_id=\"{trace_id}\"}}");
    assert_eq!(metric_value(&server.endpoints, &query).unwrap(), "1");
}

/// Over OTLP/gRPC the span, the log record carrying its trace id and the counter (value 1) all arrive.
#[test]
fn grpc_signals_reach_the_embedded_backend() {
    round_trip("grpc", ports::OTLP_GRPC);
}

/// Over OTLP/HTTP (given as the standard `http/protobuf` value) the same three signals arrive.
#[test]
fn http_signals_reach_the_embedded_backend() {
    round_trip("http/protobuf", ports::OTLP_HTTP);
}

/// With no flags, the standard variables choose endpoint, protocol and service name.
#[test]
fn standard_variables_are_honoured() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let endpoint = server.url(ports::OTLP_HTTP);
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_SERVICE_NAME", "smoke_from_env"),
    ];
    let run = smoke(&[], &env, Duration::from_secs(30));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let trace_id = run.stdout.trim().rsplit(' ').next().unwrap().to_string();
    assert!(run.stdout.contains("\"smoke_from_env\"") && run.stdout.contains(&endpoint), "{}", run.stdout);
    assert_trace(&server.endpoints, "smoke_from_env", &trace_id, SMOKE_SPAN_NAME);
}
