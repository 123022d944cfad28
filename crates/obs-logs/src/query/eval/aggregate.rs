//! Vector aggregations (`sum`, `count`, `min`, `max`, `avg`, `topk`, `bottomk`) with
//! `by`/`without`, step by step.

use std::collections::HashMap;

use super::{Series, Value};
use crate::query::QueryError;
use crate::query::ast::{AggOp, Grouping};

/// A label set.
type Labels = Vec<(String, String)>;

/// Aggregates a vector per step into groups.
pub fn aggregate(
    op: AggOp,
    grouping: Option<&Grouping>,
    param: Option<f64>,
    input: Value,
    steps: usize,
) -> Result<Value, QueryError> {
    let Value::Vector(series) = input else {
        return Err(QueryError::Bad("an aggregation needs a vector expression, not a scalar".into()));
    };
    if matches!(op, AggOp::Topk | AggOp::Bottomk) {
        let k = param.unwrap_or(0.0);
        if k < 1.0 {
            return Err(QueryError::Bad(format!("invalid parameter k={k} for topk/bottomk: must be at least 1")));
        }
        return Ok(Value::Vector(top(op == AggOp::Topk, k as usize, grouping, series, steps)));
    }
    let mut index: HashMap<Labels, usize> = HashMap::new();
    let mut groups: Vec<(Labels, Vec<Acc>)> = Vec::new();
    for s in &series {
        let key = group_labels(&s.labels, grouping);
        let slot = *index.entry(key.clone()).or_insert_with(|| {
            groups.push((key, vec![Acc::default(); steps]));
            groups.len() - 1
        });
        for (acc, p) in groups[slot].1.iter_mut().zip(&s.points) {
            if let Some(v) = p {
                acc.add(*v);
            }
        }
    }
    let out = groups
        .into_iter()
        .map(|(labels, accs)| Series { labels, points: accs.iter().map(|a| a.result(op)).collect() })
        .collect();
    Ok(Value::Vector(out))
}

/// A group's labels: the `by` labels, or all but the `without` ones, or none.
fn group_labels(labels: &[(String, String)], grouping: Option<&Grouping>) -> Vec<(String, String)> {
    match grouping {
        None => Vec::new(),
        Some(g) => labels.iter().filter(|(k, _)| g.labels.contains(k) != g.without).cloned().collect(),
    }
}

/// Running values of one group at one step.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    n: usize,
    sum: f64,
    min: f64,
    max: f64,
}

impl Acc {
    fn add(&mut self, v: f64) {
        if self.n == 0 {
            self.min = v;
            self.max = v;
        } else {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        self.n += 1;
        self.sum += v;
    }

    fn result(&self, op: AggOp) -> Option<f64> {
        (self.n > 0).then(|| match op {
            AggOp::Count => self.n as f64,
            AggOp::Min => self.min,
            AggOp::Max => self.max,
            AggOp::Avg => self.sum / self.n as f64,
            _ => self.sum,
        })
    }
}

/// topk/bottomk: per step and group, the k largest (smallest) series keep their point.
fn top(largest: bool, k: usize, grouping: Option<&Grouping>, series: Vec<Series>, steps: usize) -> Vec<Series> {
    let keys: Vec<Labels> = series.iter().map(|s| group_labels(&s.labels, grouping)).collect();
    let mut out: Vec<Series> =
        series.iter().map(|s| Series { labels: s.labels.clone(), points: vec![None; steps] }).collect();
    for step in 0..steps {
        let mut by_group: HashMap<&Labels, Vec<(usize, f64)>> = HashMap::new();
        for (i, s) in series.iter().enumerate() {
            if let Some(Some(v)) = s.points.get(step) {
                by_group.entry(&keys[i]).or_default().push((i, *v));
            }
        }
        for (_, mut members) in by_group {
            members.sort_by(|a, b| if largest { b.1.total_cmp(&a.1) } else { a.1.total_cmp(&b.1) });
            for (i, v) in members.into_iter().take(k) {
                out[i].points[step] = Some(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(labels: &[(&str, &str)], points: &[Option<f64>]) -> Series {
        Series { labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), points: points.to_vec() }
    }

    /// sum/count/max by a label group series step by step.
    #[test]
    fn by_groups() {
        let input = vec![
            series(&[("a", "1"), ("b", "x")], &[Some(1.0), None]),
            series(&[("a", "1"), ("b", "y")], &[Some(2.0), Some(5.0)]),
            series(&[("a", "2")], &[Some(4.0), None]),
        ];
        let by = Grouping { without: false, labels: vec!["a".into()] };
        let Ok(Value::Vector(out)) = aggregate(AggOp::Sum, Some(&by), None, Value::Vector(input.clone()), 2) else {
            panic!("no vector")
        };
        assert_eq!(out[0], series(&[("a", "1")], &[Some(3.0), Some(5.0)]));
        assert_eq!(out[1], series(&[("a", "2")], &[Some(4.0), None]));
        let Ok(Value::Vector(out)) = aggregate(AggOp::Count, None, None, Value::Vector(input.clone()), 2) else {
            panic!("no vector")
        };
        assert_eq!(out, vec![series(&[], &[Some(3.0), Some(1.0)])]);
        let Ok(Value::Vector(out)) = aggregate(AggOp::Topk, None, Some(1.0), Value::Vector(input), 2) else {
            panic!("no vector")
        };
        assert_eq!(out[2].points, vec![Some(4.0), None]);
        assert_eq!(out[1].points, vec![None, Some(5.0)]);
    }
}
