//! Test harness: the real providers and bridge layers over the SDK's in-memory exporters, with
//! the subscriber scoped to the test's thread.

use std::future::Future;

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::InMemoryLogExporter;
use opentelemetry_sdk::logs::in_memory_exporter::LogDataWithResource;
use opentelemetry_sdk::metrics::InMemoryMetricExporter;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SpanData};

use crate::config::{ParentRoot, SamplerChoice};
use crate::lake::LakeMetrics;
use crate::telemetry::accounting::Accounted;
use crate::telemetry::exporters::PipelineStats;
use crate::telemetry::layers::{Bridged, subscriber};
use crate::telemetry::providers::Providers;

pub(crate) struct Harness {
    pub spans: InMemorySpanExporter,
    pub logs: InMemoryLogExporter,
    pub metrics: InMemoryMetricExporter,
    pub providers: Providers,
    pub stats: PipelineStats,
    dispatch: tracing::Dispatch,
}

impl Harness {
    pub fn new() -> Self {
        let (spans, logs, metrics) =
            (InMemorySpanExporter::default(), InMemoryLogExporter::default(), InMemoryMetricExporter::default());
        let stats = PipelineStats::default();
        let resource = Resource::builder_empty().with_service_name("obs_unit_test").build();
        let providers = Providers::build(
            &stats,
            &resource,
            SamplerChoice::ParentBased(ParentRoot::AlwaysOn),
            std::time::Duration::from_secs(3600),
            Accounted::new(spans.clone(), stats.traces.clone(), None),
            Accounted::new(logs.clone(), stats.logs.clone(), None),
            Accounted::new(metrics.clone(), stats.metrics.clone(), None),
        );
        let bridged = Bridged { level: tracing::Level::INFO, spans: true, logs: true };
        let dispatch = tracing::Dispatch::new(subscriber(Some(&providers), bridged, None));
        Self { spans, logs, metrics, providers, stats, dispatch }
    }

    pub fn lake_metrics(&self) -> LakeMetrics {
        LakeMetrics::new(&self.providers.meter.meter("obs.lake"))
    }

    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        tracing::dispatcher::with_default(&self.dispatch, f)
    }

    /// Runs `fut` on a current-thread tokio runtime (object_store's multipart writer needs one).
    pub fn block_on<F: Future>(&self, fut: F) -> F::Output {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        self.run(|| runtime.block_on(fut))
    }

    pub fn flush(&self) {
        self.providers.tracer.force_flush().unwrap();
        self.providers.logger.force_flush().unwrap();
        self.providers.meter.force_flush().unwrap();
    }

    pub fn finished(&self) -> Vec<SpanData> {
        self.flush();
        self.spans.get_finished_spans().unwrap()
    }

    pub fn span(&self, name: &str) -> SpanData {
        let spans = self.finished();
        let found = spans.iter().find(|s| s.name == name).cloned();
        found.unwrap_or_else(|| panic!("no span {name}; have {:?}", spans.iter().map(|s| &s.name).collect::<Vec<_>>()))
    }

    pub fn emitted_logs(&self) -> Vec<LogDataWithResource> {
        self.flush();
        self.logs.get_emitted_logs().unwrap()
    }

    /// Sum of a u64 counter's points whose attributes include every `(key, value)` of `filter`.
    pub fn counter_sum(&self, name: &str, filter: &[(&str, &str)]) -> u64 {
        self.flush();
        let all = self.metrics.get_finished_metrics().unwrap();
        let last = all.last().expect("a metrics export");
        let mut total = 0;
        for metric in last.scope_metrics().flat_map(|s| s.metrics()).filter(|m| m.name() == name) {
            if let AggregatedMetrics::U64(MetricData::Sum(sum)) = metric.data() {
                for point in sum.data_points() {
                    if matches(point.attributes(), filter) {
                        total += point.value();
                    }
                }
            }
        }
        total
    }

    /// Count of histogram observations of `name` matching `filter`.
    pub fn histogram_count(&self, name: &str, filter: &[(&str, &str)]) -> u64 {
        self.flush();
        let all = self.metrics.get_finished_metrics().unwrap();
        let last = all.last().expect("a metrics export");
        let mut total = 0;
        for metric in last.scope_metrics().flat_map(|s| s.metrics()).filter(|m| m.name() == name) {
            if let AggregatedMetrics::F64(MetricData::Histogram(h)) = metric.data() {
                for point in h.data_points() {
                    if matches(point.attributes(), filter) {
                        total += point.count();
                    }
                }
            }
        }
        total
    }
}

fn matches<'a>(attrs: impl Iterator<Item = &'a opentelemetry::KeyValue>, filter: &[(&str, &str)]) -> bool {
    let attrs: Vec<_> = attrs.map(|kv| (kv.key.to_string(), kv.value.to_string())).collect();
    filter.iter().all(|(k, v)| attrs.iter().any(|(ak, av)| ak == k && av == v))
}

/// The string value of attribute `key` on a span.
pub(crate) fn attr(span: &SpanData, key: &str) -> Option<String> {
    span.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| kv.value.to_string())
}
