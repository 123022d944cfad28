//! The `tracing` side of the bridge: spans become OTLP spans, events become OTLP log records
//! carrying the current trace and span ids, and the exporter's own crates are filtered out so
//! telemetry never traces itself.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::{FilterFn, Targets, filter_fn};
use tracing_subscriber::layer::SubscriberExt;

use crate::telemetry::providers::Providers;

/// Target prefixes of the crates that carry our exports (their own events must not loop back).
pub const EXPORT_CRATES: [&str; 7] = ["opentelemetry", "tonic", "h2", "hyper", "reqwest", "tower", "obs::telemetry"];

/// The filter applied to both bridges: `level` for everything but the export crates, which are off.
pub(crate) fn bridge_filter(level: tracing::Level) -> Targets {
    EXPORT_CRATES.iter().fold(Targets::new().with_default(LevelFilter::from_level(level)), |targets, name| {
        targets.with_target(*name, LevelFilter::OFF)
    })
}

/// What the span layer sees: spans, and only the error events that set a span's error status.
/// Every other event is already a log record with the span's ids; copying it into the span as a
/// span event too would double the work on the caller's thread and the bytes exported.
fn spans_and_errors() -> FilterFn<fn(&tracing::Metadata<'_>) -> bool> {
    filter_fn(|meta| meta.is_span() || *meta.level() == tracing::Level::ERROR)
}

/// A subscriber with both bridges over `providers`.
pub(crate) fn subscriber(providers: &Providers, level: tracing::Level) -> impl tracing::Subscriber + Send + Sync {
    let tracer = providers.tracer.tracer("obs");
    let spans = tracing_opentelemetry::layer().with_tracer(tracer).with_tracked_inactivity(false).with_threads(false);
    tracing_subscriber::registry()
        .with(spans.with_filter(spans_and_errors()))
        .with(OpenTelemetryTracingBridge::new(&providers.logger))
        .with(bridge_filter(level))
}
