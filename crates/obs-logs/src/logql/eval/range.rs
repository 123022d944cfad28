//! Range aggregations (`count_over_time`, `rate`, `bytes_over_time`, `bytes_rate`): records
//! matching the pipeline are grouped into series (optionally projected straight onto a `sum`
//! grouping) and counted in the window `(t - range, t]` at every step.

use std::collections::HashMap;

use super::logs::{matching_streams, segment_order};
use super::parsers::ERROR_LABEL;
use super::pipeline::{Parsed, Pipeline, with_value};
use super::view::{Field, View};
use super::{Grid, MAX_SERIES, Series};
use crate::logql::QueryError;
use crate::logql::ast::{LogExpr, RangeFn};
use crate::store::Inner;

/// Which labels identify a series.
#[derive(Debug, Clone, Copy)]
pub enum Projection<'a> {
    /// All labels: index, metadata and parsed.
    All,
    /// Only these (a `sum by` pushed down).
    By(&'a [String]),
    /// All but these (a `sum without` pushed down).
    Without(&'a [String]),
}

/// Samples of one series: (timestamp, line bytes).
struct Samples {
    labels: Vec<(String, String)>,
    points: Vec<(i64, u32)>,
}

/// Evaluates a range aggregation over the grid.
pub fn eval(
    inner: &Inner,
    func: RangeFn,
    log: &LogExpr,
    range: i64,
    grid: &Grid,
    projection: Projection<'_>,
) -> Result<Vec<Series>, QueryError> {
    let streams = matching_streams(inner, &log.matchers);
    let pipeline = Pipeline::compile(inner, log);
    let (lo, hi) = (grid.start.saturating_sub(range), grid.end);
    let by_fields: Vec<Field> = match projection {
        Projection::By(names) => {
            let mut names = names.to_vec();
            names.sort();
            names.dedup();
            names.iter().map(|n| Field::resolve(inner, n)).collect()
        }
        _ => Vec::new(),
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut series: Vec<Samples> = Vec::new();
    let mut parsed = Parsed::new();
    let mut key = String::new();
    for s in segment_order(inner, lo.saturating_add(1), hi.saturating_add(1), true) {
        let seg = &inner.segments[s];
        for i in Inner::live_range(seg) {
            let ts = seg.ts[i];
            if ts <= lo || ts > hi || !streams[seg.stream[i] as usize] {
                continue;
            }
            let mut view = View::new(inner, seg, i);
            if !pipeline.run(&mut view, &mut parsed) {
                continue;
            }
            if let Some((_, err)) = parsed.iter().find(|(k, _)| k == ERROR_LABEL) {
                return Err(pipeline_error(err));
            }
            let labels = series_key(&mut view, &parsed, projection, &by_fields, &mut key);
            let slot = match index.get(key.as_str()) {
                Some(&slot) => slot,
                None => {
                    if series.len() >= MAX_SERIES {
                        return Err(QueryError::Bad(format!(
                            "maximum of series ({MAX_SERIES}) reached for a single query; aggregate with sum by (...) \
                             or narrow the selector"
                        )));
                    }
                    let labels = labels.unwrap_or_else(|| full_labels(&mut view, &parsed, projection, &by_fields));
                    index.insert(key.clone(), series.len());
                    series.push(Samples { labels, points: Vec::new() });
                    series.len() - 1
                }
            };
            let len = u32::try_from(view.line().len()).unwrap_or(u32::MAX);
            series[slot].points.push((ts, len));
        }
    }
    let steps = grid.steps();
    Ok(series.into_iter().map(|s| Series { labels: s.labels, points: sweep(func, range, &steps, s.points) }).collect())
}

fn pipeline_error(err: &str) -> QueryError {
    QueryError::Bad(format!(
        "pipeline error: '{err}'. Use a label filter to intentionally skip this error. (e.g | __error__!=\"{err}\")"
    ))
}

/// Writes a series' identity into `key`; returns its labels when they were built anyway.
fn series_key(
    view: &mut View<'_>,
    parsed: &Parsed,
    projection: Projection<'_>,
    by_fields: &[Field],
    key: &mut String,
) -> Option<Vec<(String, String)>> {
    key.clear();
    if let Projection::By(_) = projection {
        for field in by_fields {
            with_value(view, parsed, field, |v| {
                if let Some(v) = v.filter(|v| !v.is_empty()) {
                    key.push_str(&field.name);
                    key.push('\u{1}');
                    key.push_str(v);
                }
                key.push('\u{0}');
            });
        }
        return None;
    }
    let labels = full_labels(view, parsed, projection, by_fields);
    for (k, v) in &labels {
        key.push_str(k);
        key.push('\u{1}');
        key.push_str(v);
        key.push('\u{0}');
    }
    Some(labels)
}

/// A record's series labels under a projection, sorted by name, empty values dropped.
fn full_labels(
    view: &mut View<'_>,
    parsed: &Parsed,
    projection: Projection<'_>,
    by_fields: &[Field],
) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = Vec::new();
    if let Projection::By(_) = projection {
        for field in by_fields {
            with_value(view, parsed, field, |v| {
                if let Some(v) = v.filter(|v| !v.is_empty()) {
                    labels.push((field.name.clone(), v.to_owned()));
                }
            });
        }
        return labels;
    }
    labels.extend(view.labels().into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())));
    labels.extend(view.metadata().into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())));
    labels.extend(parsed.iter().cloned());
    if let Projection::Without(names) = projection {
        labels.retain(|(k, _)| !names.contains(k));
    }
    labels.retain(|(_, v)| !v.is_empty());
    labels.sort();
    labels.dedup_by(|a, b| a.0 == b.0);
    labels
}

/// Values at each step from a series' samples.
fn sweep(func: RangeFn, range: i64, steps: &[i64], mut points: Vec<(i64, u32)>) -> Vec<Option<f64>> {
    points.sort_unstable_by_key(|p| p.0);
    let mut prefix = Vec::with_capacity(points.len() + 1);
    prefix.push(0u64);
    for p in &points {
        prefix.push(prefix[prefix.len() - 1] + u64::from(p.1));
    }
    let seconds = range as f64 / 1e9;
    let (mut lo, mut hi) = (0usize, 0usize);
    steps
        .iter()
        .map(|&t| {
            while hi < points.len() && points[hi].0 <= t {
                hi += 1;
            }
            while lo < hi && points[lo].0 <= t.saturating_sub(range) {
                lo += 1;
            }
            (hi > lo).then(|| {
                let count = (hi - lo) as f64;
                let bytes = (prefix[hi] - prefix[lo]) as f64;
                match func {
                    RangeFn::Count => count,
                    RangeFn::Rate => count / seconds,
                    RangeFn::Bytes => bytes,
                    RangeFn::BytesRate => bytes / seconds,
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Windows are (t - range, t]: a sample at t counts, one at t - range does not.
    #[test]
    fn windows() {
        let points = vec![(10, 5), (20, 5), (30, 5)];
        let values = sweep(RangeFn::Count, 10, &[5, 10, 20, 30, 40, 45], points.clone());
        assert_eq!(values, vec![None, Some(1.0), Some(1.0), Some(1.0), None, None]);
        let values = sweep(RangeFn::Bytes, 20, &[30], points);
        assert_eq!(values, vec![Some(10.0)]);
    }
}
