//! `index/volume` and `index/volume_range` over HTTP: bytes per service, Loki's vector and
//! matrix envelopes, grouping options, the limit, and clear 400s for bad parameters.

use serde_json::{Value, json};

use super::server::{Server, enc};

const S: i64 = 1_000_000_000;

fn now_ns() -> i64 {
    super::fixtures::offset() + 1_795_554_716_272_863_279
}

/// Pushes `(labels, ts, line)` entries, one stream each.
fn push(server: &Server, entries: &[(Value, i64, &str)]) {
    let streams: Vec<Value> = entries
        .iter()
        .map(|(labels, ts, line)| json!({"stream": labels, "values": [[ts.to_string(), line]]}))
        .collect();
    let body = json!({ "streams": streams }).to_string();
    let (status, _, answer) = server.post("/loki/api/v1/push", "application/json", body.as_bytes());
    assert_eq!((status, answer.as_str()), (204, ""), "push");
}

/// Three services with known line bytes (a: 4 + 2, b: 10, c via `job`: 1), a minute ago.
fn fed() -> (Server, i64) {
    let server = Server::start();
    let t = now_ns() - 60 * S;
    push(
        &server,
        &[
            (json!({"service_name": "a", "env": "prod"}), t, "aaaa"),
            (json!({"service_name": "a", "env": "dev"}), t + 1, "aa"),
            (json!({"service_name": "b", "env": "prod"}), t + 2, "bbbbbbbbbb"),
            (json!({"job": "c"}), t + 3, "c"),
        ],
    );
    (server, t)
}

fn volume(server: &Server, path: &str, query: &str, extra: &str) -> Value {
    server.json(&format!("/loki/api/v1/{path}?query={}{extra}", enc(query)), &[])
}

/// `(service_name or whole metric, bytes)` of each vector sample, in answer order.
fn samples(body: &Value) -> Vec<(Value, String)> {
    let result = body["data"]["result"].as_array().cloned().unwrap_or_default();
    result.iter().map(|r| (r["metric"].clone(), r["value"][1].as_str().unwrap_or("").to_owned())).collect()
}

/// Bytes per service, largest first, as a vector stamped with the end time (seconds, a number).
#[test]
fn volume_per_service() {
    let (server, t) = fed();
    let end = t + 10 * S;
    let extra = format!("&start={}&end={end}", t - 10 * S);
    let (status, content_type, raw) = server.get(
        &format!("/loki/api/v1/index/volume?query={}{extra}", enc(r#"{service_name=~".+"}"#)),
        &[("X-Query-Tags", "Source=grafana-lokiexplore-app")],
    );
    assert_eq!((status, content_type.as_str()), (200, "application/json; charset=UTF-8"), "{raw}");
    let body: Value = serde_json::from_str(&raw).expect("JSON");
    assert_eq!(body["status"], "success");
    assert_eq!(body["data"]["resultType"], "vector");
    assert!(raw.find("\"resultType\"") < raw.find("\"result\""), "{raw}");
    let want = [("b", "10"), ("a", "6"), ("c", "1")];
    assert_eq!(samples(&body), want.map(|(s, b)| (json!({ "service_name": s }), b.to_owned())));
    let stamp = body["data"]["result"][0]["value"][0].as_f64().expect("time is a number");
    assert_eq!((stamp * 1000.0).round() as i64, end / 1_000_000, "stamped with the end");
}

/// `limit` keeps the largest groups; a selector on two labels groups by both; RFC 3339 times and
/// a POST form work too.
#[test]
fn volume_limit_groups_and_post() {
    let (server, _) = fed();
    let body = volume(&server, "index/volume", r#"{service_name=~".+"}"#, "&limit=2");
    assert_eq!(samples(&body).len(), 2, "{body}");
    let body = volume(&server, "index/volume", r#"{service_name="a", env=~".+"}"#, "");
    let metrics: Vec<Value> = samples(&body).into_iter().map(|(m, _)| m).collect();
    assert_eq!(metrics, vec![json!({"env": "prod", "service_name": "a"}), json!({"env": "dev", "service_name": "a"})]);
    let extra = "&start=2000-01-01T00:00:00Z&end=2000-01-02T00:00:00Z";
    let body = volume(&server, "index/volume", r#"{service_name=~".+"}"#, extra);
    assert_eq!(body["data"]["result"], json!([]), "nothing in 2000");
    let form = format!("query={}", enc(r#"{env="prod"}"#));
    let (status, _, raw) =
        server.post("/loki/api/v1/index/volume", "application/x-www-form-urlencoded", form.as_bytes());
    assert_eq!(status, 200, "{raw}");
    let body: Value = serde_json::from_str(&raw).expect("JSON");
    assert_eq!(samples(&body), vec![(json!({"env": "prod"}), "14".to_owned())]);
}

/// `targetLabels` regroups the selected streams; `aggregateBy=labels` sums per label name.
#[test]
fn volume_target_labels_and_aggregate_by_labels() {
    let (server, _) = fed();
    let body = volume(&server, "index/volume", r#"{service_name=~"a|b"}"#, "&targetLabels=env");
    let want = [(json!({"env": "prod"}), "14"), (json!({"env": "dev"}), "2")];
    assert_eq!(samples(&body), want.map(|(m, b)| (m, b.to_owned())));
    let body = volume(&server, "index/volume", r#"{service_name=~".+"}"#, "&aggregateBy=labels");
    let want = [(json!({"service_name": ""}), "17"), (json!({"env": ""}), "16"), (json!({"job": ""}), "1")];
    assert_eq!(samples(&body), want.map(|(m, b)| (m, b.to_owned())));
}

/// `index/volume_range` answers a matrix with one sample per step bucket, stamped at its end.
#[test]
fn volume_range_is_a_matrix_per_step() {
    let server = Server::start();
    let start = (now_ns() / (60 * S) - 2) * 60 * S;
    push(
        &server,
        &[(json!({"service_name": "r"}), start + 5 * S, "12"), (json!({"service_name": "r"}), start + 65 * S, "123")],
    );
    let extra = format!("&start={start}&end={}&step=60s", start + 120 * S);
    let body = volume(&server, "index/volume_range", r#"{service_name="r"}"#, &extra);
    assert_eq!(body["data"]["resultType"], "matrix", "{body}");
    let result = body["data"]["result"].as_array().cloned().unwrap_or_default();
    assert_eq!((result.len(), &result[0]["metric"]), (1, &json!({"service_name": "r"})), "{body}");
    let values: Vec<(i64, String)> = result[0]["values"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| ((v[0].as_f64().expect("number") * 1000.0).round() as i64, v[1].as_str().unwrap_or("").to_owned()))
        .collect();
    let ms = |ns: i64| ns / 1_000_000;
    let want = vec![(ms(start + 60 * S) - 1, "2".to_owned()), (ms(start + 120 * S), "3".to_owned())];
    assert_eq!(values, want, "each bucket is stamped at its end, the first a millisecond before the next");
}

/// Bad parameters are 400s naming the parameter; an unknown `aggregateBy` lists the choices.
#[test]
fn volume_bad_parameters() {
    let server = Server::start();
    let cases = [
        ("/loki/api/v1/index/volume".to_owned(), "query parameter is missing"),
        (format!("/loki/api/v1/index/volume?query={}&aggregateBy=pods", enc("{a=\"b\"}")), "use series or labels"),
        (format!("/loki/api/v1/index/volume?query={}&limit=-1", enc("{a=\"b\"}")), "limit must be a positive value"),
        (format!("/loki/api/v1/index/volume?query={}", enc("{a=\"b\"")), "parse error"),
        (format!("/loki/api/v1/index/volume_range?query={}&step=0", enc("{a=\"b\"}")), "step"),
    ];
    for (path, needle) in cases {
        let (status, _, body) = server.get(&path, &[]);
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains(needle), "{path}: {body}");
    }
}
