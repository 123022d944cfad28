//! PromQL evaluation over the store: parse with `promql-parser`, evaluate the supported subset
//! at one instant or over a range of steps, and refuse anything else with an error naming it.

pub mod aggregate;
pub mod binary;
pub mod eval;
pub mod functions;
pub mod group;
pub mod histogram;
pub mod labelfns;
pub mod labels;
pub mod math;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::store::{Labels, SeriesData};
use crate::view::StoreView;

/// Default lookback of instant vector selectors (Prometheus' `--query.lookback-delta`).
pub const LOOKBACK_MS: i64 = 5 * 60 * 1000;

/// Why a query failed, mapped to Prometheus' error types.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryError {
    /// Bad input (parse errors, bad parameters): 400 `bad_data`.
    BadData(String),
    /// The expression cannot be executed (unsupported feature, matching errors): 422 `execution`.
    Execution(String),
}

impl QueryError {
    /// An execution error for a feature this evaluator does not support.
    pub fn unsupported(what: impl std::fmt::Display) -> Self {
        QueryError::Execution(format!("{what} is not supported by the embedded backend's PromQL evaluator"))
    }
}

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

/// An instant query's result, timestamped at `t` (ms).
pub fn instant_query(store: &StoreView, query: &str, t: i64) -> Result<Value, QueryError> {
    let expr = parse(query)?;
    let ev = eval::Evaluator::new(store, t, t);
    let mut value = ev.eval(&expr, t)?;
    if let Value::Vector(v) = &mut value
        && !sorts_itself(&expr)
    {
        v.sort_by(|a, b| a.labels.cmp(&b.labels));
    }
    Ok(value)
}

/// True when the query's outermost function orders its result (`sort`, `sort_desc`).
fn sorts_itself(expr: &promql_parser::parser::Expr) -> bool {
    use promql_parser::parser::Expr;
    match expr {
        Expr::Paren(p) => sorts_itself(&p.expr),
        Expr::Call(c) => matches!(c.func.name, "sort" | "sort_desc"),
        _ => false,
    }
}

/// A range query's result: one series per label set, values at each step from `start` to `end`.
pub fn range_query(
    store: &StoreView,
    query: &str,
    start: i64,
    end: i64,
    step: i64,
) -> Result<Vec<SeriesData>, QueryError> {
    let expr = parse(query)?;
    let ev = eval::Evaluator::new(store, start, end);
    let mut by_set: labels::PtrMap<usize, SeriesData> = labels::PtrMap::default();
    let mut t = start;
    while t <= end {
        let samples = match ev.eval(&expr, t)? {
            Value::Scalar(v) => vec![Sample { labels: ev.labels.intern(Vec::new()), value: v }],
            Value::Vector(samples) => samples,
            Value::Matrix(_) => return Err(bad_type("range vector")),
            Value::String(_) => return Err(bad_type("string")),
        };
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

/// Parses a query, answering parse errors as Prometheus words them.
pub fn parse(query: &str) -> Result<promql_parser::parser::Expr, QueryError> {
    if query.trim().is_empty() {
        return Err(QueryError::BadData(
            "invalid parameter \"query\": 1:1: parse error: no expression found in input".into(),
        ));
    }
    promql_parser::parser::parse(query).map_err(|e| {
        let detail = if e == "invalid promql query" && ends_unfinished(query) {
            let line = query.lines().count().max(1);
            let column = query.lines().last().map_or(0, |l| l.chars().count()) + 1;
            format!("{line}:{column}: parse error: unexpected end of input")
        } else {
            format!("parse error: {e}")
        };
        QueryError::BadData(format!("invalid parameter \"query\": {detail}"))
    })
}

/// True when the query stops where more must follow (after an operator, an opening bracket or
/// a comma), which the parser reports only as "invalid promql query".
fn ends_unfinished(query: &str) -> bool {
    let trimmed = query.trim_end();
    trimmed.ends_with(['+', '-', '*', '/', '%', '^', '=', '<', '>', '(', '{', '[', ',', '~'])
        || ["and", "or", "unless", "by", "without", "on", "ignoring", "bool", "offset"]
            .iter()
            .any(|w| trimmed.rsplit(|c: char| !c.is_ascii_alphanumeric() && c != '_').next() == Some(*w))
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
