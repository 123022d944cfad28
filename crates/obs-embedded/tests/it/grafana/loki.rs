//! Grafana's Loki datasource (wire-facts §3.5): the `vector(1)+vector(1)` health check, range
//! log queries with and without `categorize-labels`, the logs-volume histogram, instant metric
//! queries, and the editor's metadata calls (labels, values, series, index stats and volume,
//! detected labels and fields). Times are nanoseconds, as Grafana sends them.

use obs_stack::ports;
use serde_json::{Value, json};

use super::feed::{Fed, LINES, ROOT_ID, SERVICE, TRACE_ID, fed};
use super::{grafana_get, json_ok, with_query};
use crate::otlp_build::hex;

const CATEGORIZE: (&str, &str) = ("X-Loki-Response-Encoding-Flags", "categorize-labels");

fn loki(fed: &Fed, path: &str) -> String {
    format!("{}/loki/api/v1/{path}", fed.server.url(ports::LOKI))
}

fn selector() -> String {
    format!("{{service_name=\"{SERVICE}\"}}")
}

/// `start`/`end` in nanoseconds plus `extra` parameters.
fn ranged(fed: &Fed, path: &str, extra: &[(&str, &str)]) -> String {
    let (start, end) = fed.range_ns();
    let (start, end) = (start.to_string(), end.to_string());
    let mut params = extra.to_vec();
    params.extend([("start", start.as_str()), ("end", end.as_str())]);
    with_query(&loki(fed, path), &params)
}

/// Grafana's parser needs `resultType` first and `encodingFlags` before `result` (§3.5).
fn assert_key_order(body: &[u8], flags: bool) {
    let text = String::from_utf8_lossy(body);
    let at = |key: &str| text.find(key).unwrap_or_else(|| panic!("{key} missing: {text}"));
    let result_type = at("\"resultType\"");
    let result = at("\"result\":");
    assert!(result_type < result, "resultType after result: {text}");
    if flags {
        let flags = at("\"encodingFlags\"");
        assert!(result_type < flags && flags < result, "encodingFlags not between resultType and result: {text}");
    }
}

/// Matrix/vector samples: times are JSON numbers, values JSON strings (§3.5).
fn assert_sample(sample: &Value) {
    assert!(sample[0].is_number(), "time not a number: {sample}");
    sample[1].as_str().unwrap_or_else(|| panic!("value not a string: {sample}")).parse::<f64>().unwrap();
}

/// Health check: `GET /loki/api/v1/query?query=vector(1)+vector(1)&time=4000000000&direction=`
/// gives one vector sample whose value is "2".
#[test]
fn loki_health_check_query_answers_two() {
    let fed = fed();
    let url = with_query(
        &loki(&fed, "query"),
        &[("query", "vector(1)+vector(1)"), ("time", "4000000000"), ("direction", "")],
    );
    let answer = grafana_get(&url, &[]);
    let body = json_ok("health check", &answer);
    assert_key_order(&answer.body, false);
    assert_eq!(body["status"], "success");
    assert_eq!(body["data"]["resultType"], "vector");
    let result = body["data"]["result"].as_array().unwrap();
    assert_eq!(result.len(), 1, "{body}");
    assert_sample(&result[0]["value"]);
    assert_eq!(result[0]["value"][1], "2");
}

fn log_range_url(fed: &Fed) -> String {
    let query = selector();
    ranged(fed, "query_range", &[("query", &query), ("direction", "backward"), ("limit", "1000"), ("step", "1000ms")])
}

/// A log query with `categorize-labels`: `encodingFlags` before `result`, index labels only in
/// `stream`, every value a 3-tuple whose object holds the structured metadata, newest first.
#[test]
fn loki_log_range_query_categorized() {
    let fed = fed();
    let answer = grafana_get(&log_range_url(&fed), &[CATEGORIZE, ("X-Query-Tags", "Source=logsample")]);
    let body = json_ok("categorized query_range", &answer);
    assert_key_order(&answer.body, true);
    assert_eq!(body["data"]["resultType"], "streams");
    assert_eq!(body["data"]["encodingFlags"], json!(["categorize-labels"]));
    let streams = body["data"]["result"].as_array().unwrap();
    assert_eq!(streams.len(), 1, "{body}");
    assert_eq!(streams[0]["stream"], json!({"service_name": SERVICE}));
    let values = streams[0]["values"].as_array().unwrap();
    assert_eq!(values.len(), 3, "{body}");
    for value in values {
        assert_eq!(value.as_array().unwrap().len(), 3, "{value}");
        value[0].as_str().unwrap().parse::<u64>().unwrap();
        let metadata = &value[2]["structuredMetadata"];
        assert_eq!(metadata["trace_id"], hex(&TRACE_ID), "{value}");
        assert_eq!(metadata["span_id"], hex(&ROOT_ID), "{value}");
        assert_eq!(metadata["order_id"], "ord-1", "{value}");
    }
    assert_eq!(values[0][1], LINES[2], "backward: newest first");
}

/// A line pushed through `/loki/api/v1/push` without metadata still comes back as a 3-tuple in
/// categorize mode (Grafana's parser needs the object on every value, §3.5), holding only the
/// level Loki detects (`detected_level`, `unknown` for a line without one, §3.3).
#[test]
fn loki_categorized_pushed_line_carries_the_object() {
    let fed = fed();
    let ts = (fed.now_ns - 1_000_000_000).to_string();
    let push = json!({"streams": [{"stream": {"service_name": "grafana_it_plain"}, "values": [[ts, "plain line"]]}]});
    let pushed = crate::post(&loki(&fed, "push"), &[("content-type", "application/json")], push.to_string().as_bytes());
    assert_eq!(pushed.status, 204, "{}", String::from_utf8_lossy(&pushed.body));
    let query = "{service_name=\"grafana_it_plain\"}";
    let params = [("query", query), ("direction", "backward"), ("limit", "1000"), ("step", "1000ms")];
    let body = json_ok("categorized push", &grafana_get(&ranged(&fed, "query_range", &params), &[CATEGORIZE]));
    let expected = json!([[ts, "plain line", {"structuredMetadata": {"detected_level": "unknown"}}]]);
    assert_eq!(body["data"]["result"][0]["values"], expected, "{body}");
}

/// The same query without the header: 2-tuples, metadata folded into `stream`, no flags.
#[test]
fn loki_log_range_query_plain() {
    let fed = fed();
    let answer = grafana_get(&log_range_url(&fed), &[("X-Query-Tags", "Source=logsample")]);
    let body = json_ok("plain query_range", &answer);
    assert_key_order(&answer.body, false);
    assert!(body["data"].get("encodingFlags").is_none(), "{body}");
    let streams = body["data"]["result"].as_array().unwrap();
    let mut lines = 0;
    for stream in streams {
        assert_eq!(stream["stream"]["service_name"], SERVICE);
        assert_eq!(stream["stream"]["trace_id"], hex(&TRACE_ID), "{stream}");
        for value in stream["values"].as_array().unwrap() {
            assert_eq!(value.as_array().unwrap().len(), 2, "{value}");
            value[0].as_str().unwrap().parse::<u64>().unwrap();
            lines += 1;
        }
    }
    assert_eq!(lines, 3, "{body}");
}

/// The logs-volume histogram (`Source=logvolhist`): a matrix grouped by level, number times and
/// string values, counting every line.
#[test]
fn loki_logs_volume_histogram() {
    let fed = fed();
    let query = format!("sum by (level, detected_level) (count_over_time({}[10s]))", selector());
    let url = ranged(&fed, "query_range", &[("query", &query), ("direction", "backward"), ("step", "10000ms")]);
    let answer = grafana_get(&url, &[CATEGORIZE, ("X-Query-Tags", "Source=logvolhist")]);
    let body = json_ok("logs volume", &answer);
    assert_key_order(&answer.body, false);
    assert_eq!(body["data"]["resultType"], "matrix");
    let series = body["data"]["result"].as_array().unwrap();
    let levels: Vec<&str> = series.iter().map(|s| s["metric"]["detected_level"].as_str().unwrap_or("")).collect();
    assert!(levels.contains(&"info") && levels.contains(&"error"), "{body}");
    for s in series {
        s["values"].as_array().unwrap().iter().for_each(assert_sample);
    }
}

/// An instant metric query (`Source=datasample`) at a nanosecond time: a vector counting the lines.
#[test]
fn loki_instant_metric_query() {
    let fed = fed();
    let query = format!("sum(count_over_time({}[10m]))", selector());
    let time = (fed.now_ns + 1_000_000_000).to_string();
    let url = with_query(
        &loki(&fed, "query"),
        &[("query", &query), ("time", &time), ("direction", "backward"), ("limit", "100")],
    );
    let answer = grafana_get(&url, &[("X-Query-Tags", "Source=datasample")]);
    let body = json_ok("instant", &answer);
    assert_key_order(&answer.body, false);
    assert_eq!(body["data"]["resultType"], "vector");
    assert_sample(&body["data"]["result"][0]["value"]);
    assert_eq!(body["data"]["result"][0]["value"][1], "3", "{body}");
}

/// Editor lookups: `labels`, `label/<n>/values` (with the editor's `query`), `series` (`match[]`).
#[test]
fn loki_label_and_series_lookups() {
    let fed = fed();
    let labels = json_ok("labels", &grafana_get(&ranged(&fed, "labels", &[]), &[]));
    assert_eq!(labels["status"], "success");
    assert!(labels["data"].as_array().unwrap().contains(&json!("service_name")), "{labels}");
    let query = selector();
    let values = json_ok("values", &grafana_get(&ranged(&fed, "label/service_name/values", &[("query", &query)]), &[]));
    assert_eq!(values["data"], json!([SERVICE]), "{values}");
    let series = json_ok("series", &grafana_get(&ranged(&fed, "series", &[("match[]", &query)]), &[]));
    let all = series["data"].as_array().unwrap();
    assert!(!all.is_empty() && all.iter().all(|s| s["service_name"] == SERVICE), "{series}");
}

/// `index/stats` (no envelope): `{"streams","chunks","bytes","entries"}` as numbers.
#[test]
fn loki_index_stats() {
    let fed = fed();
    let query = selector();
    let body = json_ok("index/stats", &grafana_get(&ranged(&fed, "index/stats", &[("query", &query)]), &[]));
    for key in ["streams", "chunks", "bytes", "entries"] {
        assert!(body[key].is_u64(), "{key}: {body}");
    }
    assert_eq!(body["entries"], 3, "{body}");
    assert!(body["bytes"].as_u64().unwrap() >= LINES.iter().map(|l| l.len() as u64).sum::<u64>(), "{body}");
}

/// `detected_labels`: `{"detectedLabels":[{"label","cardinality"}]}`; with no labels to report
/// the key is omitted, which sends Grafana to `labels` (checked above).
#[test]
fn loki_detected_labels() {
    let fed = fed();
    let query = selector();
    let body = json_ok("detected_labels", &grafana_get(&ranged(&fed, "detected_labels", &[("query", &query)]), &[]));
    if let Some(found) = body.get("detectedLabels") {
        for item in found.as_array().unwrap() {
            assert!(item["label"].is_string() && item["cardinality"].is_u64(), "{item}");
        }
    }
}

/// `detected_fields?limit=1000`: `{"fields":[{"label","type","cardinality","parsers"}],"limit"}`,
/// structured metadata included (`order_id`).
#[test]
fn loki_detected_fields() {
    let fed = fed();
    let query = selector();
    let url = ranged(&fed, "detected_fields", &[("query", &query), ("limit", "1000")]);
    let body = json_ok("detected_fields", &grafana_get(&url, &[]));
    assert_eq!(body["limit"], 1000, "{body}");
    let fields = body["fields"].as_array().unwrap();
    let order = fields.iter().find(|f| f["label"] == "order_id").unwrap_or_else(|| panic!("{body}"));
    assert_eq!((&order["type"], &order["cardinality"]), (&json!("string"), &json!(1)), "{order}");
}

/// `detected_field/<name>/values`: `{"values":[...],"limit":N}` with no status envelope.
#[test]
fn loki_detected_field_values() {
    let fed = fed();
    let query = selector();
    let url = ranged(&fed, "detected_field/order_id/values", &[("query", &query), ("limit", "1000")]);
    let body = json_ok("detected_field values", &grafana_get(&url, &[]));
    assert_eq!(body["values"], json!(["ord-1"]), "{body}");
    assert!(body["limit"].is_u64(), "{body}");
}

/// `index/volume` as Logs Drilldown calls it (`{service_name=~".+"}`, RFC 3339 `start`/`end`,
/// `limit=5000`, its `X-Query-Tags`): a Prometheus-style vector of bytes per service.
#[test]
fn loki_index_volume() {
    let fed = fed();
    let (start, end) = fed.range_s();
    let params =
        [("query", "{service_name=~\".+\"}"), ("start", &rfc3339(start)), ("end", &rfc3339(end)), ("limit", "5000")];
    let url = with_query(&loki(&fed, "index/volume"), &params);
    let body = json_ok("index/volume", &grafana_get(&url, &[("X-Query-Tags", "Source=grafana-lokiexplore-app")]));
    assert_eq!(body["status"], "success");
    assert_eq!(body["data"]["resultType"], "vector");
    let result = &body["data"]["result"][0];
    assert_eq!(result["metric"]["service_name"], SERVICE, "{body}");
    assert_sample(&result["value"]);
}

/// Loki echoes requested encoding flags for every result type, metric queries included (§3.2).
#[test]
fn loki_metric_query_echoes_encoding_flags() {
    let fed = fed();
    let query = format!("sum(count_over_time({}[10s]))", selector());
    let url = ranged(&fed, "query_range", &[("query", &query), ("step", "10000ms")]);
    let answer = grafana_get(&url, &[CATEGORIZE]);
    let body = json_ok("categorized matrix", &answer);
    assert_key_order(&answer.body, true);
    assert_eq!(body["data"]["encodingFlags"], json!(["categorize-labels"]), "{body}");
}

/// `secs` since the epoch as RFC 3339 UTC (`2026-11-25T13:50:00Z`).
fn rfc3339(secs: u64) -> String {
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The RFC 3339 helper above matches known instants.
#[test]
fn rfc3339_formats_known_instants() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(1_795_614_369), "2026-11-25T13:46:09Z");
}
