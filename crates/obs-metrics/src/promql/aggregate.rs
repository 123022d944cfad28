//! Aggregations: `sum`, `avg`, `min`, `max`, `count`, `group`, with `by`/`without` grouping.

use std::sync::Arc;

use promql_parser::parser::{AggregateExpr, LabelModifier};

use super::eval::Evaluator;
use super::labels::{PtrMap, node_key, ptr};
use super::{QueryError, Sample, Value};
use crate::store::Labels;

/// Evaluates an aggregation at `t` ms.
pub fn eval(ev: &Evaluator<'_>, agg: &AggregateExpr, t: i64) -> Result<Value, QueryError> {
    let op = agg.op.to_string();
    if !matches!(op.as_str(), "sum" | "avg" | "min" | "max" | "count" | "group") {
        return Err(QueryError::unsupported(format!("aggregation {op:?}")));
    }
    let input = ev.vector(&agg.expr, t)?;
    let key = node_key(agg, 0);
    let mut groups: PtrMap<usize, (Arc<Labels>, Vec<f64>)> = PtrMap::default();
    for s in input {
        let labels = ev.labels.derive(&s.labels, key, |l| group_labels(l, agg.modifier.as_ref()));
        groups.entry(ptr(&labels)).or_insert_with(|| (labels, Vec::new())).1.push(s.value);
    }
    Ok(Value::Vector(
        groups.into_values().map(|(labels, values)| Sample { labels, value: reduce(&op, &values) }).collect(),
    ))
}

/// The labels an aggregation keeps: only the `by` labels, or all but the `without` labels and
/// the metric name, or none.
pub fn group_labels(labels: &[(String, String)], modifier: Option<&LabelModifier>) -> Labels {
    match modifier {
        Some(LabelModifier::Include(by)) => labels.iter().filter(|(k, _)| by.labels.contains(k)).cloned().collect(),
        Some(LabelModifier::Exclude(without)) => {
            labels.iter().filter(|(k, _)| k != "__name__" && !without.labels.contains(k)).cloned().collect()
        }
        None => Vec::new(),
    }
}

/// One group's value.
pub fn reduce(op: &str, values: &[f64]) -> f64 {
    match op {
        "sum" => kahan_sum(values),
        "avg" => kahan_sum(values) / values.len() as f64,
        "min" => values.iter().copied().fold(f64::NAN, |m, v| if m.is_nan() || v < m { v } else { m }),
        "max" => values.iter().copied().fold(f64::NAN, |m, v| if m.is_nan() || v > m { v } else { m }),
        "count" => values.len() as f64,
        _ => 1.0,
    }
}

/// Compensated summation, as Prometheus uses for `sum` and `avg`.
fn kahan_sum(values: &[f64]) -> f64 {
    let (mut sum, mut c) = (0.0f64, 0.0f64);
    for &v in values {
        let t = sum + v;
        if sum.abs() >= v.abs() {
            c += (sum - t) + v;
        } else {
            c += (v - t) + sum;
        }
        sum = t;
    }
    if sum.is_infinite() { sum } else { sum + c }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
    }

    /// Pins `by`/`without` grouping, including dropping the metric name for `without`.
    #[test]
    fn grouping() {
        let l = labels(&[("__name__", "x"), ("a", "1"), ("b", "2")]);
        assert_eq!(group_labels(&l, Some(&LabelModifier::include(vec!["a"]))), labels(&[("a", "1")]));
        assert_eq!(group_labels(&l, Some(&LabelModifier::exclude(vec!["a"]))), labels(&[("b", "2")]));
        assert_eq!(group_labels(&l, None), Labels::new());
    }

    /// Pins each reducer against hand-computed values.
    #[test]
    fn reducers() {
        let v = [3.0, 1.0, 2.0];
        assert_eq!(reduce("sum", &v), 6.0);
        assert_eq!(reduce("avg", &v), 2.0);
        assert_eq!(reduce("min", &v), 1.0);
        assert_eq!(reduce("max", &v), 3.0);
        assert_eq!(reduce("count", &v), 3.0);
        assert_eq!(reduce("group", &v), 1.0);
        assert_eq!(reduce("sum", &[0.1, 0.2]), 0.30000000000000004);
    }
}
