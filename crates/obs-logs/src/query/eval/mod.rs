//! Evaluating parsed LogQL against the store: log queries select records, metric queries
//! build series over a step grid.

mod aggregate;
pub mod logs;
mod memo;
pub mod parsers;
pub mod pipeline;
pub mod range;
pub mod scan;
pub mod view;

use obs_contract::query::Budget;

use super::QueryError;
use super::ast::{AggOp, BinOp, MetricExpr};
use crate::LogStore;
use range::{Projection, RangeQuery};

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
pub fn eval_metric(store: &LogStore, expr: &MetricExpr, grid: &Grid, budget: &Budget) -> Result<Value, QueryError> {
    let mut value = eval(store, expr, grid, budget)?;
    if let Value::Vector(series) = &mut value {
        series.retain(|s| s.points.iter().any(Option::is_some));
        series.sort_by(|a, b| a.labels.cmp(&b.labels));
    }
    Ok(value)
}

/// A step of the walk over an expression tree.
enum Task<'e> {
    /// Evaluate this node (its children first).
    Visit(&'e MetricExpr),
    /// Combine the two values on top of the stack.
    Combine(BinOp),
    /// Aggregate the value on top of the stack as this node says.
    Aggregate(&'e MetricExpr),
}

/// Post-order walk with explicit stacks: a chain of 1,000 operators is 1,000 loop turns, not
/// 1,000 nested calls.
fn eval(store: &LogStore, expr: &MetricExpr, grid: &Grid, budget: &Budget) -> Result<Value, QueryError> {
    let steps = grid.steps().len();
    let mut tasks = vec![Task::Visit(expr)];
    let mut values: Vec<Value> = Vec::new();
    while let Some(task) = tasks.pop() {
        budget.check()?;
        match task {
            Task::Visit(MetricExpr::Binary { op, lhs, rhs }) => {
                tasks.extend([Task::Combine(*op), Task::Visit(rhs), Task::Visit(lhs)]);
            }
            Task::Visit(node @ MetricExpr::Agg { inner: sub, .. }) if !is_pushed_down(node) => {
                tasks.extend([Task::Aggregate(node), Task::Visit(sub)]);
            }
            Task::Visit(leaf) => values.push(leaf_value(store, leaf, grid, steps, budget)?),
            Task::Combine(op) => {
                let (rhs, lhs) = (pop(&mut values)?, pop(&mut values)?);
                values.push(binary(op, lhs, rhs));
            }
            Task::Aggregate(MetricExpr::Agg { op, grouping, param, .. }) => {
                let input = pop(&mut values)?;
                values.push(aggregate::aggregate(*op, grouping.as_ref(), *param, input, steps)?);
            }
            Task::Aggregate(_) => return Err(internal()),
        }
    }
    pop(&mut values)
}

/// Whether a node is `sum [by|without] (range aggregation)`, evaluated in one pass.
fn is_pushed_down(node: &MetricExpr) -> bool {
    matches!(node, MetricExpr::Agg { op: AggOp::Sum, inner, .. } if matches!(**inner, MetricExpr::Range { .. }))
}

/// The value of a node without children to walk: a range aggregation (maybe under a pushed-down
/// `sum`), a vector or a number.
fn leaf_value(
    store: &LogStore,
    node: &MetricExpr,
    grid: &Grid,
    steps: usize,
    budget: &Budget,
) -> Result<Value, QueryError> {
    let range = |sub: &MetricExpr, projection| match sub {
        MetricExpr::Range { func, log, range } => {
            let q = RangeQuery { func: *func, log, range: *range, projection };
            Ok(Value::Vector(range::eval(store, q, grid, budget)?))
        }
        _ => Err(internal()),
    };
    match node {
        MetricExpr::Range { .. } => range(node, Projection::All),
        MetricExpr::Agg { grouping, inner: sub, .. } => {
            let projection = match grouping {
                Some(g) if g.without => Projection::Without(&g.labels),
                Some(g) => Projection::By(&g.labels),
                None => Projection::By(&[]),
            };
            range(sub, projection)
        }
        MetricExpr::Vector(v) => {
            budget.charge(steps as u64)?;
            Ok(Value::Vector(vec![Series { labels: Vec::new(), points: vec![Some(*v); steps] }]))
        }
        MetricExpr::Number(n) => Ok(Value::Scalar(vec![*n; steps])),
        MetricExpr::Binary { .. } => Err(internal()),
    }
}

fn pop(values: &mut Vec<Value>) -> Result<Value, QueryError> {
    values.pop().ok_or_else(internal)
}

fn internal() -> QueryError {
    QueryError::Bad("internal error: the metric expression walk lost its place".into())
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
