//! Evaluating parsed LogQL against the store: log queries select records, metric queries
//! build series over a step grid.

mod aggregate;
pub mod logs;
mod memo;
pub mod parsers;
pub mod pipeline;
pub mod range;
pub mod view;

use super::QueryError;
use super::ast::{AggOp, BinOp, MetricExpr};
use crate::store::Inner;
use range::Projection;

/// Most series one metric query may build (Loki's `max_query_series` default).
pub const MAX_SERIES: usize = 500;

/// Evaluation times: `start`, `start + step`, ... up to `end` (an instant query has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    /// First step, ns.
    pub start: i64,
    /// Last step (inclusive), ns.
    pub end: i64,
    /// Step, ns (> 0).
    pub step: i64,
}

impl Grid {
    /// One evaluation time.
    pub fn instant(t: i64) -> Grid {
        Grid { start: t, end: t, step: 1 }
    }

    /// The evaluation times.
    pub fn steps(&self) -> Vec<i64> {
        let step = self.step.max(1);
        let mut out = Vec::new();
        let mut t = self.start;
        while t <= self.end {
            out.push(t);
            t = t.saturating_add(step);
            if t == i64::MAX {
                break;
            }
        }
        out
    }
}

/// One series: labels (sorted by name) and a value per step (None: no sample).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Labels.
    pub labels: Vec<(String, String)>,
    /// Values by step.
    pub points: Vec<Option<f64>>,
}

/// A metric result over the grid.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// One number per step.
    Scalar(Vec<f64>),
    /// Series, sorted by labels.
    Vector(Vec<Series>),
}

/// Evaluates a metric expression over a grid.
pub fn eval_metric(inner: &Inner, expr: &MetricExpr, grid: &Grid) -> Result<Value, QueryError> {
    let mut value = eval(inner, expr, grid)?;
    if let Value::Vector(series) = &mut value {
        series.retain(|s| s.points.iter().any(Option::is_some));
        series.sort_by(|a, b| a.labels.cmp(&b.labels));
    }
    Ok(value)
}

fn eval(inner: &Inner, expr: &MetricExpr, grid: &Grid) -> Result<Value, QueryError> {
    let steps = grid.steps().len();
    match expr {
        MetricExpr::Range { func, log, range } => {
            Ok(Value::Vector(range::eval(inner, *func, log, *range, grid, Projection::All)?))
        }
        MetricExpr::Agg { op: AggOp::Sum, grouping, inner: sub, .. } if matches!(**sub, MetricExpr::Range { .. }) => {
            let MetricExpr::Range { func, log, range } = &**sub else { return Err(QueryError::Bad("internal".into())) };
            let projection = match grouping {
                Some(g) if g.without => Projection::Without(&g.labels),
                Some(g) => Projection::By(&g.labels),
                None => Projection::By(&[]),
            };
            Ok(Value::Vector(range::eval(inner, *func, log, *range, grid, projection)?))
        }
        MetricExpr::Agg { op, grouping, param, inner: sub } => {
            let input = eval(inner, sub, grid)?;
            aggregate::aggregate(*op, grouping.as_ref(), *param, input, steps)
        }
        MetricExpr::Vector(v) => Ok(Value::Vector(vec![Series { labels: Vec::new(), points: vec![Some(*v); steps] }])),
        MetricExpr::Number(n) => Ok(Value::Scalar(vec![*n; steps])),
        MetricExpr::Binary { op, lhs, rhs } => Ok(binary(*op, eval(inner, lhs, grid)?, eval(inner, rhs, grid)?)),
    }
}

/// Arithmetic between scalars and vectors (vectors match on identical label sets).
fn binary(op: BinOp, lhs: Value, rhs: Value) -> Value {
    let point = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| op.apply(a, b));
    match (lhs, rhs) {
        (Value::Scalar(a), Value::Scalar(b)) => {
            Value::Scalar(a.iter().zip(&b).map(|(x, y)| op.apply(*x, *y)).collect())
        }
        (Value::Vector(v), Value::Scalar(s)) => Value::Vector(
            v.into_iter()
                .map(|series| Series {
                    points: series.points.iter().zip(&s).map(|(p, x)| point(*p, Some(*x))).collect(),
                    labels: series.labels,
                })
                .collect(),
        ),
        (Value::Scalar(s), Value::Vector(v)) => Value::Vector(
            v.into_iter()
                .map(|series| Series {
                    points: series.points.iter().zip(&s).map(|(p, x)| point(Some(*x), *p)).collect(),
                    labels: series.labels,
                })
                .collect(),
        ),
        (Value::Vector(a), Value::Vector(b)) => Value::Vector(
            a.into_iter()
                .filter_map(|left| {
                    let right = b.iter().find(|r| r.labels == left.labels)?;
                    let points = left.points.iter().zip(&right.points).map(|(x, y)| point(*x, *y)).collect();
                    Some(Series { labels: left.labels, points })
                })
                .collect(),
        ),
    }
}
