//! The rotel collector (a third-party OTLP implementation) accepts smoke-sender's output and
//! forwards it to the embedded backend, where all three signals are found.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use obs_stack::{SMOKE_METRIC_NAME, SMOKE_SERVICE_NAME, SMOKE_SPAN_NAME, ports};
use test_support::embedded::EmbeddedServer;
use test_support::{free_port, tools};

use crate::backend::{assert_log, assert_trace, metric_value};
use crate::{ids, smoke};

/// Kills rotel on drop so a failed assertion leaves nothing running.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < deadline, "rotel did not listen on 127.0.0.1:{port} within 20 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn through_rotel(protocol: &str) {
    let server = EmbeddedServer::start(&[]).unwrap();
    let (grpc_in, http_in) = (free_port().unwrap(), free_port().unwrap());
    let dir = tempfile_dir();
    let rotel = Command::new(tools::rotel_agent().unwrap())
        .arg("start")
        .args(["--otlp-grpc-endpoint", &format!("127.0.0.1:{grpc_in}")])
        .args(["--otlp-http-endpoint", &format!("127.0.0.1:{http_in}")])
        .args(["--exporter", "otlp", "--otlp-exporter-protocol", "grpc"])
        .args(["--otlp-exporter-endpoint", &server.url(ports::OTLP_GRPC)])
        .args(["--pid-file", &dir.join("rotel.pid").display().to_string()])
        .args(["--log-file", &dir.join("rotel.log").display().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let _rotel = Reaped(rotel);
    let port = if protocol == "grpc" { grpc_in } else { http_in };
    wait_listening(port);
    let endpoint = format!("http://127.0.0.1:{port}");
    let run = smoke(&["--endpoint", &endpoint, "--protocol", protocol, "--json"], &[], Duration::from_secs(30));
    let (trace_id, _) = ids(&run);
    assert_trace(&server.endpoints, SMOKE_SERVICE_NAME, &trace_id, SMOKE_SPAN_NAME);
    assert_log(&server.endpoints, SMOKE_SERVICE_NAME, &trace_id);
    let query = format!("{SMOKE_METRIC_NAME}_total{{smoke_run_id=\"{trace_id}\"}}");
    assert_eq!(metric_value(&server.endpoints, &query), "1");
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = test_support::target_dir().join("smoke-sender-tests").join(format!("rotel-{}", free_port().unwrap()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
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
