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
    assert!(run.stderr.contains("trade decision"), "the console layer keeps the app's events visible: {}", run.stderr);
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

/// Over gRPC: the trace with lake spans, the decision logs with its trace id, and both counters
/// arrive, while the decisions also show on stderr (the console layer is on by default).
#[test]
fn backtest_exports_over_grpc() {
    exports_to_embedded("grpc", ports::OTLP_GRPC, "backtest_e2e_grpc");
}

/// Over HTTP/protobuf (paths appended to the base endpoint): the same data arrives.
#[test]
fn backtest_exports_over_http() {
    exports_to_embedded("http/protobuf", ports::OTLP_HTTP, "backtest_e2e_http");
}

/// The console exporter (all three signals) prints readable lines on stderr, live: a lake span's
/// line comes before the later trade decisions, not in a dump at shutdown; stdout keeps only the
/// program's own output.
#[test]
fn console_exporter_prints_live_lines_on_stderr() {
    let env =
        [("OTEL_TRACES_EXPORTER", "console"), ("OTEL_LOGS_EXPORTER", "console"), ("OTEL_METRICS_EXPORTER", "console")];
    let run = backtest(&["--json", "--lake", "memory://"], &env, Duration::from_secs(60));
    let (trace_id, _, _) = summary(&run);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let lines: Vec<&str> = run.stderr.lines().collect();
    let position = |needle: &str| lines.iter().position(|l| l.contains(needle));
    let lake_get = position("[obs] span lake.get ").unwrap_or_else(|| panic!("no lake.get span line: {}", run.stderr));
    let decision = position("trade decision").unwrap_or_else(|| panic!("no decision line: {}", run.stderr));
    assert!(lake_get < decision, "span lines are printed as spans end: {}", run.stderr);
    assert!(lines[lake_get].contains(&format!("trace={trace_id}")), "{}", lines[lake_get]);
    assert!(lines[lake_get].contains("lake.url=memory://"), "{}", lines[lake_get]);
    for expected in ["[obs] metric peak_trade_backtest_trades{side=buy} = ", "[obs] metric lake.operation.duration{"] {
        assert!(run.stderr.contains(expected), "{expected} missing from {}", run.stderr);
    }
}

/// OTEL_SDK_DISABLED=true: nothing is recorded, but the program's own events stay visible on
/// stderr through the console layer, which follows RUST_LOG.
#[test]
fn disabled_sdk_keeps_the_apps_logs() {
    let run = backtest(&["--json", "--lake", "memory://"], &[("OTEL_SDK_DISABLED", "true")], Duration::from_secs(60));
    let (trace_id, bars, _) = summary(&run);
    assert_eq!((trace_id.as_str(), bars), ("none", 120));
    assert!(run.stderr.contains(" INFO ") && run.stderr.contains("trade decision"), "{}", run.stderr);
    let quiet = [("OTEL_SDK_DISABLED", "true"), ("RUST_LOG", "warn")];
    let run = backtest(&["--json", "--lake", "memory://"], &quiet, Duration::from_secs(60));
    assert_eq!(summary(&run).1, 120);
    assert_eq!(run.stderr, "", "RUST_LOG=warn hides the info events");
}

/// Each signal follows its own variable at run time: traces over OTLP arrive while logs and
/// metrics are off, and the signals that are off report nothing lost.
#[test]
fn per_signal_exporters_at_run_time() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let endpoint = server.url(ports::OTLP_HTTP);
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_SERVICE_NAME", "backtest_traces_only"),
        ("OTEL_LOGS_EXPORTER", "none"),
        ("OTEL_METRICS_EXPORTER", "none"),
    ];
    let run = backtest(&["--json", "--lake", "memory://"], &env, Duration::from_secs(60));
    let (trace_id, _, _) = summary(&run);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let trace = trace(&server.endpoints, "backtest_traces_only", &trace_id).unwrap();
    assert!(trace.contains("\"lake.get\""), "{trace}");
    let stats: serde_json::Value = ureq::get(format!("{}/obs-embedded/status", server.url(ports::TEMPO)))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    assert_eq!(stats["stores"]["logs"]["ingested"], 0, "{stats}");
    assert_eq!(stats["stores"]["metrics"]["ingested"], 0, "{stats}");
}
