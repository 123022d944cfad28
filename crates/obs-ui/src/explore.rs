//! Grafana-style `/explore?left=...` and `/explore?panes=...` links, turned into this UI's own URLs:
//! a query that is a trace id opens the trace view, other queries open the page of their datasource.

use serde_json::Value;

/// One Explore query with what tells where it belongs.
struct ExploreQuery {
    datasource: String,
    query_type: String,
    query: String,
}

/// The UI path (with query string) an Explore link with these query parameters points at.
pub(crate) fn explore_target(params: &[(String, String)]) -> String {
    for (key, value) in params {
        if matches!(key.as_str(), "traceId" | "trace_id" | "traceID") && is_trace_id(value) {
            return trace_path(value);
        }
    }
    let mut queries = Vec::new();
    let mut range = None;
    for (key, value) in params {
        if matches!(key.as_str(), "left" | "right" | "panes") {
            let Ok(json) = serde_json::from_str::<Value>(value) else { continue };
            collect_panes(&json, key == "panes", &mut queries, &mut range);
        }
    }
    let range_params =
        range.map(|(from, to)| format!("&from={}&to={}", encode(&from), encode(&to))).unwrap_or_default();
    if let Some(found) = queries.iter().find(|q| is_trace_id(&q.query)) {
        return trace_path(&found.query);
    }
    match queries.first() {
        Some(q) if q.datasource.contains("loki") => format!("/logs?query={}{range_params}", encode(&q.query)),
        Some(q) if q.datasource.contains("prom") => format!("/metrics?query={}{range_params}", encode(&q.query)),
        Some(q) if !q.query.is_empty() || q.query_type == "traceql" => {
            format!("/traces?q={}{range_params}", encode(&q.query))
        }
        _ => "/traces".to_string(),
    }
}

fn collect_panes(json: &Value, is_panes: bool, queries: &mut Vec<ExploreQuery>, range: &mut Option<(String, String)>) {
    if is_panes {
        if let Some(panes) = json.as_object() {
            for pane in panes.values() {
                collect_pane(pane, queries, range);
            }
        }
    } else if let Some(legacy) = json.as_array() {
        // Old compact form: [from, to, datasource, {query}, ...].
        let text = |i: usize| legacy.get(i).and_then(Value::as_str).unwrap_or_default().to_string();
        if range.is_none() && legacy.len() >= 2 {
            *range = Some((text(0), text(1)));
        }
        let datasource = text(2).to_lowercase();
        for item in legacy.iter().skip(3) {
            queries.push(read_query(item, &datasource));
        }
    } else {
        collect_pane(json, queries, range);
    }
}

fn collect_pane(pane: &Value, queries: &mut Vec<ExploreQuery>, range: &mut Option<(String, String)>) {
    let datasource = datasource_name(pane.get("datasource"));
    if let Some(r) = pane.get("range").filter(|_| range.is_none()) {
        let text = |k: &str| r.get(k).map(scalar_text).unwrap_or_default();
        *range = Some((text("from"), text("to")));
    }
    for item in pane.get("queries").and_then(Value::as_array).into_iter().flatten() {
        queries.push(read_query(item, &datasource));
    }
}

fn read_query(item: &Value, pane_datasource: &str) -> ExploreQuery {
    let own = datasource_name(item.get("datasource"));
    let text = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or_default().trim().to_string();
    let query = [text("query"), text("expr")].into_iter().find(|q| !q.is_empty()).unwrap_or_default();
    ExploreQuery {
        datasource: if own.is_empty() { pane_datasource.to_string() } else { own },
        query_type: text("queryType").to_lowercase(),
        query,
    }
}

fn datasource_name(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(name)) => name.to_lowercase(),
        Some(Value::Object(map)) => {
            let field = |k: &str| map.get(k).and_then(Value::as_str).unwrap_or_default().to_lowercase();
            format!("{} {}", field("uid"), field("type"))
        }
        _ => String::new(),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_trace_id(text: &str) -> bool {
    (1..=32).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `/trace/<32 lowercase hex>`: Tempo search drops leading zeros, so ids are padded back.
fn trace_path(id: &str) -> String {
    format!("/trace/{:0>32}", id.to_ascii_lowercase())
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::explore_target;

    fn target(pairs: &[(&str, &str)]) -> String {
        let owned: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        explore_target(&owned)
    }

    /// A Grafana 10+ `panes` link whose TraceQL query is a trace id opens the trace view, padded to 32 hex.
    #[test]
    fn panes_with_trace_id_open_the_trace() {
        let panes = r#"{"x1":{"datasource":"tempo","queries":[{"refId":"A","datasource":{"type":"tempo","uid":"tempo"},"queryType":"traceql","query":"AF7651916cd43dd8448eb211c80319c"}],"range":{"from":"now-1h","to":"now"}}}"#;
        assert_eq!(target(&[("orgId", "1"), ("panes", panes)]), "/trace/0af7651916cd43dd8448eb211c80319c");
    }

    /// The older `left` object and the compact array form both carry a trace id.
    #[test]
    fn left_forms_with_trace_id_open_the_trace() {
        let object =
            r#"{"datasource":"tempo","queries":[{"queryType":"traceql","query":"0af7651916cd43dd8448eb211c80319c"}]}"#;
        assert_eq!(target(&[("left", object)]), "/trace/0af7651916cd43dd8448eb211c80319c");
        let array = r#"["now-1h","now","Tempo",{"query":"abc123"}]"#;
        assert_eq!(target(&[("left", array)]), "/trace/00000000000000000000000000abc123");
    }

    /// Loki and Prometheus panes open the logs and metrics pages with their query and range.
    #[test]
    fn other_datasources_open_their_page() {
        let loki =
            r#"{"datasource":"loki","queries":[{"expr":"{service_name=\"a\"}"}],"range":{"from":"now-5m","to":"now"}}"#;
        assert_eq!(target(&[("left", loki)]), "/logs?query=%7Bservice_name%3D%22a%22%7D&from=now-5m&to=now");
        let prom = r#"{"datasource":{"uid":"prometheus","type":"prometheus"},"queries":[{"expr":"up"}]}"#;
        assert_eq!(target(&[("left", prom)]), "/metrics?query=up");
    }

    /// Links without a usable query land on the trace search instead of an error.
    #[test]
    fn unusable_links_open_trace_search() {
        assert_eq!(target(&[]), "/traces");
        assert_eq!(target(&[("left", "not json")]), "/traces");
        let traceql = r#"{"datasource":"tempo","queries":[{"queryType":"traceql","query":"{status=error}"}]}"#;
        assert_eq!(target(&[("left", traceql)]), "/traces?q=%7Bstatus%3Derror%7D");
    }

    /// A plain `traceId` parameter is enough.
    #[test]
    fn trace_id_parameter_opens_the_trace() {
        assert_eq!(target(&[("traceId", "1f")]), "/trace/0000000000000000000000000000001f");
    }
}
