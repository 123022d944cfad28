//! Every listener answers the status endpoint with the same document; the health port answers
//! like the collector's health_check; the UI port serves the three APIs under Grafana's
//! datasource-proxy paths.

use obs_stack::{PORTS, datasource_uid, ports};
use prost::Message;
use test_support::embedded::EmbeddedServer;

use crate::otlp_build::{hex, span, traces};
use crate::{enc, get, post};

/// `GET /obs-embedded/status` works on all eight ports (gRPC included) and lists every listener.
#[test]
fn status_on_every_listener() {
    let server = EmbeddedServer::start(&[]).unwrap();
    for port in PORTS {
        let answer = get(&format!("{}/obs-embedded/status", server.url(port)));
        assert_eq!(answer.status, 200, "status on the {} port", port.key);
        let doc = answer.json();
        assert_eq!(doc["backend"], "embedded");
        assert_eq!(doc["version"], "0.1.0");
        assert_eq!(doc["pid"], server.pid());
        assert!(doc["uptime_seconds"].as_f64().unwrap() >= 0.0);
        for p in PORTS {
            let addr = format!("127.0.0.1:{}", server.endpoints.port(p));
            assert_eq!(doc["listen"][p.key], addr.as_str(), "{doc}");
        }
        for store in ["traces", "logs", "metrics"] {
            for field in ["items", "bytes", "max_items", "max_bytes", "ingested", "evicted", "refused"] {
                assert!(doc["stores"][store][field].is_u64(), "stores.{store}.{field} in {doc}");
            }
        }
    }
}

/// The health port answers `GET /` like the collector's health_check extension.
#[test]
fn collector_style_health() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let answer = get(&format!("{}/", server.url(ports::COLLECTOR_HEALTH)));
    assert_eq!((answer.status, answer.content_type.as_str()), (200, "application/json"));
    let doc = answer.json();
    assert_eq!(doc["status"], "Server available");
    assert!(doc["upSince"].as_str().unwrap().ends_with('Z'), "{doc}");
    assert!(doc["uptime"].as_str().unwrap().ends_with('s'), "{doc}");
}

/// The UI port serves Tempo, Loki and Prometheus under `/api/datasources/proxy/uid/<uid>/`.
#[test]
fn ui_port_proxies_the_three_apis() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let trace_id = [0x3c; 16];
    let body = traces("proxied", vec![span(trace_id, [3; 8], "proxied-span")]).encode_to_vec();
    let url = format!("{}/v1/traces", server.url(ports::OTLP_HTTP));
    assert_eq!(post(&url, &[("content-type", "application/x-protobuf")], &body).status, 200);
    let ui = server.url(ports::GRAFANA);
    let proxy = |uid: &str, path: &str| format!("{ui}/api/datasources/proxy/uid/{uid}{path}");
    let trace = get(&proxy(datasource_uid::TEMPO, &format!("/api/traces/{}", hex(&trace_id))));
    assert_eq!(trace.status, 200);
    assert!(String::from_utf8_lossy(&trace.body).contains("proxied-span"));
    let labels = get(&proxy(datasource_uid::LOKI, "/loki/api/v1/labels"));
    assert_eq!((labels.status, &labels.json()["status"]), (200, &serde_json::json!("success")));
    let query =
        get(&proxy(datasource_uid::PROMETHEUS, &format!("/api/v1/query?query={}", enc("obs_embedded_uptime_seconds"))));
    assert_eq!(query.status, 200);
    assert_eq!(query.json()["data"]["result"][0]["metric"]["__name__"], "obs_embedded_uptime_seconds");
}
