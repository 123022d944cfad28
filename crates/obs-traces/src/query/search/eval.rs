//! Evaluates bound comparisons against one stored span (with its trace and resource group).

use opentelemetry_proto::tonic::common::v1::any_value::Value as OtlpValue;

use super::bind::{BCmp, BField};
use crate::codec::{Record, ValRef};
use crate::query::traceql::ast::{Attr, Lit, Op, Scope, kind_name, status_name};
use crate::store::traces::TraceEntry;
use crate::store::{Inner, SpanRec};

/// One span as queries see it.
pub struct SpanCtx<'a> {
    /// The store.
    pub inner: &'a Inner,
    /// Fixed part.
    pub rec: &'a SpanRec,
    /// Byte record.
    pub record: Record<'a>,
}

/// A value found for an attribute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val<'a> {
    /// Text.
    Str(&'a str),
    /// Integer.
    Int(i64),
    /// Float.
    Float(f64),
    /// Boolean.
    Bool(bool),
    /// Nanoseconds.
    Dur(u64),
    /// Status code.
    Status(u8),
    /// Span kind.
    Kind(u8),
    /// Array, map or bytes.
    Other,
}

impl Val<'_> {
    /// The value as text (legacy tag search and tag value listings).
    pub fn text(&self) -> String {
        match self {
            Val::Str(s) => (*s).to_owned(),
            Val::Int(i) => i.to_string(),
            Val::Float(f) => f.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Dur(d) => format!("{d}ns"),
            Val::Status(s) => status_name(*s).to_owned(),
            Val::Kind(k) => kind_name(*k).to_owned(),
            Val::Other => String::new(),
        }
    }
}

fn from_otlp(value: Option<&OtlpValue>) -> Val<'_> {
    match value {
        Some(OtlpValue::StringValue(s)) => Val::Str(s),
        Some(OtlpValue::IntValue(i)) => Val::Int(*i),
        Some(OtlpValue::DoubleValue(f)) => Val::Float(*f),
        Some(OtlpValue::BoolValue(b)) => Val::Bool(*b),
        _ => Val::Other,
    }
}

impl<'a> SpanCtx<'a> {
    fn span_attr(&self, key: Option<u32>) -> Option<Val<'a>> {
        let value = self.record.attr(key?)?;
        Some(match value {
            ValRef::Str(id) => Val::Str(self.inner.strings.text(id)),
            ValRef::Int(i) => Val::Int(i),
            ValRef::Float(f) => Val::Float(f),
            ValRef::Bool(b) => Val::Bool(b),
            ValRef::Raw(_) | ValRef::Empty => Val::Other,
        })
    }

    fn resource_attr(&self, key: &str) -> Option<Val<'a>> {
        let group = self.inner.groups.get(self.rec.group)?;
        let kv = group.resource.attributes.iter().find(|kv| kv.key == key)?;
        Some(from_otlp(kv.value.as_ref().and_then(|v| v.value.as_ref())))
    }

    /// The span's trace (looked up only for trace-level intrinsics: scans stay cheap).
    fn trace(&self) -> Option<&'a TraceEntry> {
        self.inner.traces.get(self.rec.trace)
    }

    fn root(&self) -> Option<&'a SpanRec> {
        self.inner.rec(self.trace()?.root?)
    }

    /// The value of an attribute or intrinsic on this span.
    pub fn value(&self, attr: &Attr, key: Option<u32>) -> Option<Val<'a>> {
        let strings = &self.inner.strings;
        Some(match attr {
            Attr::Name => Val::Str(strings.text(self.rec.name)),
            Attr::Status => Val::Status(self.rec.status),
            Attr::Kind => Val::Kind(self.rec.kind),
            Attr::Duration => Val::Dur(self.rec.duration),
            Attr::StatusMessage => Val::Str(strings.text(self.rec.status_msg)),
            Attr::TraceDuration => {
                let trace = self.trace()?;
                Val::Dur(trace.end.saturating_sub(trace.start))
            }
            Attr::RootName => Val::Str(strings.text(self.root()?.name)),
            Attr::RootService => Val::Str(&self.inner.groups.get(self.root()?.group)?.service),
            Attr::Named { scope: Scope::Span, .. } => self.span_attr(key)?,
            Attr::Named { scope: Scope::Resource, key } => self.resource_attr(key)?,
            Attr::Named { scope: Scope::Any, key: name } => match self.span_attr(key) {
                Some(v) => v,
                None => self.resource_attr(name)?,
            },
        })
    }

    /// Whether a field expression holds for this span.
    pub fn matches(&self, field: &BField) -> bool {
        match field {
            BField::True => true,
            BField::And(items) => items.iter().all(|f| self.matches(f)),
            BField::Or(items) => items.iter().any(|f| self.matches(f)),
            BField::Not(a) => !self.matches(a),
            BField::Cmp(c) => self.compare(c),
        }
    }

    fn compare(&self, c: &BCmp) -> bool {
        let value = self.value(&c.cmp.attr, c.key);
        match (&c.cmp.lit, c.cmp.op) {
            (Lit::Nil, Op::Eq) => return value.is_none(),
            (Lit::Nil, Op::Ne) => return value.is_some(),
            _ => {}
        }
        value.is_some_and(|v| compare(v, c))
    }
}

fn order(op: Op, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match (op, ord) {
        (_, None) => op == Op::Ne,
        (Op::Eq, Some(o)) => o == Equal,
        (Op::Ne, Some(o)) => o != Equal,
        (Op::Gt, Some(o)) => o == Greater,
        (Op::Ge, Some(o)) => o != Less,
        (Op::Lt, Some(o)) => o == Less,
        (Op::Le, Some(o)) => o != Greater,
        _ => false,
    }
}

/// Compares a found value with a comparison's literal.
fn compare(v: Val<'_>, c: &BCmp) -> bool {
    let op = c.cmp.op;
    if op == Op::Text {
        return match (v, &c.cmp.lit) {
            (Val::Str(s), Lit::Str(l)) => s == l,
            (v, Lit::Str(l)) => v.text() == *l,
            _ => false,
        };
    }
    match (v, &c.cmp.lit) {
        (Val::Str(s), Lit::Str(l)) => match (op, &c.regex) {
            (Op::Re, Some(re)) => re.is_match(s),
            (Op::NotRe, Some(re)) => !re.is_match(s),
            _ => order(op, Some(s.cmp(l.as_str()))),
        },
        (Val::Int(a), Lit::Int(b)) => order(op, Some(a.cmp(b))),
        (Val::Int(a), Lit::Float(b)) => order(op, (a as f64).partial_cmp(b)),
        (Val::Float(a), Lit::Int(b)) => order(op, a.partial_cmp(&(*b as f64))),
        (Val::Float(a), Lit::Float(b)) => order(op, a.partial_cmp(b)),
        (Val::Bool(a), Lit::Bool(b)) => matches!(op, Op::Eq | Op::Ne) && order(op, Some(a.cmp(b))),
        (Val::Dur(a), Lit::Duration(b)) => order(op, Some(a.cmp(b))),
        (Val::Dur(a), Lit::Int(b)) => order(op, Some(i128::from(a).cmp(&i128::from(*b)))),
        (Val::Status(a), Lit::Status(b)) | (Val::Kind(a), Lit::Kind(b)) => {
            matches!(op, Op::Eq | Op::Ne) && order(op, Some(a.cmp(b)))
        }
        _ => false,
    }
}
