//! The `/metrics` exposition over real HTTP: content type, families, escaping, histograms.

use crate::otlp::{counter, gauge, histogram, now_nanos, point, request};
use crate::server::{TestServer, agent};

/// Pins the text format 0.0.4: HELP/TYPE per family, sorted histogram buckets ending in +Inf,
/// escaped label values, and the server's own samples.
#[test]
fn exposition_text_format() {
    let s = TestServer::start();
    let now = now_nanos();
    let req = request(
        "svc",
        vec![
            counter("orders.sent", "Orders sent.\nPer venue.", vec![point(&[("venue", "a\"b\\c\nd")], now, 3.0)]),
            gauge("big", "", vec![point(&[], now, 2_500_000.0)]),
            histogram("rpc.duration", "s", now, &[0.5, 1_000_000.0], &[1, 2, 3], 7.25),
        ],
    );
    s.store.ingest(req).unwrap();
    let mut resp = agent().get(format!("http://{}/metrics", s.metrics)).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let content_type = resp.headers().get("content-type").unwrap().to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    let text = resp.body_mut().read_to_string().unwrap();
    let expected_lines = [
        "# HELP orders_sent_total Orders sent.\\nPer venue.",
        "# TYPE orders_sent_total counter",
        "orders_sent_total{instance=\"inst-1\",job=\"svc\",service_instance_id=\"inst-1\",service_name=\"svc\",venue=\"a\\\"b\\\\c\\nd\"} 3",
        "# TYPE big gauge",
        "big{instance=\"inst-1\",job=\"svc\",service_instance_id=\"inst-1\",service_name=\"svc\"} 2.5e+06",
        "# TYPE rpc_duration_seconds histogram",
        "# TYPE obs_embedded_series gauge",
        "obs_embedded_series{store=\"metrics\"} 7",
    ];
    for line in expected_lines {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in:\n{text}");
    }
    let buckets: Vec<&str> = text.lines().filter(|l| l.starts_with("rpc_duration_seconds")).collect();
    let (head, tail) = ("instance=\"inst-1\",job=\"svc\"", "service_instance_id=\"inst-1\",service_name=\"svc\"");
    let labels = format!("{head},{tail}");
    assert_eq!(
        buckets,
        vec![
            format!("rpc_duration_seconds_bucket{{{head},le=\"0.5\",{tail}}} 1"),
            format!("rpc_duration_seconds_bucket{{{head},le=\"1e+06\",{tail}}} 3"),
            format!("rpc_duration_seconds_bucket{{{head},le=\"+Inf\",{tail}}} 6"),
            format!("rpc_duration_seconds_sum{{{labels}}} 7.25"),
            format!("rpc_duration_seconds_count{{{labels}}} 6"),
        ]
    );
    assert!(text.ends_with('\n'));
}
