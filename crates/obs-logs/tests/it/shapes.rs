//! Our answers against real Loki's, after ingesting the same requests: same results (timestamps
//! shifted alike), same envelope keys and `stats` shape, same content type.

use std::collections::BTreeSet;

use serde_json::Value;

use super::fixtures::{key_paths, load, loaded_server, shift_all};
use super::server::enc;

const SELECTOR: &str = r#"{service_name="peak_trade_smoke_sender"}"#;

fn assert_same_shape(ours: &Value, theirs: &Value) {
    let (mut a, mut b) = (BTreeSet::new(), BTreeSet::new());
    key_paths(ours, "", &mut a);
    key_paths(theirs, "", &mut b);
    assert_eq!(a, b, "key paths differ");
}

/// query_range without flags: metadata merged into `stream`, three streams in Loki's order.
#[test]
fn query_range_matches_loki() {
    let (server, offset) = loaded_server();
    let ours = server.json(&format!("/loki/api/v1/query_range?query={}", enc(SELECTOR)), &[]);
    let mut theirs = load("loki-query-range.json");
    shift_all(&mut theirs, offset);
    assert_eq!(ours["data"]["result"], theirs["data"]["result"]);
    assert_same_shape(&ours, &theirs);
    let keys: Vec<&String> = ours["data"].as_object().map(|m| m.keys().collect()).unwrap_or_default();
    assert!(keys.contains(&&"resultType".to_owned()) && !keys.contains(&&"encodingFlags".to_owned()));
}

/// With `categorize-labels`: index labels only in `stream`, metadata in the third element.
#[test]
fn query_range_categorized_matches_loki() {
    let (server, offset) = loaded_server();
    let flags = [("X-Loki-Response-Encoding-Flags", "categorize-labels")];
    let (status, _, raw) = server.get(&format!("/loki/api/v1/query_range?query={}", enc(SELECTOR)), &flags);
    assert_eq!(status, 200);
    let order: Vec<usize> = ["\"resultType\"", "\"encodingFlags\"", "\"result\"", "\"stats\""]
        .iter()
        .map(|k| raw.find(k).expect("key present"))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "data keys out of Loki's order: {raw}");
    let ours: Value = serde_json::from_str(&raw).expect("JSON");
    let mut theirs = load("loki-query-range-categorized.json");
    shift_all(&mut theirs, offset);
    assert_eq!(ours["data"]["result"], theirs["data"]["result"]);
    assert_eq!(ours["data"]["encodingFlags"], theirs["data"]["encodingFlags"]);
    assert_same_shape(&ours, &theirs);
}

/// `sum by (severity_text) (count_over_time(...))` groups on metadata, with `{}` for the push line.
#[test]
fn metric_query_matches_loki() {
    let (server, _) = loaded_server();
    let q = format!("sum by (severity_text) (count_over_time({SELECTOR}[10m]))");
    let ours = server.json(&format!("/loki/api/v1/query?query={}", enc(&q)), &[]);
    let theirs = load("loki-query-metric.json");
    assert_eq!(ours["data"]["resultType"], "vector");
    let strip = |v: &Value| -> Vec<(Value, Value)> {
        v["data"]["result"]
            .as_array()
            .map(|a| a.iter().map(|s| (s["metric"].clone(), s["value"][1].clone())).collect())
            .unwrap_or_default()
    };
    assert_eq!(strip(&ours), strip(&theirs));
    assert!(ours["data"]["result"][0]["value"][0].is_number(), "sample time must be a JSON number");
    assert_same_shape(&ours, &theirs);
}

/// labels, label values and series list index labels only, like Loki.
#[test]
fn metadata_endpoints_match_loki() {
    let (server, _) = loaded_server();
    assert_eq!(server.json("/loki/api/v1/labels", &[]), load("loki-labels.json"));
    assert_eq!(server.json("/loki/api/v1/label/service_name/values", &[]), load("loki-label-values.json"));
    let ours = server.json(&format!("/loki/api/v1/series?match%5B%5D={}", enc(SELECTOR)), &[]);
    let theirs = load("loki-series.json");
    let as_set = |v: &Value| -> BTreeSet<String> {
        v["data"].as_array().map(|a| a.iter().map(|s| s.to_string()).collect()).unwrap_or_default()
    };
    assert_eq!(ours["status"], "success");
    assert_eq!(as_set(&ours), as_set(&serde_json::from_str(&theirs.to_string()).expect("json")));
    let empty = server.json("/loki/api/v1/label/nope/values", &[]);
    assert_eq!(empty, serde_json::json!({"status": "success"}), "empty lists leave out data, as Loki does");
}

/// /ready and buildinfo answer like Loki's.
#[test]
fn ready_and_buildinfo() {
    let server = super::server::Server::start();
    let (status, _, body) = server.get("/ready", &[]);
    assert_eq!((status, body.as_str()), (200, "ready\n"));
    let (status, content_type, body) = server.get("/loki/api/v1/status/buildinfo", &[]);
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    let info: Value = serde_json::from_str(&body).expect("JSON");
    for key in ["version", "revision", "branch", "buildUser", "buildDate", "goVersion"] {
        assert!(info.get(key).is_some(), "buildinfo lacks {key}: {body}");
    }
}

/// Requested encoding flags are echoed on metric answers too (matrix, vector and scalar),
/// between `resultType` and `result`, and absent when not requested.
#[test]
fn metric_answers_echo_encoding_flags() {
    let (server, _) = loaded_server();
    let flags = [("X-Loki-Response-Encoding-Flags", "categorize-labels")];
    let count = format!("sum(count_over_time({SELECTOR}[10m]))");
    let paths = [
        format!("/loki/api/v1/query_range?query={}&step=60s", enc(&count)),
        format!("/loki/api/v1/query?query={}", enc(&count)),
        format!("/loki/api/v1/query?query={}", enc("1+1")),
    ];
    for (path, kind) in paths.iter().zip(["matrix", "vector", "scalar"]) {
        let (status, _, raw) = server.get(path, &flags);
        assert_eq!(status, 200, "{path}: {raw}");
        let body: Value = serde_json::from_str(&raw).expect("JSON");
        assert_eq!(body["data"]["resultType"], kind, "{raw}");
        assert_eq!(body["data"]["encodingFlags"], serde_json::json!(["categorize-labels"]), "{raw}");
        let at = |key: &str| raw.find(key).expect("key present");
        assert!(at("\"resultType\"") < at("\"encodingFlags\"") && at("\"encodingFlags\"") < at("\"result\""), "{raw}");
        let plain = server.json(path, &[]);
        assert!(plain["data"].get("encodingFlags").is_none(), "{plain}");
    }
}
