//! Aggregations: `sum`, `avg`, `min`, `max`, `count`, `group`, `stddev`, `stdvar`,
//! `quantile`, `topk`, `bottomk`, with `by`/`without` grouping.

use std::cmp::Ordering;
use std::sync::Arc;

use promql_parser::parser::{AggregateExpr, LabelModifier};

use super::eval::Evaluator;
use super::labels::{PtrMap, node_key, ptr};
use super::{QueryError, Sample, Value};
use crate::store::Labels;

/// One group's output labels and its input samples.
type Group = (Arc<Labels>, Vec<Sample>);

/// Evaluates an aggregation at `t` ms.
pub fn eval(ev: &Evaluator<'_>, agg: &AggregateExpr, t: i64) -> Result<Value, QueryError> {
    let op = agg.op.to_string();
    let param = match op.as_str() {
        "sum" | "avg" | "min" | "max" | "count" | "group" | "stddev" | "stdvar" => None,
        "quantile" | "topk" | "bottomk" => match &agg.param {
            Some(p) => Some(ev.scalar(p, t)?),
            None => return Err(QueryError::BadData(format!("{op}: missing parameter"))),
        },
        _ => return Err(QueryError::unsupported(format!("aggregation {op:?}"))),
    };
    let input = ev.vector(&agg.expr, t)?;
    let key = node_key(agg, 0);
    let mut groups: PtrMap<usize, Group> = PtrMap::default();
    for s in input {
        let labels = ev.labels.derive(&s.labels, key, |l| group_labels(l, agg.modifier.as_ref()));
        groups.entry(ptr(&labels)).or_insert_with(|| (labels, Vec::new())).1.push(s);
    }
    let out = match (op.as_str(), param) {
        ("topk" | "bottomk", Some(k)) => {
            groups.into_values().flat_map(|(_, samples)| top(samples, k, op == "topk")).collect()
        }
        _ => groups
            .into_values()
            .map(|(labels, samples)| {
                let values: Vec<f64> = samples.iter().map(|s| s.value).collect();
                let value = match param {
                    Some(q) => quantile(q, values),
                    None => reduce(&op, &values),
                };
                Sample { labels, value }
            })
            .collect(),
    };
    Ok(Value::Vector(out))
}

/// The `k` largest (or smallest) samples with their own labels; NaN ranks last.
fn top(mut samples: Vec<Sample>, k: f64, largest: bool) -> Vec<Sample> {
    let k = if k.is_nan() || k < 1.0 { 0 } else { k.min(samples.len() as f64) as usize };
    samples.sort_by(|a, b| match (a.value.is_nan(), b.value.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ if largest => b.value.total_cmp(&a.value),
        _ => a.value.total_cmp(&b.value),
    });
    samples.truncate(k);
    samples
}

/// `quantile(q, ...)`: linear interpolation between the closest ranks, as Prometheus does.
pub fn quantile(q: f64, mut values: Vec<f64>) -> f64 {
    if values.is_empty() || q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    values.sort_by(f64::total_cmp);
    let rank = q * (values.len() - 1) as f64;
    let lower = rank.floor().max(0.0) as usize;
    let upper = (lower + 1).min(values.len() - 1);
    let weight = rank - rank.floor();
    values[lower] * (1.0 - weight) + values[upper] * weight
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
        "stddev" => variance(values).sqrt(),
        "stdvar" => variance(values),
        _ => 1.0,
    }
}

/// Population variance.
fn variance(values: &[f64]) -> f64 {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / values.len() as f64
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
        assert_eq!(reduce("stdvar", &[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]), 4.0);
        assert_eq!(reduce("stddev", &[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]), 2.0);
    }

    /// Pins quantile's interpolation between ranks and its bounds.
    #[test]
    fn quantiles() {
        assert_eq!(quantile(0.5, vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(quantile(0.9, vec![10.0, 20.0]), 19.0);
        assert_eq!(quantile(1.0, vec![10.0, 20.0]), 20.0);
        assert_eq!(quantile(2.0, vec![1.0]), f64::INFINITY);
        assert!(quantile(0.5, vec![]).is_nan());
    }

    /// Pins topk/bottomk ordering with NaN last.
    #[test]
    fn top_and_bottom() {
        let sample = |v: f64| Sample { labels: Arc::new(Vec::new()), value: v };
        let values = |s: Vec<Sample>| s.iter().map(|s| s.value).collect::<Vec<_>>();
        let input = || vec![sample(1.0), sample(f64::NAN), sample(3.0), sample(2.0)];
        assert_eq!(values(top(input(), 2.0, true)), vec![3.0, 2.0]);
        assert_eq!(values(top(input(), 2.0, false)), vec![1.0, 2.0]);
        assert_eq!(top(input(), 0.0, true).len(), 0);
        assert_eq!(top(input(), 10.0, true).len(), 4);
    }
}
