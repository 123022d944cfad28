//! Grafana's three datasources (Tempo, Loki, Prometheus) pointed at the embedded server: every
//! request they make, as our wire-facts reference (§2.4, §3.5, §4.3) records them (paths,
//! parameters, headers, form bodies), replayed against the real process fed with real OTLP, and
//! every answer checked for the keys, types and content types Grafana parses.

mod errors;
mod feed;
mod loki;
mod prometheus;
mod proxy;
mod tempo;

use crate::{Answer, agent, answer};

/// Headers Grafana's backend adds to every datasource request.
pub const GRAFANA_HEADERS: [(&str, &str); 3] =
    [("User-Agent", "Grafana/12.1.0"), ("X-Grafana-Org-Id", "1"), ("X-Datasource-Uid", "grafana-it")];

/// `GET url` with Grafana's headers plus `extra`.
pub fn grafana_get(url: &str, extra: &[(&str, &str)]) -> Answer {
    let mut req = agent().get(url);
    for (k, v) in GRAFANA_HEADERS.iter().chain(extra) {
        req = req.header(*k, *v);
    }
    answer(req.call().unwrap_or_else(|err| panic!("GET {url}: {err}")))
}

/// `POST url` with a form-encoded body of `fields`, Grafana's headers and `extra`.
pub fn grafana_post_form(url: &str, fields: &[(&str, &str)], extra: &[(&str, &str)]) -> Answer {
    let body = fields.iter().map(|(k, v)| format!("{}={}", crate::enc(k), crate::enc(v))).collect::<Vec<_>>().join("&");
    let mut req = agent().post(url).header("Content-Type", "application/x-www-form-urlencoded");
    for (k, v) in GRAFANA_HEADERS.iter().chain(extra) {
        req = req.header(*k, *v);
    }
    answer(req.send(body.as_bytes()).unwrap_or_else(|err| panic!("POST {url}: {err}")))
}

/// `path?k=v&...` with every value percent-encoded.
pub fn with_query(base: &str, params: &[(&str, &str)]) -> String {
    let query = params.iter().map(|(k, v)| format!("{}={}", crate::enc(k), crate::enc(v))).collect::<Vec<_>>();
    format!("{base}?{}", query.join("&"))
}

/// Asserts a JSON content type and returns the body as JSON, naming the request on failure.
pub fn json_ok(what: &str, answer: &Answer) -> serde_json::Value {
    assert_eq!(answer.status, 200, "{what}: {}", String::from_utf8_lossy(&answer.body));
    assert!(answer.content_type.starts_with("application/json"), "{what}: content type {:?}", answer.content_type);
    answer.json()
}
