//! `index/volume` and `index/volume_range`: bytes per group of streams in Loki's
//! Prometheus-style answer. Each bucket's samples carry the bucket's end time; as in Loki the
//! answer is a vector when every group has one sample (always for `index/volume`), else a matrix.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use obs_contract::query::QueryLimits;

use super::Api;
use super::labels::{answer, selector_matchers};
use super::params::Params;
use super::render::{self, Envelope, QueryData, Summary};
use crate::Error;
use crate::ingest::now_ns;
use crate::volume::{Bucket, Volume, VolumeQuery, volumes};

/// Default range: the last hour, as `query_range`.
const DEFAULT_SINCE: i64 = 3600 * 1_000_000_000;
/// Groups kept when `limit` is absent or 0 (Loki's default).
const DEFAULT_LIMIT: usize = 100;
/// Loki's buckets (but the last) end a millisecond before the next one starts.
const MS: i64 = 1_000_000;

/// `GET|POST /loki/api/v1/index/volume`.
pub async fn volume(State(api): State<Api>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    volume_answer(&api, headers, raw, body, false).await
}

/// `GET|POST /loki/api/v1/index/volume_range`.
pub async fn volume_range(
    State(api): State<Api>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    volume_answer(&api, headers, raw, body, true).await
}

async fn volume_answer(api: &Api, headers: HeaderMap, raw: Option<String>, body: Bytes, ranged: bool) -> Response {
    let started = Instant::now();
    answer(api, move |store, _, limits| {
        let params = Params::new(raw.as_deref(), &headers, &body)?;
        let query = volume_query(&params, limits)?;
        let (start, end) = params.range(now_ns(), DEFAULT_SINCE)?;
        let buckets = if ranged { buckets(start, end, params.step(start, end)?) } else { Vec::new() };
        let buckets = if buckets.is_empty() { vec![Bucket { from: start, to: end }] } else { buckets };
        let per_bucket = store.with_inner(|inner| volumes(inner, &query, &buckets));
        let ends: Vec<i64> = buckets.iter().map(|b| if b.to == end { end } else { b.to + 1 - MS }).collect();
        let (result_type, result, returned) = render_series(per_bucket, &ends);
        let summary = Summary { exec_seconds: started.elapsed().as_secs_f64(), returned, bytes: 0 };
        let data = QueryData { result_type, encoding_flags: None, result, stats: render::stats(summary) };
        Ok(render::json(&Envelope { status: "success", data }))
    })
    .await
}

/// `query`, `targetLabels`, `aggregateBy` and `limit`.
fn volume_query(params: &Params, limits: &QueryLimits) -> Result<VolumeQuery, Error> {
    let Some(text) = params.get("query") else {
        return Err(render::bad_request("the query parameter is missing: pass a stream selector like {app=\"x\"}"));
    };
    let matchers = if text.trim() == "{}" { Vec::new() } else { selector_matchers(text, limits)? };
    let target_labels =
        params.get("targetLabels").unwrap_or("").split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    let by_label_name = match params.get("aggregateBy") {
        None | Some("series") => false,
        Some("labels") => true,
        Some(other) => {
            return Err(render::bad_request(&format!("invalid aggregateBy parameter {other:?}: use series or labels")));
        }
    };
    Ok(VolumeQuery { matchers, target_labels: target_labels.collect(), by_label_name, limit: limit(params)? })
}

/// `limit`: a positive number of groups, 0 or absent meaning the default.
fn limit(params: &Params) -> Result<usize, Error> {
    let Some(raw) = params.get("limit") else { return Ok(DEFAULT_LIMIT) };
    match raw.parse::<i64>() {
        Ok(0) => Ok(DEFAULT_LIMIT),
        Ok(n) if n > 0 => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        Ok(_) => Err(render::bad_request("limit must be a positive value")),
        Err(_) => Err(render::bad_request(&format!("invalid limit parameter {raw:?}: not a whole number"))),
    }
}

/// Loki's volume buckets: aligned to `step`, the first starting at `start`, the last ending at
/// `end`; each covers up to the next one's start.
pub fn buckets(start: i64, end: i64, step: i64) -> Vec<Bucket> {
    let mut out = Vec::new();
    let mut from = start - start.rem_euclid(step);
    while from < end {
        let next = from.saturating_add(step);
        let to = if next >= end { end } else { next - 1 };
        out.push(Bucket { from: from.max(start), to });
        from = next;
    }
    out
}

/// One group's labels and `(time ns, bytes)` samples.
type GroupSeries = (BTreeMap<String, String>, Vec<(i64, u64)>);

/// Samples grouped by name across buckets: `(resultType, result, samples)`, groups by their
/// first sample descending (ties by name).
fn render_series(per_bucket: Vec<Vec<Volume>>, ends: &[i64]) -> (&'static str, serde_json::Value, u64) {
    let mut series: HashMap<String, GroupSeries> = HashMap::new();
    for (bucket, end) in per_bucket.into_iter().zip(ends) {
        for v in bucket {
            series.entry(v.name).or_insert_with(|| (v.labels, Vec::new())).1.push((*end, v.bytes));
        }
    }
    let matrix = series.values().any(|(_, samples)| samples.len() > 1);
    let mut sorted: Vec<(String, GroupSeries)> = series.into_iter().collect();
    let first = |s: &[(i64, u64)]| s.first().map_or(0, |(_, bytes)| *bytes);
    sorted.sort_by(|a, b| first(&b.1.1).cmp(&first(&a.1.1)).then_with(|| a.0.cmp(&b.0)));
    let sample = |(t, bytes): &(i64, u64)| serde_json::json!([render::seconds(*t), bytes.to_string()]);
    let mut count = 0u64;
    let result = sorted
        .into_iter()
        .map(|(_, (labels, samples))| {
            count += samples.len() as u64;
            match (matrix, samples.first()) {
                (false, Some(only)) => serde_json::json!({ "metric": labels, "value": sample(only) }),
                _ => serde_json::json!({ "metric": labels, "values": samples.iter().map(sample).collect::<Vec<_>>() }),
            }
        })
        .collect();
    (if matrix { "matrix" } else { "vector" }, serde_json::Value::Array(result), count)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    /// Buckets align to the step, start at `start`, end at `end`, and do not overlap.
    #[test]
    fn buckets_align_like_loki() {
        let got = buckets(5 * S, 25 * S, 10 * S);
        let want = [(5 * S, 10 * S - 1), (10 * S, 20 * S - 1), (20 * S, 25 * S)];
        assert_eq!(got, want.map(|(from, to)| Bucket { from, to }));
        assert_eq!(buckets(0, 10 * S, 10 * S), vec![Bucket { from: 0, to: 10 * S }]);
    }

    /// One sample per group gives a vector; a group with two gives a matrix, oldest first.
    #[test]
    fn vector_or_matrix() {
        let v = |name: &str, bytes| Volume { name: name.into(), labels: BTreeMap::new(), bytes };
        let (kind, result, n) = render_series(vec![vec![v("a", 3), v("b", 5)]], &[10 * S]);
        assert_eq!((kind, n), ("vector", 2));
        assert_eq!(result, serde_json::json!([{"metric":{},"value":[10,"5"]},{"metric":{},"value":[10,"3"]}]));
        let (kind, result, _) = render_series(vec![vec![v("a", 3)], vec![v("a", 4), v("b", 9)]], &[S, 2 * S]);
        assert_eq!(kind, "matrix");
        assert_eq!(result[0]["values"], serde_json::json!([[2, "9"]]), "sorted by first sample");
        assert_eq!(result[1]["values"], serde_json::json!([[1, "3"], [2, "4"]]));
    }
}
