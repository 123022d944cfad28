//! LogQL over HTTP: the smoke test's trace-id query, line filters, parsers, label filters,
//! metric range queries, Grafana's health check, POST forms and directions.

use serde_json::{Value, json};

use super::fixtures::loaded_server;
use super::server::{Server, enc};

const SELECTOR: &str = r#"{service_name="peak_trade_smoke_sender"}"#;

fn lines(server: &Server, query: &str, extra: &str) -> Vec<String> {
    let body = server.json(&format!("/loki/api/v1/query_range?query={}{extra}", enc(query)), &[]);
    let mut out: Vec<(String, String)> = body["data"]["result"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["values"].as_array().into_iter().flatten())
        .map(|v| (v[0].as_str().unwrap_or("").to_owned(), v[1].as_str().unwrap_or("").to_owned()))
        .collect();
    out.sort();
    out.into_iter().map(|(_, line)| line).collect()
}

/// The query obs-smoke runs finds both the OTLP record and the pushed line by trace id.
#[test]
fn trace_id_filter() {
    let (server, _) = loaded_server();
    let q = format!(r#"{SELECTOR} | trace_id="0af7651916cd43dd8448eb211c80319c""#);
    assert_eq!(lines(&server, &q, ""), vec!["order A-1001 accepted", "push api line order_id=A-1001 status=done"]);
    let q = format!(r#"{SELECTOR} | trace_id!="0af7651916cd43dd8448eb211c80319c""#);
    assert_eq!(lines(&server, &q, ""), vec!["risk check failed for order A-1001"]);
}

/// Chained line filters: contains, not contains, regex, negated regex.
#[test]
fn line_filters() {
    let (server, _) = loaded_server();
    assert_eq!(lines(&server, &format!(r#"{SELECTOR} |= "A-1001" != "push""#), "").len(), 2);
    assert_eq!(
        lines(&server, &format!(r#"{SELECTOR} |~ "risk.*fail""#), ""),
        vec!["risk check failed for order A-1001"]
    );
    assert_eq!(lines(&server, &format!(r#"{SELECTOR} !~ "order A-1001 (accepted|x)""#), "").len(), 2);
    assert_eq!(lines(&server, &format!(r#"{SELECTOR} |= `accepted`"#), ""), vec!["order A-1001 accepted"]);
    let metadata_only = format!(r#"{SELECTOR} |= "RiskLimitExceeded""#);
    assert!(lines(&server, &metadata_only, "").is_empty(), "a literal found only in metadata is no line match");
}

/// Label filters on metadata and index labels, string and numeric, with and/or.
#[test]
fn label_filters() {
    let (server, _) = loaded_server();
    assert_eq!(lines(&server, &format!(r#"{SELECTOR} | detected_level=~"err.*""#), "").len(), 1);
    assert_eq!(lines(&server, &format!(r#"{SELECTOR} | order_qty >= 3"#), ""), vec!["order A-1001 accepted"]);
    assert_eq!(lines(&server, &format!(r#"{SELECTOR} | order_qty > 3"#), "").len(), 0);
    let q = format!(r#"{SELECTOR} | severity_number == 17 or source="push""#);
    assert_eq!(lines(&server, &q, "").len(), 2);
    assert_eq!(lines(&server, r#"{source="push", service_name=~"peak.*"}"#, "").len(), 1);
    assert_eq!(lines(&server, r#"{source!="push", service_name="peak_trade_smoke_sender"}"#, "").len(), 2);
}

/// `| logfmt` and `| json` extract labels; categorized answers put them under `parsed`.
#[test]
fn parsers() {
    let (server, offset) = loaded_server();
    let ts = (1_795_554_716_300_000_000i64 + offset).to_string();
    let push = json!({"streams": [{"stream": {"app": "json"}, "values": [[ts, r#"{"qty":5,"user":{"id":"u1"},"level":"warn"}"#]]}]});
    let (status, _, _) = server.post("/loki/api/v1/push", "application/json", push.to_string().as_bytes());
    assert_eq!(status, 204);
    let q = r#"{service_name="json"} | json | qty > 4 and user_id="u1""#;
    let body = server.json(
        &format!("/loki/api/v1/query_range?query={}", enc(q)),
        &[("X-Loki-Response-Encoding-Flags", "categorize-labels")],
    );
    let entry = &body["data"]["result"][0]["values"][0][2];
    assert_eq!(entry["parsed"], json!({"level": "warn", "qty": "5", "user_id": "u1"}));
    assert_eq!(entry["structuredMetadata"], json!({"detected_level": "warn"}));
    let q = format!(r#"{SELECTOR} | logfmt | status="done""#);
    let body = server.json(&format!("/loki/api/v1/query_range?query={}", enc(&q)), &[]);
    let stream = &body["data"]["result"][0]["stream"];
    assert_eq!((stream["status"].as_str(), stream["order_id"].as_str()), (Some("done"), Some("A-1001")));
    let q = r#"sum(count_over_time({service_name="json"} | logfmt [5m]))"#;
    assert_eq!(server.json(&format!("/loki/api/v1/query?query={}", enc(q)), &[])["data"]["result"][0]["value"][1], "1");
}

/// A range metric query answers a matrix with numeric times, string values and the step grid.
#[test]
fn metric_range_query() {
    let (server, offset) = loaded_server();
    let start = 1_795_554_716_000_000_000i64 + offset - 60_000_000_000;
    let end = start + 120_000_000_000;
    let q = format!("sum by (detected_level) (count_over_time({SELECTOR}[1m]))");
    let body =
        server.json(&format!("/loki/api/v1/query_range?query={}&start={start}&end={end}&step=30s", enc(&q)), &[]);
    assert_eq!(body["data"]["resultType"], "matrix");
    let result = body["data"]["result"].as_array().cloned().unwrap_or_default();
    let levels: Vec<&str> = result.iter().filter_map(|s| s["metric"]["detected_level"].as_str()).collect();
    assert_eq!(levels, vec!["error", "info", "unknown"]);
    for series in &result {
        let values = series["values"].as_array().cloned().unwrap_or_default();
        assert!(!values.is_empty() && values.len() <= 2, "1m window over 30s steps: {series}");
        assert!(values.iter().all(|v| v[0].is_number() && v[1] == "1"), "{series}");
    }
    let q = format!("rate({SELECTOR} |= \"accepted\" [1m])");
    let body = server.json(&format!("/loki/api/v1/query?query={}", enc(&q)), &[]);
    assert_eq!(body["data"]["result"][0]["value"][1], (1.0f64 / 60.0).to_string());
}

/// Grafana's health check (`vector(1)+vector(1)` at time=4000000000, empty direction) gets 2.
#[test]
fn grafana_health_check() {
    let server = Server::start();
    let body = server
        .json(&format!("/loki/api/v1/query?query={}&time=4000000000&direction=", enc("vector(1)+vector(1)")), &[]);
    assert_eq!(body["data"]["result"], json!([{"metric": {}, "value": [4_000_000_000u64, "2"]}]));
}

/// POST form bodies work like query strings; forward direction and limit pick the oldest.
#[test]
fn post_form_direction_and_limit() {
    let (server, _) = loaded_server();
    let form = format!("query={}&direction=FORWARD&limit=1", enc(SELECTOR));
    let (status, _, body) =
        server.post("/loki/api/v1/query_range", "application/x-www-form-urlencoded", form.as_bytes());
    assert_eq!(status, 200, "{body}");
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(body["data"]["result"][0]["values"][0][1], "order A-1001 accepted");
    assert_eq!(lines(&server, SELECTOR, "&limit=2").len(), 2);
}

/// index/stats, detected_labels, detected_fields and field values answer with Loki's keys.
#[test]
fn index_stats_and_detected_labels() {
    let (server, _) = loaded_server();
    let stats = server.json(&format!("/loki/api/v1/index/stats?query={}", enc(SELECTOR)), &[]);
    assert_eq!((stats["streams"].as_u64(), stats["entries"].as_u64()), (Some(2), Some(3)));
    let fields = server.json(&format!("/loki/api/v1/detected_fields?query={}", enc(SELECTOR)), &[]);
    let field = |name: &str| {
        fields["fields"].as_array().into_iter().flatten().find(|f| f["label"] == name).cloned().unwrap_or_default()
    };
    assert_eq!(field("order_qty"), json!({"label": "order_qty", "type": "int", "cardinality": 1, "parsers": null}));
    assert_eq!(field("detected_level")["cardinality"], 3);
    let q = format!("{SELECTOR} | logfmt");
    let fields = server.json(&format!("/loki/api/v1/detected_fields?query={}", enc(&q)), &[]);
    let status = fields["fields"].as_array().into_iter().flatten().find(|f| f["label"] == "status").cloned();
    assert_eq!(status.map(|s| s["parsers"].clone()), Some(json!(["logfmt"])));
    let values = server.json(&format!("/loki/api/v1/detected_field/severity_text/values?query={}", enc(SELECTOR)), &[]);
    assert_eq!(values["values"], json!(["ERROR", "INFO"]));
    let detected = server.json("/loki/api/v1/detected_labels", &[]);
    assert_eq!(
        detected["detectedLabels"],
        json!([{"label": "service_name", "cardinality": 1}, {"label": "source", "cardinality": 1}])
    );
}

/// Grafana's log-volume query shape (`| drop __error__`, `sum by (level, detected_level)`) works;
/// without the drop a parser error fails the metric query, as in Loki.
#[test]
fn log_volume_query_and_parser_errors() {
    let (server, _) = loaded_server();
    let q = format!("sum by (level, detected_level) (count_over_time({SELECTOR} | json | drop __error__ [1m]))");
    let body = server.json(&format!("/loki/api/v1/query_range?query={}&step=60s", enc(&q)), &[]);
    let levels: Vec<&str> = body["data"]["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["metric"]["detected_level"].as_str())
        .collect();
    assert_eq!(levels, vec!["error", "info", "unknown"]);
    let q = format!("sum(count_over_time({SELECTOR} | json [1m]))");
    let (status, _, body) = server.get(&format!("/loki/api/v1/query?query={}", enc(&q)), &[]);
    assert_eq!(status, 400);
    assert!(body.contains("JSONParserErr") && body.contains("__error__"), "{body}");
}

/// Grouping by an attribute, an index label and the level gives the same counts on the
/// memoized path as label-by-label grouping would.
#[test]
fn sum_by_attribute_and_label() {
    let (server, _) = loaded_server();
    let instant = |q: &str| -> Vec<(Value, String)> {
        let body = server.json(&format!("/loki/api/v1/query?query={}", enc(q)), &[]);
        body["data"]["result"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| (s["metric"].clone(), s["value"][1].as_str().unwrap_or("").to_owned()))
            .collect()
    };
    let q = format!("sum by (order_id, source) (count_over_time({SELECTOR}[10m]))");
    assert_eq!(
        instant(&q),
        vec![(json!({"order_id": "A-1001"}), "2".to_owned()), (json!({"source": "push"}), "1".to_owned())]
    );
    let q = format!(
        "count(count_over_time({SELECTOR}[10m])) + sum without (detected_level) (count_over_time({SELECTOR}[10m])) * 0"
    );
    assert_eq!(server.get(&format!("/loki/api/v1/query?query={}", enc(&q)), &[]).0, 200);
    let q = format!("sum by (order_side, detected_level) (bytes_over_time({SELECTOR}[10m]))");
    assert_eq!(
        instant(&q),
        vec![
            (json!({"detected_level": "error"}), "34".to_owned()),
            (json!({"detected_level": "info", "order_side": "buy"}), "21".to_owned()),
            (json!({"detected_level": "unknown"}), "41".to_owned()),
        ]
    );
}

/// `line_format` with labels and `__line__` rewrites the line; later line filters see the new one.
#[test]
fn line_format() {
    let (server, _) = loaded_server();
    let q = format!(
        r#"{SELECTOR} | logfmt | line_format "{{{{.status}}}} {{{{ .order_id }}}}: {{{{__line__}}}}" |= "done A-1001""#
    );
    assert_eq!(lines(&server, &q, ""), vec!["done A-1001: push api line order_id=A-1001 status=done"]);
    let q = format!(r#"sum(bytes_over_time({SELECTOR} | line_format "{{{{.detected_level}}}}" [10m]))"#);
    let body = server.json(&format!("/loki/api/v1/query?query={}", enc(&q)), &[]);
    assert_eq!(body["data"]["result"][0]["value"][1], "16", "error + info + unknown = 5 + 4 + 7 bytes");
}
