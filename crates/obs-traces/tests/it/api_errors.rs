//! Bad input and unknown ids answer as Tempo does, and never disturb stored data.

use crate::support::{Server, enc, replayed_request, roomy};

const TRACE: &str = "0af7651916cd43dd8448eb211c80319c";

/// Pins unknown ids (v1 404 empty, v2 200 `{"trace":{}}`) and Tempo's text for a non-hex id.
#[test]
fn unknown_and_malformed_ids() {
    let server = Server::start(roomy());
    let v1 = server.get("/api/traces/11111111111111111111111111111111", None);
    assert_eq!((v1.status, v1.body.len(), v1.content_type.as_str()), (404, 0, ""));
    assert_eq!(server.json("/api/v2/traces/11111111111111111111111111111111"), serde_json::json!({"trace": {}}));
    let bad = server.get("/api/traces/not-hex", None);
    assert_eq!(bad.status, 400);
    assert_eq!(bad.text(), "trace IDs can only contain hex characters: invalid character 'n' at position 1");
    assert_eq!(server.get(&format!("/api/traces/{TRACE}0"), None).status, 400);
}

/// Pins Tempo's 400 text for a TraceQL syntax error, and clear 400s for other bad parameters.
#[test]
fn bad_search_parameters() {
    let server = Server::start(roomy());
    let (req, _) = replayed_request();
    server.store.ingest(req).expect("ingest the captured request");
    let err = server.get(&format!("/api/search?q={}", enc("{status=")), None);
    assert_eq!((err.status, err.content_type.as_str()), (400, "text/plain; charset=utf-8"));
    assert!(
        err.text().starts_with("invalid TraceQL query: parse error at line 1, col 9: syntax error: unexpected $end"),
        "{}",
        err.text()
    );
    let cases = [
        (format!("q={}&tags=a%3Db", enc("{}")), "not both"),
        ("limit=0".to_owned(), "invalid limit"),
        ("minDuration=5parsecs".to_owned(), "invalid duration"),
        ("minDuration=2s&maxDuration=1s".to_owned(), "smaller than minDuration"),
        ("start=17955547160000".to_owned(), "invalid start"),
        (format!("q={}", enc(r#"{ name =~ "(" }"#)), "invalid regular expression"),
        ("tags=novalue".to_owned(), "invalid tags"),
    ];
    for (query, needle) in cases {
        let reply = server.get(&format!("/api/search?{query}"), None);
        assert_eq!(reply.status, 400, "{query}");
        assert!(reply.text().contains(needle), "{query}: {}", reply.text());
    }
    assert_eq!(server.get(&format!("/api/traces/{TRACE}"), None).status, 200, "stored data survives bad queries");
}

/// Pins search parameters: limit, spss, duration bounds and the time window.
#[test]
fn search_parameters() {
    let server = Server::start(roomy());
    let (req, _) = replayed_request();
    server.store.ingest(req).expect("ingest the captured request");
    let all = server.json(&format!("/api/search?q={}&spss=1", enc("{}")));
    assert_eq!(all["traces"][0]["spanSet"]["matched"], 3);
    assert_eq!(all["traces"][0]["spanSet"]["spans"].as_array().map(Vec::len), Some(1));
    let count = |query: &str| server.json(&format!("/api/search?{query}"))["traces"].as_array().map_or(0, Vec::len);
    assert_eq!(count("minDuration=200ms"), 1);
    assert_eq!(count("minDuration=300ms"), 0);
    assert_eq!(count("maxDuration=100ms"), 0);
    assert_eq!(count("start=1000&end=2000"), 0);
    assert_eq!(count("service.name=peak_trade_smoke_sender"), 1, "loose parameters are tags");
    assert_eq!(count("service.name=someone_else"), 0);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    assert_eq!(count(&format!("start={}&end={}", now - 60, now + 60)), 1);
    assert_eq!(count(&format!("q={}", enc("{ duration > 200ms } && { span.risk.blocking = true }"))), 1);
    assert_eq!(count(&format!("q={}", enc("{ duration > 300ms } || { span.db.rows_affected > 1 }"))), 0);
}
