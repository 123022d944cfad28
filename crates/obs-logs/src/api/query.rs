//! `query_range` and `query`: parse the LogQL, evaluate it against the store, answer in
//! Loki's shapes (streams, matrix, vector, scalar); bad queries get 400 with Loki's message.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::params::Params;
use super::render::{self, ApiError, Envelope, QueryData, Summary};
use crate::LogStore;
use crate::ingest::now_ns;
use crate::query::ast::Query;
use crate::query::eval::logs::{LogParams, select};
use crate::query::eval::{Grid, eval_metric};
use crate::query::{self, QueryError};

/// Default range of a query: the last hour.
const DEFAULT_SINCE: i64 = 3600 * 1_000_000_000;

/// The header Grafana sends to get categorized labels.
const ENCODING_FLAGS: &str = "x-loki-response-encoding-flags";

/// `GET|POST /loki/api/v1/query_range`.
pub async fn query_range(
    State(store): State<Arc<LogStore>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let result = Params::new(raw.as_deref(), &headers, &body)
        .map_err(|e| render::bad_request(&e))
        .and_then(|params| range(&store, &params, categorize(&headers), started));
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `GET|POST /loki/api/v1/query`.
pub async fn query(
    State(store): State<Arc<LogStore>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let result = Params::new(raw.as_deref(), &headers, &body)
        .map_err(|e| render::bad_request(&e))
        .and_then(|params| instant(&store, &params, categorize(&headers), started));
    result.unwrap_or_else(IntoResponse::into_response)
}

fn categorize(headers: &HeaderMap) -> bool {
    headers
        .get_all(ENCODING_FLAGS)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|flag| flag.trim() == "categorize-labels")
}

fn parsed_query(params: &Params) -> Result<Query, ApiError> {
    let Some(text) = params.get("query") else {
        return Err(render::bad_request("the query parameter is missing: pass a LogQL query as ?query=..."));
    };
    query::parse(text).map_err(|e| query_error(&e))
}

fn query_error(e: &QueryError) -> ApiError {
    render::bad_request(&e.to_string())
}

fn range(store: &LogStore, params: &Params, categorize: bool, started: Instant) -> Result<Response, ApiError> {
    let query = parsed_query(params)?;
    let bad = |e: String| render::bad_request(&e);
    let (start, end) = params.range(now_ns(), DEFAULT_SINCE).map_err(bad)?;
    let limit = params.limit().map_err(bad)?;
    let forward = params.forward().map_err(bad)?;
    let inner = store.read();
    match query {
        Query::Log(log) => {
            let hits = select(&inner, &log, LogParams { start, end, limit, forward });
            let result = render::streams(&inner, &hits, &log.dropped_labels(), categorize, forward);
            let bytes = result.iter().flat_map(|s| &s.values).map(entry_bytes).sum();
            let summary = Summary { exec_seconds: started.elapsed().as_secs_f64(), returned: hits.len() as u64, bytes };
            let data = QueryData {
                result_type: "streams",
                encoding_flags: flags(categorize),
                result,
                stats: render::stats(summary),
            };
            Ok(render::json(&Envelope { status: "success", data }))
        }
        Query::Metric(expr) => {
            let step = params.step(start, end).map_err(bad)?;
            let grid = Grid { start, end, step };
            let value = eval_metric(&inner, &expr, &grid).map_err(|e| query_error(&e))?;
            let (result, returned) = render::matrix(&value, &grid.steps());
            let summary = Summary { exec_seconds: started.elapsed().as_secs_f64(), returned, bytes: 0 };
            let data = QueryData {
                result_type: "matrix",
                encoding_flags: flags(categorize),
                result,
                stats: render::stats(summary),
            };
            Ok(render::json(&Envelope { status: "success", data }))
        }
    }
}

fn entry_bytes(entry: &render::EntryOut<'_>) -> u64 {
    match entry {
        render::EntryOut::Plain(_, line) | render::EntryOut::Categorized(_, line, _) => line.len() as u64,
    }
}

/// `encodingFlags` echoed on every result type when the request asked for categorized labels.
fn flags(categorize: bool) -> Option<Vec<&'static str>> {
    categorize.then(|| vec!["categorize-labels"])
}

fn instant(store: &LogStore, params: &Params, categorize: bool, started: Instant) -> Result<Response, ApiError> {
    let query = parsed_query(params)?;
    let t = params.time("time", now_ns()).map_err(|e| render::bad_request(&e))?;
    params.limit().map_err(|e| render::bad_request(&e))?;
    params.forward().map_err(|e| render::bad_request(&e))?;
    let Query::Metric(expr) = query else {
        return Err(render::bad_request(
            "log queries are not supported as an instant query type, please change your query to a range query type",
        ));
    };
    let inner = store.read();
    let value = eval_metric(&inner, &expr, &Grid::instant(t)).map_err(|e| query_error(&e))?;
    let (result_type, result, returned) = render::instant(&value, t);
    let summary = Summary { exec_seconds: started.elapsed().as_secs_f64(), returned, bytes: 0 };
    let data = QueryData { result_type, encoding_flags: flags(categorize), result, stats: render::stats(summary) };
    Ok(render::json(&Envelope { status: "success", data }))
}
