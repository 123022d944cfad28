//! OTLP metric requests as an SDK would send them.

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{
    Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, metric::Data,
    number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;

/// Unix nanoseconds now.
pub fn now_nanos() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
}

fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(any_value::Value::StringValue(value.into())) }),
        ..Default::default()
    }
}

/// A number point with attributes at `nanos`.
pub fn point(attrs: &[(&str, &str)], nanos: u64, value: f64) -> NumberDataPoint {
    NumberDataPoint {
        attributes: attrs.iter().map(|(k, v)| kv(k, v)).collect(),
        time_unix_nano: nanos,
        value: Some(number_data_point::Value::AsDouble(value)),
        ..Default::default()
    }
}

/// A request from service `svc` (namespace `ns` when given).
pub fn request(svc: &str, metrics: Vec<Metric>) -> ExportMetricsServiceRequest {
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(Resource {
                attributes: vec![kv("service.name", svc), kv("service.instance.id", "inst-1")],
                ..Default::default()
            }),
            scope_metrics: vec![ScopeMetrics { metrics, ..Default::default() }],
            ..Default::default()
        }],
    }
}

/// A cumulative monotonic sum.
pub fn counter(name: &str, description: &str, points: Vec<NumberDataPoint>) -> Metric {
    let data = Sum { data_points: points, aggregation_temporality: 2, is_monotonic: true };
    Metric { name: name.into(), description: description.into(), data: Some(Data::Sum(data)), ..Default::default() }
}

/// A gauge.
pub fn gauge(name: &str, unit: &str, points: Vec<NumberDataPoint>) -> Metric {
    Metric {
        name: name.into(),
        unit: unit.into(),
        data: Some(Data::Gauge(Gauge { data_points: points })),
        ..Default::default()
    }
}

/// A cumulative explicit-bucket histogram with one point.
pub fn histogram(name: &str, unit: &str, nanos: u64, bounds: &[f64], counts: &[u64], sum: f64) -> Metric {
    let dp = HistogramDataPoint {
        time_unix_nano: nanos,
        count: counts.iter().sum(),
        sum: Some(sum),
        bucket_counts: counts.to_vec(),
        explicit_bounds: bounds.to_vec(),
        ..Default::default()
    };
    let data = Histogram { data_points: vec![dp], aggregation_temporality: 2 };
    Metric { name: name.into(), unit: unit.into(), data: Some(Data::Histogram(data)), ..Default::default() }
}
