//! Debian's real `prometheus` scrapes our exposition; its query answers must match ours.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::otlp::{counter, gauge, histogram, now_nanos, point, request};
use crate::server::{TestServer, get_json, try_get_json};

/// A running Prometheus, killed on drop.
struct Prometheus {
    child: Child,
    base: String,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_prometheus(dir: &Path, target: &str) -> Prometheus {
    let binary = test_support::tools::system("prometheus", "prometheus").unwrap();
    let config = dir.join("prometheus.yml");
    let text = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: embedded\n    \
         honor_labels: true\n    static_configs:\n      - targets: ['{target}']\n"
    );
    std::fs::write(&config, text).unwrap();
    let port = test_support::free_port().unwrap();
    let log = std::fs::File::create(dir.join("prometheus.log")).unwrap();
    let child = Command::new(binary)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", dir.join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    Prometheus { child, base: format!("http://127.0.0.1:{port}") }
}

/// Polls Prometheus' instant query until it returns a non-empty result (60 s deadline).
fn wait_for_result(prom: &Prometheus, query: &str, dir: &Path) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answer = try_get_json(&format!("{}/api/v1/query", prom.base), &[("query", query)]);
        if let Some((200, body)) = answer
            && body["data"]["result"].as_array().is_some_and(|r| !r.is_empty())
        {
            return body;
        }
        if Instant::now() > deadline {
            let log = std::fs::read_to_string(dir.join("prometheus.log")).unwrap_or_default();
            panic!("prometheus never answered {query:?} with data within 60 s; its log:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn ours(server: &TestServer, query: &str) -> Value {
    let (status, body) = get_json(&format!("http://{}/api/v1/query", server.api), &[("query", query)]);
    assert_eq!(status, 200, "{query}: {body}");
    body
}

/// The comparable part of an answer: result type, and each element's labels and value.
fn essence(body: &Value) -> (Value, Vec<(Value, Value)>) {
    let data = &body["data"];
    let items = match data["result"].as_array() {
        Some(list) if data["resultType"] != "scalar" => {
            let mut v: Vec<(Value, Value)> =
                list.iter().map(|r| (r["metric"].clone(), r["value"][1].clone())).collect();
            v.sort_by_key(|(m, _)| m.to_string());
            v
        }
        _ => vec![(Value::Null, data["result"][1].clone())],
    };
    (data["resultType"].clone(), items)
}

/// Pins that a real Prometheus scrapes our exposition (up == 1, our translated names arrive)
/// and answers the same expressions with the same shape and values as our own API.
#[test]
fn real_prometheus_scrapes_and_agrees() {
    let server = TestServer::start();
    let now = now_nanos();
    let req = request(
        "peak_trade_backtest",
        vec![
            counter(
                "orders.filled",
                "Orders filled.",
                vec![point(&[("venue", "xetra")], now, 42.0), point(&[("venue", "lse")], now, 8.0)],
            ),
            gauge("portfolio.value", "1", vec![point(&[("book", "main")], now, 0.75)]),
            histogram("fill.latency", "ms", now, &[1.0, 5.0, 25.0], &[3, 5, 1, 1], 61.0),
        ],
    );
    assert_eq!(server.store.ingest(req).unwrap().rejected, 0);
    let dir = tempfile::tempdir().unwrap();
    let prom = start_prometheus(dir.path(), &server.metrics.to_string());

    let up = wait_for_result(&prom, "up{job=\"embedded\"}", dir.path());
    assert_eq!(up["data"]["result"][0]["value"][1], "1", "the scrape must parse: {up}");
    wait_for_result(&prom, "orders_filled_total", dir.path());
    wait_for_result(&prom, "fill_latency_milliseconds_bucket", dir.path());

    let comparable = [
        "sum by (job, venue) (orders_filled_total)",
        "sum(orders_filled_total) * 2 > bool 90",
        "max by (book) (portfolio_value_ratio)",
        "histogram_quantile(0.5, sum by (le) (fill_latency_milliseconds_bucket))",
        "histogram_quantile(0.9, sum by (le, job) (fill_latency_milliseconds_bucket))",
        "count(fill_latency_milliseconds_bucket)",
        "sum without (instance) (fill_latency_milliseconds_count)",
        "topk(1, orders_filled_total) * 0 + 1",
        "quantile(0.5, sum by (venue) (orders_filled_total))",
        "stddev(sum by (venue) (orders_filled_total))",
        "clamp_max(sum by (venue) (orders_filled_total), 10)",
        "round(sum(orders_filled_total) / 3, 0.5)",
        "orders_filled_total{venue=~\"x.*\"} - ignoring(venue) group_left orders_filled_total{venue=\"lse\"} or vector(0)",
        "label_replace(sum by (venue) (orders_filled_total), \"v\", \"x-$1\", \"venue\", \"(l.*)\")",
        "absent(nothing_here{job=\"x\"})",
        "1 + 2 * 3",
    ];
    for query in comparable {
        let (status, theirs) = get_json(&format!("{}/api/v1/query", prom.base), &[("query", query)]);
        assert_eq!(status, 200, "prometheus refused {query}: {theirs}");
        assert_eq!(essence(&ours(&server, query)), essence(&theirs), "answers differ for {query}");
    }
}
