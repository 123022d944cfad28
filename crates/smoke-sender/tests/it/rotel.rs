//! The rotel collector (a third-party OTLP implementation) accepts smoke-sender's output and
//! forwards it to the embedded backend, where all three signals are found.

use std::time::Duration;

use obs_stack::{SMOKE_METRIC_NAME, SMOKE_SERVICE_NAME, SMOKE_SPAN_NAME, ports};
use test_support::embedded::EmbeddedServer;
use test_support::rotel::Rotel;

use crate::backend::{assert_log, assert_trace, metric_value};
use crate::{ids, smoke};

fn through_rotel(protocol: &str) {
    let server = EmbeddedServer::start(&[]).unwrap();
    let rotel = Rotel::start(&server.url(ports::OTLP_GRPC)).unwrap();
    let port = if protocol == "grpc" { rotel.grpc_port } else { rotel.http_port };
    rotel.wait_listening(port).unwrap();
    let endpoint = format!("http://127.0.0.1:{port}");
    let run = smoke(&["--endpoint", &endpoint, "--protocol", protocol, "--json"], &[], Duration::from_secs(30));
    let (trace_id, _) = ids(&run);
    assert_trace(&server.endpoints, SMOKE_SERVICE_NAME, &trace_id, SMOKE_SPAN_NAME);
    assert_log(&server.endpoints, SMOKE_SERVICE_NAME, &trace_id);
    let query = format!("{SMOKE_METRIC_NAME}_total{{smoke_run_id=\"{trace_id}\"}}");
    assert_eq!(metric_value(&server.endpoints, &query).unwrap(), "1");
}

/// rotel's OTLP/gRPC receiver accepts the smoke signals and they reach the backend through it.
#[test]
fn rotel_accepts_grpc() {
    through_rotel("grpc");
}

/// rotel's OTLP/HTTP receiver accepts the smoke signals and they reach the backend through it.
#[test]
fn rotel_accepts_http() {
    through_rotel("http");
}
