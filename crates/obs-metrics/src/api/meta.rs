//! Metadata endpoints: `labels`, `label/<name>/values`, `series`, `metadata`, `buildinfo`.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use obs_contract::query::{Budget, QueryLimits};
use promql_parser::parser::Expr;
use serde_json::{Map, Value as Json, json};

use super::encode::Body;
use super::params::{Params, parse_time};
use super::{ApiState, collect_params, success};
use crate::error::QueryError;
use crate::query::eval::matcher_groups;
use crate::query::{label_of, parse};
use crate::store::{Labels, now_ms};
use crate::view::StoreView;

/// The `[start, end]` ms of a metadata request (unbounded sides when absent).
fn time_range(params: &Params) -> Result<(i64, i64), QueryError> {
    let bound = |name: &str, default: i64| match params.get(name) {
        None | Some("") => Ok(default),
        Some(raw) => parse_time(raw).ok_or_else(|| {
            QueryError::BadData(format!("invalid parameter {name:?}: cannot parse {raw:?} to a valid timestamp"))
        }),
    };
    Ok((bound("start", i64::MIN)?, bound("end", i64::MAX)?))
}

/// Labels of the series matching any of `selectors` (all series when none is given) within
/// `range`, each label set once.
fn matching(
    view: &StoreView<'_>,
    selectors: &[String],
    range: (i64, i64),
    limits: &QueryLimits,
    budget: &Budget,
) -> Result<Vec<Arc<Labels>>, QueryError> {
    let with_empty = range == (i64::MIN, i64::MAX);
    if selectors.is_empty() {
        return Ok(view.select_labels(&|_| true, range, with_empty, budget)?);
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for raw in selectors {
        let Expr::VectorSelector(vs) = parse::parse(raw, limits)? else {
            return Err(QueryError::BadData(format!(
                "invalid parameter \"match[]\": {raw:?} is not a series selector"
            )));
        };
        let groups = matcher_groups(&vs);
        let keep = |l: &Labels| groups.iter().any(|g| g.iter().all(|m| m.is_match(label_of(l, &m.name))));
        for labels in view.select_labels(&keep, range, with_empty, budget)? {
            if seen.insert(labels.clone()) {
                out.push(labels);
            }
        }
    }
    Ok(out)
}

/// Runs [`matching`] on the query runner and renders its result with `render`.
async fn run_matching(
    st: &ApiState,
    params: &Params,
    required: bool,
    render: impl FnOnce(Vec<Arc<Labels>>) -> Body + Send + 'static,
) -> Result<Response, QueryError> {
    let range = time_range(params)?;
    let selectors: Vec<String> = params.all("match[]").into_iter().map(str::to_owned).collect();
    if selectors.is_empty() && required {
        return Err(QueryError::BadData("no match[] parameter provided".into()));
    }
    for s in &selectors {
        parse::check(s, st.runner.limits())?;
    }
    let body = st
        .run(now_ms(), move |view, limits, budget| Ok(render(matching(view, &selectors, range, limits, budget)?)))
        .await?;
    Ok(body.finish())
}

/// A JSON list of strings.
fn string_list<'a>(items: impl Iterator<Item = &'a str>) -> Body {
    let mut body = Body::success();
    body.raw_list(items);
    body
}

/// `GET|POST /api/v1/labels`.
pub async fn labels(
    State(st): State<ApiState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, QueryError> {
    let params = collect_params(&method, &headers, raw, &body);
    run_matching(&st, &params, false, |series| {
        let names: BTreeSet<&str> = series.iter().flat_map(|s| s.iter().map(|(k, _)| k.as_str())).collect();
        string_list(names.into_iter())
    })
    .await
}

/// `GET /api/v1/label/<name>/values`.
pub async fn label_values(
    State(st): State<ApiState>,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, QueryError> {
    let valid =
        name.chars().enumerate().all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()));
    if name.is_empty() || !valid {
        return Err(QueryError::BadData(format!("invalid label name: {name:?}")));
    }
    let mut params = Params::default();
    params.extend_from(raw.as_deref().unwrap_or(""));
    run_matching(&st, &params, false, move |series| {
        let values: BTreeSet<&str> = series.iter().map(|s| label_of(s, &name)).filter(|v| !v.is_empty()).collect();
        string_list(values.into_iter())
    })
    .await
}

/// `GET|POST /api/v1/series`.
pub async fn series(
    State(st): State<ApiState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, QueryError> {
    let params = collect_params(&method, &headers, raw, &body);
    run_matching(&st, &params, true, |mut series| {
        series.sort();
        let mut body = Body::success();
        body.label_list(series.iter().map(AsRef::as_ref));
        body
    })
    .await
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
