//! `query_range` and `query`: read the parameters, bound the query text, then parse, evaluate
//! and render on the query runner (off the async workers, with a deadline and a budget); answer
//! in Loki's shapes (streams, matrix, vector, scalar); bad queries get 400 with Loki's message.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use obs_contract::query::Budget;

use super::Api;
use super::params::Params;
use super::render::{self, Envelope, QueryData, Summary};
use crate::ingest::now_ns;
use crate::query;
use crate::query::ast::{LogExpr, MetricExpr, Query};
use crate::query::eval::logs::{LogParams as RangeParams, select};
use crate::query::eval::{Grid, eval_metric};
use crate::{Error, LogStore};

/// Default range of a query: the last hour.
const DEFAULT_SINCE: i64 = 3600 * 1_000_000_000;

/// The header Grafana sends to get categorized labels.
const ENCODING_FLAGS: &str = "x-loki-response-encoding-flags";

/// `GET|POST /loki/api/v1/query_range`.
pub async fn query_range(State(api): State<Api>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    let started = Instant::now();
    let categorize = categorize(&headers);
    let answer = async {
        let params = Params::new(raw.as_deref(), &headers, &body)?;
        let text = query_text(&api, &params)?;
        let (start, end) = params.range(now_ns(), DEFAULT_SINCE)?;
        let range = RangeParams { start, end, limit: params.limit()?, forward: params.forward()? };
        let step = params.step(start, end);
        let max_depth = api.max_depth();
        api.run(move |store, budget| {
            let query = query::parse_with(&text, max_depth)?;
            let out = Out { categorize, started };
            match query {
                Query::Log(log) => log_range(store, &log, range, out, budget),
                Query::Metric(expr) => metric_range(store, &expr, Grid { start, end, step: step? }, out, budget),
            }
        })
        .await
    };
    answer.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET|POST /loki/api/v1/query`.
pub async fn query(State(api): State<Api>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    let started = Instant::now();
    let categorize = categorize(&headers);
    let answer = async {
        let params = Params::new(raw.as_deref(), &headers, &body)?;
        let text = query_text(&api, &params)?;
        let t = params.time("time", now_ns())?;
        params.limit()?;
        params.forward()?;
        let max_depth = api.max_depth();
        api.run(move |store, budget| {
            let Query::Metric(expr) = query::parse_with(&text, max_depth)? else {
                return Err(render::bad_request(
                    "log queries are not supported as an instant query type, please change your query to a range \
                     query type",
                ));
            };
            metric_instant(store, &expr, t, Out { categorize, started }, budget)
        })
        .await
    };
    answer.await.unwrap_or_else(IntoResponse::into_response)
}

fn categorize(headers: &HeaderMap) -> bool {
    headers
        .get_all(ENCODING_FLAGS)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|flag| flag.trim() == "categorize-labels")
}

/// The `query` parameter, checked by the lexical bound before any parser sees it.
fn query_text(api: &Api, params: &Params) -> Result<String, Error> {
    let Some(text) = params.get("query") else {
        return Err(render::bad_request("the query parameter is missing: pass a LogQL query as ?query=..."));
    };
    api.scan(text)?;
    Ok(text.to_owned())
}

/// How the answer is rendered and timed.
#[derive(Clone, Copy)]
struct Out {
    categorize: bool,
    started: Instant,
}

impl Out {
    fn answer<R: serde::Serialize>(self, result_type: &'static str, result: R, summary: Summary) -> Response {
        let flags = self.categorize.then(|| vec!["categorize-labels"]);
        let data = QueryData { result_type, encoding_flags: flags, result, stats: render::stats(summary) };
        render::json(&Envelope { status: "success", data })
    }

    fn summary(self, returned: u64, bytes: u64) -> Summary {
        Summary { exec_seconds: self.started.elapsed().as_secs_f64(), returned, bytes }
    }
}

/// A log query's entries, grouped into streams.
fn log_range(
    store: &LogStore,
    log: &LogExpr,
    params: RangeParams,
    out: Out,
    budget: &Budget,
) -> Result<Response, Error> {
    let hits = select(store, log, params, budget)?;
    let dropped = log.dropped_labels();
    Ok(store.with_inner(|inner| {
        let result = render::streams(inner, &hits, &dropped, out.categorize, params.forward);
        let bytes = result.iter().flat_map(|s| &s.values).map(entry_bytes).sum();
        out.answer("streams", result, out.summary(hits.len() as u64, bytes))
    }))
}

fn metric_range(store: &LogStore, expr: &MetricExpr, grid: Grid, out: Out, budget: &Budget) -> Result<Response, Error> {
    let value = eval_metric(store, expr, &grid, budget)?;
    let (result, returned) = render::matrix(value, grid.steps());
    Ok(out.answer("matrix", result, out.summary(returned, 0)))
}

fn metric_instant(store: &LogStore, expr: &MetricExpr, t: i64, out: Out, budget: &Budget) -> Result<Response, Error> {
    let value = eval_metric(store, expr, &Grid::instant(t), budget)?;
    let (result_type, result, returned) = render::instant(&value, t);
    Ok(out.answer(result_type, result, out.summary(returned, 0)))
}

fn entry_bytes(entry: &render::EntryOut<'_>) -> u64 {
    match entry {
        render::EntryOut::Plain(_, line) | render::EntryOut::Categorized(_, line, _) => line.len() as u64,
    }
}
