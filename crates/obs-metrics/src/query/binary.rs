//! Binary operators: arithmetic (`+ - * / % ^ atan2`), comparisons (filtering, or 0/1 with
//! `bool`) between scalars and vectors, one-to-one vector matching (`on`/`ignoring`; many-to-one
//! in `group`), and the set operators `and`, `or`, `unless`.

use std::collections::HashSet;
use std::sync::Arc;

use promql_parser::parser::{BinaryExpr, LabelModifier, VectorMatchCardinality};

use super::eval::{Evaluator, kind};
use super::group;
use super::labels::{PtrMap, node_key, ptr};
use super::{QueryError, Sample, Value, check_unique};
use crate::store::Labels;

/// Evaluates a binary expression at `t` ms.
pub fn eval(ev: &Evaluator<'_>, b: &BinaryExpr, t: i64) -> Result<Value, QueryError> {
    let op = b.op.to_string();
    let return_bool = b.modifier.as_ref().is_some_and(|m| m.return_bool);
    let comparison = b.op.is_comparison_operator();
    let lhs = ev.eval(&b.lhs, t)?;
    let rhs = ev.eval(&b.rhs, t)?;
    let out = match (lhs, rhs) {
        (Value::Scalar(l), Value::Scalar(r)) => {
            let v = apply(&op, l, r)?;
            return Ok(Value::Scalar(if comparison { bool_value(v.is_some()) } else { v.unwrap_or(f64::NAN) }));
        }
        (Value::Vector(l), Value::Scalar(r)) => with_scalar(ev, &op, l, r, false, return_bool)?,
        (Value::Scalar(l), Value::Vector(r)) => with_scalar(ev, &op, r, l, true, return_bool)?,
        (Value::Vector(l), Value::Vector(r)) => vector_vector(ev, b, &op, l, r, return_bool)?,
        (l, r) => {
            return Err(QueryError::Execution(format!(
                "operator {op} is not defined between {} and {}",
                kind(&l),
                kind(&r)
            )));
        }
    };
    check_unique(&out)?;
    Ok(Value::Vector(out))
}

pub(super) fn bool_value(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// `l op r`: arithmetic gives `Some(value)`; a comparison gives `Some(l)` when true, `None` when false.
pub(super) fn apply(op: &str, l: f64, r: f64) -> Result<Option<f64>, QueryError> {
    let cmp = |keep: bool| if keep { Some(l) } else { None };
    Ok(match op {
        "+" => Some(l + r),
        "-" => Some(l - r),
        "*" => Some(l * r),
        "/" => Some(l / r),
        "%" => Some(l % r),
        "^" => Some(l.powf(r)),
        "atan2" => Some(l.atan2(r)),
        "==" => cmp(l == r),
        "!=" => cmp(l != r),
        ">" => cmp(l > r),
        "<" => cmp(l < r),
        ">=" => cmp(l >= r),
        "<=" => cmp(l <= r),
        other => return Err(QueryError::unsupported(format!("operator {other:?} here"))),
    })
}

pub(super) fn is_arith(op: &str) -> bool {
    matches!(op, "+" | "-" | "*" | "/" | "%" | "^" | "atan2")
}

/// Vector op scalar (or scalar op vector when `swap`): comparisons keep the vector's value.
fn with_scalar(
    ev: &Evaluator<'_>,
    op: &str,
    v: Vec<Sample>,
    s: f64,
    swap: bool,
    return_bool: bool,
) -> Result<Vec<Sample>, QueryError> {
    if matches!(op, "and" | "or" | "unless") {
        return Err(QueryError::BadData(format!("set operator {op:?} not allowed in binary scalar expression")));
    }
    let mut out = Vec::new();
    for sample in v {
        let (l, r) = if swap { (s, sample.value) } else { (sample.value, s) };
        let result = apply(op, l, r)?;
        let (value, keep) = match result {
            _ if return_bool => (bool_value(result.is_some()), true),
            Some(_) if !is_arith(op) => (sample.value, true),
            Some(v) => (v, true),
            None => (0.0, false),
        };
        if keep {
            let labels = if is_arith(op) || return_bool { ev.labels.drop_name(&sample.labels) } else { sample.labels };
            out.push(Sample { labels, value });
        }
    }
    Ok(out)
}

/// The labels two sides are matched on.
pub(super) fn signature(labels: &[(String, String)], matching: Option<&LabelModifier>) -> Labels {
    match matching {
        Some(LabelModifier::Include(on)) => labels.iter().filter(|(k, _)| on.labels.contains(k)).cloned().collect(),
        Some(LabelModifier::Exclude(ignoring)) => {
            labels.iter().filter(|(k, _)| k != "__name__" && !ignoring.labels.contains(k)).cloned().collect()
        }
        None => labels.iter().filter(|(k, _)| k != "__name__").cloned().collect(),
    }
}

fn vector_vector(
    ev: &Evaluator<'_>,
    b: &BinaryExpr,
    op: &str,
    lhs: Vec<Sample>,
    rhs: Vec<Sample>,
    return_bool: bool,
) -> Result<Vec<Sample>, QueryError> {
    let modifier = b.modifier.as_ref();
    let matching = modifier.and_then(|m| m.matching.as_ref());
    let (sig_key, result_key) = (node_key(b, 1), node_key(b, 2));
    let sig = |s: &Sample| ev.labels.derive(&s.labels, sig_key, |l| signature(l, matching));
    match op {
        "and" | "unless" => {
            let right: HashSet<usize> = rhs.iter().map(|s| ptr(&sig(s))).collect();
            let want = op == "and";
            return Ok(lhs.into_iter().filter(|s| right.contains(&ptr(&sig(s))) == want).collect());
        }
        "or" => {
            let left: HashSet<usize> = lhs.iter().map(|s| ptr(&sig(s))).collect();
            let extra: Vec<Sample> = rhs.into_iter().filter(|s| !left.contains(&ptr(&sig(s)))).collect();
            return Ok(lhs.into_iter().chain(extra).collect());
        }
        _ => {}
    }
    match modifier.map(|m| &m.card) {
        Some(VectorMatchCardinality::ManyToOne(include)) => {
            return group::many_to_one(ev, b, op, lhs, rhs, return_bool, &include.labels);
        }
        Some(VectorMatchCardinality::OneToMany(include)) => {
            return group::one_to_many(ev, b, op, lhs, rhs, return_bool, &include.labels);
        }
        _ => {}
    }
    let mut right: PtrMap<usize, (Arc<Labels>, f64)> = PtrMap::default();
    for s in &rhs {
        let key = sig(s);
        if right.insert(ptr(&key), (key.clone(), s.value)).is_some() {
            return Err(QueryError::Execution(format!(
                "found duplicate series for the match group {} on the right hand-side of the operation; \
                 many-to-many matching not allowed: matching labels must be unique on one side",
                fmt_labels(&key)
            )));
        }
    }
    let mut matched: HashSet<usize> = HashSet::with_capacity(lhs.len());
    let mut out = Vec::with_capacity(lhs.len());
    for l in lhs {
        let key = ptr(&sig(&l));
        let Some((_, r)) = right.get(&key) else { continue };
        if !matched.insert(key) {
            return Err(QueryError::Execution(
                "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)".into(),
            ));
        }
        let result = apply(op, l.value, *r)?;
        let value = match result {
            _ if return_bool => bool_value(result.is_some()),
            Some(v) => v,
            None => continue,
        };
        let labels = ev.labels.derive(&l.labels, result_key, |src| result_labels(src, op, return_bool, matching));
        out.push(Sample { labels, value });
    }
    Ok(out)
}

fn result_labels(labels: &[(String, String)], op: &str, return_bool: bool, matching: Option<&LabelModifier>) -> Labels {
    let base: Labels = if is_arith(op) || return_bool {
        labels.iter().filter(|(k, _)| k != "__name__").cloned().collect()
    } else {
        labels.to_vec()
    };
    match matching {
        Some(LabelModifier::Include(on)) => base.into_iter().filter(|(k, _)| on.labels.contains(k)).collect(),
        Some(LabelModifier::Exclude(ignoring)) => {
            base.into_iter().filter(|(k, _)| !ignoring.labels.contains(k)).collect()
        }
        None => base,
    }
}

pub(super) fn fmt_labels(labels: &[(String, String)]) -> String {
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}
