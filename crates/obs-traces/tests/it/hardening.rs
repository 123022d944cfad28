//! Hostile requests answer a clear 4xx/5xx in Tempo's plain-text shape and leave the server and
//! its data intact: thousands of bare parameters, deep or long TraceQL, reversed windows, a
//! query past its deadline, and requests bigger than the whole store.

use std::time::Duration;

use obs_contract::query::QueryLimits;
use obs_contract::{Refusal, StoreLimits};

use crate::support::{Server, enc, replayed_request, roomy};

const TRACE: &str = "0af7651916cd43dd8448eb211c80319c";

/// Pins that 8,000 bare parameters (each a legacy tag) answer 400 naming the tag limit instead
/// of overflowing the stack, at the root and under the UI's datasource-proxy prefix, and that
/// the server keeps answering with its data.
#[test]
fn thousands_of_bare_parameters_answer_400() {
    let prefix = "/api/datasources/proxy/uid/tempo";
    for server in [Server::start(roomy()), Server::start_at(roomy(), prefix)] {
        let (req, _) = replayed_request();
        server.store.ingest(req).expect("ingest the captured request");
        let query = vec!["a"; 8_000].join("&");
        let reply = server.get(&format!("/api/search?{query}"), None);
        assert_eq!((reply.status, reply.content_type.as_str()), (400, "text/plain; charset=utf-8"));
        assert!(reply.text().contains("number of tags is 8000, over the limit of 1000"), "{}", reply.text());
        assert_eq!(server.get(&format!("/api/traces/{TRACE}"), None).status, 200);
    }
}

/// Pins that a tag search at the tag limit still runs (the legacy query is a flat list), and
/// one tag past it is refused.
#[test]
fn tag_limit_is_exact() {
    let server = Server::start_with(roomy(), QueryLimits { max_terms: 50, ..QueryLimits::default() }, "");
    let (req, _) = replayed_request();
    server.store.ingest(req).expect("ingest the captured request");
    let tags = |n: usize| (0..n).map(|_| "service.name=peak_trade_smoke_sender").collect::<Vec<_>>().join("&");
    let found = server.json(&format!("/api/search?{}", tags(50)));
    assert_eq!(found["traces"].as_array().map(Vec::len), Some(1));
    let over = server.get(&format!("/api/search?{}", tags(51)), None);
    assert_eq!(over.status, 400, "{}", over.text());
}

/// Pins that deep, operator-heavy and over-long TraceQL answers 400 naming the limit, while a
/// long chain under the limits is evaluated (flat, no recursion per term).
#[test]
fn deep_and_long_traceql_answer_400() {
    let server = Server::start_with(roomy(), QueryLimits { max_query_bytes: 16 * 1024, ..QueryLimits::default() }, "");
    let (req, _) = replayed_request();
    server.store.ingest(req).expect("ingest the captured request");
    let cases = [
        (format!("{}{{}}{}", "(".repeat(5_000), ")".repeat(5_000)), "nesting depth is 5001, over the limit of 64"),
        (format!("{{ {} .a = 1 }}", "! ".repeat(100)), "nests deeper than 64 levels"),
        (format!("{{ {} .a = 1 }}", "!".repeat(5_000)), "number of operators is 5001"),
        (format!("{{ .a = 1{} }}", " && .a = 1".repeat(1_500)), "number of operators is 4501"),
        (format!("{{ .a = \"{}\" }}", "x".repeat(20_000)), "length in bytes is 20011, over the limit of 16384"),
    ];
    for (query, needle) in cases {
        let reply = server.get(&format!("/api/search?q={}", enc(&query)), None);
        assert_eq!(reply.status, 400, "{needle}");
        assert!(reply.text().contains(needle), "{needle}: {}", reply.text());
    }
    let chain = format!("{{ resource.service.name = \"peak_trade_smoke_sender\"{} }}", " && duration > 0".repeat(300));
    let found = server.json(&format!("/api/search?q={}", enc(&chain)));
    assert_eq!(found["traces"].as_array().map(Vec::len), Some(1));
    let sets = vec!["{ duration > 0 }"; 300].join(" || ");
    let found = server.json(&format!("/api/search?q={}", enc(&sets)));
    assert_eq!(found["traces"].as_array().map(Vec::len), Some(1));
}

/// Pins Tempo's 400 and wording for a window whose end is not after its start.
#[test]
fn reversed_window_answers_400() {
    let server = Server::start(roomy());
    for (start, end) in [(2000, 1000), (1000, 1000)] {
        let reply = server.get(&format!("/api/search?start={start}&end={end}"), None);
        assert_eq!(reply.status, 400);
        assert_eq!(reply.text(), format!("http parameter start must be before end. received start={start} end={end}"));
    }
}

/// Pins that a query past the runner's deadline answers 504 in plain text naming the variable
/// that sets the deadline, for search, trace by id and tag values alike.
#[test]
fn query_past_its_deadline_answers_504() {
    let server = Server::start_with(roomy(), QueryLimits { timeout: Duration::ZERO, ..QueryLimits::default() }, "");
    let (req, _) = replayed_request();
    server.store.ingest(req).expect("ingest the captured request");
    for path in [
        format!("/api/search?q={}", enc("{}")),
        format!("/api/traces/{TRACE}"),
        "/api/v2/search/tag/name/values".to_owned(),
    ] {
        let reply = server.get(&path, None);
        assert_eq!((reply.status, reply.content_type.as_str()), (504, "text/plain; charset=utf-8"), "{path}");
        assert!(reply.text().contains("OBS_QUERY_TIMEOUT"), "{path}: {}", reply.text());
    }
}

/// Pins that a request with more spans than the whole store keeps is refused as too large
/// (naming OBS_MAX_SPANS), stores nothing and evicts nothing.
#[test]
fn request_over_the_span_cap_is_refused_whole() {
    let server = Server::start(StoreLimits { max_items: 2, max_bytes: 1 << 24, history: Duration::from_secs(60) });
    let (req, _) = replayed_request();
    let refusal = server.store.ingest(req).expect_err("3 spans cannot fit a 2-span store");
    assert!(matches!(&refusal, Refusal::TooLarge(m) if m.contains("OBS_MAX_SPANS")), "{refusal:?}");
    assert!(!refusal.is_retryable());
    let stats = server.store.stats();
    assert_eq!((stats.items, stats.evicted, stats.refused), (0, 0, 3));
}
