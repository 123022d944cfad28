//! Small OTLP requests built in the tests (protobuf via prost), so each case states its data.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, metric,
    number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

/// A string attribute.
pub fn attr(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(any_value::Value::StringValue(value.into())) }),
        ..Default::default()
    }
}

/// A span of `service` with these ids, one second long, ending now.
pub fn span(trace_id: [u8; 16], span_id: [u8; 8], name: &str) -> Span {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    Span {
        trace_id: trace_id.to_vec(),
        span_id: span_id.to_vec(),
        name: name.into(),
        kind: 2,
        start_time_unix_nano: now - 1_000_000_000,
        end_time_unix_nano: now,
        attributes: vec![attr("order.id", "ord-3fa9c1")],
        ..Default::default()
    }
}

/// A request holding `spans` of `service`.
pub fn traces(service: &str, spans: Vec<Span>) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource { attributes: vec![attr("service.name", service)], ..Default::default() }),
            scope_spans: vec![ScopeSpans { spans, ..Default::default() }],
            ..Default::default()
        }],
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Nanoseconds since the epoch, now.
pub fn now_ns() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
}

/// A log record with `body` at `time_ns` and these attributes.
pub fn record(body: &str, time_ns: u64, attributes: Vec<KeyValue>) -> LogRecord {
    LogRecord {
        time_unix_nano: time_ns,
        observed_time_unix_nano: time_ns,
        severity_text: "INFO".into(),
        body: Some(AnyValue { value: Some(any_value::Value::StringValue(body.into())) }),
        attributes,
        ..Default::default()
    }
}

/// A request holding `records` of `service`.
pub fn logs(service: &str, records: Vec<LogRecord>) -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: Some(Resource { attributes: vec![attr("service.name", service)], ..Default::default() }),
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    }
}

/// A request holding these metrics of `service`.
pub fn metrics(service: &str, metrics: Vec<Metric>) -> ExportMetricsServiceRequest {
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(Resource { attributes: vec![attr("service.name", service)], ..Default::default() }),
            scope_metrics: vec![ScopeMetrics { metrics, ..Default::default() }],
            ..Default::default()
        }],
    }
}

/// A gauge named `name` with one point per `(attributes, time_ns, value)`.
pub fn gauge(name: &str, points: Vec<(Vec<KeyValue>, u64, f64)>) -> Metric {
    let data_points = points
        .into_iter()
        .map(|(attributes, time, value)| NumberDataPoint {
            attributes,
            time_unix_nano: time,
            value: Some(number_data_point::Value::AsDouble(value)),
            ..Default::default()
        })
        .collect();
    Metric { name: name.into(), data: Some(metric::Data::Gauge(Gauge { data_points })), ..Default::default() }
}

/// A cumulative histogram named `name` with one point of these bounds at `time_ns`.
pub fn histogram(name: &str, bounds: Vec<f64>, time_ns: u64) -> Metric {
    let point = HistogramDataPoint {
        time_unix_nano: time_ns,
        start_time_unix_nano: time_ns.saturating_sub(1_000_000_000),
        count: 1,
        sum: Some(1.0),
        bucket_counts: vec![0; bounds.len() + 1].into_iter().enumerate().map(|(i, _)| u64::from(i == 0)).collect(),
        explicit_bounds: bounds,
        ..Default::default()
    };
    Metric {
        name: name.into(),
        data: Some(metric::Data::Histogram(Histogram { data_points: vec![point], aggregation_temporality: 2 })),
        ..Default::default()
    }
}
