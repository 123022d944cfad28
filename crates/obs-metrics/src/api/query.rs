//! `/api/v1/query` and `/api/v1/query_range`: parameters, limits and the result encoding.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use serde_json::{Map, Value as Json, json};

use super::params::{parse_duration_ms, parse_time, time_param};
use super::{ApiState, collect_params, query_error, success, ts_json};
use crate::format::api_value;
use crate::query::{QueryError, Value};
use crate::store::{SeriesData, now_ms};
use crate::view::StoreView;

/// Most points per series a range query may return, as Prometheus limits it.
pub const MAX_POINTS: i64 = 11_000;

/// `GET|POST /api/v1/query`.
pub async fn instant(
    State(st): State<ApiState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let params = collect_params(&method, &headers, raw, &body);
    let t = match params.get("time") {
        None | Some("") => now_ms(),
        Some(raw) => match parse_time(raw) {
            Some(t) => t,
            None => {
                return query_error(QueryError::BadData(format!(
                    "invalid parameter \"time\": Invalid time value for 'time': cannot parse {raw:?} to a valid timestamp"
                )));
            }
        },
    };
    let view = StoreView::new(&st.store, &st.own);
    match crate::query::instant_query(&view, params.get("query").unwrap_or(""), t) {
        Ok(value) => success(encode_instant(value, t)),
        Err(e) => query_error(e),
    }
}

/// `GET|POST /api/v1/query_range`.
pub async fn range(
    State(st): State<ApiState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let params = collect_params(&method, &headers, raw, &body);
    let window = (|| {
        let start = time_param(&params, "start")?;
        let end = time_param(&params, "end")?;
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
    })();
    let (start, end, step) = match window {
        Ok(w) => w,
        Err(e) => return query_error(e),
    };
    let view = StoreView::new(&st.store, &st.own);
    match crate::query::range_query(&view, params.get("query").unwrap_or(""), start, end, step) {
        Ok(series) => success(json!({"resultType": "matrix", "result": encode_matrix(&series)})),
        Err(e) => query_error(e),
    }
}

/// Labels as a JSON object.
pub fn metric_json(labels: &[(String, String)]) -> Json {
    Json::Object(labels.iter().map(|(k, v)| (k.clone(), Json::from(v.as_str()))).collect::<Map<_, _>>())
}

fn point(t: i64, v: f64) -> Json {
    json!([ts_json(t), api_value(v)])
}

fn encode_instant(value: Value, t: i64) -> Json {
    match value {
        Value::Scalar(v) => json!({"resultType": "scalar", "result": point(t, v)}),
        Value::String(s) => json!({"resultType": "string", "result": [ts_json(t), s]}),
        Value::Vector(samples) => {
            let result: Vec<Json> =
                samples.iter().map(|s| json!({"metric": metric_json(&s.labels), "value": point(t, s.value)})).collect();
            json!({"resultType": "vector", "result": result})
        }
        Value::Matrix(series) => json!({"resultType": "matrix", "result": encode_matrix(&series)}),
    }
}

fn encode_matrix(series: &[SeriesData]) -> Vec<Json> {
    series
        .iter()
        .map(|s| {
            let values: Vec<Json> = s.samples.iter().map(|(t, v)| point(*t, *v)).collect();
            json!({"metric": metric_json(&s.labels), "values": values})
        })
        .collect()
}
