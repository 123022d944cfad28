//! Debian's prometheus scrapes our collector-style exposition; its own query API then returns
//! our metric and the server's self metrics.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use obs_stack::ports;
use test_support::embedded::EmbeddedServer;
use test_support::{free_port, tools};

use crate::{enc, get, poll, post};

/// Kills the child on drop so a failed assertion leaves nothing running.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn send_counter(server: &EmbeddedServer) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos().to_string();
    let body = serde_json::json!({"resourceMetrics": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "scrape-svc"}}]},
        "scopeMetrics": [{"metrics": [{"name": "scrape_orders", "sum": {
            "aggregationTemporality": 2, "isMonotonic": true,
            "dataPoints": [{"asInt": "5", "timeUnixNano": now, "startTimeUnixNano": now,
                            "attributes": [{"key": "side", "value": {"stringValue": "buy"}}]}]}}]}]}]});
    let url = format!("{}/v1/metrics", server.url(ports::OTLP_HTTP));
    let answer = post(&url, &[("content-type", "application/json")], &serde_json::to_vec(&body).unwrap());
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
}

/// A real Prometheus scraping :8889 answers `scrape_orders_total{side="buy"}` = 5 and sees our uptime.
#[test]
fn prometheus_scrapes_our_exposition() {
    let server = EmbeddedServer::start(&[]).unwrap();
    send_counter(&server);
    let dir = tempfile::tempdir().unwrap();
    let target = server.url(ports::COLLECTOR_METRICS).trim_start_matches("http://").to_string();
    let config = format!(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: obs-embedded\n    scrape_interval: 1s\n    \
         static_configs:\n      - targets: ['{target}']\n"
    );
    std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
    let port = free_port().unwrap();
    let child = Command::new(tools::system("prometheus", "prometheus").unwrap())
        .arg(format!("--config.file={}", dir.path().join("prometheus.yml").display()))
        .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _prometheus = Reaped(child);
    let query = |q: &str| format!("http://127.0.0.1:{port}/api/v1/query?query={}", enc(q));
    let agent = ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(2))).build().new_agent();
    let url = query("scrape_orders_total{side=\"buy\"}");
    let sample = poll("scrape_orders_total in the real Prometheus", Duration::from_secs(30), || {
        let Ok(mut resp) = agent.get(&url).call() else { return Ok(None) };
        let answer: serde_json::Value = resp.body_mut().read_json()?;
        Ok(answer["data"]["result"].get(0).cloned())
    })
    .unwrap();
    assert_eq!(sample["value"][1], "5", "{sample}");
    assert_eq!(sample["metric"]["exported_job"], "scrape-svc", "{sample}");
    let uptime = get(&query("obs_embedded_uptime_seconds")).json();
    assert_eq!(uptime["data"]["result"][0]["metric"]["job"], "obs-embedded", "{uptime}");
}
