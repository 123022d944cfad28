//! Queries the backend's Tempo, Loki and Prometheus APIs until the example's data shows up.

use std::time::{Duration, Instant};

use obs_stack::{Endpoints, ports};
use serde_json::Value;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// GETs `url` with query pairs, answering (status, body).
fn get(url: &str, query: &[(&str, &str)]) -> (u16, String) {
    let mut request = agent().get(url);
    for (k, v) in query {
        request = request.query(*k, *v);
    }
    match request.call() {
        Ok(mut resp) => (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap_or_default()),
        Err(err) => (0, err.to_string()),
    }
}

/// Polls `probe` until it gives a value or 20 s pass; the panic names what was awaited and the last answer.
fn poll<T>(what: &str, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = String::from("nothing yet");
    while Instant::now() < deadline {
        match probe() {
            Ok(found) => return found,
            Err(seen) => last = seen,
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} not found within 20 s; last answer: {last}");
}

/// Tempo search by service lists the trace; the trace (returned) has the span names.
pub fn assert_trace(endpoints: &Endpoints, service: &str, trace_id: &str, span_names: &[&str]) -> String {
    let tempo = endpoints.url(ports::TEMPO);
    let wanted = trace_id.trim_start_matches('0');
    let tag = format!("service.name={service}");
    poll("the trace in Tempo search", || {
        let (status, body) = get(&format!("{tempo}/api/search"), &[("tags", &tag)]);
        let json: Value = serde_json::from_str(&body).map_err(|_| format!("{status} {body}"))?;
        let listed = json["traces"].as_array().into_iter().flatten();
        let ids: Vec<_> = listed.filter_map(|t| t["traceID"].as_str()).map(|id| id.trim_start_matches('0')).collect();
        ids.contains(&wanted).then_some(()).ok_or(format!("{status} {body}"))
    });
    let body = poll("the trace by id", || match get(&format!("{tempo}/api/traces/{trace_id}"), &[]) {
        (200, body) => Ok(body),
        (status, body) => Err(format!("{status} {body}")),
    });
    for name in span_names {
        assert!(body.contains(&format!("\"{name}\"")), "span {name} missing from {body}");
    }
    assert!(body.contains(service), "service {service} missing from {body}");
    body
}

/// Loki's lines of the service carrying the trace id (waits for at least one).
pub fn log_lines(endpoints: &Endpoints, service: &str, trace_id: &str) -> Vec<String> {
    let loki = endpoints.url(ports::LOKI);
    let query = format!("{{service_name=\"{service}\"}} | trace_id=\"{trace_id}\"");
    let start = (std::time::SystemTime::now() - Duration::from_secs(600))
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        .to_string();
    let end = (std::time::SystemTime::now() + Duration::from_secs(600))
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        .to_string();
    poll("the log line in Loki", || {
        let (status, body) =
            get(&format!("{loki}/loki/api/v1/query_range"), &[("query", &query), ("start", &start), ("end", &end)]);
        let json: Value = serde_json::from_str(&body).map_err(|_| format!("{status} {body}"))?;
        let streams = json["data"]["result"].as_array().cloned().unwrap_or_default();
        let lines: Vec<String> = streams
            .iter()
            .flat_map(|s| s["values"].as_array().cloned().unwrap_or_default())
            .filter_map(|v| v[1].as_str().map(str::to_string))
            .collect();
        if lines.is_empty() { Err(format!("{status} {body}")) } else { Ok(lines) }
    })
}

/// Prometheus answers `metric{selector}` with one sample and returns its value.
pub fn metric_value(endpoints: &Endpoints, query: &str) -> String {
    let prometheus = endpoints.url(ports::PROMETHEUS);
    poll(&format!("{query} in Prometheus"), || {
        let (status, body) = get(&format!("{prometheus}/api/v1/query"), &[("query", query)]);
        let json: Value = serde_json::from_str(&body).map_err(|_| format!("{status} {body}"))?;
        let result = json["data"]["result"].as_array().cloned().unwrap_or_default();
        match result.as_slice() {
            [one] => one["value"][1].as_str().map(str::to_string).ok_or(format!("{status} {body}")),
            _ => Err(format!("{status} {body}")),
        }
    })
}
