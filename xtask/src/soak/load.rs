//! The soak's load: OTLP/JSON ingest of all three signals (with series churn past the cap),
//! Tempo, Loki and Prometheus queries, slow clients that dribble headers, and health probes.

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use obs_stack::{Endpoints, ports};
use serde_json::{Value, json};

use super::Tally;

/// Starts every load thread; they run until `stop`.
pub fn spawn_all(endpoints: &Endpoints, stop: &Arc<AtomicBool>, tally: &Arc<Tally>) -> Vec<JoinHandle<()>> {
    let mut threads = Vec::new();
    let jobs: [(&'static str, Job); 6] = [
        ("ingest traces", traces),
        ("ingest logs", logs),
        ("ingest metrics", metrics),
        ("tempo search", tempo),
        ("loki query", loki),
        ("promql range", promql),
    ];
    for (kind, job) in jobs {
        let (endpoints, stop, tally) = (endpoints.clone(), stop.clone(), tally.clone());
        threads.push(std::thread::spawn(move || repeat(kind, &endpoints, &stop, &tally, job, Duration::ZERO)));
    }
    let (health, stop2, tally2) = (endpoints.clone(), stop.clone(), tally.clone());
    threads.push(std::thread::spawn(move || {
        repeat("health", &health, &stop2, &tally2, health_probe, Duration::from_millis(500))
    }));
    let (slow, stop3) = (endpoints.clone(), stop.clone());
    threads.push(std::thread::spawn(move || slow_clients(&slow, &stop3)));
    threads
}

/// Builds the `n`th request of one kind.
type Job = fn(&Endpoints, u64) -> Request;

/// One HTTP request of the load.
pub struct Request {
    url: String,
    body: Option<Value>,
}

fn repeat(kind: &'static str, endpoints: &Endpoints, stop: &AtomicBool, tally: &Tally, job: Job, pause: Duration) {
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut n = 0u64;
    while !stop.load(Ordering::SeqCst) {
        let request = job(endpoints, n);
        let started = Instant::now();
        let status = match request.body {
            Some(body) => agent.post(&request.url).send_json(&body).map(|r| r.status().as_u16()),
            None => agent.get(&request.url).call().map(|r| r.status().as_u16()),
        };
        tally.record(kind, started.elapsed(), status.unwrap_or(0));
        n += 1;
        std::thread::sleep(pause);
    }
}

fn now_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

fn attr(key: &str, value: String) -> Value {
    json!({"key": key, "value": {"stringValue": value}})
}

fn resource(service: &str) -> Value {
    json!({"attributes": [attr("service.name", service.to_owned())]})
}

fn traces(endpoints: &Endpoints, n: u64) -> Request {
    let now = now_ns();
    let spans: Vec<Value> = (0..200u64)
        .map(|i| {
            json!({"traceId": format!("{:016x}{:016x}", n + 1, i / 20 + 1), "spanId": format!("{:016x}", n * 1000 + i + 1),
                "name": "backtest.step", "kind": 1, "startTimeUnixNano": (now - 2_000_000).to_string(),
                "endTimeUnixNano": now.to_string(), "attributes": [attr("order.id", format!("ord-{n}-{i}"))]})
        })
        .collect();
    let body = json!({"resourceSpans": [{"resource": resource("soak"), "scopeSpans": [{"spans": spans}]}]});
    Request { url: format!("{}/v1/traces", endpoints.url(ports::OTLP_HTTP)), body: Some(body) }
}

fn logs(endpoints: &Endpoints, n: u64) -> Request {
    let now = now_ns();
    let records: Vec<Value> = (0..200u64)
        .map(|i| {
            let line = format!(r#"{{"level":"info","order":"ord-{n}-{i}","qty":{i},"msg":"fill"}}"#);
            json!({"timeUnixNano": now.to_string(), "severityText": "INFO", "body": {"stringValue": line},
                "attributes": [attr("strategy", format!("s{}", i % 7))]})
        })
        .collect();
    let body = json!({"resourceLogs": [{"resource": resource("soak"), "scopeLogs": [{"logRecords": records}]}]});
    Request { url: format!("{}/v1/logs", endpoints.url(ports::OTLP_HTTP)), body: Some(body) }
}

fn metrics(endpoints: &Endpoints, n: u64) -> Request {
    let now = now_ns().to_string();
    let points: Vec<Value> = (0..100u64)
        .map(|i| {
            json!({"timeUnixNano": now, "asDouble": i as f64, "attributes": [attr("instance", format!("i{}", (n * 100 + i) % 50_000))]})
        })
        .collect();
    let metric = json!({"name": "soak_gauge", "gauge": {"dataPoints": points}});
    let body = json!({"resourceMetrics": [{"resource": resource("soak"), "scopeMetrics": [{"metrics": [metric]}]}]});
    Request { url: format!("{}/v1/metrics", endpoints.url(ports::OTLP_HTTP)), body: Some(body) }
}

fn query(base: String, path: &str, params: &[(&str, String)]) -> Request {
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    Request { url: format!("{base}{path}?{}", query.join("&")), body: None }
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn tempo(endpoints: &Endpoints, n: u64) -> Request {
    let q = format!(r#"{{ span.order.id = "ord-{}-7" }}"#, n % 50);
    query(endpoints.url(ports::TEMPO), "/api/search", &[("q", q), ("limit", "20".into())])
}

fn loki(endpoints: &Endpoints, _: u64) -> Request {
    let q = r#"sum by (strategy) (count_over_time({service_name="soak"} | json | qty > 100 [5m]))"#.to_owned();
    query(endpoints.url(ports::LOKI), "/loki/api/v1/query", &[("query", q)])
}

fn promql(endpoints: &Endpoints, _: u64) -> Request {
    let end = now_ns() / 1_000_000_000;
    let params = [
        ("query", "sum by (instance) (soak_gauge)".to_owned()),
        ("start", (end - 600).to_string()),
        ("end", end.to_string()),
        ("step", "15".into()),
    ];
    query(endpoints.url(ports::PROMETHEUS), "/api/v1/query_range", &params)
}

fn health_probe(endpoints: &Endpoints, _: u64) -> Request {
    Request { url: format!("{}/", endpoints.url(ports::COLLECTOR_HEALTH)), body: None }
}

/// Forty connections to the Loki port that send a header byte a second; reopened when closed.
fn slow_clients(endpoints: &Endpoints, stop: &AtomicBool) {
    let addr = endpoints.url(ports::LOKI).trim_start_matches("http://").to_owned();
    let mut conns: Vec<TcpStream> = Vec::new();
    let request = b"GET /loki/api/v1/labels HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
    let mut at = 0usize;
    while !stop.load(Ordering::SeqCst) {
        while conns.len() < 40 {
            match TcpStream::connect(&addr) {
                Ok(stream) => conns.push(stream),
                Err(_) => break,
            }
        }
        let byte = [request[at % request.len()]];
        conns.retain_mut(|c| c.write_all(&byte).is_ok());
        at += 1;
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Items evicted so far over all stores, from the status document.
pub fn evicted(endpoints: &Endpoints) -> u64 {
    let url = format!("{}/obs-embedded/status", endpoints.url(ports::COLLECTOR_HEALTH));
    let doc: Option<Value> = ureq::get(&url).call().ok().and_then(|mut r| r.body_mut().read_json().ok());
    let stores = doc.as_ref().and_then(|d| d.get("stores"));
    ["traces", "logs", "metrics"].iter().filter_map(|s| stores.and_then(|st| st[s]["evicted"].as_u64())).sum()
}
