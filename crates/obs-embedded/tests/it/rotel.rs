//! The rotel collector (a third-party OTLP forwarder) receives a trace and forwards it over
//! OTLP/gRPC to our server, where Tempo's API finds it.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use obs_stack::ports;
use test_support::embedded::EmbeddedServer;
use test_support::{free_port, tools};

use crate::otlp_build::{hex, span, traces};
use crate::{get, poll};

/// Kills the child on drop so a failed assertion leaves nothing running.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A span posted to rotel's OTLP/HTTP receiver arrives in our store through rotel's OTLP/gRPC exporter.
#[test]
fn rotel_forwards_to_us() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let (grpc_in, http_in) = (free_port().unwrap(), free_port().unwrap());
    let rotel = Command::new(tools::rotel_agent().unwrap())
        .arg("start")
        .args(["--otlp-grpc-endpoint", &format!("127.0.0.1:{grpc_in}")])
        .args(["--otlp-http-endpoint", &format!("127.0.0.1:{http_in}")])
        .args(["--exporter", "otlp", "--otlp-exporter-protocol", "grpc"])
        .args(["--otlp-exporter-endpoint", &server.url(ports::OTLP_GRPC)])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let _rotel = Reaped(rotel);
    let trace_id = [0x6e; 16];
    let body = serde_json::to_vec(&traces("via-rotel", vec![span(trace_id, [6; 8], "rotel-span")])).unwrap();
    let agent = ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(2))).build().new_agent();
    let url = format!("http://127.0.0.1:{http_in}/v1/traces");
    poll("rotel to accept the span", Duration::from_secs(20), || {
        let sent = agent.post(&url).header("content-type", "application/json").send(&body[..]);
        Ok(sent.ok().filter(|r| r.status() == 200).map(|_| ()))
    })
    .unwrap();
    let tempo = format!("{}/api/traces/{}", server.url(ports::TEMPO), hex(&trace_id));
    let found = poll("the forwarded trace in Tempo's API", Duration::from_secs(20), || {
        let answer = get(&tempo);
        Ok((answer.status == 200).then_some(answer))
    })
    .unwrap();
    let text = String::from_utf8_lossy(&found.body);
    assert!(text.contains("rotel-span") && text.contains("via-rotel") && text.contains("ord-3fa9c1"), "{text}");
}
