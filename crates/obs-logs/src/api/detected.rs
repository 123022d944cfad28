//! What Grafana's Explore and Logs Drilldown probe: `detected_labels` (index labels with their
//! cardinality), `detected_fields` and `detected_field/<name>/values` (structured metadata and
//! parsed fields of a sample of recent matching lines).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::labels::{Request, optional_selector, request, streams};
use super::params::MAX_LIMIT;
use super::render::{self, ApiError};
use crate::LogStore;
use crate::query::ast::{Query, Stage};
use crate::query::eval::logs::{LogParams, select};
use crate::query::eval::view::View;
use crate::query::parse;
use crate::query::units::{parse_bytes, parse_duration};
use crate::store::Inner;

/// Lines sampled by default.
const DEFAULT_SAMPLE: usize = 1000;

/// `GET /loki/api/v1/detected_labels`: index labels with their cardinality.
pub async fn detected_labels(
    State(store): State<Arc<LogStore>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let run = || -> Result<Response, ApiError> {
        let req = request(&headers, raw.as_deref(), &[])?;
        let selectors = optional_selector(&req)?;
        let inner = store.read();
        let mut values: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for s in streams(&inner, &req, &selectors) {
            for (k, v) in &s.labels {
                values.entry(inner.interner.resolve(*k)).or_default().insert(inner.interner.resolve(*v));
            }
        }
        let detected: Vec<serde_json::Value> =
            values.iter().map(|(label, set)| serde_json::json!({ "label": label, "cardinality": set.len() })).collect();
        Ok(render::json(&serde_json::json!({ "detectedLabels": detected })))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// Values seen per field in a sample of lines, and which parser produced each field.
type Fields = BTreeMap<String, (BTreeSet<String>, Option<&'static str>)>;

fn sample(inner: &Inner, req: &Request) -> Result<(Fields, usize), ApiError> {
    let limit = match req.params.get("limit") {
        Some(raw) => raw.parse::<usize>().map_err(|_| render::bad_request(&format!("invalid limit {raw:?}")))?,
        None => DEFAULT_SAMPLE,
    }
    .min(MAX_LIMIT);
    let Some(text) = req.params.get("query") else {
        return Err(render::bad_request("the query parameter is missing: pass a log query like {app=\"x\"}"));
    };
    let log = match parse(text) {
        Ok(Query::Log(log)) => log,
        Ok(Query::Metric(_)) => {
            return Err(render::bad_request("detected fields need a log query, not a metric query"));
        }
        Err(e) => return Err(render::bad_request(&e.to_string())),
    };
    let parser = log.stages.iter().find_map(|s| match s {
        Stage::Json => Some("json"),
        Stage::Logfmt => Some("logfmt"),
        _ => None,
    });
    let hits =
        select(inner, &log, LogParams { start: req.start, end: req.end.saturating_add(1), limit, forward: false });
    let mut fields = Fields::new();
    for hit in &hits {
        let Some(seg) = inner.segments.get(hit.seg) else { continue };
        let mut view = View::new(inner, seg, hit.i);
        for (k, v) in view.metadata() {
            fields.entry(k.into_owned()).or_default().0.insert(v.into_owned());
        }
        for (k, v) in &hit.parsed {
            let entry = fields.entry(k.clone()).or_default();
            entry.0.insert(v.clone());
            entry.1 = parser;
        }
    }
    Ok((fields, limit))
}

/// The type Loki reports for a field's values.
fn field_type(values: &BTreeSet<String>) -> &'static str {
    let all = |f: &dyn Fn(&str) -> bool| values.iter().all(|v| f(v));
    if all(&|v| v.parse::<i64>().is_ok()) {
        "int"
    } else if all(&|v| v.parse::<f64>().is_ok()) {
        "float"
    } else if all(&|v| v == "true" || v == "false") {
        "boolean"
    } else if all(&|v| parse_duration(v).is_some()) {
        "duration"
    } else if all(&|v| parse_bytes(v).is_some()) {
        "bytes"
    } else {
        "string"
    }
}

/// `GET /loki/api/v1/detected_fields`.
pub async fn detected_fields(
    State(store): State<Arc<LogStore>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let run = || -> Result<Response, ApiError> {
        let req = request(&headers, raw.as_deref(), &body)?;
        let inner = store.read();
        let (fields, limit) = sample(&inner, &req)?;
        let out: Vec<serde_json::Value> = fields
            .iter()
            .map(|(label, (values, parser))| {
                serde_json::json!({
                    "label": label,
                    "type": field_type(values),
                    "cardinality": values.len(),
                    "parsers": parser.map(|p| vec![p]),
                })
            })
            .collect();
        Ok(render::json(&serde_json::json!({ "fields": out, "limit": limit })))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// `GET /loki/api/v1/detected_field/<name>/values`.
pub async fn detected_field_values(
    State(store): State<Arc<LogStore>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let run = || -> Result<Response, ApiError> {
        let req = request(&headers, raw.as_deref(), &body)?;
        let inner = store.read();
        let (mut fields, limit) = sample(&inner, &req)?;
        let values: Vec<String> = fields.remove(&name).map(|(v, _)| v.into_iter().collect()).unwrap_or_default();
        Ok(render::json(&serde_json::json!({ "values": values, "limit": limit })))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}
