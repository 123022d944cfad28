//! Re-assembles stored spans into OTLP messages (for trace-by-id in JSON and protobuf).

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status, TracesData};
use prost::Message;

use super::{Inner, SpanRec};
use crate::codec::{Record, ValRef};

impl Inner {
    /// An OTLP value from a stored one.
    pub fn any_value(&self, value: ValRef<'_>) -> Option<AnyValue> {
        let value = match value {
            ValRef::Str(id) => Value::StringValue(self.strings.text(id).to_owned()),
            ValRef::Int(i) => Value::IntValue(i),
            ValRef::Float(f) => Value::DoubleValue(f),
            ValRef::Bool(b) => Value::BoolValue(b),
            ValRef::Raw(bytes) => return AnyValue::decode(bytes).ok(),
            ValRef::Empty => return None,
        };
        Some(AnyValue { value: Some(value) })
    }

    /// One stored span as an OTLP span.
    pub fn otlp_span(&self, trace_id: &[u8; 16], rec: &SpanRec, record: Record<'_>) -> Span {
        let mut span =
            if record.extras.is_empty() { Span::default() } else { Span::decode(record.extras).unwrap_or_default() };
        span.trace_id = trace_id.to_vec();
        span.span_id = rec.span_id.to_vec();
        span.parent_span_id = if rec.is_root() { Vec::new() } else { rec.parent_id.to_vec() };
        span.name = self.strings.text(rec.name).to_owned();
        span.kind = i32::from(rec.kind);
        span.start_time_unix_nano = rec.start;
        span.end_time_unix_nano = rec.start + rec.duration;
        span.attributes = record
            .attrs()
            .map(|(k, v)| KeyValue {
                key: self.strings.text(k).to_owned(),
                value: self.any_value(v),
                ..KeyValue::default()
            })
            .collect();
        span.dropped_attributes_count = record.dropped_attributes;
        span.status =
            Some(Status { message: self.strings.text(rec.status_msg).to_owned(), code: i32::from(rec.status) });
        span
    }

    /// The whole stored trace, grouped by resource and scope, or `None` when unknown.
    pub fn trace_data(&self, trace_id: &[u8; 16]) -> Option<TracesData> {
        let entry = self.traces.get(self.traces.find(trace_id)?)?;
        let mut by_group: Vec<(u32, Vec<Span>)> = Vec::new();
        for &seq in entry.spans.as_slice() {
            let Some((rec, record)) = self.span(seq) else { continue };
            let span = self.otlp_span(trace_id, rec, record);
            match by_group.iter_mut().find(|(g, _)| *g == rec.group) {
                Some((_, spans)) => spans.push(span),
                None => by_group.push((rec.group, vec![span])),
            }
        }
        let mut resource_spans: Vec<ResourceSpans> = Vec::new();
        for (gid, spans) in by_group {
            let Some(group) = self.groups.get(gid) else { continue };
            let scope = ScopeSpans { scope: Some(group.scope.clone()), spans, schema_url: group.scope_schema.clone() };
            let same = resource_spans
                .iter_mut()
                .find(|rs| rs.resource.as_ref() == Some(&group.resource) && rs.schema_url == group.resource_schema);
            match same {
                Some(rs) => rs.scope_spans.push(scope),
                None => resource_spans.push(ResourceSpans {
                    resource: Some(group.resource.clone()),
                    scope_spans: vec![scope],
                    schema_url: group.resource_schema.clone(),
                }),
            }
        }
        (!resource_spans.is_empty()).then_some(TracesData { resource_spans })
    }
}
