//! [`ObsGuard`]: keeps the pipeline alive and shuts it down in order (traces, then logs, then
//! metrics) within one bounded budget, reporting anything that could not be exported.

use std::time::{Duration, Instant};

use crate::config::Exporter;
use crate::settings::{ResolvedConfig, Signal};
use crate::telemetry::accounting::SignalStats;
use crate::telemetry::exporters::PipelineStats;
use crate::telemetry::providers::Providers;
use crate::telemetry::runtime::ExportRuntime;

/// What each signal exported and dropped over the pipeline's life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// Spans accepted by the exporter.
    pub spans_exported: u64,
    /// Spans whose export failed.
    pub spans_dropped: u64,
    /// Log records accepted by the exporter.
    pub logs_exported: u64,
    /// Log records whose export failed.
    pub logs_dropped: u64,
    /// Metric streams accepted by the exporter (one per instrument per push).
    pub metrics_exported: u64,
    /// Metric streams whose export failed.
    pub metrics_dropped: u64,
}

impl ExportReport {
    /// True when nothing was dropped.
    pub fn is_clean(&self) -> bool {
        self.spans_dropped + self.logs_dropped + self.metrics_dropped == 0
    }
}

impl ExportReport {
    /// What `signal` dropped.
    pub fn dropped(&self, signal: Signal) -> u64 {
        match signal {
            Signal::Traces => self.spans_dropped,
            Signal::Logs => self.logs_dropped,
            Signal::Metrics => self.metrics_dropped,
        }
    }
}

/// One signal that lost data: where it was going, how much, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalFailure {
    /// The signal.
    pub signal: Signal,
    /// Its endpoint (or `console`).
    pub endpoint: String,
    /// Items dropped (spans, log records or metric streams).
    pub dropped: u64,
    /// Its errors (the last export error, or the shutdown error).
    pub errors: Vec<String>,
}

impl std::fmt::Display for SignalFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.signal {
            Signal::Traces => "span(s)",
            Signal::Logs => "log record(s)",
            Signal::Metrics => "metric stream(s)",
        };
        write!(f, "{}: dropped {} {unit} sent to {}", self.signal.name(), self.dropped, self.endpoint)?;
        if !self.errors.is_empty() {
            write!(f, " ({})", self.errors.join("; "))?;
        }
        Ok(())
    }
}

/// Shutdown found telemetry that did not reach the endpoint (downcast an `anyhow::Error` to it).
#[derive(Debug, Clone)]
pub struct ExportFailure {
    /// Counts at shutdown.
    pub report: ExportReport,
    /// The endpoint of the first signal that failed.
    pub endpoint: String,
    /// Every error, each prefixed with its signal.
    pub errors: Vec<String>,
    /// Each signal that failed, with its endpoint.
    pub failures: Vec<SignalFailure>,
}

impl std::fmt::Display for ExportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let each: Vec<String> = self.failures.iter().map(ToString::to_string).collect();
        write!(f, "telemetry export failed: {}", each.join("; "))
    }
}

impl std::error::Error for ExportFailure {}

/// Keeps telemetry running; flush and shut down with [`ObsGuard::shutdown`] or by dropping it.
/// Bind it for the whole of `main` (`let _guard = ...`): `let _ = ...` drops it at once.
///
/// It is `#[must_use]`: a bare `obs::init_otel(..)?;` is a warning (here denied, so it fails):
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// fn main() -> anyhow::Result<()> {
///     obs::init_otel(obs::ObsConfig::builder().service_name("forgotten"))?;
///     Ok(())
/// }
/// ```
///
/// while keeping it compiles under the same lint:
///
/// ```no_run
/// #![deny(unused_must_use)]
/// fn main() -> anyhow::Result<()> {
///     let _guard = obs::init_otel(obs::ObsConfig::builder().service_name("kept"))?;
///     Ok(())
/// }
/// ```
#[derive(Debug)]
#[must_use = "dropping the guard shuts telemetry down at once; keep it alive: `let _guard = ...`"]
pub struct ObsGuard {
    providers: Option<Providers>,
    runtime: Option<ExportRuntime>,
    stats: PipelineStats,
    settings: ResolvedConfig,
    finished: bool,
}

impl ObsGuard {
    pub(crate) fn new(
        providers: Option<Providers>,
        runtime: Option<ExportRuntime>,
        stats: PipelineStats,
        settings: ResolvedConfig,
    ) -> Self {
        Self { providers, runtime, stats, settings, finished: false }
    }

    /// The settings in force (service name, exporter, endpoints, timeouts).
    pub fn settings(&self) -> &ResolvedConfig {
        &self.settings
    }

    pub(crate) fn providers(&self) -> Option<&Providers> {
        self.providers.as_ref()
    }

    /// A meter of this pipeline (a no-op meter when telemetry is off or shut down).
    pub fn meter(&self, name: &'static str) -> opentelemetry::metrics::Meter {
        use opentelemetry::metrics::MeterProvider as _;
        match &self.providers {
            Some(providers) => providers.meter.meter(name),
            None => opentelemetry::metrics::noop::NoopMeterProvider::new().meter(name),
        }
    }

    /// Counts so far. Before shutdown "dropped" counts failed exports; after it, everything
    /// received but not exported (failed, lost to a full queue, or cut by the deadline).
    pub fn report(&self) -> ExportReport {
        let s = &self.stats;
        let lost = |stats: &SignalStats| match self.finished {
            true => stats.received().saturating_sub(stats.exported()).max(stats.dropped()),
            false => stats.dropped(),
        };
        ExportReport {
            spans_exported: s.traces.exported(),
            spans_dropped: lost(&s.traces),
            logs_exported: s.logs.exported(),
            logs_dropped: lost(&s.logs),
            metrics_exported: s.metrics.exported(),
            metrics_dropped: s.metrics.dropped(),
        }
    }

    /// Flushes and shuts down traces, then logs, then metrics within the shutdown timeout.
    /// Errors (an [`ExportFailure`]) when anything was dropped; a second call is a no-op.
    pub fn shutdown(&mut self) -> anyhow::Result<ExportReport> {
        if self.finished {
            return Ok(self.report());
        }
        self.finished = true;
        let shutdown_errors = self.shut_providers();
        let report = self.report();
        let failures: Vec<SignalFailure> = Signal::ALL
            .into_iter()
            .zip(shutdown_errors)
            .filter_map(|(signal, shutdown)| self.failure(signal, report.dropped(signal), shutdown))
            .collect();
        if failures.is_empty() {
            return Ok(report);
        }
        let errors =
            failures.iter().flat_map(|f| f.errors.iter().map(move |e| format!("{}: {e}", f.signal.name()))).collect();
        Err(ExportFailure { report, endpoint: failures[0].endpoint.clone(), errors, failures }.into())
    }

    /// Shuts the providers down in order within the budget: exports still running at the
    /// deadline are stopped, and the runtime stops once none runs. Returns each signal's error.
    fn shut_providers(&mut self) -> [Option<String>; 3] {
        let mut errors = [None, None, None];
        if let Some(providers) = self.providers.take() {
            let deadline = Instant::now() + self.settings.shutdown_timeout;
            self.stats.cutoff.set(deadline);
            let left = || deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
            errors = [
                providers.tracer.shutdown_with_timeout(left()).err().map(|e| e.to_string()),
                providers.logger.shutdown_with_timeout(left()).err().map(|e| e.to_string()),
                providers.meter.shutdown_with_timeout(left()).err().map(|e| e.to_string()),
            ];
        }
        self.stats.cutoff.set(Instant::now());
        self.stats.cutoff.wait_idle(IDLE_GRACE);
        if let Some(mut runtime) = self.runtime.take() {
            runtime.stop();
        }
        errors
    }

    /// The failure of `signal`, if it dropped anything or reported an error. The export error
    /// says more than the SDK's generic shutdown error, so the latter only shows when alone.
    fn failure(&self, signal: Signal, dropped: u64, shutdown: Option<String>) -> Option<SignalFailure> {
        let mut errors: Vec<String> =
            self.stats.of(signal).last_error().map(|e| format!("export: {e}")).into_iter().collect();
        if errors.is_empty()
            && let Some(shutdown) = shutdown
        {
            errors.push(format!("shutdown: {shutdown}"));
        }
        if dropped == 0 && errors.is_empty() {
            return None;
        }
        if errors.is_empty() {
            errors.push("not every item left the export queue (queue full or shutdown deadline reached)".into());
        }
        let endpoint = match self.settings.exporter_of(signal) {
            Exporter::Otlp(_) => self.settings.endpoint(signal).to_string(),
            other => format!("{other:?}").to_lowercase(),
        };
        Some(SignalFailure { signal, endpoint, dropped, errors })
    }
}

/// How long shutdown waits, after its deadline, for stopped exports to leave the runtime.
const IDLE_GRACE: Duration = Duration::from_millis(250);

impl Drop for ObsGuard {
    fn drop(&mut self) {
        if !self.finished
            && let Err(err) = self.shutdown()
        {
            eprintln!("obs: {err:#}");
        }
    }
}
