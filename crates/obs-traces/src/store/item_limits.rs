//! Per-item limits applied to a request before it is stored, as the OpenTelemetry SDKs apply
//! theirs: attributes past the count limit or with an over-long key are dropped and counted in
//! the item's `dropped_attributes_count`; string values, names and messages past the length
//! limit are truncated; events and links past 128 per span are dropped and counted.

use obs_contract::ItemLimits;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value::Value};
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;

/// Most events kept per span (the SDKs' `OTEL_SPAN_EVENT_COUNT_LIMIT` default).
pub const MAX_EVENTS: usize = 128;
/// Most links kept per span (the SDKs' `OTEL_SPAN_LINK_COUNT_LIMIT` default).
pub const MAX_LINKS: usize = 128;

/// Applies `limits` to every resource, scope, span, event and link of `req`.
pub fn apply(req: &mut ExportTraceServiceRequest, limits: &ItemLimits) {
    for rs in &mut req.resource_spans {
        if let Some(resource) = rs.resource.as_mut() {
            trim_attrs(&mut resource.attributes, &mut resource.dropped_attributes_count, limits);
        }
        for ss in &mut rs.scope_spans {
            if let Some(scope) = ss.scope.as_mut() {
                trim_attrs(&mut scope.attributes, &mut scope.dropped_attributes_count, limits);
                truncate(&mut scope.name, limits.max_value_bytes);
                truncate(&mut scope.version, limits.max_value_bytes);
            }
            ss.spans.iter_mut().for_each(|span| trim_span(span, limits));
        }
    }
}

fn trim_span(span: &mut Span, limits: &ItemLimits) {
    trim_attrs(&mut span.attributes, &mut span.dropped_attributes_count, limits);
    truncate(&mut span.name, limits.max_value_bytes);
    truncate(&mut span.trace_state, limits.max_value_bytes);
    if let Some(status) = span.status.as_mut() {
        truncate(&mut status.message, limits.max_value_bytes);
    }
    span.dropped_events_count = span.dropped_events_count.saturating_add(excess(span.events.len(), MAX_EVENTS));
    span.events.truncate(MAX_EVENTS);
    for event in &mut span.events {
        truncate(&mut event.name, limits.max_value_bytes);
        trim_attrs(&mut event.attributes, &mut event.dropped_attributes_count, limits);
    }
    span.dropped_links_count = span.dropped_links_count.saturating_add(excess(span.links.len(), MAX_LINKS));
    span.links.truncate(MAX_LINKS);
    for link in &mut span.links {
        truncate(&mut link.trace_state, limits.max_value_bytes);
        trim_attrs(&mut link.attributes, &mut link.dropped_attributes_count, limits);
    }
}

/// How many of `len` items are past `max`, as a drop count.
fn excess(len: usize, max: usize) -> u32 {
    u32::try_from(len.saturating_sub(max)).unwrap_or(u32::MAX)
}

/// Drops attributes with over-long keys or too-large composite values, then those past the
/// count limit; truncates string and bytes values. Drops are added to `dropped`.
fn trim_attrs(attrs: &mut Vec<KeyValue>, dropped: &mut u32, limits: &ItemLimits) {
    let before = attrs.len();
    attrs.retain(|kv| kv.key.len() <= limits.max_key_bytes && fits(kv, limits.max_value_bytes));
    attrs.truncate(limits.max_attributes);
    *dropped = dropped.saturating_add(excess(before, attrs.len()));
    for kv in attrs.iter_mut() {
        match kv.value.as_mut().and_then(|v| v.value.as_mut()) {
            Some(Value::StringValue(s)) => truncate(s, limits.max_value_bytes),
            Some(Value::BytesValue(b)) => b.truncate(limits.max_value_bytes),
            _ => {}
        }
    }
}

/// Whether a composite (array or kvlist) value fits the length limit; scalars always do
/// (strings and bytes are truncated instead).
fn fits(kv: &KeyValue, max: usize) -> bool {
    match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(Value::ArrayValue(a)) => a.encoded_len() <= max,
        Some(Value::KvlistValue(l)) => l.encoded_len() <= max,
        _ => true,
    }
}

/// Cuts `text` to at most `max` bytes, at a character boundary.
fn truncate(text: &mut String, max: usize) {
    if text.len() <= max {
        return;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{kv, request, s, span};

    /// Pins each limit: attribute count and key length drop and count, long values and names
    /// are cut at a character boundary, events past 128 are dropped and counted.
    #[test]
    fn limits_trim_and_count() {
        let limits = ItemLimits { max_attributes: 2, max_key_bytes: 4, max_value_bytes: 5, ..ItemLimits::default() };
        let attrs = vec![kv("long-key", s("x")), kv("a", s("ééé")), kv("b", s("y")), kv("c", s("z"))];
        let mut one = span(1, 1, 0, "a-long-name", 0, attrs);
        one.events = vec![Default::default(); MAX_EVENTS + 3];
        let mut req = request("svc", vec![one]);
        apply(&mut req, &limits);
        let span = &req.resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(span.attributes.iter().map(|kv| kv.key.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(span.dropped_attributes_count, 2);
        assert_eq!(span.attributes[0].value.as_ref().and_then(|v| v.value.clone()), Some(s("éé")));
        assert_eq!(span.name, "a-lon");
        assert_eq!((span.events.len(), span.dropped_events_count), (MAX_EVENTS, 3));
    }
}
