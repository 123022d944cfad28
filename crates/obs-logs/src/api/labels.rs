//! Metadata endpoints: `labels`, `label/<name>/values`, `series` and `index/stats`, all over
//! index labels of streams with records in the time range.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::params::Params;
use super::render;
use crate::Error;
use obs_contract::query::{Budget, QueryLimits, scan};

use super::Api;
use crate::LogStore;
use crate::ingest::now_ns;
use crate::query::ast::{Matcher, Query};
use crate::query::eval::logs::matching_streams;
use crate::query::parse_with;
use crate::store::{Inner, Stream};

/// Default range of metadata queries: the last six hours.
const DEFAULT_SINCE: i64 = 6 * 3600 * 1_000_000_000;

/// What every metadata handler reads.
pub(super) struct Request {
    pub(super) params: Params,
    pub(super) start: i64,
    pub(super) end: i64,
}

pub(super) fn request(headers: &HeaderMap, raw: Option<&str>, body: &[u8]) -> Result<Request, Error> {
    let params = Params::new(raw, headers, body)?;
    let (start, end) = params.range(now_ns(), DEFAULT_SINCE)?;
    Ok(Request { params, start, end })
}

/// The matchers of a selector parameter (a log query's selector; pipelines are ignored),
/// bounded by the query limits before the parser sees it.
pub(super) fn selector_matchers(text: &str, limits: &QueryLimits) -> Result<Vec<Matcher>, Error> {
    scan::check(text, limits)?;
    match parse_with(text, limits.max_depth) {
        Ok(Query::Log(log)) => Ok(log.matchers),
        Ok(Query::Metric(_)) => {
            Err(render::bad_request(&format!("{text:?} is not a stream selector like {{app=\"x\"}}")))
        }
        Err(e) => Err(render::bad_request(&e.to_string())),
    }
}

/// Streams with records in the range, matching any of the selectors (all streams if none).
pub(super) fn streams<'a>(inner: &'a Inner, req: &Request, selectors: &[Vec<Matcher>]) -> Vec<&'a Stream> {
    let matched: Vec<Vec<bool>> = selectors.iter().map(|m| matching_streams(inner, m)).collect();
    inner
        .streams
        .iter()
        .enumerate()
        .filter(|(id, s)| {
            s.live > 0
                && s.max_ts >= req.start
                && s.min_ts <= req.end
                && (matched.is_empty() || matched.iter().any(|m| m.get(*id).copied().unwrap_or(false)))
        })
        .map(|(_, s)| s)
        .collect()
}

/// `{"status":"success","data":[...]}`, with `data` left out when empty (as Loki does).
#[derive(Serialize)]
struct Names {
    status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    data: Vec<String>,
}

pub(super) fn optional_selector(req: &Request, limits: &QueryLimits) -> Result<Vec<Vec<Matcher>>, Error> {
    req.params.get("query").map(|q| selector_matchers(q, limits)).transpose().map(|m| m.into_iter().collect())
}

/// Runs a metadata handler's work on the runner and answers with its response or error.
pub(super) async fn answer(
    api: &Api,
    work: impl FnOnce(&LogStore, &Budget, &QueryLimits) -> Result<Response, Error> + Send + 'static,
) -> Response {
    let limits = *api.runner.limits();
    api.run(move |store, budget| work(store, budget, &limits)).await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET|POST /loki/api/v1/labels`.
pub async fn labels(State(api): State<Api>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    answer(&api, move |store, _, limits| {
        let req = request(&headers, raw.as_deref(), &body)?;
        let selectors = optional_selector(&req, limits)?;
        Ok(store.with_inner(|inner| {
            let names: BTreeSet<&str> = streams(inner, &req, &selectors)
                .iter()
                .flat_map(|s| s.labels.iter().map(|(k, _)| inner.interner.resolve(*k)))
                .collect();
            let data = names.into_iter().map(str::to_owned).collect();
            render::json(&Names { status: "success", data })
        }))
    })
    .await
}

/// `GET|POST /loki/api/v1/label/<name>/values`.
pub async fn label_values(
    State(api): State<Api>,
    Path(name): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    answer(&api, move |store, _, limits| {
        let req = request(&headers, raw.as_deref(), &body)?;
        let selectors = optional_selector(&req, limits)?;
        Ok(store.with_inner(|inner| {
            let Some(sym) = inner.interner.get(&name) else {
                return render::json(&Names { status: "success", data: Vec::new() });
            };
            let values: BTreeSet<&str> = streams(inner, &req, &selectors)
                .iter()
                .filter_map(|s| s.labels.iter().find(|(k, _)| *k == sym).map(|(_, v)| inner.interner.resolve(*v)))
                .collect();
            let data = values.into_iter().map(str::to_owned).collect();
            render::json(&Names { status: "success", data })
        }))
    })
    .await
}

/// `GET|POST /loki/api/v1/series`.
pub async fn series(State(api): State<Api>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    answer(&api, move |store, _, limits| {
        let req = request(&headers, raw.as_deref(), &body)?;
        let raw_selectors = req.params.all("match[]");
        if raw_selectors.is_empty() {
            return Err(render::bad_request("at least one match[] parameter is required, like match[]={app=\"x\"}"));
        }
        let selectors =
            raw_selectors.into_iter().map(|s| selector_matchers(s, limits)).collect::<Result<Vec<_>, _>>()?;
        Ok(store.with_inner(|inner| {
            let data: Vec<BTreeMap<&str, &str>> = streams(inner, &req, &selectors)
                .iter()
                .map(|s| {
                    s.labels.iter().map(|(k, v)| (inner.interner.resolve(*k), inner.interner.resolve(*v))).collect()
                })
                .collect();
            render::json(&render::Envelope { status: "success", data })
        }))
    })
    .await
}

/// `GET|POST /loki/api/v1/index/stats`: `{"streams","chunks","bytes","entries"}`.
pub async fn index_stats(State(api): State<Api>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    answer(&api, move |store, budget, limits| {
        let req = request(&headers, raw.as_deref(), &body)?;
        let Some(query) = req.params.get("query") else {
            return Err(render::bad_request("the query parameter is missing: pass a stream selector"));
        };
        let selector = selector_matchers(query, limits)?;
        let body = store.with_inner(|inner| count_index(inner, &req, &selector, budget))?;
        Ok(render::json(&body))
    })
    .await
}

/// Streams, segments ("chunks"), bytes and entries matching a selector in the range.
fn count_index(
    inner: &Inner,
    req: &Request,
    selector: &[Matcher],
    budget: &Budget,
) -> Result<serde_json::Value, Error> {
    let matched = matching_streams(inner, selector);
    let (mut entries, mut bytes, mut chunks, mut streams) = (0u64, 0u64, 0u64, BTreeSet::new());
    for seg in &inner.segments {
        let before = entries;
        for i in Inner::live_range(seg) {
            budget.tick()?;
            let ts = seg.ts[i];
            if ts >= req.start && ts <= req.end && matched.get(seg.stream[i] as usize).copied().unwrap_or(false) {
                entries += 1;
                bytes += seg.cost_of(i);
                streams.insert(seg.stream[i]);
            }
        }
        chunks += u64::from(entries > before);
    }
    Ok(serde_json::json!({ "streams": streams.len(), "chunks": chunks, "bytes": bytes, "entries": entries }))
}
