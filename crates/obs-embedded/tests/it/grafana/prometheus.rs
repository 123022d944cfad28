//! Grafana's Prometheus datasource (wire-facts §4.3): the `1+1` health check, buildinfo-based
//! flavour detection, range and instant queries (POST form bodies and GET), the editor's
//! metadata lookups and exemplars. Times are float seconds, as Grafana sends them.

use obs_stack::ports;
use serde_json::{Value, json};

use super::feed::{COUNTER_HELP, Fed, SERVICE, fed};
use super::{grafana_get, grafana_post_form, json_ok, with_query};

const SERIES: &str = "grafana_it_orders_total";

fn prom(fed: &Fed, path: &str) -> String {
    format!("{}/api/v1/{path}", fed.server.url(ports::PROMETHEUS))
}

/// `start`/`end` as float seconds, as Grafana formats them.
fn range(fed: &Fed) -> (String, String) {
    let (start, end) = fed.range_s();
    (format!("{start}.000"), format!("{end}.000"))
}

/// Samples: time a JSON number, value a JSON string.
fn sample_value(sample: &Value) -> f64 {
    assert!(sample[0].is_number(), "time not a number: {sample}");
    sample[1].as_str().unwrap_or_else(|| panic!("value not a string: {sample}")).parse().unwrap()
}

fn success(what: &str, answer: &crate::Answer) -> Value {
    let body = json_ok(what, answer);
    assert_eq!(body["status"], "success", "{what}: {body}");
    body
}

/// Health check: `GET /api/v1/query?query=1+1&time=4` answers the scalar `[4,"2"]`.
#[test]
fn prometheus_health_check_one_plus_one() {
    let fed = fed();
    let body = success("1+1", &grafana_get(&with_query(&prom(&fed, "query"), &[("query", "1+1"), ("time", "4")]), &[]));
    assert_eq!(body["data"], json!({"resultType": "scalar", "result": [4, "2"]}), "{body}");
}

/// Flavour detection: `buildinfo` answers 200 with the version fields and no `features`, so
/// Grafana classifies the server as Prometheus (not Mimir).
#[test]
fn prometheus_buildinfo_reads_as_prometheus() {
    let fed = fed();
    let body = success("buildinfo", &grafana_get(&prom(&fed, "status/buildinfo"), &[]));
    let data = &body["data"];
    for key in ["version", "revision", "branch", "buildUser", "buildDate", "goVersion"] {
        assert!(data[key].is_string(), "{key}: {body}");
    }
    let version = data["version"].as_str().unwrap();
    let parts: Vec<&str> = version.split('.').collect();
    assert!(parts.len() == 3 && parts.iter().all(|p| p.parse::<u32>().is_ok()), "semver: {version}");
    assert!(data.get("features").is_none_or(|f| f.as_object().is_some_and(|o| o.is_empty())), "{body}");
}

/// Range query as a POST form (Grafana's default method): a matrix with the counter's points.
#[test]
fn prometheus_range_query_post_form() {
    let fed = fed();
    let (start, end) = range(&fed);
    let query = format!("{SERIES}{{side=\"buy\"}}");
    let form = [("query", query.as_str()), ("start", &start), ("end", &end), ("step", "1")];
    let body = success("query_range", &grafana_post_form(&prom(&fed, "query_range"), &form, &[]));
    assert_eq!(body["data"]["resultType"], "matrix");
    let result = body["data"]["result"].as_array().unwrap();
    assert_eq!(result.len(), 1, "{body}");
    assert_eq!(result[0]["metric"]["__name__"], SERIES);
    assert_eq!(result[0]["metric"]["job"], SERVICE);
    let values: Vec<f64> = result[0]["values"].as_array().unwrap().iter().map(sample_value).collect();
    assert_eq!(values.first(), Some(&3.0), "{body}");
    assert_eq!(values.last(), Some(&5.0), "{body}");
}

/// Range query over GET with `rate`: a matrix of positive rates.
#[test]
fn prometheus_range_query_get_rate() {
    let fed = fed();
    let (start, end) = range(&fed);
    let query = format!("rate({SERIES}[1m])");
    let url =
        with_query(&prom(&fed, "query_range"), &[("query", &query), ("start", &start), ("end", &end), ("step", "15")]);
    let body = success("rate", &grafana_get(&url, &[]));
    assert_eq!(body["data"]["resultType"], "matrix");
    let values = body["data"]["result"][0]["values"].as_array().unwrap_or_else(|| panic!("{body}"));
    assert!(values.iter().map(sample_value).any(|v| v > 0.0), "{body}");
}

/// Instant query as a POST form at a float time: a vector grouped by the point attribute.
#[test]
fn prometheus_instant_query_post_form() {
    let fed = fed();
    let time = format!("{}.500", fed.now_s());
    let query = format!("sum by (side) ({SERIES})");
    let body = success("query", &grafana_post_form(&prom(&fed, "query"), &[("query", &query), ("time", &time)], &[]));
    assert_eq!(body["data"]["resultType"], "vector");
    let result = &body["data"]["result"];
    assert_eq!(result[0]["metric"], json!({"side": "buy"}), "{body}");
    assert_eq!(sample_value(&result[0]["value"]), 5.0);
}

/// Editor lookups: `labels`, `label/__name__/values`, `label/<n>/values?match[]`, `series`, `metadata`.
#[test]
fn prometheus_editor_metadata_lookups() {
    let fed = fed();
    let (start, end) = range(&fed);
    let span = [("start", start.as_str()), ("end", end.as_str())];
    let labels = success("labels", &grafana_get(&with_query(&prom(&fed, "labels"), &span), &[]));
    for name in ["__name__", "job", "side"] {
        assert!(labels["data"].as_array().unwrap().contains(&json!(name)), "{name}: {labels}");
    }
    let names = success("names", &grafana_get(&with_query(&prom(&fed, "label/__name__/values"), &span), &[]));
    assert!(names["data"].as_array().unwrap().contains(&json!(SERIES)), "{names}");
    let matched = [("match[]", SERIES), span[0], span[1]];
    let sides = success("sides", &grafana_get(&with_query(&prom(&fed, "label/side/values"), &matched), &[]));
    assert_eq!(sides["data"], json!(["buy"]), "{sides}");
    let series = success("series", &grafana_get(&with_query(&prom(&fed, "series"), &matched), &[]));
    assert_eq!(series["data"].as_array().unwrap().len(), 1, "{series}");
    assert_eq!(series["data"][0]["side"], "buy");
    let metadata = success("metadata", &grafana_get(&prom(&fed, "metadata"), &[]));
    let entry = &metadata["data"][SERIES][0];
    assert_eq!((&entry["type"], &entry["help"]), (&json!("counter"), &json!(COUNTER_HELP)), "{metadata}");
    assert!(entry["unit"].is_string(), "{metadata}");
}

/// Editor lookups as POST forms (the datasource's POST method): `labels` and `series` with `match[]`.
#[test]
fn prometheus_editor_lookups_post_form() {
    let fed = fed();
    let (start, end) = range(&fed);
    let selector = format!("{SERIES}{{side=\"buy\"}}");
    let form = [("match[]", selector.as_str()), ("start", &start), ("end", &end)];
    let labels = success("labels", &grafana_post_form(&prom(&fed, "labels"), &form, &[]));
    let names: Vec<&str> = labels["data"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(names.contains(&"__name__") && names.contains(&"side") && names.contains(&"job"), "{labels}");
    let series = success("series", &grafana_post_form(&prom(&fed, "series"), &form, &[]));
    assert_eq!(series["data"].as_array().unwrap().len(), 1, "{series}");
    assert_eq!(series["data"][0]["__name__"], SERIES);
}

/// Exemplars: `/api/v1/query_exemplars?query&start&end` answers success with a list (empty here).
#[test]
fn prometheus_query_exemplars() {
    let fed = fed();
    let (start, end) = range(&fed);
    let url = with_query(&prom(&fed, "query_exemplars"), &[("query", SERIES), ("start", &start), ("end", &end)]);
    let body = success("query_exemplars", &grafana_get(&url, &[]));
    assert!(body["data"].is_array(), "{body}");
}
