//! Trace JSON as Tempo writes it (gogo jsonpb): base64 ids, enum names, 64-bit integers as
//! strings, default fields left out, `status` always present.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value::Value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::span::{Event, Link};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status, TracesData};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// An attribute value in jsonpb form.
#[derive(Clone)]
pub struct JAny(pub Option<AnyValue>);

fn write_double<S: Serializer>(map: &mut S::SerializeMap, f: f64) -> Result<(), S::Error> {
    // Go prints 1000.0 as 1000; keep integral doubles integral.
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        map.serialize_entry("doubleValue", &(f as i64))
    } else if f.is_finite() {
        map.serialize_entry("doubleValue", &f)
    } else {
        map.serialize_entry("doubleValue", &f.to_string().replace("inf", "Infinity"))
    }
}

impl Serialize for JAny {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match self.0.as_ref().and_then(|v| v.value.as_ref()) {
            None | Some(Value::StringValueStrindex(_)) => {}
            Some(Value::StringValue(v)) => map.serialize_entry("stringValue", v)?,
            Some(Value::BoolValue(v)) => map.serialize_entry("boolValue", v)?,
            Some(Value::IntValue(v)) => map.serialize_entry("intValue", &v.to_string())?,
            Some(Value::DoubleValue(v)) => write_double::<S>(&mut map, *v)?,
            Some(Value::BytesValue(v)) => map.serialize_entry("bytesValue", &STANDARD.encode(v))?,
            Some(Value::ArrayValue(a)) => {
                let values: Vec<JAny> = a.values.iter().map(|v| JAny(Some(v.clone()))).collect();
                map.serialize_entry("arrayValue", &Values { values })?;
            }
            Some(Value::KvlistValue(kv)) => {
                map.serialize_entry("kvlistValue", &Values { values: keyvalues(&kv.values) })?;
            }
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Values<T> {
    values: Vec<T>,
}

/// A `{key, value}` attribute.
#[derive(Serialize, Clone)]
pub struct JKeyValue {
    key: String,
    value: JAny,
}

impl JKeyValue {
    /// An attribute.
    pub fn new(key: String, value: Option<AnyValue>) -> Self {
        Self { key, value: JAny(value) }
    }
}

fn keyvalues(kvs: &[KeyValue]) -> Vec<JKeyValue> {
    kvs.iter().map(|kv| JKeyValue::new(kv.key.clone(), kv.value.clone())).collect()
}

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn kind_name(kind: i32) -> Option<&'static str> {
    Some(match kind {
        1 => "SPAN_KIND_INTERNAL",
        2 => "SPAN_KIND_SERVER",
        3 => "SPAN_KIND_CLIENT",
        4 => "SPAN_KIND_PRODUCER",
        5 => "SPAN_KIND_CONSUMER",
        _ => return None,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JStatus {
    #[serde(skip_serializing_if = "String::is_empty")]
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
}

fn status(s: Option<&Status>) -> JStatus {
    let s = s.cloned().unwrap_or_default();
    let code = match s.code {
        1 => Some("STATUS_CODE_OK"),
        2 => Some("STATUS_CODE_ERROR"),
        _ => None,
    };
    JStatus { message: s.message, code }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JEvent {
    time_unix_nano: String,
    name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<JKeyValue>,
    #[serde(skip_serializing_if = "is_zero")]
    dropped_attributes_count: u32,
}

fn event(e: &Event) -> JEvent {
    JEvent {
        time_unix_nano: e.time_unix_nano.to_string(),
        name: e.name.clone(),
        attributes: keyvalues(&e.attributes),
        dropped_attributes_count: e.dropped_attributes_count,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JLink {
    trace_id: String,
    span_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    trace_state: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<JKeyValue>,
    #[serde(skip_serializing_if = "is_zero")]
    dropped_attributes_count: u32,
}

fn link(l: &Link) -> JLink {
    JLink {
        trace_id: b64(&l.trace_id),
        span_id: b64(&l.span_id),
        trace_state: l.trace_state.clone(),
        attributes: keyvalues(&l.attributes),
        dropped_attributes_count: l.dropped_attributes_count,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JSpan {
    trace_id: String,
    span_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    trace_state: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    parent_span_id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    start_time_unix_nano: String,
    end_time_unix_nano: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<JKeyValue>,
    #[serde(skip_serializing_if = "is_zero")]
    dropped_attributes_count: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    events: Vec<JEvent>,
    #[serde(skip_serializing_if = "is_zero")]
    dropped_events_count: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<JLink>,
    #[serde(skip_serializing_if = "is_zero")]
    dropped_links_count: u32,
    status: JStatus,
}

fn span(s: &Span) -> JSpan {
    JSpan {
        trace_id: b64(&s.trace_id),
        span_id: b64(&s.span_id),
        trace_state: s.trace_state.clone(),
        parent_span_id: b64(&s.parent_span_id),
        name: s.name.clone(),
        kind: kind_name(s.kind),
        start_time_unix_nano: s.start_time_unix_nano.to_string(),
        end_time_unix_nano: s.end_time_unix_nano.to_string(),
        attributes: keyvalues(&s.attributes),
        dropped_attributes_count: s.dropped_attributes_count,
        events: s.events.iter().map(event).collect(),
        dropped_events_count: s.dropped_events_count,
        links: s.links.iter().map(link).collect(),
        dropped_links_count: s.dropped_links_count,
        status: status(s.status.as_ref()),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JResource {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<JKeyValue>,
    #[serde(skip_serializing_if = "is_zero")]
    dropped_attributes_count: u32,
}

fn resource(r: Option<&Resource>) -> JResource {
    let r = r.cloned().unwrap_or_default();
    JResource { attributes: keyvalues(&r.attributes), dropped_attributes_count: r.dropped_attributes_count }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JScope {
    #[serde(skip_serializing_if = "String::is_empty")]
    name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    version: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<JKeyValue>,
    #[serde(skip_serializing_if = "is_zero")]
    dropped_attributes_count: u32,
}

fn scope(s: Option<&InstrumentationScope>) -> JScope {
    let s = s.cloned().unwrap_or_default();
    JScope {
        name: s.name,
        version: s.version,
        attributes: keyvalues(&s.attributes),
        dropped_attributes_count: s.dropped_attributes_count,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JScopeSpans {
    scope: JScope,
    spans: Vec<JSpan>,
    #[serde(skip_serializing_if = "String::is_empty")]
    schema_url: String,
}

fn scope_spans(ss: &ScopeSpans) -> JScopeSpans {
    JScopeSpans {
        scope: scope(ss.scope.as_ref()),
        spans: ss.spans.iter().map(span).collect(),
        schema_url: ss.schema_url.clone(),
    }
}

/// One `ResourceSpans` in jsonpb form.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JResourceSpans {
    resource: JResource,
    scope_spans: Vec<JScopeSpans>,
    #[serde(skip_serializing_if = "String::is_empty")]
    schema_url: String,
}

/// The resource spans of a trace in jsonpb form.
pub fn resource_spans(data: &TracesData) -> Vec<JResourceSpans> {
    data.resource_spans
        .iter()
        .map(|rs: &ResourceSpans| JResourceSpans {
            resource: resource(rs.resource.as_ref()),
            scope_spans: rs.scope_spans.iter().map(scope_spans).collect(),
            schema_url: rs.schema_url.clone(),
        })
        .collect()
}
