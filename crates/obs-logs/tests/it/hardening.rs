//! Attacks from issue #10 against the real router on a loopback socket: queries built to
//! overflow the stack are refused (or evaluated without recursion), and the server keeps
//! answering.

use obs_contract::query::QueryLimits;

use super::server::{Server, enc};

/// The server still answers a cheap request after an attack.
fn assert_alive(server: &Server) {
    let (status, _, body) = server.get("/ready", &[]);
    assert_eq!((status, body.as_str()), (200, "ready\n"));
}

/// A 5,000-term `1^1^…^1` GET is a plain-text 400 naming the operator limit, not a crash.
#[test]
fn power_chain_is_refused_by_the_lexical_bound() {
    let server = Server::start();
    let chain = vec!["1"; 5_000].join("^");
    let (status, content_type, body) = server.get(&format!("/loki/api/v1/query?query={}", enc(&chain)), &[]);
    assert_eq!((status, content_type.as_str()), (400, "text/plain; charset=utf-8"), "{body}");
    assert_eq!(
        body,
        "the query number of operators is 4999, over the limit of 1000; split the query into several smaller ones"
    );
    assert_alive(&server);
}

/// A 5,000-term `vector(1)+…` POST is a 400 naming the operator limit.
#[test]
fn vector_sum_chain_is_refused_by_the_lexical_bound() {
    let server = Server::start();
    let chain = vec!["vector(1)"; 5_000].join("+");
    let form = format!("query={}", enc(&chain));
    let (status, _, body) = server.post("/loki/api/v1/query", "application/x-www-form-urlencoded", form.as_bytes());
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("number of operators is 4999, over the limit of 1000"), "{body}");
    assert_alive(&server);
}

/// Under the operator limit, a `^` chain deeper than the parser's depth limit is refused by the
/// parser's own depth counter, naming the limit.
#[test]
fn power_chain_under_the_operator_limit_meets_the_depth_limit() {
    let server = Server::start();
    let chain = vec!["1"; 500].join("^");
    let (status, _, body) = server.get(&format!("/loki/api/v1/query?query={}", enc(&chain)), &[]);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("nesting depth is 65, over the limit of 64"), "{body}");
    assert_alive(&server);
}

/// With the operator limit raised far, a 20,000-term `vector(1)+…` is evaluated and dropped
/// without recursion: the answer is the sum.
#[test]
fn long_vector_chain_evaluates_without_recursion() {
    let limits = QueryLimits { max_terms: 100_000, max_query_bytes: 1 << 20, ..QueryLimits::default() };
    let server = Server::with_query_limits(limits);
    let chain = vec!["vector(1)"; 20_000].join("+");
    let form = format!("query={}&time=1800000000", enc(&chain));
    let (status, _, body) = server.post("/loki/api/v1/query", "application/x-www-form-urlencoded", form.as_bytes());
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(answer["data"]["result"][0]["value"][1], "20000");
}

/// A 20,000-term `and` chain of label filters parses into a flat list and runs.
#[test]
fn long_label_filter_chain_runs() {
    let limits = QueryLimits { max_terms: 100_000, max_query_bytes: 1 << 20, ..QueryLimits::default() };
    let server = Server::with_query_limits(limits);
    let chain = vec![r#"a!="x""#; 20_000].join(" and ");
    let query = format!(r#"{{job="none"}} | {chain}"#);
    let form = format!("query={}", enc(&query));
    let (status, _, body) =
        server.post("/loki/api/v1/query_range", "application/x-www-form-urlencoded", form.as_bytes());
    assert_eq!(status, 200, "{body}");
}
