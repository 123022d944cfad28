//! Turns stored spans back into OTLP spans (trace by id assembles them, see
//! `crate::query::trace_by_id`).

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value};
use opentelemetry_proto::tonic::trace::v1::{Span, Status};
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
}
