//! The OpenTelemetry Python SDK (a third-party client) sends a span, a log record in that span
//! and a counter over OTLP gRPC and HTTP; each is found through the Tempo, Loki and
//! Prometheus APIs with the right ids, attributes and values. Bodies are gzip-compressed, as
//! `OTEL_EXPORTER_OTLP_COMPRESSION=gzip` asks, so both transports prove they inflate.

use std::process::Command;
use std::time::Duration;

use obs_stack::ports;
use serde_json::Value;
use test_support::embedded::EmbeddedServer;
use test_support::{tools, workspace_root};

use crate::{enc, get, poll};

/// What the sender reported.
struct Sent {
    trace_id: String,
    span_id: String,
}

fn send(server: &EmbeddedServer, protocol: &str, service: &str) -> Sent {
    let port = if protocol == "grpc" { ports::OTLP_GRPC } else { ports::OTLP_HTTP };
    let script = workspace_root().join("crates/obs-embedded/tests/python/send_otel.py");
    let out = Command::new(tools::venv_python().unwrap())
        .arg(script)
        .args(["--protocol", protocol, "--endpoint", &server.url(port), "--service", service])
        .env("OTEL_SDK_DISABLED", "false")
        .env("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "send_otel.py failed ({}): {stderr}", out.status);
    let ids: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    Sent { trace_id: ids["trace_id"].as_str().unwrap().into(), span_id: ids["span_id"].as_str().unwrap().into() }
}

fn assert_trace(server: &EmbeddedServer, service: &str, sent: &Sent) {
    let tempo = server.url(ports::TEMPO);
    let trace = get(&format!("{tempo}/api/traces/{}", sent.trace_id));
    assert_eq!(trace.status, 200, "{}", String::from_utf8_lossy(&trace.body));
    let text = String::from_utf8_lossy(&trace.body);
    assert!(text.contains("py-e2e-span") && text.contains("ord-4711") && text.contains(service), "{text}");
    let search = get(&format!("{tempo}/api/search?tags={}", enc(&format!("service.name={service}")))).json();
    let ids: Vec<&str> = search["traces"].as_array().unwrap().iter().filter_map(|t| t["traceID"].as_str()).collect();
    assert_eq!(ids, [sent.trace_id.trim_start_matches('0')], "{search}");
}

fn assert_log(server: &EmbeddedServer, service: &str, sent: &Sent) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let query = format!("{{service_name=\"{service}\"}} | trace_id=\"{}\"", sent.trace_id);
    let url = format!(
        "{}/loki/api/v1/query_range?query={}&start={}&end={}",
        server.url(ports::LOKI),
        enc(&query),
        now - 600_000_000_000,
        now + 60_000_000_000
    );
    let answer = get(&url).json();
    let result = &answer["data"]["result"];
    assert_eq!(result.as_array().map(Vec::len), Some(1), "{answer}");
    assert_eq!(result[0]["values"][0][1], "py e2e order ord-4711 filled", "{answer}");
    assert_eq!(result[0]["stream"]["service_name"], service, "{answer}");
    let labels = result[0]["stream"].to_string();
    assert!(labels.contains(&sent.span_id) || answer.to_string().contains(&sent.span_id), "span id missing: {answer}");
}

fn assert_metric(server: &EmbeddedServer, service: &str, sent: &Sent) {
    let query = format!("py_e2e_orders_total{{run_id=\"{}\"}}", sent.trace_id);
    let url = format!("{}/api/v1/query?query={}", server.url(ports::PROMETHEUS), enc(&query));
    let sample = poll("the Python counter through the Prometheus API", Duration::from_secs(10), || {
        Ok(get(&url).json()["data"]["result"].get(0).cloned())
    })
    .unwrap();
    assert_eq!(sample["value"][1], "7", "{sample}");
    assert_eq!(sample["metric"]["job"], service, "{sample}");
}

fn round_trip(protocol: &str) {
    let server = EmbeddedServer::start(&[]).unwrap();
    let service = format!("py-e2e-{protocol}");
    let sent = send(&server, protocol, &service);
    assert_trace(&server, &service, &sent);
    assert_log(&server, &service, &sent);
    assert_metric(&server, &service, &sent);
}

/// The Python SDK over OTLP/gRPC: trace, log and metric all found with their ids and values.
#[test]
fn python_sdk_over_grpc() {
    round_trip("grpc");
}

/// The Python SDK over OTLP/HTTP protobuf: trace, log and metric all found with their ids and values.
#[test]
fn python_sdk_over_http() {
    round_trip("http");
}
