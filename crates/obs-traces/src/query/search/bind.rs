//! Binds a parsed query to the store: attribute keys to dictionary ids, regexes compiled.

use regex::Regex;

use crate::query::traceql::ast::{Attr, Cmp, Field, Lit, Op, Scope, Spanset};
use crate::store::Inner;

/// A comparison ready to evaluate.
pub struct BCmp {
    /// The comparison as parsed.
    pub cmp: Cmp,
    /// Dictionary id of a span attribute key (`None`: no span has it).
    pub key: Option<u32>,
    /// The compiled, fully anchored regex of `=~`/`!~`.
    pub regex: Option<Regex>,
}

/// A bound field expression.
pub enum BField {
    /// Every span.
    True,
    /// Both.
    And(Box<BField>, Box<BField>),
    /// Either.
    Or(Box<BField>, Box<BField>),
    /// Not.
    Not(Box<BField>),
    /// A comparison.
    Cmp(BCmp),
}

/// A bound spanset expression.
pub enum BSet {
    /// One filter.
    Filter(BField),
    /// Both spansets non-empty.
    And(Box<BSet>, Box<BSet>),
    /// Either spanset non-empty.
    Or(Box<BSet>, Box<BSet>),
}

/// Binds a query; fails on an invalid regular expression.
pub fn bind(set: &Spanset, inner: &Inner) -> Result<BSet, String> {
    Ok(match set {
        Spanset::Filter(f) => BSet::Filter(bind_field(f, inner)?),
        Spanset::And(a, b) => BSet::And(Box::new(bind(a, inner)?), Box::new(bind(b, inner)?)),
        Spanset::Or(a, b) => BSet::Or(Box::new(bind(a, inner)?), Box::new(bind(b, inner)?)),
    })
}

fn bind_field(field: &Field, inner: &Inner) -> Result<BField, String> {
    Ok(match field {
        Field::True => BField::True,
        Field::And(a, b) => BField::And(Box::new(bind_field(a, inner)?), Box::new(bind_field(b, inner)?)),
        Field::Or(a, b) => BField::Or(Box::new(bind_field(a, inner)?), Box::new(bind_field(b, inner)?)),
        Field::Not(a) => BField::Not(Box::new(bind_field(a, inner)?)),
        Field::Cmp(cmp) => BField::Cmp(bind_cmp(cmp, inner)?),
    })
}

fn bind_cmp(cmp: &Cmp, inner: &Inner) -> Result<BCmp, String> {
    let key = match &cmp.attr {
        Attr::Named { scope: Scope::Span | Scope::Any, key } => inner.strings.lookup(key),
        _ => None,
    };
    let regex = match (&cmp.op, &cmp.lit) {
        (Op::Re | Op::NotRe, Lit::Str(pattern)) => Some(
            Regex::new(&format!("^(?:{pattern})$"))
                .map_err(|e| format!("invalid regular expression {pattern:?}: {e}"))?,
        ),
        _ => None,
    };
    Ok(BCmp { cmp: cmp.clone(), key, regex })
}

/// Every comparison of a bound query, left to right.
pub fn comparisons(set: &BSet) -> Vec<&BCmp> {
    fn field<'a>(f: &'a BField, out: &mut Vec<&'a BCmp>) {
        match f {
            BField::True => {}
            BField::And(a, b) | BField::Or(a, b) => {
                field(a, out);
                field(b, out);
            }
            BField::Not(a) => field(a, out),
            BField::Cmp(c) => out.push(c),
        }
    }
    fn walk<'a>(s: &'a BSet, out: &mut Vec<&'a BCmp>) {
        match s {
            BSet::Filter(f) => field(f, out),
            BSet::And(a, b) | BSet::Or(a, b) => {
                walk(a, out);
                walk(b, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(set, &mut out);
    out
}

/// Every filter of a bound query, left to right.
pub fn filters(set: &BSet) -> Vec<&BField> {
    match set {
        BSet::Filter(f) => vec![f],
        BSet::And(a, b) | BSet::Or(a, b) => {
            let mut out = filters(a);
            out.extend(filters(b));
            out
        }
    }
}
