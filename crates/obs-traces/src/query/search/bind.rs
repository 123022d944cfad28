//! Binds a parsed query for evaluation: regexes compiled once per query, attribute keys
//! resolved to dictionary ids per chunk (ids can be freed and reused between two chunks).

use regex::Regex;

use crate::error::Error;
use crate::query::traceql::ast::{Attr, Cmp, Field, Lit, Op, Scope, Spanset};
use crate::store::Inner;

/// A comparison ready to evaluate.
pub struct BCmp {
    /// The comparison as parsed.
    pub cmp: Cmp,
    /// Dictionary id of a span attribute key (`None`: no span has it), see [`BSet::resolve`].
    pub key: Option<u32>,
    /// The compiled, fully anchored regex of `=~`/`!~`.
    pub regex: Option<Regex>,
}

/// A bound field expression (as deep as the parsed one: chains are flat lists).
pub enum BField {
    /// Every span.
    True,
    /// All hold.
    And(Vec<BField>),
    /// Any holds.
    Or(Vec<BField>),
    /// Not.
    Not(Box<BField>),
    /// A comparison.
    Cmp(BCmp),
}

/// A bound spanset expression.
pub enum BSet {
    /// One filter.
    Filter(BField),
    /// Every spanset non-empty.
    And(Vec<BSet>),
    /// Any spanset non-empty.
    Or(Vec<BSet>),
}

/// Binds a query; fails on an invalid regular expression. Keys are resolved by [`BSet::resolve`].
pub fn bind(set: &Spanset) -> Result<BSet, Error> {
    Ok(match set {
        Spanset::Filter(f) => BSet::Filter(bind_field(f)?),
        Spanset::And(items) => BSet::And(items.iter().map(bind).collect::<Result<_, _>>()?),
        Spanset::Or(items) => BSet::Or(items.iter().map(bind).collect::<Result<_, _>>()?),
    })
}

fn bind_field(field: &Field) -> Result<BField, Error> {
    Ok(match field {
        Field::True => BField::True,
        Field::And(items) => BField::And(items.iter().map(bind_field).collect::<Result<_, _>>()?),
        Field::Or(items) => BField::Or(items.iter().map(bind_field).collect::<Result<_, _>>()?),
        Field::Not(a) => BField::Not(Box::new(bind_field(a)?)),
        Field::Cmp(cmp) => BField::Cmp(bind_cmp(cmp)?),
    })
}

fn bind_cmp(cmp: &Cmp) -> Result<BCmp, Error> {
    let regex = match (&cmp.op, &cmp.lit) {
        (Op::Re | Op::NotRe, Lit::Str(pattern)) => Some(Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
            Error::BadQuery(format!("invalid regular expression {pattern:?}: {e}; fix the pattern's syntax"))
        })?),
        _ => None,
    };
    Ok(BCmp { cmp: cmp.clone(), key: None, regex })
}

impl BSet {
    /// Looks every span attribute key up in the store's dictionary (call with each new lock).
    pub fn resolve(&mut self, inner: &Inner) {
        match self {
            BSet::Filter(f) => f.resolve(inner),
            BSet::And(items) | BSet::Or(items) => items.iter_mut().for_each(|s| s.resolve(inner)),
        }
    }
}

impl BField {
    fn resolve(&mut self, inner: &Inner) {
        match self {
            BField::True => {}
            BField::And(items) | BField::Or(items) => items.iter_mut().for_each(|f| f.resolve(inner)),
            BField::Not(a) => a.resolve(inner),
            BField::Cmp(c) => {
                c.key = match &c.cmp.attr {
                    Attr::Named { scope: Scope::Span | Scope::Any, key } => inner.strings.lookup(key),
                    _ => None,
                };
            }
        }
    }
}

/// Every comparison of a bound query, left to right.
pub fn comparisons(set: &BSet) -> Vec<&BCmp> {
    fn field<'a>(f: &'a BField, out: &mut Vec<&'a BCmp>) {
        match f {
            BField::True => {}
            BField::And(items) | BField::Or(items) => items.iter().for_each(|f| field(f, out)),
            BField::Not(a) => field(a, out),
            BField::Cmp(c) => out.push(c),
        }
    }
    let mut out = Vec::new();
    for f in filters(set) {
        field(f, &mut out);
    }
    out
}

/// Every filter of a bound query, left to right.
pub fn filters(set: &BSet) -> Vec<&BField> {
    fn walk<'a>(s: &'a BSet, out: &mut Vec<&'a BField>) {
        match s {
            BSet::Filter(f) => out.push(f),
            BSet::And(items) | BSet::Or(items) => items.iter().for_each(|s| walk(s, out)),
        }
    }
    let mut out = Vec::new();
    walk(set, &mut out);
    out
}
