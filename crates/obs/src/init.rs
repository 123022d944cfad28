//! `init_otel`: resolves the configuration, builds the pipeline for the chosen exporter, and
//! installs it globally exactly once per process.

use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use opentelemetry::global;
use opentelemetry_sdk::propagation::TraceContextPropagator;

use crate::config::{Exporter, ObsConfig};
use crate::guard::ObsGuard;
use crate::resource::build_resource;
use crate::settings::ResolvedConfig;
use crate::telemetry::accounting::Accounted;
use crate::telemetry::exporters::{PipelineStats, otlp};
use crate::telemetry::layers::subscriber;
use crate::telemetry::providers::Providers;
use crate::telemetry::runtime::ExportRuntime;

static INITIALISED: AtomicBool = AtomicBool::new(false);

/// Starts traces, logs and metrics for this process and bridges `tracing` into them.
/// Keep the returned guard alive until the end of `main`; dropping it flushes everything.
pub fn init_otel(config: impl Into<ObsConfig>) -> Result<ObsGuard> {
    let settings = config.into().resolve().context("resolve the telemetry configuration")?;
    if INITIALISED.swap(true, Ordering::SeqCst) {
        bail!(
            "init_otel was already called in this process; keep the first ObsGuard alive instead of \
             initialising telemetry twice"
        );
    }
    let result = start(settings);
    if result.is_err() {
        INITIALISED.store(false, Ordering::SeqCst);
    }
    result
}

fn start(settings: ResolvedConfig) -> Result<ObsGuard> {
    let stats = PipelineStats::default();
    let resource = build_resource(&settings);
    let (providers, runtime) = match settings.exporter {
        Exporter::None => return Ok(ObsGuard::new(None, None, stats, settings)),
        Exporter::Console => {
            let providers = Providers::build(
                &resource,
                settings.sampler,
                settings.metric_interval,
                Accounted::new(opentelemetry_stdout::SpanExporter::default(), stats.traces.clone(), None),
                Accounted::new(opentelemetry_stdout::LogExporter::default(), stats.logs.clone(), None),
                Accounted::new(opentelemetry_stdout::MetricExporter::default(), stats.metrics.clone(), None),
            );
            (providers, None)
        }
        Exporter::Otlp(protocol) => {
            let runtime = ExportRuntime::start()?;
            let handle = runtime.handle().context("the export runtime stopped before use")?;
            let exporters = otlp(&settings, protocol, &handle, &stats)?;
            let providers = Providers::build(
                &resource,
                settings.sampler,
                settings.metric_interval,
                exporters.spans,
                exporters.logs,
                exporters.metrics,
            );
            (providers, Some(runtime))
        }
    };
    tracing::subscriber::set_global_default(subscriber(&providers, settings.level)).context(
        "install the tracing subscriber: another global subscriber is already set; let init_otel install the only one",
    )?;
    global::set_tracer_provider(providers.tracer.clone());
    global::set_meter_provider(providers.meter.clone());
    global::set_text_map_propagator(TraceContextPropagator::new());
    Ok(ObsGuard::new(Some(providers), runtime, stats, settings))
}
