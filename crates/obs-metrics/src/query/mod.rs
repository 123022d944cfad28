//! PromQL evaluation over the store: parse with `promql-parser`, evaluate the supported subset
//! at one instant or over a range of steps, and refuse anything else with an error naming it.

pub mod aggregate;
pub mod binary;
pub mod durations;
pub mod eval;
pub mod functions;
pub mod group;
pub mod histogram;
pub mod labelfns;
pub mod labels;
pub mod math;
pub mod parse;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use obs_contract::query::Budget;
use promql_parser::parser::Expr;

use crate::store::{Labels, SeriesData};
use crate::view::StoreView;

/// Default lookback of instant vector selectors (Prometheus' `--query.lookback-delta`).
pub const LOOKBACK_MS: i64 = 5 * 60 * 1000;

pub use crate::error::QueryError;

/// One element of an instant vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Labels, `__name__` included when kept (shared between steps and samples).
    pub labels: Arc<Labels>,
    /// Value.
    pub value: f64,
}

/// The value of an expression at one instant.
#[derive(Debug, Clone)]
pub enum Value {
    /// A scalar.
    Scalar(f64),
    /// An instant vector.
    Vector(Vec<Sample>),
    /// A range vector (only as a query's own result).
    Matrix(Vec<SeriesData>),
    /// A string literal.
    String(String),
}

/// An instant query's result, timestamped at `t` (ms). The result's samples are charged to
/// `budget`.
pub fn instant_query(store: &StoreView, expr: &Expr, t: i64, budget: &Budget) -> Result<Value, QueryError> {
    let ev = eval::Evaluator::new(store, t, t, budget);
    let mut value = ev.eval(expr, t)?;
    match &mut value {
        Value::Vector(v) => {
            budget.charge(v.len() as u64)?;
            if !sorts_itself(expr) {
                v.sort_by(|a, b| a.labels.cmp(&b.labels));
            }
        }
        Value::Matrix(m) => budget.charge(m.iter().map(|s| s.samples.len() as u64).sum())?,
        Value::Scalar(_) | Value::String(_) => {}
    }
    Ok(value)
}

/// True when the query's outermost function orders its result (`sort`, `sort_desc`).
fn sorts_itself(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(p) => sorts_itself(&p.expr),
        Expr::Call(c) => matches!(c.func.name, "sort" | "sort_desc"),
        _ => false,
    }
}

/// A range query's result: one series per label set, values at each step from `start` to `end`.
/// Every point of the result is charged to `budget`, and each step checks its deadline.
pub fn range_query(
    store: &StoreView,
    expr: &Expr,
    start: i64,
    end: i64,
    step: i64,
    budget: &Budget,
) -> Result<Vec<SeriesData>, QueryError> {
    let ev = eval::Evaluator::new(store, start, end, budget);
    let mut by_set: labels::PtrMap<usize, SeriesData> = labels::PtrMap::default();
    let mut t = start;
    while t <= end {
        budget.check()?;
        let samples = match ev.eval(expr, t)? {
            Value::Scalar(v) => vec![Sample { labels: ev.labels.intern(Vec::new()), value: v }],
            Value::Vector(samples) => samples,
            Value::Matrix(_) => return Err(bad_type("range vector")),
            Value::String(_) => return Err(bad_type("string")),
        };
        budget.charge(samples.len() as u64)?;
        for s in samples {
            let entry = by_set
                .entry(Arc::as_ptr(&s.labels) as usize)
                .or_insert_with(|| SeriesData { labels: s.labels.clone(), samples: Vec::new() });
            entry.samples.push((t, s.value));
        }
        match t.checked_add(step.max(1)) {
            Some(next) => t = next,
            None => break,
        }
    }
    Ok(merge_equal_sets(by_set.into_values().collect()))
}

/// Sorts series by labels and merges any that carry equal label sets from different
/// allocations (their steps interleave).
fn merge_equal_sets(mut series: Vec<SeriesData>) -> Vec<SeriesData> {
    series.sort_by(|a, b| a.labels.cmp(&b.labels));
    let mut out: Vec<SeriesData> = Vec::with_capacity(series.len());
    for s in series {
        match out.last_mut() {
            Some(last) if last.labels == s.labels => {
                last.samples.extend(s.samples);
                last.samples.sort_by_key(|p| p.0);
            }
            _ => out.push(s),
        }
    }
    out
}

fn bad_type(kind: &str) -> QueryError {
    QueryError::BadData(format!("invalid expression type \"{kind}\" for range query, must be Scalar or instant Vector"))
}

/// The value of label `name` (empty when absent, as PromQL treats it).
pub fn label_of<'a>(labels: &'a [(String, String)], name: &str) -> &'a str {
    labels.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// Fails when two samples of a vector share a label set (Prometheus refuses such results).
/// Every label set of a query is interned, so equal sets are the same allocation.
pub fn check_unique(samples: &[Sample]) -> Result<(), QueryError> {
    if samples.len() < 2 {
        return Ok(());
    }
    let mut seen = labels::PtrMap::<usize, ()>::default();
    for s in samples {
        if seen.insert(labels::ptr(&s.labels), ()).is_some() {
            return Err(QueryError::Execution("vector cannot contain metrics with the same labelset".into()));
        }
    }
    Ok(())
}
