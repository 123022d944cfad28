//! Bad input gets Loki's status and a message naming the problem, and loses nothing stored.

use serde_json::json;

use super::fixtures::loaded_server;
use super::server::{Server, enc};

fn stored(server: &Server) -> u64 {
    server.store.stats().items
}

/// A LogQL syntax error is a plain-text 400 pointing at the column, exactly as Loki words it.
#[test]
fn syntax_error_names_the_column() {
    let server = Server::start();
    let (status, content_type, body) = server
        .get(&format!("/loki/api/v1/query_range?query={}", enc(r#"{service_name="peak_trade_smoke_sender""#)), &[]);
    assert_eq!(status, 400);
    assert_eq!(content_type, "text/plain; charset=utf-8");
    assert_eq!(body, "parse error at line 1, col 40: syntax error: unexpected $end, expecting } or ,");
    let (status, _, body) =
        server.get(&format!("/loki/api/v1/query?query={}", enc("sum(rate({a=\"b\"} [5m])) by (")), &[]);
    assert_eq!(status, 400);
    assert!(body.starts_with("parse error at line 1, col 29: syntax error: unexpected $end"), "{body}");
}

/// Valid LogQL we do not evaluate is a 400 naming the feature, and a log query is not an instant query.
#[test]
fn unsupported_and_misplaced_queries() {
    let server = Server::start();
    let (status, _, body) = server
        .get(&format!("/loki/api/v1/query_range?query={}", enc(r#"{a="b"} | line_format "{{ ToUpper .x }}""#)), &[]);
    assert_eq!(status, 400);
    assert!(body.contains("unsupported LogQL feature") && body.contains("line_format"), "{body}");
    let (status, _, body) = server.get(&format!("/loki/api/v1/query?query={}", enc(r#"{a="b"}"#)), &[]);
    assert_eq!(status, 400);
    assert!(body.contains("log queries are not supported as an instant query type"), "{body}");
    let (status, _, body) =
        server.get(&format!("/loki/api/v1/query_range?query={}&limit=6000", enc(r#"{a="b"}"#)), &[]);
    assert_eq!(
        (status, body.as_str()),
        (400, "max entries limit per query exceeded, limit > max_entries_limit_per_query (6000 > 5000)")
    );
    let (status, _, body) = server.get("/loki/api/v1/query_range", &[]);
    assert_eq!(status, 400);
    assert!(body.contains("query parameter is missing"), "{body}");
}

/// Bad pushes are refused with 400/415 and leave stored records alone.
#[test]
fn bad_pushes() {
    let (server, _) = loaded_server();
    let before = stored(&server);
    let now = (super::fixtures::offset() + 1_795_554_716_272_863_279).to_string();
    let cases = [
        (
            json!({"streams": [{"stream": {"a": "b"}, "values": [[now, "line", "not-an-object"]]}]}),
            "structured metadata",
        ),
        (json!({"streams": [{"stream": {"a": "b"}, "values": [[1_795_554_716i64, "line"]]}]}), "must be a JSON string"),
        (
            json!({"streams": [{"stream": {"a": "b"}, "values": [["1000000000000000000", "line"]]}]}),
            "timestamp too old",
        ),
        (json!({"streams": [{"stream": {"a.b": "c"}, "values": [[now, "line"]]}]}), "invalid label name"),
    ];
    for (body, expected) in cases {
        let (status, _, answer) = server.post("/loki/api/v1/push", "application/json", body.to_string().as_bytes());
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(answer.contains(expected), "{body}: {answer}");
    }
    let (status, _, answer) = server.post("/loki/api/v1/push", "application/x-protobuf", b"\x05garbage");
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("snappy") || answer.contains("protobuf"), "{answer}");
    let (status, _, answer) = server.post("/loki/api/v1/push", "text/plain", b"line");
    assert_eq!(status, 415, "{answer}");
    let (status, _, _) = server.post("/loki/api/v1/push", "application/json", b"{not json");
    assert_eq!(status, 400);
    let (status, _, _) = server.post("/otlp/v1/logs", "application/json", b"{not json");
    assert_eq!(status, 400);
    assert_eq!(stored(&server), before, "nothing stored was lost or added");
}
