//! Metric store benchmark: ingest rate of OTLP counter points (512 per request), bytes per
//! series, and the query kinds dashboards run (selector by label, `sum by (rate)`, a range
//! query, `histogram_quantile`) plus the `/metrics` exposition, at 10 k series x 60 samples.
//!
//! Run: `cargo bench -p obs-metrics --bench metrics` (`OBS_BENCH_SERIES` changes the 10 k).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use obs_contract::query::{Budget, QueryLimits};
use obs_contract::{SelfSamples, StoreLimits};
use obs_metrics::MetricStore;
use obs_metrics::query::parse::parse;
use obs_metrics::query::{instant_query, range_query};
use obs_metrics::view::StoreView;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value};
use opentelemetry_proto::tonic::metrics::v1::{
    Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, metric::Data, number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;

const SAMPLES: i64 = 60;
const PER_REQUEST: usize = 512;
const STEP_S: i64 = 15;

fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(Value::StringValue(value.into())) }),
        ..KeyValue::default()
    }
}

fn series_count() -> usize {
    std::env::var("OBS_BENCH_SERIES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

/// Requests carrying sample `round` of every series: 5 services, series ids as attributes.
fn requests(round: i64, t0_s: i64, series: usize) -> Vec<ExportMetricsServiceRequest> {
    let ids: Vec<usize> = (0..series).collect();
    ids.chunks(PER_REQUEST)
        .map(|chunk| {
            let service = format!("svc-{}", chunk[0] % 5);
            let points = chunk
                .iter()
                .map(|id| NumberDataPoint {
                    attributes: vec![kv("series", &id.to_string()), kv("venue", ["xetra", "lse", "nyse"][id % 3])],
                    time_unix_nano: ((t0_s + round * STEP_S) * 1_000_000_000) as u64,
                    value: Some(number_data_point::Value::AsDouble((round * (*id as i64 % 7 + 1)) as f64)),
                    ..NumberDataPoint::default()
                })
                .collect();
            let sum = Sum { data_points: points, aggregation_temporality: 2, is_monotonic: true };
            let metric = Metric { name: "orders.filled".into(), data: Some(Data::Sum(sum)), ..Metric::default() };
            ExportMetricsServiceRequest {
                resource_metrics: vec![ResourceMetrics {
                    resource: Some(Resource { attributes: vec![kv("service.name", &service)], ..Resource::default() }),
                    scope_metrics: vec![ScopeMetrics { metrics: vec![metric], ..ScopeMetrics::default() }],
                    ..ResourceMetrics::default()
                }],
            }
        })
        .collect()
}

fn filled_store(series: usize, t0_s: i64) -> MetricStore {
    let limits = StoreLimits { max_items: series as u64 * 2, max_bytes: 4 << 30, history: Duration::from_secs(86_400) };
    let store = MetricStore::new(limits);
    let all: Vec<Vec<ExportMetricsServiceRequest>> = (0..SAMPLES).map(|r| requests(r, t0_s, series)).collect();
    let started = Instant::now();
    for round in all {
        for req in round {
            let _ = store.ingest(req);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let points = series as f64 * SAMPLES as f64;
    let stats = store.stats();
    println!(
        "ingest: {points} points into {} series in {elapsed:.2} s = {:.0} points/s; {:.0} bytes per series, {:.1} bytes per sample",
        stats.items,
        points / elapsed,
        stats.bytes as f64 / stats.items as f64,
        stats.bytes as f64 / points,
    );
    store
}

fn bench(c: &mut Criterion) {
    let series = series_count();
    let t0_s = obs_metrics::store::now_ms() / 1000 - SAMPLES * STEP_S;
    let store = filled_store(series, t0_s);
    let own: SelfSamples = Arc::new(Vec::new);
    let view = StoreView::new(&store, &own);
    let at = (t0_s + (SAMPLES - 1) * STEP_S) * 1000;
    let queries = [
        ("selector_by_label", "orders_filled_total{series=\"4242\"}"),
        ("sum_by_rate", "sum by (job, venue) (rate(orders_filled_total[5m]))"),
        ("regex_selector_count", "count(orders_filled_total{venue=~\"x.*\"})"),
    ];
    let limits = QueryLimits::default();
    for (name, q) in queries {
        let Ok(expr) = parse(q, &limits) else { continue };
        c.bench_function(name, |b| b.iter(|| black_box(instant_query(&view, &expr, at, &Budget::unlimited()).ok())));
    }
    let (start, end) = (t0_s * 1000, at);
    if let Ok(expr) = parse("sum(rate(orders_filled_total[1m]))", &limits) {
        c.bench_function("range_sum_rate_15m_at_15s", |b| {
            b.iter(|| black_box(range_query(&view, &expr, start, end, 15_000, &Budget::unlimited()).ok()))
        });
    }
    c.bench_function("exposition_render", |b| b.iter(|| black_box(obs_metrics::exposition::render(&store, &[]).len())));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3));
    targets = bench
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
