//! The `tracing` side: the bridge (spans become OTLP spans, events become OTLP log records
//! carrying the current trace and span ids, the exporter's own crates filtered out so telemetry
//! never traces itself) as one composable `Layer`, and the console `fmt` layer on stderr.

use std::io::IsTerminal as _;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use tracing::Subscriber;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{EnvFilter, FilterExt as _, FilterFn, Targets, filter_fn};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::registry::LookupSpan;

use crate::telemetry::providers::Providers;

/// Target prefixes of the crates that carry our exports (their own events must not loop back).
pub const EXPORT_CRATES: [&str; 7] = ["opentelemetry", "tonic", "h2", "hyper", "reqwest", "tower", "obs::telemetry"];

/// Which signals the bridge feeds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bridged {
    /// Most verbose level bridged.
    pub(crate) level: tracing::Level,
    /// `tracing` spans become OTLP spans.
    pub(crate) spans: bool,
    /// `tracing` events become OTLP log records.
    pub(crate) logs: bool,
}

/// The filter of both bridges: `level` for everything but the export crates, which are off.
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

/// The bridge as one layer, with per-layer filters so it composes with the application's own
/// layers without filtering them.
pub(crate) fn bridge<S>(providers: &Providers, bridged: Bridged) -> impl Layer<S> + Send + Sync + 'static + use<S>
where
    S: Subscriber + for<'span> LookupSpan<'span> + Send + Sync + 'static,
{
    let spans = bridged.spans.then(|| {
        let tracer = providers.tracer.tracer("obs");
        tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_tracked_inactivity(false)
            .with_threads(false)
            .with_filter(spans_and_errors().and(bridge_filter(bridged.level)))
    });
    let logs = bridged
        .logs
        .then(|| OpenTelemetryTracingBridge::new(&providers.logger).with_filter(bridge_filter(bridged.level)));
    Layer::and_then(spans, logs)
}

/// The console layer: events on stderr (colours only on a terminal), filtered by `directives`
/// (`RUST_LOG` or the level); the export crates stay quiet unless the directives name them.
pub(crate) fn console<S>(directives: &str) -> impl Layer<S> + Send + Sync + 'static + use<S>
where
    S: Subscriber + for<'span> LookupSpan<'span> + Send + Sync + 'static,
{
    let mut all = directives.to_string();
    for name in EXPORT_CRATES.iter().filter(|name| !directives.contains(*name)) {
        all.push_str(&format!(",{name}=off"));
    }
    let filter = EnvFilter::try_new(&all).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(filter)
}

/// A subscriber with the bridge over `providers` (when any) and the console layer (when asked).
pub(crate) fn subscriber(
    providers: Option<&Providers>,
    bridged: Bridged,
    console_directives: Option<&str>,
) -> impl Subscriber + Send + Sync + use<> {
    tracing_subscriber::registry().with(providers.map(|p| bridge(p, bridged))).with(console_directives.map(console))
}
