//! `/api/v1/query` and `/api/v1/query_range`: parameters, then parse, evaluate and encode on
//! the query runner.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;

use super::encode::Body;
use super::params::{Params, parse_duration_ms, parse_time, time_param};
use super::{ApiState, collect_params};
use crate::error::QueryError;
use crate::query::{instant_query, parse, range_query};
use crate::store::now_ms;

/// Most points per series a range query may return, as Prometheus limits it.
pub const MAX_POINTS: i64 = 11_000;

/// The query text, checked against the limits before it takes a query slot.
fn query_text(st: &ApiState, params: &Params) -> Result<String, QueryError> {
    let text = params.get("query").unwrap_or("");
    parse::check(text, st.runner.limits())?;
    Ok(text.to_owned())
}

/// `GET|POST /api/v1/query`.
pub async fn instant(
    State(st): State<ApiState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, QueryError> {
    let arrived = now_ms();
    let params = collect_params(&method, &headers, raw, &body);
    let t = match params.get("time") {
        None | Some("") => arrived,
        Some(raw) => parse_time(raw).ok_or_else(|| {
            QueryError::BadData(format!(
                "invalid parameter \"time\": Invalid time value for 'time': cannot parse {raw:?} to a valid timestamp"
            ))
        })?,
    };
    let text = query_text(&st, &params)?;
    let body = st
        .run(arrived, move |view, limits, budget| {
            let expr = parse::parse(&text, limits)?;
            let value = instant_query(view, &expr, t, budget)?;
            let mut body = Body::success();
            body.instant(&value, t);
            Ok(body)
        })
        .await?;
    Ok(body.finish())
}

/// `start`, `end` and `step` of a range query, in ms, checked as Prometheus checks them.
fn window(params: &Params) -> Result<(i64, i64, i64), QueryError> {
    let start = time_param(params, "start")?;
    let end = time_param(params, "end")?;
    if end < start {
        return Err(QueryError::BadData(
            "invalid parameter \"end\": end timestamp must not be before start time".into(),
        ));
    }
    let raw_step = params.get("step").unwrap_or("");
    let step = parse_duration_ms(raw_step).ok_or_else(|| {
        QueryError::BadData(format!("invalid parameter \"step\": cannot parse {raw_step:?} to a valid duration"))
    })?;
    if step <= 0 {
        return Err(QueryError::BadData(
            "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer".into(),
        ));
    }
    if (end - start) / step > MAX_POINTS {
        return Err(QueryError::BadData(
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)".into(),
        ));
    }
    Ok((start, end, step))
}

/// `GET|POST /api/v1/query_range`.
pub async fn range(
    State(st): State<ApiState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, QueryError> {
    let params = collect_params(&method, &headers, raw, &body);
    let (start, end, step) = window(&params)?;
    let text = query_text(&st, &params)?;
    let body = st
        .run(now_ms(), move |view, limits, budget| {
            let expr = parse::parse(&text, limits)?;
            let series = range_query(view, &expr, start, end, step, budget)?;
            let mut body = Body::success();
            body.matrix(&series);
            Ok(body)
        })
        .await?;
    Ok(body.finish())
}
