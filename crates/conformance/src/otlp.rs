//! The data set as OTLP/HTTP protobuf requests, shaped so that obs-embedded's names and labels come
//! out as Prometheus has them: `job` and `instance` as the only resource attributes, no scope (so no
//! `otel_scope_*` labels), counters as cumulative monotonic sums, histograms as explicit buckets.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use opentelemetry_proto::tonic::collector::metrics::v1::{ExportMetricsServiceRequest, ExportMetricsServiceResponse};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics,
    ScopeMetrics, Sum, metric::Data, number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;

use crate::data::{DATA_START_MS, Family, INSTANCES, JOB, Kind, Value};

/// Scrapes per request (5 minutes of one instance).
const CHUNK_MS: i64 = 300_000;

fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(any_value::Value::StringValue(value.into())) }),
        ..Default::default()
    }
}

fn nanos(ms: i64) -> u64 {
    u64::try_from(ms).unwrap_or(0) * 1_000_000
}

fn metric(f: &Family, instance: &str, from: i64, to: i64) -> Option<Metric> {
    let in_chunk = |ts: &i64| (from..to).contains(ts);
    let mut numbers = Vec::new();
    let mut histograms = Vec::new();
    for s in f.streams.iter().filter(|s| s.instance == instance) {
        let attributes: Vec<KeyValue> = s.labels.iter().map(|(k, v)| kv(k, v)).collect();
        for (ts, v) in s.points.iter().filter(|(ts, _)| in_chunk(ts)) {
            match v {
                Value::Number(n) => numbers.push(NumberDataPoint {
                    attributes: attributes.clone(),
                    start_time_unix_nano: nanos(DATA_START_MS),
                    time_unix_nano: nanos(*ts),
                    value: Some(number_data_point::Value::AsDouble(*n)),
                    ..Default::default()
                }),
                Value::Histogram { buckets, sum, count } => histograms.push(HistogramDataPoint {
                    attributes: attributes.clone(),
                    start_time_unix_nano: nanos(DATA_START_MS),
                    time_unix_nano: nanos(*ts),
                    count: *count,
                    sum: Some(*sum),
                    bucket_counts: buckets.clone(),
                    explicit_bounds: f.bounds.clone(),
                    ..Default::default()
                }),
            }
        }
    }
    if numbers.is_empty() && histograms.is_empty() {
        return None;
    }
    let cumulative = AggregationTemporality::Cumulative as i32;
    let data = match f.kind {
        Kind::Gauge => Data::Gauge(Gauge { data_points: numbers }),
        Kind::Counter => {
            Data::Sum(Sum { data_points: numbers, aggregation_temporality: cumulative, is_monotonic: true })
        }
        Kind::Histogram => Data::Histogram(Histogram { data_points: histograms, aggregation_temporality: cumulative }),
    };
    Some(Metric { name: f.name.into(), description: f.help.into(), data: Some(data), ..Default::default() })
}

/// Requests per instance (series of different instances are independent), each list in time order.
pub fn requests(families: &[Family]) -> Vec<Vec<ExportMetricsServiceRequest>> {
    INSTANCES
        .iter()
        .map(|instance| {
            let mut out = Vec::new();
            let mut from = DATA_START_MS;
            while from < crate::data::DATA_END_MS + CHUNK_MS {
                let to = from + CHUNK_MS;
                let metrics: Vec<Metric> = families.iter().filter_map(|f| metric(f, instance, from, to)).collect();
                from = to;
                if metrics.is_empty() {
                    continue;
                }
                let resource =
                    Resource { attributes: vec![kv("job", JOB), kv("instance", instance)], ..Default::default() };
                out.push(ExportMetricsServiceRequest {
                    resource_metrics: vec![ResourceMetrics {
                        resource: Some(resource),
                        scope_metrics: vec![ScopeMetrics { scope: None, metrics, ..Default::default() }],
                        ..Default::default()
                    }],
                });
            }
            out
        })
        .collect()
}

/// Posts each list on its own thread, in order within the list (so each series stays in time
/// order), failing on any error or rejected point.
pub fn push_all(base: &str, lists: &[Vec<ExportMetricsServiceRequest>]) -> Result<()> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = lists.iter().map(|list| scope.spawn(move || push(base, list))).collect();
        handles.into_iter().try_for_each(|h| h.join().map_err(|_| anyhow::anyhow!("an OTLP sender panicked"))?)
    })
}

/// Posts every request to `base` (`http://host:port` of OTLP/HTTP), failing on any rejected point.
pub fn push(base: &str, requests: &[ExportMetricsServiceRequest]) -> Result<()> {
    let url = format!("{base}/v1/metrics");
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .new_agent();
    for (i, req) in requests.iter().enumerate() {
        let mut resp = agent
            .post(&url)
            .header("content-type", "application/x-protobuf")
            .send(req.encode_to_vec())
            .with_context(|| format!("post OTLP request {i} to {url}"))?;
        let status = resp.status().as_u16();
        let body = resp.body_mut().read_to_vec().with_context(|| format!("read the answer to OTLP request {i}"))?;
        if status != 200 {
            bail!("{url} answered {status} to OTLP request {i}: {}", String::from_utf8_lossy(&body));
        }
        let answer = ExportMetricsServiceResponse::decode(body.as_slice())
            .with_context(|| format!("decode the answer to OTLP request {i}"))?;
        if let Some(partial) = answer.partial_success.filter(|p| p.rejected_data_points > 0) {
            bail!(
                "{url} rejected {} points of OTLP request {i}: {}",
                partial.rejected_data_points,
                partial.error_message
            );
        }
    }
    Ok(())
}
