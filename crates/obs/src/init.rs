//! `init_otel`: resolves the configuration (printing its warnings once), builds the pipeline for
//! the exporter of each signal, and installs it globally exactly once per process. `init_layer`
//! does the same but hands the bridge to the application as a `Layer` to compose with its own.

use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use opentelemetry::global;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing::Subscriber;
use tracing_subscriber::registry::LookupSpan;

use crate::config::{Exporter, ObsConfig};
use crate::guard::ObsGuard;
use crate::resource::build_resources;
use crate::settings::{ResolvedConfig, Signal};
use crate::telemetry::exporters::{Otlp, PipelineStats};
use crate::telemetry::layers::{Bridged, bridge, subscriber};
use crate::telemetry::providers::Providers;
use crate::telemetry::runtime::ExportRuntime;

static INITIALISED: AtomicBool = AtomicBool::new(false);

/// Starts traces, logs and metrics for this process, bridges `tracing` into them, and prints the
/// application's events on stderr (see [`crate::ObsConfigBuilder::console_logs`]).
///
/// Keep the returned guard alive until the end of `main` (`let _guard = ...`, never `let _ =`,
/// which drops it at once and turns telemetry off); dropping it flushes everything.
#[must_use = "dropping the guard shuts telemetry down at once; keep it alive: `let _guard = obs::init_otel(..)?;`"]
pub fn init_otel(config: impl Into<ObsConfig>) -> Result<ObsGuard> {
    let settings = resolve(config)?;
    claim()?;
    let result = start(settings);
    if result.is_err() {
        INITIALISED.store(false, Ordering::SeqCst);
    }
    result
}

/// Like [`init_otel`], but installs no `tracing` subscriber: the bridge comes back as a `Layer`
/// for the application's own subscriber (no console layer is added; bring your own `fmt` layer):
///
/// ```no_run
/// use tracing_subscriber::layer::SubscriberExt as _;
/// use tracing_subscriber::util::SubscriberInitExt as _;
/// # fn main() -> anyhow::Result<()> {
/// let (otel, _guard) = obs::init_layer(obs::ObsConfig::builder().service_name("backtest"))?;
/// tracing_subscriber::registry().with(otel).with(tracing_subscriber::fmt::layer()).init();
/// # Ok(()) }
/// ```
#[must_use = "the layer must be added to a subscriber and the guard kept alive until the end of main"]
pub fn init_layer<S>(
    config: impl Into<ObsConfig>,
) -> Result<(impl tracing_subscriber::Layer<S> + Send + Sync, ObsGuard)>
where
    S: Subscriber + for<'span> LookupSpan<'span> + Send + Sync + 'static,
{
    let settings = resolve(config)?;
    claim()?;
    let built = build_parts(settings).inspect_err(|_| INITIALISED.store(false, Ordering::SeqCst))?;
    if let Some(providers) = built.guard.providers() {
        install_providers(providers);
    }
    let layer = built.guard.providers().map(|p| bridge(p, built.bridged));
    Ok((layer, built.guard))
}

/// A pipeline that is built but not installed: its `dispatch` is used with
/// `tracing::dispatcher::with_default` (tests, benchmarks, programs composing their own setup).
pub struct Pipeline {
    /// The bridge and console subscriber (`Dispatch::none()` when every signal and the console are off).
    pub dispatch: tracing::Dispatch,
    /// Flushes and shuts the pipeline down; its [`ObsGuard::meter`] gives this pipeline's meters.
    pub guard: ObsGuard,
}

/// Builds a pipeline from `config` without touching any global state.
pub fn pipeline(config: impl Into<ObsConfig>) -> Result<Pipeline> {
    let settings = resolve(config)?;
    let built = build_parts(settings)?;
    let dispatch = built.dispatch();
    Ok(Pipeline { dispatch: dispatch.unwrap_or_else(tracing::Dispatch::none), guard: built.guard })
}

/// Resolves and prints each warning once, on stderr (no subscriber exists yet to carry it).
fn resolve(config: impl Into<ObsConfig>) -> Result<ResolvedConfig> {
    let settings = config.into().resolve().context("resolve the telemetry configuration")?;
    for warning in &settings.warnings {
        eprintln!("obs: warning: {warning}");
    }
    Ok(settings)
}

fn claim() -> Result<()> {
    if INITIALISED.swap(true, Ordering::SeqCst) {
        bail!(
            "init_otel was already called in this process; keep the first ObsGuard alive instead of \
             initialising telemetry twice"
        );
    }
    Ok(())
}

fn start(settings: ResolvedConfig) -> Result<ObsGuard> {
    let built = build_parts(settings)?;
    if let Some(dispatch) = built.dispatch() {
        tracing::dispatcher::set_global_default(dispatch).context(
            "install the tracing subscriber: another global subscriber is already set; keep yours and add \
             obs's bridge to it with obs::init_layer instead",
        )?;
    }
    if let Some(providers) = built.guard.providers() {
        install_providers(providers);
    }
    Ok(built.guard)
}

fn install_providers(providers: &Providers) {
    global::set_tracer_provider(providers.tracer.clone());
    global::set_meter_provider(providers.meter.clone());
    global::set_text_map_propagator(TraceContextPropagator::new());
    crate::lake::install_global(&providers.meter);
}

/// A built pipeline before anything is installed.
struct Built {
    guard: ObsGuard,
    bridged: Bridged,
    console: Option<String>,
}

impl Built {
    fn dispatch(&self) -> Option<tracing::Dispatch> {
        let providers = self.guard.providers();
        if providers.is_none() && self.console.is_none() {
            return None;
        }
        Some(tracing::Dispatch::new(subscriber(providers, self.bridged, self.console.as_deref())))
    }
}

fn build_parts(settings: ResolvedConfig) -> Result<Built> {
    let stats = PipelineStats::default();
    let exporting = |signal| settings.exporter_of(signal) != Exporter::None;
    let console_prints_events = settings.console_logs;
    let bridged = Bridged {
        level: settings.level,
        spans: exporting(Signal::Traces),
        // The console exporter's log lines would repeat what the console layer already prints.
        logs: exporting(Signal::Logs)
            && !(console_prints_events && settings.exporter_of(Signal::Logs) == Exporter::Console),
    };
    let console = console_prints_events.then(|| settings.console_filter.clone());
    if !Signal::ALL.into_iter().any(exporting) {
        return Ok(Built { guard: ObsGuard::new(None, None, stats, settings), bridged, console });
    }
    let resources = build_resources(&settings);
    let protocol = Signal::ALL.into_iter().find_map(|s| match settings.exporter_of(s) {
        Exporter::Otlp(protocol) => Some(protocol),
        _ => None,
    });
    let runtime = protocol.map(|_| ExportRuntime::start()).transpose()?;
    let handle = runtime.as_ref().map(|r| r.handle().context("the export runtime stopped before use")).transpose()?;
    let otlp = match (protocol, handle) {
        (Some(protocol), Some(runtime)) => Some(Otlp { settings: &settings, protocol, runtime, stats: &stats }),
        _ => None,
    };
    let providers = Providers::for_settings(&settings, &resources, &stats, otlp.as_ref())?;
    Ok(Built { guard: ObsGuard::new(Some(providers), runtime, stats, settings), bridged, console })
}
