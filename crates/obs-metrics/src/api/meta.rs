//! Metadata endpoints: `labels`, `label/<name>/values`, `series`, `metadata`, `buildinfo`.

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use promql_parser::parser::Expr;
use serde_json::{Map, Value as Json, json};

use super::params::{Params, parse_time};
use super::query::metric_json;
use super::{ApiState, collect_params, error, query_error, success};
use crate::query::eval::matcher_groups;
use crate::query::{QueryError, label_of};
use crate::store::SeriesData;
use crate::view::StoreView;

/// Series matching any `match[]` selector (all series when none is given) within the optional
/// `start`/`end`.
fn matching(st: &ApiState, params: &Params, required: bool) -> Result<Vec<SeriesData>, QueryError> {
    let bound = |name: &str, default: i64| match params.get(name) {
        None | Some("") => Ok(default),
        Some(raw) => parse_time(raw).ok_or_else(|| {
            QueryError::BadData(format!("invalid parameter {name:?}: cannot parse {raw:?} to a valid timestamp"))
        }),
    };
    let (start, end) = (bound("start", i64::MIN)?, bound("end", i64::MAX)?);
    let selectors = params.all("match[]");
    if selectors.is_empty() && required {
        return Err(QueryError::BadData("no match[] parameter provided".into()));
    }
    let view = StoreView::new(&st.store, &st.own);
    let with_empty = start == i64::MIN && end == i64::MAX;
    if selectors.is_empty() {
        return Ok(view.select(None, &|_| true, start, end, with_empty));
    }
    let mut out: Vec<SeriesData> = Vec::new();
    let mut seen = BTreeSet::new();
    for raw in selectors {
        let Expr::VectorSelector(vs) = crate::query::parse(raw)? else {
            return Err(QueryError::BadData(format!(
                "invalid parameter \"match[]\": {raw:?} is not a series selector"
            )));
        };
        let groups = matcher_groups(&vs);
        let keep = |l: &crate::store::Labels| groups.iter().any(|g| g.iter().all(|m| m.is_match(label_of(l, &m.name))));
        for s in view.select(None, &keep, start, end, with_empty) {
            if seen.insert(s.labels.clone()) {
                out.push(s);
            }
        }
    }
    Ok(out)
}

/// `GET|POST /api/v1/labels`.
pub async fn labels(
    State(st): State<ApiState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let params = collect_params(&method, &headers, raw, &body);
    match matching(&st, &params, false) {
        Ok(series) => {
            let names: BTreeSet<&str> = series.iter().flat_map(|s| s.labels.iter().map(|(k, _)| k.as_str())).collect();
            success(json!(names))
        }
        Err(e) => query_error(e),
    }
}

/// `GET /api/v1/label/<name>/values`.
pub async fn label_values(State(st): State<ApiState>, Path(name): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let valid =
        name.chars().enumerate().all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()));
    if name.is_empty() || !valid {
        return error(StatusCode::BAD_REQUEST, "bad_data", &format!("invalid label name: {name:?}"));
    }
    let mut params = Params::default();
    params.extend_from(raw.as_deref().unwrap_or(""));
    match matching(&st, &params, false) {
        Ok(series) => {
            let values: BTreeSet<&str> =
                series.iter().map(|s| label_of(&s.labels, &name)).filter(|v| !v.is_empty()).collect();
            success(json!(values))
        }
        Err(e) => query_error(e),
    }
}

/// `GET|POST /api/v1/series`.
pub async fn series(
    State(st): State<ApiState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let params = collect_params(&method, &headers, raw, &body);
    match matching(&st, &params, true) {
        Ok(series) => {
            let mut list: Vec<_> = series.iter().map(|s| s.labels.clone()).collect();
            list.sort();
            success(Json::Array(list.iter().map(|l| metric_json(l)).collect()))
        }
        Err(e) => query_error(e),
    }
}

/// `GET /api/v1/metadata` (optional `metric` and `limit`).
pub async fn metadata(State(st): State<ApiState>, RawQuery(raw): RawQuery) -> Response {
    let mut params = Params::default();
    params.extend_from(raw.as_deref().unwrap_or(""));
    let limit = params.get("limit").and_then(|l| l.parse::<usize>().ok()).filter(|l| *l > 0).unwrap_or(usize::MAX);
    let mut out = Map::new();
    let own = (st.own)();
    let own_families = own.iter().map(|s| (s.name.to_string(), s.kind, s.help.to_string(), String::new()));
    let stored = st.store.families().into_iter().map(|(n, f)| (n.to_string(), f.kind.as_str(), f.help, f.unit));
    for (name, kind, help, unit) in stored.chain(own_families) {
        if params.get("metric").is_some_and(|m| m != name) || out.contains_key(&name) || out.len() >= limit {
            continue;
        }
        out.insert(name, json!([{"type": kind, "help": help, "unit": unit}]));
    }
    success(Json::Object(out))
}

/// The `buildinfo` answer: a Prometheus-compatible version, marked as the embedded backend.
pub fn buildinfo() -> Json {
    json!({
        "version": "2.53.0",
        "revision": "obs-embedded",
        "branch": "embedded",
        "buildUser": "obs-embedded",
        "buildDate": "",
        "goVersion": concat!("none (Rust; obs-metrics ", env!("CARGO_PKG_VERSION"), ")"),
    })
}
