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
