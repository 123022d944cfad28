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

/// A pipeline that is built but not installed: its `dispatch` is used with
/// `tracing::dispatcher::with_default` (tests, benchmarks, programs composing their own setup).
pub struct Pipeline {
    /// The bridge subscriber (`Dispatch::none()` for exporter `None`).
    pub dispatch: tracing::Dispatch,
    /// Flushes and shuts the pipeline down; its [`ObsGuard::meter`] gives this pipeline's meters.
    pub guard: ObsGuard,
}

/// Builds a pipeline from `config` without touching any global state.
pub fn pipeline(config: impl Into<ObsConfig>) -> Result<Pipeline> {
    let settings = config.into().resolve().context("resolve the telemetry configuration")?;
    build(settings)
}

fn start(settings: ResolvedConfig) -> Result<ObsGuard> {
    let Pipeline { dispatch, guard } = build(settings)?;
    let Some(providers) = guard.providers() else { return Ok(guard) };
    tracing::dispatcher::set_global_default(dispatch).context(
        "install the tracing subscriber: another global subscriber is already set; let init_otel install the only one",
    )?;
    global::set_tracer_provider(providers.tracer.clone());
    global::set_meter_provider(providers.meter.clone());
    global::set_text_map_propagator(TraceContextPropagator::new());
    Ok(guard)
}

fn build(settings: ResolvedConfig) -> Result<Pipeline> {
    let stats = PipelineStats::default();
    let resource = build_resource(&settings);
    let (providers, runtime) = match settings.exporter {
        Exporter::None => {
            let guard = ObsGuard::new(None, None, stats, settings);
            return Ok(Pipeline { dispatch: tracing::Dispatch::none(), guard });
        }
        Exporter::Console => {
            let providers = Providers::build(
                &stats,
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
                &stats,
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
    let dispatch = tracing::Dispatch::new(subscriber(&providers, settings.level));
    Ok(Pipeline { dispatch, guard: ObsGuard::new(Some(providers), runtime, stats, settings) })
}
