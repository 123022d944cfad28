//! The library in-process over real sockets: a pipeline built outside any runtime and one built
//! inside a current-thread tokio runtime both export to the live backend, and both report drops
//! (as a typed `ExportFailure`) when the collector's port is closed.

use std::time::Duration;

use obs::{ExportFailure, Exporter, ObsConfig, Protocol};
use obs_stack::ports;
use test_support::embedded::EmbeddedServer;

fn config(protocol: Protocol, endpoint: &str) -> ObsConfig {
    ObsConfig::builder()
        .service_name("obs_in_process")
        .exporter(Exporter::Otlp(protocol))
        .endpoint(endpoint)
        .export_timeout(Duration::from_millis(800))
        .console_logs(false)
        .build()
}

fn emit(dispatch: &tracing::Dispatch) {
    tracing::dispatcher::with_default(dispatch, || {
        tracing::info_span!("in_process").in_scope(|| tracing::info!("inside"));
    });
}

fn closed_endpoint() -> String {
    format!("http://127.0.0.1:{}", test_support::free_port().unwrap())
}

fn assert_dropped(result: anyhow::Result<obs::ExportReport>, endpoint: &str) {
    let err = result.unwrap_err();
    let failure = err.downcast_ref::<ExportFailure>().unwrap();
    assert_eq!((failure.report.spans_dropped, failure.report.logs_dropped), (1, 1), "{failure}");
    assert!(failure.endpoint.starts_with(endpoint), "{failure}");
}

/// Built and shut down on a plain thread, against a closed gRPC port: one span and one record dropped.
#[test]
fn outside_a_runtime_closed_port() {
    let endpoint = closed_endpoint();
    let mut pipeline = obs::pipeline(config(Protocol::Grpc, &endpoint)).unwrap();
    emit(&pipeline.dispatch);
    assert_dropped(pipeline.guard.shutdown(), &endpoint);
}

/// Built, used and shut down inside a current-thread runtime (HTTP): no panic, no deadlock, drops reported.
#[tokio::test(flavor = "current_thread")]
async fn inside_a_runtime_closed_port() {
    let endpoint = closed_endpoint();
    let mut pipeline = obs::pipeline(config(Protocol::HttpProtobuf, &endpoint)).unwrap();
    emit(&pipeline.dispatch);
    assert_dropped(pipeline.guard.shutdown(), &endpoint);
}

/// Inside a runtime, against the live backend over gRPC: shutdown reports everything exported.
#[tokio::test(flavor = "current_thread")]
async fn inside_a_runtime_live_backend() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let mut pipeline = obs::pipeline(config(Protocol::Grpc, &server.url(ports::OTLP_GRPC))).unwrap();
    emit(&pipeline.dispatch);
    let report = pipeline.guard.shutdown().unwrap();
    assert_eq!((report.spans_exported, report.logs_exported), (1, 1));
    assert!(report.is_clean());
}

/// Dropping the guard (without calling shutdown) inside a runtime flushes too and does not panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn drop_inside_a_runtime_flushes() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let pipeline = obs::pipeline(config(Protocol::HttpProtobuf, &server.url(ports::OTLP_HTTP))).unwrap();
    emit(&pipeline.dispatch);
    drop(pipeline);
    let stats: serde_json::Value = ureq::get(format!("{}/obs-embedded/status", server.url(ports::TEMPO)))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    assert!(stats["stores"]["traces"]["ingested"].as_u64().unwrap() >= 1, "{stats}");
}

/// A collector that accepts connections and never answers, with a 30 s export timeout and a 1 s
/// shutdown budget: every signal's export is stopped at the deadline (an export could only end
/// before its 30 s that way), and each signal, metrics included, reports what it lost.
#[test]
fn blackholed_collector_is_cut_at_the_shutdown_deadline() {
    let endpoint = crate::blackhole();
    let config = ObsConfig::builder()
        .service_name("obs_blackhole")
        .exporter(Exporter::Otlp(Protocol::HttpProtobuf))
        .endpoint(&endpoint)
        .export_timeout(Duration::from_secs(30))
        .shutdown_timeout(Duration::from_secs(1))
        .console_logs(false)
        .build();
    let mut pipeline = obs::pipeline(config).unwrap();
    emit(&pipeline.dispatch);
    pipeline.guard.meter("blackhole").u64_counter("blackhole.count").build().add(1, &[]);
    let err = pipeline.guard.shutdown().unwrap_err();
    let failure = err.downcast_ref::<ExportFailure>().unwrap();
    let signals: Vec<obs::Signal> = failure.failures.iter().map(|f| f.signal).collect();
    assert_eq!(signals, obs::Signal::ALL, "{failure}");
    for each in &failure.failures {
        assert!(each.dropped > 0, "{each}");
        assert!(each.endpoint.starts_with(&endpoint), "{each}");
        assert!(each.errors.iter().any(|e| e.contains("stopped at the shutdown deadline")), "{each}");
    }
    assert!(failure.report.metrics_dropped > 0, "undelivered metrics are counted: {failure}");
}

/// A span per bar: 100 runs of 1000 bars, 100 000 spans in one burst of a few seconds, against
/// the live backend. With the default queue every span is exported; with a 64-span queue the
/// loss is counted exactly and reported, naming the signal.
#[test]
fn span_per_bar_burst_is_exported_or_reported() {
    const BARS: u64 = 100_000;
    const RUNS: u64 = 100;
    let server = EmbeddedServer::start(&[]).unwrap();
    let endpoint = server.url(ports::OTLP_HTTP);
    let burst = |queue: Option<usize>| {
        let mut config = ObsConfig::builder()
            .service_name("obs_span_per_bar")
            .exporter(Exporter::Otlp(Protocol::HttpProtobuf))
            .endpoint(&endpoint)
            .console_logs(false);
        if let Some(queue) = queue {
            config = config.span_queue_size(queue);
        }
        // A generous budget: a debug build on a loaded machine exports a few thousand spans a second.
        let mut pipeline = obs::pipeline(config.shutdown_timeout(Duration::from_secs(120))).unwrap();
        tracing::dispatcher::with_default(&pipeline.dispatch, || {
            for run in 0..RUNS {
                let _run = tracing::info_span!("backtest", run).entered();
                for bar in 0..BARS / RUNS {
                    tracing::info_span!("bar", bar).in_scope(|| {});
                }
            }
        });
        pipeline.guard.shutdown()
    };
    let report = burst(None).unwrap();
    assert_eq!((report.spans_exported, report.spans_dropped), (BARS + RUNS, 0));
    let err = burst(Some(64)).unwrap_err();
    let failure = err.downcast_ref::<ExportFailure>().unwrap();
    assert!(failure.report.spans_dropped > 0, "{failure}");
    assert_eq!(failure.report.spans_exported + failure.report.spans_dropped, BARS + RUNS, "{failure}");
    assert!(failure.to_string().starts_with("telemetry export failed: traces: dropped "), "{failure}");
}
