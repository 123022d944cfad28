//! The rotel collector (a third-party OTLP forwarder) receives a trace and forwards it over
//! OTLP/gRPC to our server, where Tempo's API finds it.

use std::time::Duration;

use obs_stack::ports;
use test_support::embedded::EmbeddedServer;
use test_support::rotel::Rotel;

use crate::otlp_build::{hex, span, traces};
use crate::{get, poll};

/// A span posted to rotel's OTLP/HTTP receiver arrives in our store through rotel's OTLP/gRPC exporter.
#[test]
fn rotel_forwards_to_us() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let rotel = Rotel::start(&server.url(ports::OTLP_GRPC)).unwrap();
    let trace_id = [0x6e; 16];
    let body = serde_json::to_vec(&traces("via-rotel", vec![span(trace_id, [6; 8], "rotel-span")])).unwrap();
    let agent = ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(2))).build().new_agent();
    let url = format!("http://127.0.0.1:{}/v1/traces", rotel.http_port);
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
