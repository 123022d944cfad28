//! Proves a signal arrived by asking the backends' own query APIs (Tempo, Loki, Prometheus), the
//! same way against the docker stack and the embedded backend. Each function is one attempt:
//! `Ok` says what was found, `Err` what was seen instead; `obs-smoke` polls them with `probe`.

use serde_json::Value;

/// What the smoke run sent, to look for.
#[derive(Debug, Clone)]
pub struct Sent<'a> {
    /// `service.name` of the sender.
    pub service: &'a str,
    /// Name of the span it sent.
    pub span_name: &'a str,
    /// Trace id, 32 hex digits.
    pub trace_id: &'a str,
}

fn get_json(request: ureq::RequestBuilder<ureq::typestate::WithoutBody>, what: &str) -> Result<Value, String> {
    let mut resp = request.call().map_err(|err| format!("{what}: {}", crate::probe::describe(&err)))?;
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().map_err(|err| format!("{what}: read body: {err}"))?;
    if status != 200 {
        let first = body.lines().next().unwrap_or("").trim();
        return Err(format!("{what}: HTTP {status}: {first}"));
    }
    serde_json::from_str(&body).map_err(|err| format!("{what}: not JSON ({err})"))
}

fn same_trace_id(listed: &str, ours: &str) -> bool {
    // Tempo drops leading zeros from trace ids in search results.
    listed.trim_start_matches('0').eq_ignore_ascii_case(ours.trim_start_matches('0'))
}

/// Tempo: the trace is listed by a tag search on `service.name`, then fetched by id with its span.
pub fn trace(agent: &ureq::Agent, tempo: &str, sent: &Sent<'_>) -> Result<String, String> {
    let search = agent.get(format!("{tempo}/api/search")).query("tags", format!("service.name={}", sent.service));
    let found = get_json(search, "Tempo search")?;
    let traces = found["traces"].as_array().map_or(&[][..], Vec::as_slice);
    if !traces.iter().any(|t| t["traceID"].as_str().is_some_and(|id| same_trace_id(id, sent.trace_id))) {
        return Err(format!("Tempo search lists {} trace(s) of {}, not {}", traces.len(), sent.service, sent.trace_id));
    }
    let by_id = get_json(agent.get(format!("{tempo}/api/traces/{}", sent.trace_id)), "Tempo trace by id")?;
    let names = span_names(&by_id);
    if names.iter().any(|n| n == sent.span_name) {
        Ok(format!("search and /api/traces/{} found span {:?}", sent.trace_id, sent.span_name))
    } else {
        Err(format!("Tempo trace {} has spans {names:?}, not {:?}", sent.trace_id, sent.span_name))
    }
}

/// Span names of a Tempo trace, v1 (`batches`) or v2 (`trace.resourceSpans`) shape.
fn span_names(trace: &Value) -> Vec<String> {
    let batches = trace["batches"].as_array().or_else(|| trace["trace"]["resourceSpans"].as_array());
    let mut names = Vec::new();
    for batch in batches.into_iter().flatten() {
        let scopes = batch["scopeSpans"].as_array().or_else(|| batch["instrumentationLibrarySpans"].as_array());
        for scope in scopes.into_iter().flatten() {
            for span in scope["spans"].as_array().into_iter().flatten() {
                names.extend(span["name"].as_str().map(str::to_string));
            }
        }
    }
    names
}

/// The LogQL query selecting the smoke log line: service label, then the trace id in metadata.
pub fn log_query(sent: &Sent<'_>) -> String {
    format!("{{service_name=\"{}\"}} | trace_id=\"{}\"", sent.service, sent.trace_id)
}

/// Loki: `query_range` over `[start_ns, end_ns]` returns at least one line for the trace.
pub fn log(agent: &ureq::Agent, loki: &str, sent: &Sent<'_>, start_ns: u128, end_ns: u128) -> Result<String, String> {
    let request = agent
        .get(format!("{loki}/loki/api/v1/query_range"))
        .query("query", log_query(sent))
        .query("start", start_ns.to_string())
        .query("end", end_ns.to_string())
        .query("limit", "100");
    let found = get_json(request, "Loki query_range")?;
    let streams = found["data"]["result"].as_array().map_or(&[][..], Vec::as_slice);
    let lines: usize = streams.iter().map(|s| s["values"].as_array().map_or(0, Vec::len)).sum();
    if lines == 0 {
        return Err(format!("Loki has no line for {} yet", log_query(sent)));
    }
    Ok(format!("{lines} line(s) for trace_id {}", sent.trace_id))
}

/// The PromQL query selecting the smoke counter of this run.
pub fn metric_query(sent: &Sent<'_>) -> String {
    format!("{}_total{{smoke_run_id=\"{}\"}}", obs_stack::SMOKE_METRIC_NAME, sent.trace_id)
}

/// Prometheus: an instant query for the run's counter returns a sample with value 1.
pub fn metric(agent: &ureq::Agent, prometheus: &str, sent: &Sent<'_>) -> Result<String, String> {
    let request = agent.get(format!("{prometheus}/api/v1/query")).query("query", metric_query(sent));
    let found = get_json(request, "Prometheus query")?;
    let samples = found["data"]["result"].as_array().map_or(&[][..], Vec::as_slice);
    let values: Vec<&str> = samples.iter().filter_map(|s| s["value"][1].as_str()).collect();
    match values.as_slice() {
        [] => Err(format!("Prometheus has no sample for {} yet", metric_query(sent))),
        ["1"] => Ok(format!("{} = 1", metric_query(sent))),
        other => Err(format!("Prometheus answers {} with {other:?}, expected one sample of 1", metric_query(sent))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::testserver::{Reply, Server};
    use std::time::Duration;

    const SEARCH: &str = include_str!("../tests/fixtures/api/tempo-search-tags.json");
    const TRACE: &str = include_str!("../tests/fixtures/api/tempo-trace-v1.json");
    const LOKI: &str = include_str!("../tests/fixtures/api/loki-query-range.json");
    const PROM: &str = include_str!("../tests/fixtures/api/prometheus-query-smoke.json");
    const ID: &str = "0af7651916cd43dd8448eb211c80319c";

    fn sent() -> Sent<'static> {
        Sent { service: "peak_trade_smoke_sender", span_name: "POST /orders", trace_id: ID }
    }

    fn agent() -> ureq::Agent {
        crate::probe::agent(Duration::from_secs(2))
    }

    /// Tempo's search drops the leading zero; the verifier still matches, then reads the span name.
    #[test]
    fn trace_found_in_real_tempo_shapes() {
        let tempo = Server::routes(vec![
            ("/api/search", vec![Reply::json(200, SEARCH)]),
            ("/api/traces/", vec![Reply::json(200, TRACE)]),
        ])
        .unwrap();
        let found = trace(&agent(), &tempo.url(""), &sent()).unwrap();
        assert_eq!(found, format!("search and /api/traces/{ID} found span \"POST /orders\""));
        assert_eq!(
            tempo.requests(),
            [
                "GET /api/search?tags=service.name%3Dpeak_trade_smoke_sender".to_string(),
                format!("GET /api/traces/{ID}")
            ]
        );
    }

    /// An empty search (Tempo's first answer before the trace is cut) is "not yet", then found.
    #[test]
    fn trace_not_listed_yet_then_listed() {
        let empty = r#"{"traces":[],"metrics":{"completedJobs":1,"totalJobs":1}}"#;
        let tempo = Server::routes(vec![
            ("/api/search", vec![Reply::json(200, empty), Reply::json(200, SEARCH)]),
            ("/api/traces/", vec![Reply::json(200, TRACE)]),
        ])
        .unwrap();
        let err = trace(&agent(), &tempo.url(""), &sent()).unwrap_err();
        assert_eq!(err, format!("Tempo search lists 0 trace(s) of peak_trade_smoke_sender, not {ID}"));
        assert!(trace(&agent(), &tempo.url(""), &sent()).is_ok());
    }

    /// A trace listed by search but unknown by id (404, empty body) is reported with the status.
    #[test]
    fn trace_by_id_404_is_reported() {
        let tempo = Server::routes(vec![
            ("/api/search", vec![Reply::json(200, SEARCH)]),
            ("/api/traces/", vec![Reply::text(404, "")]),
        ])
        .unwrap();
        assert_eq!(trace(&agent(), &tempo.url(""), &sent()).unwrap_err(), "Tempo trace by id: HTTP 404: ");
    }

    /// Loki's query_range answer with three streams counts three lines; the query is encoded whole.
    #[test]
    fn log_lines_counted_from_real_loki_shape() {
        let loki = Server::routes(vec![("/loki/api/v1/query_range", vec![Reply::json(200, LOKI)])]).unwrap();
        let found = log(&agent(), &loki.url(""), &sent(), 1, 2).unwrap();
        assert_eq!(found, format!("3 line(s) for trace_id {ID}"));
        let request = &loki.requests()[0];
        assert!(
            request
                .starts_with("GET /loki/api/v1/query_range?query=%7Bservice_name%3D%22peak_trade_smoke_sender%22%7D"),
            "{request}"
        );
        assert!(request.ends_with("&start=1&end=2&limit=100"), "{request}");
    }

    /// An empty Loki result is "not yet"; a 400 LogQL error is reported with its message.
    #[test]
    fn log_missing_or_rejected() {
        let empty = r#"{"status":"success","data":{"resultType":"streams","result":[]}}"#;
        let loki = Server::routes(vec![(
            "/loki/api/v1/query_range",
            vec![Reply::json(200, empty), Reply::text(400, "parse error at line 1, col 40: syntax error")],
        )])
        .unwrap();
        let err = log(&agent(), &loki.url(""), &sent(), 1, 2).unwrap_err();
        assert_eq!(
            err,
            format!("Loki has no line for {{service_name=\"peak_trade_smoke_sender\"}} | trace_id=\"{ID}\" yet")
        );
        let err = log(&agent(), &loki.url(""), &sent(), 1, 2).unwrap_err();
        assert_eq!(err, "Loki query_range: HTTP 400: parse error at line 1, col 40: syntax error");
    }

    /// Prometheus's vector answer with value "1" passes; no sample is "not yet"; 2 is a failure.
    #[test]
    fn metric_value_must_be_one() {
        let empty = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        let prom = Server::routes(vec![(
            "/api/v1/query",
            vec![Reply::json(200, empty), Reply::json(200, PROM), Reply::json(200, &PROM.replace("\"1\"", "\"2\""))],
        )])
        .unwrap();
        let query = format!("peak_trade_smoke_total{{smoke_run_id=\"{ID}\"}}");
        assert_eq!(
            metric(&agent(), &prom.url(""), &sent()).unwrap_err(),
            format!("Prometheus has no sample for {query} yet")
        );
        assert_eq!(metric(&agent(), &prom.url(""), &sent()).unwrap(), format!("{query} = 1"));
        let err = metric(&agent(), &prom.url(""), &sent()).unwrap_err();
        assert_eq!(err, format!("Prometheus answers {query} with [\"2\"], expected one sample of 1"));
    }

    /// A closed port is reported as connection refused, naming the API.
    #[test]
    fn closed_port_names_the_api() {
        let url = format!("http://127.0.0.1:{}", crate::testserver::closed_port().unwrap());
        assert_eq!(metric(&agent(), &url, &sent()).unwrap_err(), "Prometheus query: connection refused");
    }
}
