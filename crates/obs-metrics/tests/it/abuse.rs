//! Hostile queries over real HTTP: each gets Prometheus' error answer naming the limit, and
//! the server keeps answering afterwards.

use std::time::Duration;

use obs_contract::query::QueryLimits;
use serde_json::Value;

use crate::otlp::{gauge, now_nanos, point, request};
use crate::server::{TestServer, get, post_json};

/// Posts `query` to `/api/v1/query` and returns status, errorType and error.
fn refused(server: &TestServer, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let (status, body) = post_json(&format!("http://{}{path}", server.api), form);
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (status, text(&body["errorType"]), text(&body["error"]))
}

fn alive(server: &TestServer) {
    assert_eq!(get(&format!("http://{}/-/healthy", server.api), &[]).0, 200, "the server must survive");
}

/// Pins the crash queries (5,000 terms, 5,000 nested calls, 100,000 brackets, a run
/// of 20,000 signs, durations the parser panics on) answering 400 bad_data naming the problem,
/// with the server alive after each; `match[]` selectors are bounded alike.
#[test]
fn crash_queries_answer_bad_data() {
    let s = TestServer::start();
    let cases = [
        (vec!["1"; 5_000].join("+"), "number of operators is 4999, over the limit of 1000"),
        (format!("{}1{}", "abs(".repeat(5_000), ")".repeat(5_000)), "nesting depth is 5000, over the limit of 64"),
        (format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000)), "length in bytes is 200001, over the limit"),
        (format!("{}up", "-".repeat(20_000)), "number of operators is 20000, over the limit of 1000"),
        ("up[1e300]".to_string(), "is out of range"),
        ("up offset 1e300".to_string(), "is out of range"),
    ];
    for (query, needle) in &cases {
        let (status, kind, message) = refused(&s, "/api/v1/query", &[("query", query)]);
        assert_eq!((status, kind.as_str()), (400, "bad_data"), "{}: {message}", &query[..20.min(query.len())]);
        assert!(message.contains(needle), "{message}");
        alive(&s);
    }
    let deep = format!("{}up{}", "{a=~\"x\"} and on() (".repeat(100), ")".repeat(100));
    let (status, kind, message) = refused(&s, "/api/v1/series", &[("match[]", &deep)]);
    assert_eq!((status, kind.as_str()), (400, "bad_data"), "{message}");
    assert!(message.contains("over the limit of 64"), "{message}");
}

/// Pins the samples limit: a range query holding more samples than `max_samples` answers 422
/// execution with Prometheus' words and the variable that raises it.
#[test]
fn too_many_samples_answers_422() {
    let s = TestServer::start_with(QueryLimits { max_samples: 100, ..QueryLimits::default() });
    let now = now_nanos();
    let points = (0..50).map(|i| point(&[("i", &i.to_string())], now, 1.0)).collect();
    s.store.ingest(request("svc", vec![gauge("wide", "", points)])).unwrap();
    // 50 series visible at each of 61 steps after the sample: 3,050 points.
    let start = (now / 1_000_000_000 + 1).to_string();
    let end = (now / 1_000_000_000 + 61).to_string();
    let form = [("query", "wide"), ("start", start.as_str()), ("end", end.as_str()), ("step", "1")];
    let (status, kind, message) = refused(&s, "/api/v1/query_range", &form);
    assert_eq!((status, kind.as_str()), (422, "execution"), "{message}");
    assert!(
        message.starts_with("query processing would load too many samples into memory in query execution"),
        "{message}"
    );
    assert!(message.contains("OBS_QUERY_MAX_SAMPLES"), "{message}");
    alive(&s);
}

/// Pins a query past its deadline answering 503 timeout with Prometheus' words and our hint.
#[test]
fn deadline_answers_503_timeout() {
    let s = TestServer::start_with(QueryLimits { timeout: Duration::ZERO, ..QueryLimits::default() });
    let form = [("query", "vector(1)"), ("start", "0"), ("end", "100"), ("step", "1")];
    let (status, kind, message) = refused(&s, "/api/v1/query_range", &form);
    assert_eq!((status, kind.as_str()), (503, "timeout"), "{message}");
    assert!(message.starts_with("query timed out in expression evaluation: "), "{message}");
    assert!(message.contains("OBS_QUERY_TIMEOUT"), "{message}");
}
