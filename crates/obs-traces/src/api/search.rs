//! `GET /api/search`: TraceQL (`q`) or legacy logfmt `tags`, with Tempo's answer shape.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Serialize;

use super::params::Params;
use super::render_json::JKeyValue;
use super::{App, json, search_params, traceid};
use crate::error::Error;
use crate::query::search::{self, Hit, Outcome};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchJson {
    traces: Vec<TraceJson>,
    metrics: MetricsJson,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MetricsJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    inspected_traces: Option<u64>,
    inspected_bytes: String,
    completed_jobs: u32,
    total_jobs: u32,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct SpanJson {
    #[serde(rename = "spanID")]
    span_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    start_time_unix_nano: String,
    duration_nanos: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<JKeyValue>,
}

#[derive(Serialize, Clone)]
struct SpanSetJson {
    spans: Vec<SpanJson>,
    matched: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServiceStatsJson {
    span_count: u32,
    #[serde(skip_serializing_if = "is_zero")]
    error_count: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TraceJson {
    #[serde(rename = "traceID")]
    trace_id: String,
    root_service_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    root_trace_name: Option<String>,
    start_time_unix_nano: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    span_set: Option<SpanSetJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    span_sets: Option<Vec<SpanSetJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_stats: Option<BTreeMap<String, ServiceStatsJson>>,
}

fn trace_json(hit: Hit, spansets: bool) -> TraceJson {
    let duration_ms = hit.duration / 1_000_000;
    let mut out = TraceJson {
        trace_id: traceid::search_hex(&hit.trace_id),
        root_service_name: hit.root_service,
        root_trace_name: hit.root_name,
        start_time_unix_nano: hit.start.to_string(),
        duration_ms: (duration_ms > 0).then_some(duration_ms),
        span_set: None,
        span_sets: None,
        service_stats: None,
    };
    if spansets {
        let spans = hit.spans.into_iter().map(|s| SpanJson {
            span_id: hex::encode(s.span_id),
            name: s.name,
            start_time_unix_nano: s.start.to_string(),
            duration_nanos: s.duration.to_string(),
            attributes: s.attributes.into_iter().map(|(key, value)| JKeyValue::new(key, Some(value))).collect(),
        });
        let set = SpanSetJson { spans: spans.collect(), matched: hit.matched };
        out.span_sets = Some(vec![set.clone()]);
        out.span_set = Some(set);
        let stats = hit
            .services
            .into_iter()
            .map(|s| (s.service, ServiceStatsJson { span_count: s.spans, error_count: s.errors }));
        out.service_stats = Some(stats.collect());
    }
    out
}

/// `GET /api/search`: decode, run in the query runner (parse, then search in chunks), render.
pub async fn search(State(app): State<App>, Query(params): Query<Vec<(String, String)>>) -> Result<Response, Error> {
    let limits = *app.runner.limits();
    let spec = search_params::decode(&Params(params), &limits)?;
    let store = app.store.clone();
    let outcome = app
        .runner
        .run(move |budget| -> Result<(Outcome, bool), Error> {
            let req = spec.into_request(&limits)?;
            Ok((search::run(&store, &req, budget)?, req.spansets))
        })
        .await??;
    Ok(render(outcome))
}

fn render((outcome, spansets): (Outcome, bool)) -> Response {
    let metrics = MetricsJson {
        inspected_traces: (!spansets && outcome.inspected_traces > 0).then_some(outcome.inspected_traces),
        inspected_bytes: outcome.inspected_bytes.to_string(),
        completed_jobs: 1,
        total_jobs: 1,
    };
    let traces = outcome.hits.into_iter().map(|h| trace_json(h, spansets)).collect();
    json(&SearchJson { traces, metrics })
}
