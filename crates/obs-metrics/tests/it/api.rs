//! The Prometheus API over real HTTP: envelope, result shapes, metadata endpoints and errors.

use serde_json::{Value, json};

use crate::otlp::{counter, gauge, histogram, now_nanos, point, request};
use crate::server::{TestServer, agent, get, get_json};

fn seeded() -> TestServer {
    let server = TestServer::start();
    let now = now_nanos();
    let req = request(
        "peak_trade_smoke_sender",
        vec![
            counter("peak_trade_smoke", "smoke runs", vec![point(&[("smoke.run_id", "abc123")], now, 1.0)]),
            gauge(
                "queue.depth",
                "",
                vec![point(&[("queue", "orders")], now, 5.0), point(&[("queue", "fills")], now, 3.0)],
            ),
            histogram("order.latency", "ms", now, &[5.0, 10.0], &[2, 1, 1], 27.5),
        ],
    );
    let out = server.store.ingest(req).unwrap();
    assert_eq!(out.rejected, 0, "{out:?}");
    server
}

fn url(server: &TestServer, path: &str) -> String {
    format!("http://{}{path}", server.api)
}

/// Pins the smoke check's query: the counter is found by its run id with value 1, as ingested.
#[test]
fn smoke_counter_is_queryable_right_after_ingest() {
    let s = seeded();
    let (status, body) =
        get_json(&url(&s, "/api/v1/query"), &[("query", "peak_trade_smoke_total{smoke_run_id=\"abc123\"}")]);
    assert_eq!(status, 200);
    assert_eq!(body["status"], "success");
    assert_eq!(body["data"]["resultType"], "vector");
    let result = &body["data"]["result"][0];
    assert_eq!(result["value"][1], "1");
    assert!(result["value"][0].is_number());
    assert_eq!(result["metric"]["job"], "peak_trade_smoke_sender");
    assert_eq!(result["metric"]["instance"], "inst-1");
    assert_eq!(result["metric"]["service_name"], "peak_trade_smoke_sender");
    assert_eq!(result["metric"]["__name__"], "peak_trade_smoke_total");
    assert!(body.get("warnings").is_none());
}

/// Pins the scalar shape Grafana's health check expects, over GET and form POST.
#[test]
fn scalar_health_check_get_and_post() {
    let s = seeded();
    let (status, body) = get_json(&url(&s, "/api/v1/query"), &[("query", "1+1"), ("time", "4")]);
    assert_eq!((status, &body["data"]), (200, &json!({"resultType": "scalar", "result": [4, "2"]})));
    let mut resp =
        agent().post(url(&s, "/api/v1/query")).send_form([("query", "0.1+0.2"), ("time", "1700000000.5")]).unwrap();
    let body: Value = serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["data"]["result"], json!([1700000000.5, "0.30000000000000004"]));
    let (_, body) = get_json(&url(&s, "/api/v1/query"), &[("query", "vector(1)/0")]);
    assert_eq!(body["data"]["result"][0]["value"][1], "+Inf");
}

/// Pins query_range's matrix shape and step alignment.
#[test]
fn range_query_matrix() {
    let s = seeded();
    let now = (now_nanos() / 1_000_000_000) as i64;
    let (start, end) = ((now - 59).to_string(), (now + 1).to_string());
    let (status, body) = get_json(
        &url(&s, "/api/v1/query_range"),
        &[("query", "sum by (queue) (queue_depth)"), ("start", &start), ("end", &end), ("step", "30s")],
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["resultType"], "matrix");
    let result = body["data"]["result"].as_array().unwrap();
    assert_eq!(result.len(), 2);
    assert_eq!(result[0]["metric"], json!({"queue": "fills"}));
    let values = result[0]["values"].as_array().unwrap();
    // Steps at now-59, now-29 and now+1: only the last one follows the sample ingested just now.
    assert_eq!(values.len(), 1, "{values:?}");
    assert_eq!(values[0], json!([now + 1, "3"]));
}

/// Pins histogram_quantile over translated `_bucket` series (unit `ms` → `_milliseconds`).
#[test]
fn histogram_quantile_over_http() {
    let s = seeded();
    let (_, body) =
        get_json(&url(&s, "/api/v1/query"), &[("query", "histogram_quantile(0.5, order_latency_milliseconds_bucket)")]);
    // 4 observations, rank 2 is the end of the first bucket (0, 5].
    assert_eq!(body["data"]["result"][0]["value"][1], "5");
    let (_, body) = get_json(&url(&s, "/api/v1/query"), &[("query", "order_latency_milliseconds_count")]);
    assert_eq!(body["data"]["result"][0]["value"][1], "4");
}

/// Pins labels, label values, series and metadata.
#[test]
fn metadata_endpoints() {
    let s = seeded();
    let (_, body) = get_json(&url(&s, "/api/v1/labels"), &[]);
    let labels = body["data"].as_array().unwrap();
    for want in ["__name__", "job", "instance", "queue", "smoke_run_id", "le", "service_name"] {
        assert!(labels.iter().any(|l| l == want), "{want} missing from {labels:?}");
    }
    let (_, body) = get_json(&url(&s, "/api/v1/label/queue/values"), &[]);
    assert_eq!(body["data"], json!(["fills", "orders"]));
    let (_, body) = get_json(&url(&s, "/api/v1/label/__name__/values"), &[]);
    assert!(body["data"].as_array().unwrap().iter().any(|n| n == "obs_embedded_series"), "own samples are listed");
    let (_, body) = get_json(&url(&s, "/api/v1/series"), &[("match[]", "queue_depth{queue=~\"f.*\"}")]);
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
    assert_eq!(body["data"][0]["queue"], "fills");
    let (_, body) = get_json(&url(&s, "/api/v1/metadata"), &[]);
    assert_eq!(body["data"]["peak_trade_smoke_total"], json!([{"type": "counter", "help": "smoke runs", "unit": ""}]));
    assert_eq!(body["data"]["order_latency_milliseconds"][0]["type"], "histogram");
    for (path, empty) in [
        ("/api/v1/query_exemplars", json!([])),
        ("/api/v1/rules", json!({"groups": []})),
        ("/api/v1/alerts", json!({"alerts": []})),
    ] {
        assert_eq!(get_json(&url(&s, path), &[("query", "up")]), (200, json!({"status": "success", "data": empty})));
    }
    let (status, body) = get_json(&url(&s, "/api/v1/nosuch"), &[]);
    assert_eq!((status, &body["errorType"]), (404, &json!("not_found")));
    let (_, body) = get_json(&url(&s, "/api/v1/status/buildinfo"), &[]);
    for key in ["version", "revision", "branch", "buildUser", "buildDate", "goVersion"] {
        assert!(body["data"][key].is_string(), "{key}");
    }
}

/// Pins the server's own samples being queryable.
#[test]
fn own_samples_are_queryable() {
    let s = seeded();
    let (_, body) = get_json(&url(&s, "/api/v1/query"), &[("query", "obs_embedded_series{store=\"metrics\"}")]);
    assert_eq!(body["data"]["result"][0]["value"][1], "7");
}

/// Pins health endpoints and the Grafana datasource-proxy prefix.
#[test]
fn health_and_proxy_prefix() {
    let s = seeded();
    assert_eq!(get(&url(&s, "/-/ready"), &[]), (200, "Prometheus Server is Ready.\n".to_string()));
    assert_eq!(get(&url(&s, "/-/healthy"), &[]), (200, "Prometheus Server is Healthy.\n".to_string()));
    let (status, body) =
        get_json(&url(&s, "/api/datasources/proxy/uid/prometheus/api/v1/query"), &[("query", "queue_depth")]);
    assert_eq!(status, 200);
    assert_eq!(body["data"]["result"].as_array().unwrap().len(), 2);
}

/// Endpoint, parameters, expected status, error type and a piece of the message.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16, &'a str, &'a str);

/// Pins each bad request's status, error type and message, and that stored data survives them.
#[test]
fn errors_have_prometheus_status_and_type() {
    let s = seeded();
    let q = url(&s, "/api/v1/query");
    let r = url(&s, "/api/v1/query_range");
    let cases: Vec<Case> = vec![
        (
            &q,
            vec![("query", "1+")],
            400,
            "bad_data",
            "invalid parameter \"query\": 1:3: parse error: unexpected end of input",
        ),
        (&q, vec![("query", "nosuchfn(up)")], 400, "bad_data", "nosuchfn"),
        (&q, vec![], 400, "bad_data", "no expression found in input"),
        (&q, vec![("query", "up"), ("time", "abc")], 400, "bad_data", "cannot parse \"abc\" to a valid timestamp"),
        (
            &q,
            vec![("query", "count_values(\"v\", queue_depth)")],
            422,
            "execution",
            "aggregation \"count_values\" is not supported",
        ),
        (&q, vec![("query", "predict_linear(queue_depth[5m], 60)")], 422, "execution", "predict_linear"),
        (&r, vec![("query", "up"), ("start", "0"), ("end", "10"), ("step", "0")], 400, "bad_data", "zero or negative"),
        (&r, vec![("query", "up")], 400, "bad_data", "invalid parameter \"start\": cannot parse \"\""),
        (
            &r,
            vec![("query", "up"), ("start", "0"), ("end", "86400"), ("step", "0.001")],
            400,
            "bad_data",
            "11,000 points",
        ),
        (&r, vec![("query", "up[5m]"), ("start", "0"), ("end", "10"), ("step", "1")], 400, "bad_data", "range vector"),
    ];
    for (endpoint, params, status, kind, needle) in cases {
        let (got, body) = get_json(endpoint, &params);
        assert_eq!(got, status, "{params:?}: {body}");
        assert_eq!(body["status"], "error");
        assert_eq!(body["errorType"], kind, "{params:?}");
        assert!(body["error"].as_str().unwrap().contains(needle), "{params:?}: {body}");
    }
    let (status, body) = get_json(&url(&s, "/api/v1/series"), &[]);
    assert_eq!((status, body["error"].as_str()), (400, Some("no match[] parameter provided")));
    let (_, body) = get_json(&q, &[("query", "count(queue_depth)")]);
    assert_eq!(body["data"]["result"][0]["value"][1], "2", "data stored before the errors is still there");
}
