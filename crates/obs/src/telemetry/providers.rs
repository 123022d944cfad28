//! One function per signal building its SDK provider on a shared resource, plus the set of
//! three that the guard shuts down in order.

use std::time::Duration;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{BatchLogProcessor, LogExporter, LogProcessor, SdkLoggerProvider};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{BatchSpanProcessor, SdkTracerProvider, SpanExporter, SpanProcessor};

use crate::config::SamplerChoice;
use crate::sampler::build_sampler;
use crate::telemetry::exporters::PipelineStats;
use crate::telemetry::processors::Counted;

/// The three providers of a running pipeline.
#[derive(Debug, Clone)]
pub(crate) struct Providers {
    pub(crate) tracer: SdkTracerProvider,
    pub(crate) logger: SdkLoggerProvider,
    pub(crate) meter: SdkMeterProvider,
}

impl Providers {
    /// Builds all three on `resource`.
    pub(crate) fn build(
        stats: &PipelineStats,
        resource: &Resource,
        sampler: SamplerChoice,
        metric_interval: Duration,
        spans: impl SpanExporter + 'static,
        logs: impl LogExporter + 'static,
        metrics: impl PushMetricExporter,
    ) -> Self {
        Self {
            tracer: tracer_provider(
                resource,
                sampler,
                Counted::new(BatchSpanProcessor::builder(spans).build(), stats.traces.clone()),
            ),
            logger: logger_provider(
                resource,
                Counted::new(BatchLogProcessor::builder(logs).build(), stats.logs.clone()),
            ),
            meter: meter_provider(resource, metric_interval, metrics),
        }
    }
}

/// Spans go through the (counted) batch processor: its own thread, so `end()` never waits on the network.
pub(crate) fn tracer_provider(
    resource: &Resource,
    sampler: SamplerChoice,
    processor: impl SpanProcessor + 'static,
) -> SdkTracerProvider {
    SdkTracerProvider::builder()
        .with_span_processor(processor)
        .with_sampler(build_sampler(sampler))
        .with_resource(resource.clone())
        .build()
}

/// Log records go through the (counted) batch log processor.
pub(crate) fn logger_provider(resource: &Resource, processor: impl LogProcessor + 'static) -> SdkLoggerProvider {
    SdkLoggerProvider::builder().with_log_processor(processor).with_resource(resource.clone()).build()
}

/// Metrics are pushed every `interval` and once more at shutdown.
pub(crate) fn meter_provider(
    resource: &Resource,
    interval: Duration,
    exporter: impl PushMetricExporter,
) -> SdkMeterProvider {
    SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter).with_interval(interval).build())
        .with_resource(resource.clone())
        .build()
}
