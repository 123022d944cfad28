//! [`ObsGuard`]: keeps the pipeline alive and shuts it down in order (traces, then logs, then
//! metrics) within one bounded budget, reporting anything that could not be exported.

use std::time::{Duration, Instant};

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

/// Shutdown found telemetry that did not reach the endpoint (downcast an `anyhow::Error` to it).
#[derive(Debug, Clone)]
pub struct ExportFailure {
    /// Counts at shutdown.
    pub report: ExportReport,
    /// Where the data was going.
    pub endpoint: String,
    /// Per-signal errors (export errors and shutdown errors).
    pub errors: Vec<String>,
}

impl std::fmt::Display for ExportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = &self.report;
        write!(
            f,
            "telemetry export to {} failed: dropped {} span(s), {} log record(s), {} metric stream(s)",
            self.endpoint, r.spans_dropped, r.logs_dropped, r.metrics_dropped
        )?;
        if !self.errors.is_empty() {
            write!(f, " ({})", self.errors.join("; "))?;
        }
        Ok(())
    }
}

impl std::error::Error for ExportFailure {}

/// Keeps telemetry running; flush and shut down with [`ObsGuard::shutdown`] or by dropping it.
#[derive(Debug)]
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
        let mut errors = Vec::new();
        if let Some(providers) = self.providers.take() {
            let deadline = Instant::now() + self.settings.shutdown_timeout;
            let left = || deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
            let results = [
                ("traces", providers.tracer.shutdown_with_timeout(left())),
                ("logs", providers.logger.shutdown_with_timeout(left())),
                ("metrics", providers.meter.shutdown_with_timeout(left())),
            ];
            errors.extend(results.into_iter().filter_map(|(name, r)| r.err().map(|e| format!("{name}: {e}"))));
        }
        if let Some(mut runtime) = self.runtime.take() {
            runtime.stop();
        }
        self.collect_last_errors(&mut errors);
        let report = self.report();
        if report.is_clean() && errors.is_empty() {
            return Ok(report);
        }
        if errors.is_empty() {
            errors.push("not every item left the export queue (queue full or shutdown deadline reached)".into());
        }
        Err(ExportFailure { report, endpoint: self.endpoint_summary(), errors }.into())
    }

    fn collect_last_errors(&self, errors: &mut Vec<String>) {
        let signals = [("traces", &self.stats.traces), ("logs", &self.stats.logs), ("metrics", &self.stats.metrics)];
        for (name, stats) in signals {
            if let Some(last) = stats.last_error() {
                let line = format!("{name} export: {last}");
                if !errors.contains(&line) {
                    errors.push(line);
                }
            }
        }
    }

    fn endpoint_summary(&self) -> String {
        let traces = self.settings.endpoint(Signal::Traces);
        if traces.is_empty() { format!("{:?}", self.settings.exporter) } else { traces.to_string() }
    }
}

impl Drop for ObsGuard {
    fn drop(&mut self) {
        if !self.finished
            && let Err(err) = self.shutdown()
        {
            eprintln!("obs: {err:#}");
        }
    }
}
