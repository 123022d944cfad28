//! What Grafana's Explore and Logs Drilldown probe: `detected_labels` (index labels with their
//! cardinality), `detected_fields` and `detected_field/<name>/values` (structured metadata and
//! parsed fields of a sample of recent matching lines).

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use obs_contract::query::{Budget, QueryLimits, scan};

use super::Api;
use super::labels::{Request, answer, optional_selector, request, streams};
use super::params::MAX_LIMIT;
use super::render;
use crate::Error;
use crate::LogStore;
use crate::query::ast::{Query, Stage};
use crate::query::eval::logs::{LogParams, select};
use crate::query::eval::view::View;
use crate::query::parse_with;
use crate::query::units::{parse_bytes, parse_duration};

/// Lines sampled by default.
const DEFAULT_SAMPLE: usize = 1000;

/// `GET /loki/api/v1/detected_labels`: index labels with their cardinality.
pub async fn detected_labels(State(api): State<Api>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    answer(&api, move |store, _, limits| {
        let req = request(&headers, raw.as_deref(), &[])?;
        let selectors = optional_selector(&req, limits)?;
        Ok(store.with_inner(|inner| {
            let mut values: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for s in streams(inner, &req, &selectors) {
                for (k, v) in &s.labels {
                    values.entry(inner.interner.resolve(*k)).or_default().insert(inner.interner.resolve(*v));
                }
            }
            let detected: Vec<serde_json::Value> = values
                .iter()
                .map(|(label, set)| serde_json::json!({ "label": label, "cardinality": set.len() }))
                .collect();
            render::json(&serde_json::json!({ "detectedLabels": detected }))
        }))
    })
    .await
}

/// Values seen per field in a sample of lines, and which parser produced each field.
type Fields = BTreeMap<String, (BTreeSet<String>, Option<&'static str>)>;

/// The fields of a sample of recent matching lines; the lines are selected in chunks, then read
/// under one short lock.
fn sample(store: &LogStore, req: &Request, limits: &QueryLimits, budget: &Budget) -> Result<(Fields, usize), Error> {
    let limit = match req.params.get("limit") {
        Some(raw) => raw.parse::<usize>().map_err(|_| render::bad_request(&format!("invalid limit {raw:?}")))?,
        None => DEFAULT_SAMPLE,
    }
    .min(MAX_LIMIT);
    let Some(text) = req.params.get("query") else {
        return Err(render::bad_request("the query parameter is missing: pass a log query like {app=\"x\"}"));
    };
    scan::check(text, limits)?;
    let log = match parse_with(text, limits.max_depth) {
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
    let params = LogParams { start: req.start, end: req.end.saturating_add(1), limit, forward: false };
    let hits = select(store, &log, params, budget)?;
    let mut fields = Fields::new();
    store.with_inner(|inner| {
        for hit in &hits {
            let Some(seg) = inner.segment(hit.seq).filter(|seg| hit.i >= seg.head) else { continue };
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
    });
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
    State(api): State<Api>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    answer(&api, move |store, budget, limits| {
        let req = request(&headers, raw.as_deref(), &body)?;
        let (fields, limit) = sample(store, &req, limits, budget)?;
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
    })
    .await
}

/// `GET /loki/api/v1/detected_field/<name>/values`.
pub async fn detected_field_values(
    State(api): State<Api>,
    Path(name): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    answer(&api, move |store, budget, limits| {
        let req = request(&headers, raw.as_deref(), &body)?;
        let (mut fields, limit) = sample(store, &req, limits, budget)?;
        let values: Vec<String> = fields.remove(&name).map(|(v, _)| v.into_iter().collect()).unwrap_or_default();
        Ok(render::json(&serde_json::json!({ "values": values, "limit": limit })))
    })
    .await
}
