//! Resolves an [`ObsConfig`] against the environment into the exact settings in force, with the
//! OTLP specification's precedence and endpoint rules. Pure: tests pass their own lookup.

use std::time::Duration;

use anyhow::Result;

use crate::config::{Exporter, ObsConfig, Protocol, SamplerChoice};
use crate::env::*;
use crate::sampler::parse_sampler;

mod endpoints;
pub(crate) mod problems;
mod values;

use problems::Problems;

/// Queue size of the span and log batch processors when neither the code nor `OTEL_BSP_*` /
/// `OTEL_BLRP_*` sets one. A span per bar of a backtest is a burst of 100 000 spans in seconds,
/// which the specification's 2048 mostly drops. The queue holds about 0.5 KiB per span, and only
/// while the exporter lags behind (up to about 64 MiB with the collector down for a long run).
pub const DEFAULT_QUEUE_SIZE: usize = 131_072;

/// The three OTLP signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Spans.
    Traces,
    /// Log records.
    Logs,
    /// Metric data points.
    Metrics,
}

impl Signal {
    /// The three, in shutdown order.
    pub const ALL: [Signal; 3] = [Signal::Traces, Signal::Logs, Signal::Metrics];

    /// Lower-case name, also the OTLP/HTTP path segment (`/v1/traces`).
    pub fn name(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Logs => "logs",
            Signal::Metrics => "metrics",
        }
    }

    fn exporter_var(self) -> &'static str {
        match self {
            Signal::Traces => OTEL_TRACES_EXPORTER,
            Signal::Logs => OTEL_LOGS_EXPORTER,
            Signal::Metrics => OTEL_METRICS_EXPORTER,
        }
    }

    fn endpoint_var(self) -> &'static str {
        match self {
            Signal::Traces => OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
            Signal::Logs => OTEL_EXPORTER_OTLP_LOGS_ENDPOINT,
            Signal::Metrics => OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
        }
    }
}

/// Every setting in force after the config and the environment are combined.
#[derive(Debug, Clone)]
pub struct ResolvedConfig {
    /// `service.name`.
    pub service_name: String,
    /// `service.version`, when given.
    pub service_version: Option<String>,
    /// The exporter of traces (`None` when `OTEL_SDK_DISABLED=true`); see [`Self::exporter_of`].
    pub exporter: Exporter,
    /// The exporter of each signal (`OTEL_TRACES_EXPORTER`, `OTEL_LOGS_EXPORTER`,
    /// `OTEL_METRICS_EXPORTER`, unless the code chose one for all).
    pub exporters: Vec<(Signal, Exporter)>,
    /// Full endpoint URL of each signal exported over OTLP.
    pub endpoints: Vec<(Signal, String)>,
    /// Budget of one export including retries.
    pub export_timeout: Duration,
    /// Budget of the whole shutdown.
    pub shutdown_timeout: Duration,
    /// Interval between metric pushes.
    pub metric_interval: Duration,
    /// Trace sampler.
    pub sampler: SamplerChoice,
    /// Resource attributes from `OTEL_RESOURCE_ATTRIBUTES` and the config (config wins).
    pub resource_attributes: Vec<(String, String)>,
    /// Most verbose bridged `tracing` level.
    pub level: tracing::Level,
    /// Queue size of the span batch processor (spans beyond it are dropped and reported).
    pub span_queue_size: usize,
    /// Queue size of the log batch processor.
    pub log_queue_size: usize,
    /// Whether events are also printed on stderr by a `fmt` layer.
    pub console_logs: bool,
    /// The `fmt` layer's filter: `RUST_LOG` when set and valid, else the bridged level.
    pub console_filter: String,
    /// Invalid values and likely mistakes found, each with the fallback used (printed once at init).
    pub warnings: Vec<String>,
}

impl ResolvedConfig {
    /// The endpoint of one signal (empty when not exporting over OTLP).
    pub fn endpoint(&self, signal: Signal) -> &str {
        self.endpoints.iter().find(|(s, _)| *s == signal).map_or("", |(_, e)| e.as_str())
    }

    /// The exporter of one signal.
    pub fn exporter_of(&self, signal: Signal) -> Exporter {
        self.exporters.iter().find(|(s, _)| *s == signal).map_or(Exporter::None, |(_, e)| *e)
    }
}

impl ObsConfig {
    /// Resolves against the process environment.
    pub fn resolve(&self) -> Result<ResolvedConfig> {
        self.resolve_with(|name| std::env::var(name).ok())
    }

    /// Resolves against `lookup` (a variable name to its value), so tests need no process env.
    /// Invalid values become warnings with a fallback, or one error in strict mode.
    pub fn resolve_with(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<ResolvedConfig> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let strict =
            self.strict.unwrap_or_else(|| get(OBS_STRICT_CONFIG).is_some_and(|v| v.eq_ignore_ascii_case("true")));
        let mut problems = Problems::default();
        let (resource_attributes, bad_entry) =
            values::with_config_attributes(&self.resource_attributes, get(OTEL_RESOURCE_ATTRIBUTES).as_deref());
        problems.or(bad_entry, (), "the other entries");
        let service_name = self.service_name(&get, &resource_attributes, &mut problems);
        // Read only when some signal's exporter comes from the environment.
        let protocol = match self.exporter {
            Some(_) => Protocol::HttpProtobuf,
            None => problems.or(
                values::protocol(get(OTEL_EXPORTER_OTLP_PROTOCOL).as_deref()),
                Protocol::HttpProtobuf,
                "http/protobuf",
            ),
        };
        let stack = match obs_stack::Endpoints::from_lookup(&lookup) {
            Ok(stack) => stack,
            Err(err) => problems.or(Err(anyhow::Error::msg(err)), values::default_stack(), "the default ports"),
        };
        let mut exporters = self.exporters(&get, protocol, &mut problems);
        let endpoints = self.endpoints(&mut exporters, protocol, &get, &stack, &mut problems);
        let export_timeout = problems.setting(
            self.export_timeout,
            || values::millis(OTEL_EXPORTER_OTLP_TIMEOUT, get(OTEL_EXPORTER_OTLP_TIMEOUT)),
            Duration::from_secs(10),
            "10000 (10 s)",
        );
        let metric_interval = problems.setting(
            self.metric_interval,
            || values::millis(OTEL_METRIC_EXPORT_INTERVAL, get(OTEL_METRIC_EXPORT_INTERVAL)),
            Duration::from_secs(60),
            "60000 (60 s)",
        );
        let sampler = problems.setting(
            self.sampler,
            || parse_sampler(get(OTEL_TRACES_SAMPLER).as_deref(), get(OTEL_TRACES_SAMPLER_ARG).as_deref()).map(Some),
            SamplerChoice::ParentBased(crate::config::ParentRoot::AlwaysOn),
            "parentbased_always_on",
        );
        let mut queue = |set: Option<usize>, var: &str| {
            let parsed = || values::count(var, get(var));
            problems.setting(set.map(|n| n.max(1)), parsed, DEFAULT_QUEUE_SIZE, &DEFAULT_QUEUE_SIZE.to_string())
        };
        let span_queue_size = queue(self.span_queue_size, OTEL_BSP_MAX_QUEUE_SIZE);
        let log_queue_size = queue(self.log_queue_size, OTEL_BLRP_MAX_QUEUE_SIZE);
        let level = self.level.unwrap_or(tracing::Level::INFO);
        let console_filter = values::console_filter(get(RUST_LOG), level, &mut problems);
        Ok(ResolvedConfig {
            service_name,
            service_version: self.service_version.clone(),
            exporter: exporters[0].1,
            exporters,
            endpoints,
            export_timeout,
            shutdown_timeout: self.shutdown_timeout.unwrap_or(export_timeout + Duration::from_secs(1)),
            metric_interval,
            sampler,
            resource_attributes,
            level,
            span_queue_size,
            log_queue_size,
            console_logs: self.console_logs.unwrap_or(true),
            console_filter,
            warnings: problems.finish(strict)?,
        })
    }

    /// Config, else `OTEL_SERVICE_NAME`, else `service.name` in the resource attributes, else the
    /// specification's `unknown_service:<executable>`.
    fn service_name(
        &self,
        get: &impl Fn(&str) -> Option<String>,
        attributes: &[(String, String)],
        problems: &mut Problems,
    ) -> String {
        let found = self
            .service_name
            .clone()
            .or_else(|| get(OTEL_SERVICE_NAME))
            .or_else(|| attributes.iter().find(|(k, _)| k == "service.name").map(|(_, v)| v.clone()));
        let fallback = match std::env::current_exe().ok().and_then(|p| p.file_name()?.to_str().map(str::to_string)) {
            Some(exe) => format!("unknown_service:{exe}"),
            None => "unknown_service".to_string(),
        };
        let missing =
            || anyhow::anyhow!("no service name: call ObsConfig::builder().service_name(..) or set OTEL_SERVICE_NAME");
        let shown = fallback.clone();
        problems.or(found.ok_or_else(missing), fallback, &shown)
    }

    /// The exporter of each signal: `OTEL_SDK_DISABLED=true` turns all off, the code's choice
    /// covers all three, else each signal's own variable (default otlp).
    fn exporters(
        &self,
        get: &impl Fn(&str) -> Option<String>,
        protocol: Protocol,
        problems: &mut Problems,
    ) -> Vec<(Signal, Exporter)> {
        let disabled = get(OTEL_SDK_DISABLED).is_some_and(|v| v.eq_ignore_ascii_case("true"));
        Signal::ALL
            .into_iter()
            .map(|signal| {
                let exporter = match (disabled, self.exporter) {
                    (true, _) => Exporter::None,
                    (false, Some(chosen)) => chosen,
                    (false, None) => match get(signal.exporter_var()) {
                        None => Exporter::Otlp(protocol),
                        Some(value) => problems.or(
                            values::exporter(signal.exporter_var(), &value, protocol),
                            Exporter::Otlp(protocol),
                            "otlp",
                        ),
                    },
                };
                (signal, exporter)
            })
            .collect()
    }

    /// URLs of the OTLP signals, with the port/protocol check; a signal whose URL cannot be used is off.
    fn endpoints(
        &self,
        exporters: &mut [(Signal, Exporter)],
        protocol: Protocol,
        get: &impl Fn(&str) -> Option<String>,
        stack: &obs_stack::Endpoints,
        problems: &mut Problems,
    ) -> Vec<(Signal, String)> {
        if !exporters.iter().any(|(_, e)| matches!(e, Exporter::Otlp(_))) {
            return Vec::new();
        }
        let protocol = exporters
            .iter()
            .find_map(|(_, e)| match e {
                Exporter::Otlp(p) => Some(*p),
                _ => None,
            })
            .unwrap_or(protocol);
        let mut urls = endpoints::signal_endpoints(self.endpoint.as_deref(), protocol, get, stack, problems);
        urls.retain(|(signal, _)| exporters.iter().any(|(s, e)| s == signal && matches!(e, Exporter::Otlp(_))));
        endpoints::warn_port_mismatch(&urls, protocol, stack, problems);
        for (signal, url) in &urls {
            if url.is_none() {
                exporters.iter_mut().filter(|(s, _)| s == signal).for_each(|(_, e)| *e = Exporter::None);
            }
        }
        urls.into_iter().filter_map(|(signal, url)| Some((signal, url?))).collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "settings_tests.rs"]
mod tests;
