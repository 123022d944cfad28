//! Range aggregations (`count_over_time`, `rate`, `bytes_over_time`, `bytes_rate`): records
//! matching the pipeline are grouped into series (optionally projected straight onto a `sum`
//! grouping) and counted in the window `(t - range, t]` at every step.

use std::ops::ControlFlow;

use obs_contract::query::Budget;

use super::logs::candidates;
use super::memo::{Key as MemoKey, Memo};
use super::parsers::ERROR_LABEL;
use super::pipeline::{Extracted, Parsed, with_value};
use super::scan::{Plan, each_segment};
use super::view::{Field, View};
use super::{Grid, MAX_SERIES, Series};
use crate::LogStore;
use crate::query::QueryError;
use crate::query::ast::{LogExpr, RangeFn};
use crate::store::Inner;
use rustc_hash::FxHashMap as FastMap;

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

/// One series' running counts: difference arrays over the steps, so a record costs O(1)
/// whatever the range/step ratio.
struct Samples {
    labels: Vec<(String, String)>,
    counts: Vec<i64>,
    bytes: Vec<i64>,
}

impl Samples {
    fn new(labels: Vec<(String, String)>, steps: usize, need_bytes: bool) -> Self {
        Samples { labels, counts: vec![0; steps + 1], bytes: if need_bytes { vec![0; steps + 1] } else { Vec::new() } }
    }

    /// Counts a record at `ts` in every step whose window `(t - range, t]` holds it.
    fn add(&mut self, grid: &Grid, range: i64, ts: i64, len: u32) {
        let steps = (self.counts.len() - 1) as i64;
        if steps == 1 {
            // One step (an instant query): no division needed.
            if ts <= grid.start.saturating_sub(range) || ts > grid.start {
                return;
            }
            self.counts[0] += 1;
            self.counts[1] -= 1;
            if !self.bytes.is_empty() {
                self.bytes[0] += i64::from(len);
                self.bytes[1] -= i64::from(len);
            }
            return;
        }
        let step = grid.step.max(1);
        let first = if ts <= grid.start { 0 } else { ts.saturating_sub(grid.start).saturating_add(step - 1) / step };
        let last = ts.saturating_add(range - 1).saturating_sub(grid.start).div_euclid(step).min(steps - 1);
        if first > last || last < 0 {
            return;
        }
        let (first, last) = (first as usize, last as usize);
        self.counts[first] += 1;
        self.counts[last + 1] -= 1;
        if !self.bytes.is_empty() {
            self.bytes[first] += i64::from(len);
            self.bytes[last + 1] -= i64::from(len);
        }
    }

    /// The value at each step (None where the window is empty).
    fn values(&self, func: RangeFn, range: i64) -> Vec<Option<f64>> {
        let seconds = range as f64 / 1e9;
        let (mut count, mut bytes) = (0i64, 0i64);
        (0..self.counts.len() - 1)
            .map(|k| {
                count += self.counts[k];
                bytes += self.bytes.get(k).copied().unwrap_or(0);
                (count > 0).then(|| match func {
                    RangeFn::Count => count as f64,
                    RangeFn::Rate => count as f64 / seconds,
                    RangeFn::Bytes => bytes as f64,
                    RangeFn::BytesRate => bytes as f64 / seconds,
                })
            })
            .collect()
    }
}

/// Series being collected: identity key to slot.
struct Collector<'p> {
    index: FastMap<String, usize>,
    series: Vec<Samples>,
    key: String,
    projection: Projection<'p>,
    by_fields: Vec<Field>,
    dropped: Vec<String>,
    steps: usize,
    need_bytes: bool,
}

impl Collector<'_> {
    /// The slot of a record's series, creating it (within [`MAX_SERIES`], its points charged
    /// to the budget).
    fn slot(&mut self, view: &mut View<'_>, parsed: &Parsed, budget: &Budget) -> Result<usize, QueryError> {
        let labels = series_key(view, parsed, self.projection, &self.by_fields, &self.dropped, &mut self.key);
        if let Some(&slot) = self.index.get(self.key.as_str()) {
            return Ok(slot);
        }
        if self.series.len() >= MAX_SERIES {
            return Err(QueryError::Bad(format!(
                "maximum of series ({MAX_SERIES}) reached for a single query; aggregate with sum by (...) or narrow \
                 the selector"
            )));
        }
        budget.charge(self.steps as u64)?;
        let labels =
            labels.unwrap_or_else(|| full_labels(view, parsed, self.projection, &self.by_fields, &self.dropped));
        self.index.insert(self.key.clone(), self.series.len());
        self.series.push(Samples::new(labels, self.steps, self.need_bytes));
        Ok(self.series.len() - 1)
    }
}

/// A range aggregation to evaluate.
#[derive(Clone, Copy)]
pub struct RangeQuery<'q> {
    /// The function.
    pub func: RangeFn,
    /// The logs counted.
    pub log: &'q LogExpr,
    /// The window, ns.
    pub range: i64,
    /// How labels identify a series.
    pub projection: Projection<'q>,
}

/// Evaluates a range aggregation over the grid, reading the store one segment at a time.
pub fn eval(store: &LogStore, q: RangeQuery<'_>, grid: &Grid, budget: &Budget) -> Result<Vec<Series>, QueryError> {
    let (lo, hi) = (grid.start.saturating_sub(q.range), grid.end);
    let need_bytes = matches!(q.func, RangeFn::Bytes | RangeFn::BytesRate);
    let dropped = q.log.dropped_labels();
    let (plan, by_fields, mut memo) = store.with_inner(|inner| {
        let plan = Plan::new(inner, q.log, lo.saturating_add(1), hi.saturating_add(1), true);
        let by_fields = projected_fields(inner, q.projection, &dropped);
        let by = matches!(q.projection, Projection::By(_)).then_some(by_fields.as_slice());
        let memo = Memo::new(inner, by, plan.pipeline.has_parser());
        (plan, by_fields, memo)
    });
    let mut collector = Collector {
        index: FastMap::default(),
        series: Vec::new(),
        key: String::new(),
        projection: q.projection,
        by_fields,
        dropped,
        steps: grid.steps().len(),
        need_bytes,
    };
    let mut last: Option<(MemoKey, usize)> = None;
    let mut extracted = Extracted::default();
    each_segment(store, &plan.order, |inner, seg, len| {
        for i in candidates(seg, &plan.pipeline, len) {
            budget.tick()?;
            let ts = seg.ts[i];
            if ts <= lo || ts > hi || !plan.matches_stream(seg.stream[i]) {
                continue;
            }
            let mut view = View::new(inner, seg, i);
            if !plan.pipeline.run(&mut view, &mut extracted) {
                continue;
            }
            let parsed = &extracted.parsed;
            if let Some((_, err)) = parsed.iter().find(|(k, _)| k == ERROR_LABEL) {
                return Err(pipeline_error(err));
            }
            let key = memo.key(&mut view);
            let slot = match key {
                Some(key) if last.is_some_and(|(k, _)| k == key) => last.map_or(0, |(_, slot)| slot),
                Some(key) => match memo.get(&key) {
                    Some(slot) => slot,
                    None => {
                        let slot = collector.slot(&mut view, parsed, budget)?;
                        memo.insert(key, slot);
                        slot
                    }
                },
                None => collector.slot(&mut view, parsed, budget)?,
            };
            last = key.map(|k| (k, slot));
            let len = match (&extracted.line, need_bytes) {
                (_, false) => 0,
                (Some(line), true) => u32::try_from(line.len()).unwrap_or(u32::MAX),
                (None, true) => u32::try_from(view.line().len()).unwrap_or(u32::MAX),
            };
            collector.series[slot].add(grid, q.range, ts, len);
        }
        Ok(ControlFlow::Continue(()))
    })?;
    let series = collector.series.into_iter();
    Ok(series.map(|s| Series { points: s.values(q.func, q.range), labels: s.labels }).collect())
}

/// The `by` fields of a projection, resolved once (sorted, deduplicated, dropped ones left out).
fn projected_fields(inner: &Inner, projection: Projection<'_>, dropped: &[String]) -> Vec<Field> {
    let Projection::By(names) = projection else { return Vec::new() };
    let mut names = names.to_vec();
    names.sort();
    names.dedup();
    names.retain(|n| !dropped.contains(n));
    names.iter().map(|n| Field::resolve(inner, n)).collect()
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
    dropped: &[String],
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
    let labels = full_labels(view, parsed, projection, by_fields, dropped);
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
    dropped: &[String],
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
    labels.retain(|(k, v)| !v.is_empty() && !dropped.contains(k));
    labels.sort();
    labels.dedup_by(|a, b| a.0 == b.0);
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(func: RangeFn, range: i64, grid: Grid, points: &[(i64, u32)]) -> Vec<Option<f64>> {
        let mut samples = Samples::new(Vec::new(), grid.steps().len(), true);
        for (ts, len) in points {
            samples.add(&grid, range, *ts, *len);
        }
        samples.values(func, range)
    }

    /// Windows are (t - range, t]: a sample at t counts, one at t - range does not.
    #[test]
    fn windows() {
        let points = [(10, 5), (20, 5), (30, 5)];
        let grid = Grid { start: 0, end: 45, step: 5 };
        let counts = values(RangeFn::Count, 10, grid, &points);
        let expected: Vec<Option<f64>> =
            [0., 0., 1., 1., 1., 1., 1., 1., 0., 0.].iter().map(|c| (*c > 0.0).then_some(*c)).collect();
        assert_eq!(counts, expected);
        assert_eq!(values(RangeFn::Bytes, 20, Grid { start: 30, end: 30, step: 1 }, &points), vec![Some(10.0)]);
        assert_eq!(
            values(RangeFn::Count, 100, Grid { start: 5, end: 45, step: 20 }, &points),
            vec![None, Some(2.0), Some(3.0)]
        );
        assert_eq!(values(RangeFn::Rate, 10_000_000_000, Grid::instant(30), &points), vec![Some(0.3)]);
    }
}
