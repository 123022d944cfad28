//! Trace search: runs a bound query over the store newest first and collects up to `limit`
//! matching traces with their matched spans (TraceQL spansets) and per-service counts.

pub mod bind;
mod candidates;
pub mod eval;
pub mod tags;
#[cfg(test)]
mod tests;

use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value::Value};

use crate::hash::FxSet;
use crate::query::traceql::ast::{Attr, Scope, Spanset, kind_name, status_name};
use crate::store::Inner;
use crate::store::traces::TraceEntry;
use bind::{BField, BSet, bind, comparisons, filters};
use eval::{SpanCtx, Val};

/// What to search for.
pub struct Request {
    /// The query (legacy `tags` searches are turned into one too).
    pub query: Spanset,
    /// Whether to report spansets and service stats (TraceQL `q`).
    pub spansets: bool,
    /// Most traces returned.
    pub limit: usize,
    /// Most spans listed per spanset.
    pub spss: usize,
    /// Only traces overlapping [start, end] (unix ns).
    pub start: Option<u64>,
    /// See `start`.
    pub end: Option<u64>,
    /// Only traces at least this long (ns).
    pub min_duration: Option<u64>,
    /// Only traces at most this long (ns).
    pub max_duration: Option<u64>,
}

/// A matched span of a spanset.
pub struct MatchedSpan {
    /// Span id.
    pub span_id: [u8; 8],
    /// Span name, when the query asked about names.
    pub name: Option<String>,
    /// Start (unix ns).
    pub start: u64,
    /// Duration (ns).
    pub duration: u64,
    /// The queried attributes present on the span (key without scope).
    pub attributes: Vec<(String, AnyValue)>,
}

/// Spans and errors of one service in a trace.
pub struct ServiceStat {
    /// Service name.
    pub service: String,
    /// Spans of the service.
    pub spans: u32,
    /// Of which status error.
    pub errors: u32,
}

/// One matching trace.
pub struct Hit {
    /// Trace id.
    pub trace_id: [u8; 16],
    /// Service of the root span (or a placeholder when it was not received).
    pub root_service: String,
    /// Name of the root span.
    pub root_name: Option<String>,
    /// Earliest start (unix ns).
    pub start: u64,
    /// Trace duration (ns).
    pub duration: u64,
    /// Matched spans, at most `spss`.
    pub spans: Vec<MatchedSpan>,
    /// How many spans matched in total.
    pub matched: usize,
    /// Per-service counts, in first-seen order.
    pub services: Vec<ServiceStat>,
}

/// The search answer.
pub struct Outcome {
    /// Matching traces, newest start first.
    pub hits: Vec<Hit>,
    /// Traces evaluated.
    pub inspected_traces: u64,
    /// Approximate bytes of the spans looked at.
    pub inspected_bytes: u64,
}

/// Runs a search; fails only on an invalid regular expression.
pub fn run(inner: &Inner, req: &Request) -> Result<Outcome, String> {
    let set = bind(&req.query, inner)?;
    let leaves = filters(&set);
    let mut seen: FxSet<u32> = FxSet::default();
    let mut out = Outcome { hits: Vec::new(), inspected_traces: 0, inspected_bytes: 0 };
    let walk = candidates::newest_first(candidates::for_set(&set, inner), inner);
    for (_, rec, record) in walk {
        if out.hits.len() >= req.limit {
            break;
        }
        out.inspected_bytes += u64::from(rec.blob_len) + 64;
        // The span check first: a scan for a rare value then costs one record decode per span.
        let ctx = SpanCtx { inner, rec, record };
        if !leaves.iter().any(|f| ctx.matches(f)) || !seen.insert(rec.trace) {
            continue;
        }
        let Some(trace) = inner.traces.get(rec.trace) else { continue };
        if !in_window(trace, req) {
            continue;
        }
        out.inspected_traces += 1;
        if let Some(matched) = trace_matches(&set, inner, trace) {
            out.hits.push(hit(inner, trace, &matched, &set, req));
        }
    }
    out.hits.sort_by_key(|h| std::cmp::Reverse(h.start));
    Ok(out)
}

fn in_window(trace: &TraceEntry, req: &Request) -> bool {
    let duration = trace.end.saturating_sub(trace.start);
    req.start.is_none_or(|s| trace.end >= s)
        && req.end.is_none_or(|e| trace.start <= e)
        && req.min_duration.is_none_or(|d| duration >= d)
        && req.max_duration.is_none_or(|d| duration <= d)
}

/// The spans matching each filter of the trace, combined by the spanset operators.
fn trace_matches(set: &BSet, inner: &Inner, trace: &TraceEntry) -> Option<Vec<u32>> {
    match set {
        BSet::Filter(f) => {
            let spans = spans_matching(f, inner, trace);
            (!spans.is_empty()).then_some(spans)
        }
        BSet::And(a, b) => {
            let mut left = trace_matches(a, inner, trace)?;
            let right = trace_matches(b, inner, trace)?;
            merge(&mut left, right);
            Some(left)
        }
        BSet::Or(a, b) => match (trace_matches(a, inner, trace), trace_matches(b, inner, trace)) {
            (Some(mut l), Some(r)) => {
                merge(&mut l, r);
                Some(l)
            }
            (l, r) => l.or(r),
        },
    }
}

fn merge(left: &mut Vec<u32>, right: Vec<u32>) {
    left.extend(right);
    left.sort_unstable();
    left.dedup();
}

fn spans_matching(f: &BField, inner: &Inner, trace: &TraceEntry) -> Vec<u32> {
    let spans = trace.spans.as_slice().iter().copied();
    spans
        .filter(|&seq| inner.span(seq).is_some_and(|(rec, record)| SpanCtx { inner, rec, record }.matches(f)))
        .collect()
}

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

fn hit(inner: &Inner, trace: &TraceEntry, matched: &[u32], set: &BSet, req: &Request) -> Hit {
    let root = trace.spans.as_slice().iter().filter_map(|&s| inner.span(s)).find(|(r, _)| r.is_root());
    let (root_service, root_name) = match root {
        Some((r, _)) => (
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
        let mut attributes: Vec<(String, AnyValue)> = Vec::new();
        for c in &cmps {
            let Some(name) = reported(&c.cmp.attr) else { continue };
            if attributes.iter().any(|(k, _)| k == name) {
                continue;
            }
            if let Some(v) = ctx.value(&c.cmp.attr, c.key).and_then(any_value) {
                attributes.push((name.to_owned(), v));
            }
        }
        hit.spans.push(MatchedSpan {
            span_id: rec.span_id,
            name: wants_name.then(|| inner.strings.text(rec.name).to_owned()),
            start: rec.start,
            duration: rec.duration,
            attributes,
        });
    }
    hit.services = service_stats(inner, trace);
    hit
}

fn service_stats(inner: &Inner, trace: &TraceEntry) -> Vec<ServiceStat> {
    let mut stats: Vec<ServiceStat> = Vec::new();
    for (rec, _) in trace.spans.as_slice().iter().filter_map(|&s| inner.span(s)) {
        let service = inner.groups.get(rec.group).map_or("", |g| g.service.as_str());
        let stat = match stats.iter_mut().position(|s| s.service == service) {
            Some(i) => &mut stats[i],
            None => {
                stats.push(ServiceStat { service: service.to_owned(), spans: 0, errors: 0 });
                let last = stats.len() - 1;
                &mut stats[last]
            }
        };
        stat.spans += 1;
        stat.errors += u32::from(rec.status == 2);
    }
    stats
}

/// The query a legacy `tags` search stands for: every tag must hold on some span of the trace
/// (`name` is the span name, `status` the status keyword, other keys any attribute, compared by
/// their text).
pub fn legacy_query(tags: &[(String, String)]) -> Spanset {
    use crate::query::traceql::ast::{Cmp, Field, Lit, Op};
    let filter = |(key, value): &(String, String)| {
        let attr = match key.as_str() {
            "name" => Attr::Name,
            "status" | "status.code" => Attr::Status,
            _ => Attr::Named { scope: Scope::Any, key: key.clone() },
        };
        Spanset::Filter(Field::Cmp(Cmp { attr, op: Op::Text, lit: Lit::Str(value.clone()) }))
    };
    let mut sets = tags.iter().map(filter);
    let first = sets.next().unwrap_or(Spanset::Filter(Field::True));
    sets.fold(first, |acc, s| Spanset::And(Box::new(acc), Box::new(s)))
}
