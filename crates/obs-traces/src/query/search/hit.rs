//! Builds the answer for one matching trace: its root, the matched spans with the queried
//! attributes (at most `spss`), and per-service span and error counts.

use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value::Value};

use super::bind::{BCmp, BSet, comparisons};
use super::eval::{SpanCtx, Val};
use super::{Hit, MatchedSpan, Request, ServiceStat};
use crate::hash::FxMap;
use crate::query::traceql::ast::{Attr, kind_name, status_name};
use crate::store::Inner;
use crate::store::traces::TraceEntry;

fn any_value(v: Val<'_>) -> Option<AnyValue> {
    let value = match v {
        Val::Str(s) => Value::StringValue(s.to_owned()),
        Val::Int(i) => Value::IntValue(i),
        Val::Float(f) => Value::DoubleValue(f),
        Val::Bool(b) => Value::BoolValue(b),
        Val::Status(s) => Value::StringValue(status_name(s).to_owned()),
        Val::Kind(k) => Value::StringValue(kind_name(k).to_owned()),
        Val::Dur(_) | Val::Other => return None,
    };
    Some(AnyValue { value: Some(value) })
}

/// The attribute name a queried attribute is reported under, if it is reported.
fn reported(attr: &Attr) -> Option<&str> {
    match attr {
        Attr::Named { key, .. } => Some(key),
        Attr::Status => Some("status"),
        Attr::Kind => Some("kind"),
        Attr::StatusMessage => Some("statusMessage"),
        _ => None,
    }
}

/// The answer for a trace whose spans `matched` the query.
pub fn hit(inner: &Inner, trace: &TraceEntry, matched: &[u32], set: &BSet, req: &Request) -> Hit {
    let root = trace.root.and_then(|seq| inner.rec(seq));
    let (root_service, root_name) = match root {
        Some(r) => (
            inner.groups.get(r.group).map_or_else(String::new, |g| g.service.clone()),
            Some(inner.strings.text(r.name).to_owned()),
        ),
        None => ("<root span not yet received>".to_owned(), None),
    };
    let mut hit = Hit {
        trace_id: trace.id,
        root_service,
        root_name,
        start: trace.start,
        duration: trace.end.saturating_sub(trace.start),
        spans: Vec::new(),
        matched: matched.len(),
        services: Vec::new(),
    };
    if !req.spansets {
        return hit;
    }
    let cmps = comparisons(set);
    let wants_name = cmps.iter().any(|c| c.cmp.attr == Attr::Name);
    for &seq in matched.iter().take(req.spss) {
        let Some((rec, record)) = inner.span(seq) else { continue };
        let ctx = SpanCtx { inner, rec, record };
        hit.spans.push(MatchedSpan {
            span_id: rec.span_id,
            name: wants_name.then(|| inner.strings.text(rec.name).to_owned()),
            start: rec.start,
            duration: rec.duration,
            attributes: queried_attributes(&ctx, &cmps),
        });
    }
    hit.services = service_stats(inner, trace);
    hit
}

/// The queried attributes present on a span, each once, in query order.
fn queried_attributes(ctx: &SpanCtx<'_>, cmps: &[&BCmp]) -> Vec<(String, AnyValue)> {
    let mut attributes: Vec<(String, AnyValue)> = Vec::new();
    for c in cmps {
        let Some(name) = reported(&c.cmp.attr) else { continue };
        if attributes.iter().any(|(k, _)| k == name) {
            continue;
        }
        if let Some(v) = ctx.value(&c.cmp.attr, c.key).and_then(any_value) {
            attributes.push((name.to_owned(), v));
        }
    }
    attributes
}

/// Spans and errors per service, in first-seen order (hashed: a trace may span thousands).
fn service_stats(inner: &Inner, trace: &TraceEntry) -> Vec<ServiceStat> {
    let mut stats: Vec<ServiceStat> = Vec::new();
    let mut by_group: FxMap<u32, usize> = FxMap::default();
    let mut by_service: FxMap<&str, usize> = FxMap::default();
    for (rec, _) in trace.spans.as_slice().iter().filter_map(|&s| inner.span(s)) {
        let i = *by_group.entry(rec.group).or_insert_with(|| {
            let service = inner.groups.get(rec.group).map_or("", |g| g.service.as_str());
            *by_service.entry(service).or_insert_with(|| {
                stats.push(ServiceStat { service: service.to_owned(), spans: 0, errors: 0 });
                stats.len() - 1
            })
        });
        if let Some(stat) = stats.get_mut(i) {
            stat.spans += 1;
            stat.errors += u32::from(rec.status == 2);
        }
    }
    stats
}
