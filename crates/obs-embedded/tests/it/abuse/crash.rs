//! Queries built to overflow a parser's or evaluator's stack, or to panic inside one, answer
//! 400 naming the limit; the server stays up.

use obs_stack::ports;
use test_support::embedded::EmbeddedServer;

use super::{get_with, under_attack};
use crate::{enc, get, post};

fn form(query: &str) -> Vec<u8> {
    format!("query={}", enc(query)).into_bytes()
}

/// LogQL `1^1^…` (5,000 terms, GET) and `vector(1)+…` (5,000 terms, POST) answer 400.
#[test]
fn deep_logql_answers_400() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let loki = server.url(ports::LOKI);
    under_attack(&server, 300, || {
        let power = vec!["1"; 5_000].join("^");
        let answer = get(&format!("{loki}/loki/api/v1/query?query={}", enc(&power)));
        assert_eq!(answer.status, 400, "{}", super::short(&answer.body));
        assert!(super::short(&answer.body).contains("limit"), "{}", super::short(&answer.body));
        let chain = vec!["vector(1)"; 5_000].join("+");
        let form_type = [("content-type", "application/x-www-form-urlencoded")];
        let answer = post(&format!("{loki}/loki/api/v1/query"), &form_type, &form(&chain));
        assert_eq!(answer.status, 400, "{}", super::short(&answer.body));
    });
}

/// PromQL chains, deep calls, deep brackets and huge durations answer 400 `bad_data`.
#[test]
fn deep_promql_answers_400() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let prom = server.url(ports::PROMETHEUS);
    under_attack(&server, 300, || {
        let queries = [
            vec!["1"; 5_000].join("+"),
            format!("{}1{}", "abs(".repeat(5_000), ")".repeat(5_000)),
            format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000)),
            "up[1e300]".to_owned(),
            "up offset 1e300".to_owned(),
        ];
        let form_type = [("content-type", "application/x-www-form-urlencoded")];
        for query in queries {
            let answer = post(&format!("{prom}/api/v1/query"), &form_type, &form(&query));
            let body = super::short(&answer.body);
            assert_eq!(answer.status, 400, "{}: {body}", &query[..query.len().min(40)]);
            assert_eq!(answer.json()["errorType"], "bad_data", "{body}");
        }
    });
}

/// Tempo search with 8,000 bare parameters answers 400 on the Tempo port and through the UI's
/// datasource proxy.
#[test]
fn many_tempo_tags_answer_400() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let params = vec!["a"; 8_000].join("&");
    under_attack(&server, 300, || {
        for base in
            [server.url(ports::TEMPO), format!("{}/api/datasources/proxy/uid/tempo", server.url(ports::GRAFANA))]
        {
            let answer = get(&format!("{base}/api/search?{params}"));
            assert_eq!(answer.status, 400, "{base}: {}", super::short(&answer.body));
        }
    });
}

/// The `<img>` form of the Tempo attack (a cross-site no-cors GET) is refused before any work.
#[test]
fn cross_site_image_attack_is_refused() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let params = vec!["a"; 8_000].join("&");
    let extra = "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: image\r\n";
    let (status, text) = get_with(&server, ports::TEMPO, &format!("/api/search?{params}"), "127.0.0.1", extra);
    assert_eq!(status, 403, "{text}");
    super::assert_alive(&server);
}
