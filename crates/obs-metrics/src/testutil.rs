//! OTLP request builders for unit tests.

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{
    Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, metric::Data,
    number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;

/// A string attribute.
pub fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(any_value::Value::StringValue(value.into())) }),
        ..Default::default()
    }
}

/// A number point at `secs` unix seconds.
pub fn point(attrs: &[(&str, &str)], secs: i64, value: f64) -> NumberDataPoint {
    NumberDataPoint {
        attributes: attrs.iter().map(|(k, v)| kv(k, v)).collect(),
        time_unix_nano: (secs * 1_000_000_000) as u64,
        value: Some(number_data_point::Value::AsDouble(value)),
        ..Default::default()
    }
}

/// A request from service `svc` carrying `metrics`.
pub fn request(svc: &str, metrics: Vec<Metric>) -> ExportMetricsServiceRequest {
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(Resource { attributes: vec![kv("service.name", svc)], ..Default::default() }),
            scope_metrics: vec![ScopeMetrics {
                scope: Some(InstrumentationScope { name: "test".into(), ..Default::default() }),
                metrics,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

/// A gauge metric.
pub fn gauge(name: &str, unit: &str, points: Vec<NumberDataPoint>) -> Metric {
    Metric {
        name: name.into(),
        unit: unit.into(),
        data: Some(Data::Gauge(Gauge { data_points: points })),
        ..Default::default()
    }
}

/// A sum metric; temporality 1 = delta, 2 = cumulative.
pub fn sum(name: &str, monotonic: bool, temporality: i32, points: Vec<NumberDataPoint>) -> Metric {
    let data = Sum { data_points: points, aggregation_temporality: temporality, is_monotonic: monotonic };
    Metric { name: name.into(), description: "a sum".into(), data: Some(Data::Sum(data)), ..Default::default() }
}

/// An explicit-bucket histogram with one point.
pub fn histogram(name: &str, unit: &str, secs: i64, bounds: &[f64], counts: &[u64], sum: f64) -> Metric {
    let dp = HistogramDataPoint {
        time_unix_nano: (secs * 1_000_000_000) as u64,
        count: counts.iter().sum(),
        sum: Some(sum),
        bucket_counts: counts.to_vec(),
        explicit_bounds: bounds.to_vec(),
        ..Default::default()
    };
    let data = Histogram { data_points: vec![dp], aggregation_temporality: 2 };
    Metric { name: name.into(), unit: unit.into(), data: Some(Data::Histogram(data)), ..Default::default() }
}
