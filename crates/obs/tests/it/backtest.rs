//! End to end: the example's spans, decision logs and trade counter reach the embedded backend
//! over gRPC and HTTP; the console and disabled modes work without any backend.

use std::time::Duration;

use obs_stack::ports;
use test_support::embedded::EmbeddedServer;
use test_support::query::{log_lines, metric_value, trace};

use crate::{backtest, summary};

const SPANS: [&str; 8] =
    ["backtest", "load_bars", "lake.head", "lake.put", "lake.get", "simulate", "step", "store_report"];

fn exports_to_embedded(protocol: &str, port: obs_stack::Port, service: &str) {
    let server = EmbeddedServer::start(&[]).unwrap();
    let lake = tempfile::tempdir().unwrap();
    let lake_url = format!("file://{}", lake.path().display());
    let endpoint = server.url(port);
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
        ("OTEL_SERVICE_NAME", service),
        ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test"),
    ];
    let run = backtest(&["--json", "--lake", &lake_url], &env, Duration::from_secs(60));
    let (trace_id, bars, trades) = summary(&run);
    assert_eq!(bars, 120);
    assert!(trades > 0);
    assert!(lake.path().join("bars/BTC-USD.csv").is_file(), "the example seeds the lake");
    let trace = trace(&server.endpoints, service, &trace_id).unwrap();
    for name in SPANS {
        assert!(trace.contains(&format!("\"{name}\"")), "span {name} missing from {trace}");
    }
    assert!(trace.contains(service), "service {service} missing from {trace}");
    assert!(trace.contains("deployment.environment") && trace.contains("lake.bytes"), "{trace}");
    let lines = log_lines(&server.endpoints, service, &trace_id).unwrap();
    assert!(lines.iter().any(|l| l.contains("trade decision")), "{lines:?}");
    let buys =
        metric_value(&server.endpoints, &format!("peak_trade_backtest_trades_total{{job=\"{service}\",side=\"buy\"}}"))
            .unwrap();
    assert_eq!(buys, trades.div_ceil(2).to_string());
    let read = metric_value(
        &server.endpoints,
        &format!("lake_io_bytes_total{{job=\"{service}\",lake_operation_name=\"get\",lake_outcome=\"ok\"}}"),
    )
    .unwrap();
    assert!(read.parse::<f64>().unwrap() > 0.0, "{read}");
}

/// Over gRPC: the trace with lake spans, the decision logs with its trace id, and both counters arrive.
#[test]
fn backtest_exports_over_grpc() {
    exports_to_embedded("grpc", ports::OTLP_GRPC, "backtest_e2e_grpc");
}

/// Over HTTP/protobuf (paths appended to the base endpoint): the same data arrives.
#[test]
fn backtest_exports_over_http() {
    exports_to_embedded("http/protobuf", ports::OTLP_HTTP, "backtest_e2e_http");
}

/// OTEL_TRACES_EXPORTER=console prints spans, log records and metrics on stdout with no backend.
#[test]
fn console_exporter_prints_everything() {
    let run = backtest(&["--lake", "memory://"], &[("OTEL_TRACES_EXPORTER", "console")], Duration::from_secs(60));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for expected in ["lake.get", "trade decision", "peak_trade_backtest_trades", "lake.operation.duration"] {
        assert!(run.stdout.contains(expected), "{expected} missing from console output");
    }
}

/// OTEL_SDK_DISABLED=true: the program runs normally and records nothing.
#[test]
fn disabled_sdk_records_nothing() {
    let run = backtest(&["--json", "--lake", "memory://"], &[("OTEL_SDK_DISABLED", "true")], Duration::from_secs(60));
    let (trace_id, bars, _) = summary(&run);
    assert_eq!((trace_id.as_str(), bars), ("none", 120));
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}
