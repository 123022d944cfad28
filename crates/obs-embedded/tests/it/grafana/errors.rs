//! Query errors as Grafana shows them: Tempo and Loki answer 400 with a plain-text message
//! (Grafana shows the status and body), Prometheus the JSON error envelope (`errorType`,
//! `error`), each naming what is wrong.

use obs_stack::ports;

use super::feed::fed;
use super::{grafana_get, with_query};

/// A broken TraceQL search: 400, text naming the parse error.
#[test]
fn tempo_search_error_is_text_grafana_can_show() {
    let fed = fed();
    let url =
        with_query(&format!("{}/api/search", fed.server.url(ports::TEMPO)), &[("q", "{status="), ("limit", "20")]);
    let answer = grafana_get(&url, &[("Accept", "application/json")]);
    assert_eq!(answer.status, 400);
    assert!(answer.content_type.starts_with("text/plain"), "{}", answer.content_type);
    let text = String::from_utf8_lossy(&answer.body);
    assert!(text.starts_with("invalid TraceQL query: parse error at line 1, col"), "{text}");
}

/// A broken LogQL range query: 400, text pointing at the column.
#[test]
fn loki_query_error_is_text_grafana_can_show() {
    let fed = fed();
    let (start, end) = fed.range_ns();
    let (start, end) = (start.to_string(), end.to_string());
    let params = [("query", "{service_name=\"x\""), ("start", &start), ("end", &end), ("step", "1000ms")];
    let url = with_query(&format!("{}/loki/api/v1/query_range", fed.server.url(ports::LOKI)), &params);
    let answer = grafana_get(&url, &[("X-Query-Tags", "Source=logsample")]);
    assert_eq!(answer.status, 400);
    let text = String::from_utf8_lossy(&answer.body);
    assert!(text.starts_with("parse error at line 1, col"), "{text}");
}

/// A broken PromQL query: 400 with the JSON error envelope Grafana reads.
#[test]
fn prometheus_query_error_is_the_json_envelope() {
    let fed = fed();
    let form = [("query", "1+"), ("time", "4")];
    let answer = super::grafana_post_form(&format!("{}/api/v1/query", fed.server.url(ports::PROMETHEUS)), &form, &[]);
    assert_eq!(answer.status, 400);
    let body = answer.json();
    assert_eq!((&body["status"], &body["errorType"]), (&"error".into(), &"bad_data".into()), "{body}");
    assert!(body["error"].as_str().unwrap().starts_with("invalid parameter \"query\""), "{body}");
}
