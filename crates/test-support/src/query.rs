//! Asks a running backend's Tempo, Loki and Prometheus APIs, again and again, until the data a
//! test sent shows up; the error names what was awaited and the last answer seen.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Result, bail};
use obs_stack::{Endpoints, ports};
use serde_json::Value;

/// How long [`poll`] waits before giving up.
pub const PATIENCE: Duration = Duration::from_secs(20);

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// GETs `url` with query pairs, answering (status, body); status 0 carries a transport error.
pub fn get(url: &str, query: &[(&str, &str)]) -> (u16, String) {
    let mut request = agent().get(url);
    for (k, v) in query {
        request = request.query(*k, *v);
    }
    match request.call() {
        Ok(mut resp) => (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap_or_default()),
        Err(err) => (0, err.to_string()),
    }
}

/// Calls `probe` every 100 ms until it gives a value or [`PATIENCE`] runs out; the error names
/// `what` was awaited and the probe's last answer.
pub fn poll<T>(what: &str, mut probe: impl FnMut() -> Result<T, String>) -> Result<T> {
    let deadline = Instant::now() + PATIENCE;
    let mut last = String::from("nothing yet");
    while Instant::now() < deadline {
        match probe() {
            Ok(found) => return Ok(found),
            Err(seen) => last = seen,
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("{what} not found within {} s; last answer: {last}", PATIENCE.as_secs())
}

fn json(status: u16, body: &str) -> Result<Value, String> {
    serde_json::from_str(body).map_err(|_| format!("{status} {body}"))
}

/// Waits until Tempo's search by `service.name=service` lists `trace_id`, then answers the body
/// of `/api/traces/{trace_id}` (once it is 200).
pub fn trace(endpoints: &Endpoints, service: &str, trace_id: &str) -> Result<String> {
    let tempo = endpoints.url(ports::TEMPO);
    let wanted = trace_id.trim_start_matches('0');
    let tag = format!("service.name={service}");
    poll("the trace in Tempo search", || {
        let (status, body) = get(&format!("{tempo}/api/search"), &[("tags", &tag)]);
        let json = json(status, &body)?;
        let listed = json["traces"].as_array().into_iter().flatten();
        let ids: Vec<_> = listed.filter_map(|t| t["traceID"].as_str()).map(|id| id.trim_start_matches('0')).collect();
        ids.contains(&wanted).then_some(()).ok_or(format!("{status} {body}"))
    })?;
    poll("the trace by id", || match get(&format!("{tempo}/api/traces/{trace_id}"), &[]) {
        (200, body) => Ok(body),
        (status, body) => Err(format!("{status} {body}")),
    })
}

/// Nanoseconds since the epoch, `offset` from now, as Loki's `start`/`end` want them.
fn loki_time(now: SystemTime, later: bool, offset: Duration) -> String {
    let at = if later { now + offset } else { now - offset };
    at.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos().to_string()
}

/// Loki's lines of `service` carrying `trace_id` within ten minutes of now (waits for at least one).
pub fn log_lines(endpoints: &Endpoints, service: &str, trace_id: &str) -> Result<Vec<String>> {
    let loki = endpoints.url(ports::LOKI);
    let query = format!("{{service_name=\"{service}\"}} | trace_id=\"{trace_id}\"");
    let now = SystemTime::now();
    let start = loki_time(now, false, Duration::from_secs(600));
    let end = loki_time(now, true, Duration::from_secs(600));
    poll("the log line in Loki", || {
        let (status, body) =
            get(&format!("{loki}/loki/api/v1/query_range"), &[("query", &query), ("start", &start), ("end", &end)]);
        let json = json(status, &body)?;
        let streams = json["data"]["result"].as_array().cloned().unwrap_or_default();
        let lines: Vec<String> = streams
            .iter()
            .flat_map(|s| s["values"].as_array().cloned().unwrap_or_default())
            .filter_map(|v| v[1].as_str().map(str::to_string))
            .collect();
        if lines.is_empty() { Err(format!("{status} {body}")) } else { Ok(lines) }
    })
}

/// Waits until Prometheus answers the instant `query` with exactly one sample, and returns its value.
pub fn metric_value(endpoints: &Endpoints, query: &str) -> Result<String> {
    let prometheus = endpoints.url(ports::PROMETHEUS);
    poll(&format!("{query} in Prometheus"), || {
        let (status, body) = get(&format!("{prometheus}/api/v1/query"), &[("query", query)]);
        let json = json(status, &body)?;
        let result = json["data"]["result"].as_array().cloned().unwrap_or_default();
        match result.as_slice() {
            [one] => one["value"][1].as_str().map(str::to_string).ok_or(format!("{status} {body}")),
            _ => Err(format!("{status} {body}")),
        }
    })
}
