//! One function per signal building its SDK provider for the exporter chosen for that signal
//! (OTLP through a counted batch processor, the console line by line, or none), plus the set of
//! three that the guard shuts down in order.

use anyhow::Result;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{
    BatchConfigBuilder as LogBatchConfig, BatchLogProcessor, LogExporter, SdkLoggerProvider,
};
use opentelemetry_sdk::logs::{LoggerProviderBuilder, SimpleLogProcessor};
use opentelemetry_sdk::metrics::{MeterProviderBuilder, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider, SimpleSpanProcessor};
use opentelemetry_sdk::trace::{SpanExporter, TracerProviderBuilder};

use crate::config::{Exporter, SamplerChoice};
use crate::sampler::build_sampler;
use crate::settings::{ResolvedConfig, Signal};
use crate::telemetry::accounting::Accounted;
use crate::telemetry::console::{ConsoleLogs, ConsoleMetrics, ConsoleSpans};
use crate::telemetry::exporters::{Otlp, PipelineStats};
use crate::telemetry::processors::Counted;

/// The three providers of a running pipeline (a signal that is off has a provider with no exporter).
#[derive(Debug, Clone)]
pub(crate) struct Providers {
    pub(crate) tracer: SdkTracerProvider,
    pub(crate) logger: SdkLoggerProvider,
    pub(crate) meter: SdkMeterProvider,
}

/// The resources: traces and logs carry everything; metrics leave out the attributes that change
/// on every run (`process.pid`, ...), which would otherwise become labels of new series each run.
pub(crate) struct Resources {
    pub(crate) full: Resource,
    pub(crate) metrics: Resource,
}

impl Providers {
    /// All three over batch processors on the given exporters (tests and benchmarks).
    #[cfg(test)]
    pub(crate) fn build(
        stats: &PipelineStats,
        resource: &Resource,
        sampler: SamplerChoice,
        metric_interval: std::time::Duration,
        spans: impl SpanExporter + 'static,
        logs: impl LogExporter + 'static,
        metrics: impl opentelemetry_sdk::metrics::exporter::PushMetricExporter,
    ) -> Self {
        use crate::settings::DEFAULT_QUEUE_SIZE;
        Self {
            tracer: tracer_builder(resource, sampler)
                .with_span_processor(batch_spans(spans, DEFAULT_QUEUE_SIZE, stats))
                .build(),
            logger: SdkLoggerProvider::builder()
                .with_resource(resource.clone())
                .with_log_processor(batch_logs(logs, DEFAULT_QUEUE_SIZE, stats))
                .build(),
            meter: meter_builder(resource)
                .with_reader(PeriodicReader::builder(metrics).with_interval(metric_interval).build())
                .build(),
        }
    }

    /// The providers for the exporter of each signal in `settings`; `otlp` builds network exporters.
    pub(crate) fn for_settings(
        settings: &ResolvedConfig,
        resources: &Resources,
        stats: &PipelineStats,
        otlp: Option<&Otlp<'_>>,
    ) -> Result<Self> {
        Ok(Self {
            tracer: tracer(settings, &resources.full, stats, otlp)?,
            logger: logger(settings, &resources.full, stats, otlp)?,
            meter: meter(settings, &resources.metrics, stats, otlp)?,
        })
    }
}

fn tracer_builder(resource: &Resource, sampler: SamplerChoice) -> TracerProviderBuilder {
    SdkTracerProvider::builder().with_sampler(build_sampler(sampler)).with_resource(resource.clone())
}

fn meter_builder(resource: &Resource) -> MeterProviderBuilder {
    SdkMeterProvider::builder().with_resource(resource.clone())
}

/// The (counted) batch processor: its own thread, so `end()` never waits on the network. The
/// other `OTEL_BSP_*` variables (batch size, delay) are read by the SDK.
fn batch_spans(
    exporter: impl SpanExporter + 'static,
    queue: usize,
    stats: &PipelineStats,
) -> Counted<BatchSpanProcessor> {
    let config = BatchConfigBuilder::default().with_max_queue_size(queue).build();
    Counted::new(BatchSpanProcessor::builder(exporter).with_batch_config(config).build(), stats.traces.clone())
}

fn batch_logs(exporter: impl LogExporter + 'static, queue: usize, stats: &PipelineStats) -> Counted<BatchLogProcessor> {
    let config = LogBatchConfig::default().with_max_queue_size(queue).build();
    Counted::new(BatchLogProcessor::builder(exporter).with_batch_config(config).build(), stats.logs.clone())
}

fn missing() -> anyhow::Error {
    anyhow::anyhow!("an OTLP exporter was chosen but no export runtime was started")
}

fn tracer(
    settings: &ResolvedConfig,
    resource: &Resource,
    stats: &PipelineStats,
    otlp: Option<&Otlp<'_>>,
) -> Result<SdkTracerProvider> {
    let builder = tracer_builder(resource, settings.sampler);
    Ok(match settings.exporter_of(Signal::Traces) {
        Exporter::Otlp(_) => builder.with_span_processor(batch_spans(
            otlp.ok_or_else(missing)?.spans()?,
            settings.span_queue_size,
            stats,
        )),
        Exporter::Console => builder.with_span_processor(Counted::new(
            SimpleSpanProcessor::new(Accounted::new(ConsoleSpans, stats.traces.clone(), None)),
            stats.traces.clone(),
        )),
        Exporter::None => builder,
    }
    .build())
}

fn logger(
    settings: &ResolvedConfig,
    resource: &Resource,
    stats: &PipelineStats,
    otlp: Option<&Otlp<'_>>,
) -> Result<SdkLoggerProvider> {
    let builder: LoggerProviderBuilder = SdkLoggerProvider::builder().with_resource(resource.clone());
    Ok(match settings.exporter_of(Signal::Logs) {
        Exporter::Otlp(_) => {
            builder.with_log_processor(batch_logs(otlp.ok_or_else(missing)?.logs()?, settings.log_queue_size, stats))
        }
        Exporter::Console => builder.with_log_processor(Counted::new(
            SimpleLogProcessor::new(Accounted::new(ConsoleLogs, stats.logs.clone(), None)),
            stats.logs.clone(),
        )),
        Exporter::None => builder,
    }
    .build())
}

/// Metrics are pushed every interval and once more at shutdown.
fn meter(
    settings: &ResolvedConfig,
    resource: &Resource,
    stats: &PipelineStats,
    otlp: Option<&Otlp<'_>>,
) -> Result<SdkMeterProvider> {
    let builder = meter_builder(resource);
    let interval = settings.metric_interval;
    Ok(match settings.exporter_of(Signal::Metrics) {
        Exporter::Otlp(_) => builder
            .with_reader(PeriodicReader::builder(otlp.ok_or_else(missing)?.metrics()?).with_interval(interval).build()),
        Exporter::Console => builder.with_reader(
            PeriodicReader::builder(Accounted::new(ConsoleMetrics, stats.metrics.clone(), None))
                .with_interval(interval)
                .build(),
        ),
        Exporter::None => builder,
    }
    .build())
}
