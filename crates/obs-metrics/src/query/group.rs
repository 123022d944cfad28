//! Many-to-one and one-to-many vector matching (`group_left`, `group_right`): each series of
//! the "many" side meets the one series of the other side with the same match signature; the
//! result keeps the many side's labels plus the listed labels copied from the one side.

use std::sync::Arc;

use promql_parser::parser::BinaryExpr;

use super::binary::{apply, bool_value, fmt_labels, is_arith, signature};
use super::eval::Evaluator;
use super::labels::{PtrMap, node_key, ptr};
use super::{QueryError, Sample};
use crate::store::Labels;

/// `lhs op group_left(include) rhs`: the left side is the "many" side.
pub fn many_to_one(
    ev: &Evaluator<'_>,
    b: &BinaryExpr,
    op: &str,
    lhs: Vec<Sample>,
    rhs: Vec<Sample>,
    return_bool: bool,
    include: &[String],
) -> Result<Vec<Sample>, QueryError> {
    matched(ev, b, op, Sides { many: lhs, one: rhs, many_is_left: true }, return_bool, include)
}

/// `lhs op group_right(include) rhs`: the right side is the "many" side.
pub fn one_to_many(
    ev: &Evaluator<'_>,
    b: &BinaryExpr,
    op: &str,
    lhs: Vec<Sample>,
    rhs: Vec<Sample>,
    return_bool: bool,
    include: &[String],
) -> Result<Vec<Sample>, QueryError> {
    matched(ev, b, op, Sides { many: rhs, one: lhs, many_is_left: false }, return_bool, include)
}

struct Sides {
    many: Vec<Sample>,
    one: Vec<Sample>,
    many_is_left: bool,
}

fn matched(
    ev: &Evaluator<'_>,
    b: &BinaryExpr,
    op: &str,
    sides: Sides,
    return_bool: bool,
    include: &[String],
) -> Result<Vec<Sample>, QueryError> {
    let matching = b.modifier.as_ref().and_then(|m| m.matching.as_ref());
    let sig_key = node_key(b, 1);
    let sig = |s: &Sample| ev.labels.derive(&s.labels, sig_key, |l| signature(l, matching));
    let one_side = if sides.many_is_left { "right" } else { "left" };
    let mut ones: PtrMap<usize, &Sample> = PtrMap::default();
    for s in &sides.one {
        let key = sig(s);
        if ones.insert(ptr(&key), s).is_some() {
            return Err(QueryError::Execution(format!(
                "found duplicate series for the match group {} on the {one_side} hand-side of the operation; \
                 many-to-many matching not allowed: matching labels must be unique on one side",
                fmt_labels(&key)
            )));
        }
    }
    let drop = is_arith(op) || return_bool;
    let mut out = Vec::with_capacity(sides.many.len());
    for many in &sides.many {
        let Some(one) = ones.get(&ptr(&sig(many))) else { continue };
        let (l, r) = if sides.many_is_left { (many.value, one.value) } else { (one.value, many.value) };
        let result = apply(op, l, r)?;
        let value = match result {
            _ if return_bool => bool_value(result.is_some()),
            Some(v) => v,
            None => continue,
        };
        let base = if drop { ev.labels.drop_name(&many.labels) } else { many.labels.clone() };
        let labels = if include.is_empty() { base } else { ev.labels.intern(copy_labels(&base, &one.labels, include)) };
        out.push(Sample { labels, value });
    }
    Ok(out)
}

/// `base` with each `include` label set to the one side's value (removed when it has none).
fn copy_labels(base: &Arc<Labels>, one: &Labels, include: &[String]) -> Labels {
    let mut labels: Labels = base.iter().filter(|(k, _)| !include.contains(k)).cloned().collect();
    labels.extend(one.iter().filter(|(k, v)| include.contains(k) && !v.is_empty()).cloned());
    labels.sort();
    labels
}
