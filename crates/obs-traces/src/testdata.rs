//! Builders of OTLP requests for unit tests.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value::Value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};

/// A string attribute.
pub fn kv(key: &str, value: Value) -> KeyValue {
    KeyValue { key: key.to_owned(), value: Some(AnyValue { value: Some(value) }), ..KeyValue::default() }
}

/// A string value.
pub fn s(text: &str) -> Value {
    Value::StringValue(text.to_owned())
}

/// A span of trace `trace` (id bytes end in it) with span id `id`, starting at `start` ms.
pub fn span(trace: u32, id: u32, parent: u32, name: &str, start_ms: u64, attrs: Vec<KeyValue>) -> Span {
    let mut trace_id = vec![0u8; 16];
    trace_id[12..].copy_from_slice(&trace.to_be_bytes());
    trace_id[0] = 1;
    let mut span_id = vec![0u8; 8];
    span_id[4..].copy_from_slice(&id.to_be_bytes());
    span_id[0] = 1;
    let parent_span_id = if parent == 0 {
        Vec::new()
    } else {
        let mut p = vec![0u8; 8];
        p[4..].copy_from_slice(&parent.to_be_bytes());
        p[0] = 1;
        p
    };
    Span {
        trace_id,
        span_id,
        parent_span_id,
        name: name.to_owned(),
        kind: 2,
        start_time_unix_nano: start_ms * 1_000_000,
        end_time_unix_nano: (start_ms + 10) * 1_000_000,
        attributes: attrs,
        status: Some(Status { message: String::new(), code: 0 }),
        ..Span::default()
    }
}

/// A request with these spans from service `service`.
pub fn request(service: &str, spans: Vec<Span>) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource { attributes: vec![kv("service.name", s(service))], ..Resource::default() }),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope { name: "test".to_owned(), ..InstrumentationScope::default() }),
                spans,
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }
}
