//! Resolves an [`ObsConfig`] against the environment into the exact settings in force, with the
//! OTLP specification's precedence and endpoint rules. Pure: tests pass their own lookup.

use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::config::{Exporter, ObsConfig, Protocol, SamplerChoice};
use crate::env::*;
use crate::sampler::parse_sampler;

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
    /// Lower-case name, also the OTLP/HTTP path segment (`/v1/traces`).
    pub fn name(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Logs => "logs",
            Signal::Metrics => "metrics",
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
    /// The exporter (`None` when `OTEL_SDK_DISABLED=true`).
    pub exporter: Exporter,
    /// Full endpoint URL per signal (traces, logs, metrics) for OTLP; empty otherwise.
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
}

impl ResolvedConfig {
    /// The endpoint of one signal (empty when not exporting over OTLP).
    pub fn endpoint(&self, signal: Signal) -> &str {
        self.endpoints.iter().find(|(s, _)| *s == signal).map_or("", |(_, e)| e.as_str())
    }
}

impl ObsConfig {
    /// Resolves against the process environment.
    pub fn resolve(&self) -> Result<ResolvedConfig> {
        self.resolve_with(|name| std::env::var(name).ok())
    }

    /// Resolves against `lookup` (a variable name to its value), so tests need no process env.
    pub fn resolve_with(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<ResolvedConfig> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let resource_attributes = resource_attributes(self, get(OTEL_RESOURCE_ATTRIBUTES).as_deref())?;
        let service_name = self
            .service_name
            .clone()
            .or_else(|| get(OTEL_SERVICE_NAME))
            .or_else(|| resource_attributes.iter().find(|(k, _)| k == "service.name").map(|(_, v)| v.clone()))
            .context("no service name: call ObsConfig::builder().service_name(..) or set OTEL_SERVICE_NAME")?;
        let disabled = get(OTEL_SDK_DISABLED).is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let exporter = match (disabled, self.exporter) {
            (true, _) => Exporter::None,
            (false, Some(chosen)) => chosen,
            (false, None) => exporter_from_env(get(OTEL_TRACES_EXPORTER).as_deref(), get(OTEL_EXPORTER_OTLP_PROTOCOL))?,
        };
        let endpoints = match exporter {
            Exporter::Otlp(protocol) => signal_endpoints(self.endpoint.as_deref(), protocol, &get, &lookup)?,
            _ => Vec::new(),
        };
        let export_timeout = match self.export_timeout {
            Some(t) => t,
            None => millis_var(OTEL_EXPORTER_OTLP_TIMEOUT, get(OTEL_EXPORTER_OTLP_TIMEOUT))?
                .unwrap_or(Duration::from_secs(10)),
        };
        let metric_interval = match self.metric_interval {
            Some(t) => t,
            None => millis_var(OTEL_METRIC_EXPORT_INTERVAL, get(OTEL_METRIC_EXPORT_INTERVAL))?
                .unwrap_or(Duration::from_secs(60)),
        };
        let sampler = match self.sampler {
            Some(s) => s,
            None => parse_sampler(get(OTEL_TRACES_SAMPLER).as_deref(), get(OTEL_TRACES_SAMPLER_ARG).as_deref())?,
        };
        Ok(ResolvedConfig {
            service_name,
            service_version: self.service_version.clone(),
            exporter,
            endpoints,
            export_timeout,
            shutdown_timeout: self.shutdown_timeout.unwrap_or(export_timeout + Duration::from_secs(1)),
            metric_interval,
            sampler,
            resource_attributes,
            level: self.level.unwrap_or(tracing::Level::INFO),
        })
    }
}

fn exporter_from_env(name: Option<&str>, protocol: Option<String>) -> Result<Exporter> {
    match name {
        None | Some("otlp") => Ok(Exporter::Otlp(protocol_from_env(protocol.as_deref())?)),
        Some("console") => Ok(Exporter::Console),
        Some("none") => Ok(Exporter::None),
        Some(other) => bail!("{OTEL_TRACES_EXPORTER}={other:?} is not supported; use otlp, console or none"),
    }
}

fn protocol_from_env(value: Option<&str>) -> Result<Protocol> {
    match value {
        None | Some("http/protobuf") => Ok(Protocol::HttpProtobuf),
        Some("grpc") => Ok(Protocol::Grpc),
        Some(other) => bail!("{OTEL_EXPORTER_OTLP_PROTOCOL}={other:?} is not supported; use grpc or http/protobuf"),
    }
}

fn millis_var(name: &str, value: Option<String>) -> Result<Option<Duration>> {
    value
        .map(|raw| {
            raw.parse::<u64>()
                .map(Duration::from_millis)
                .with_context(|| format!("{name}={raw:?} is not a number of milliseconds"))
        })
        .transpose()
}

/// Per-signal URLs: config base, else the signal's variable as is, else the general variable
/// (with `/v1/<signal>` for HTTP), else the local stack's default port.
fn signal_endpoints(
    configured: Option<&str>,
    protocol: Protocol,
    get: &impl Fn(&str) -> Option<String>,
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<(Signal, String)>> {
    let default_base = || -> Result<String> {
        let stack = obs_stack::Endpoints::from_lookup(lookup).map_err(anyhow::Error::msg)?;
        let port = match protocol {
            Protocol::Grpc => obs_stack::ports::OTLP_GRPC,
            Protocol::HttpProtobuf => obs_stack::ports::OTLP_HTTP,
        };
        Ok(stack.url(port))
    };
    [Signal::Traces, Signal::Logs, Signal::Metrics]
        .into_iter()
        .map(|signal| {
            let url = match (configured, get(signal.endpoint_var())) {
                (Some(base), _) => with_signal_path(base, protocol, signal),
                (None, Some(exact)) => exact,
                (None, None) => match get(OTEL_EXPORTER_OTLP_ENDPOINT) {
                    Some(base) => with_signal_path(&base, protocol, signal),
                    None => with_signal_path(&default_base()?, protocol, signal),
                },
            };
            check_url(&url, signal)?;
            Ok((signal, url))
        })
        .collect()
}

fn with_signal_path(base: &str, protocol: Protocol, signal: Signal) -> String {
    match protocol {
        Protocol::Grpc => base.to_string(),
        Protocol::HttpProtobuf => format!("{}/v1/{}", base.trim_end_matches('/'), signal.name()),
    }
}

fn check_url(url: &str, signal: Signal) -> Result<()> {
    match url.split_once("://") {
        Some(("http", rest)) if !rest.is_empty() => Ok(()),
        Some(("https", _)) => bail!(
            "{} endpoint {url:?} uses https, which this build does not support; use the local stack over http",
            signal.name()
        ),
        _ => bail!("{} endpoint {url:?} is not an http:// URL such as http://127.0.0.1:4317", signal.name()),
    }
}

fn resource_attributes(config: &ObsConfig, env: Option<&str>) -> Result<Vec<(String, String)>> {
    let mut attrs = Vec::new();
    for entry in env.unwrap_or("").split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (key, value) = entry.split_once('=').with_context(|| {
            format!(
                "{OTEL_RESOURCE_ATTRIBUTES} entry {entry:?} is not key=value; write it like team=research,region=eu"
            )
        })?;
        attrs.push((key.trim().to_string(), percent_decode(value.trim())));
    }
    for (key, value) in &config.resource_attributes {
        attrs.retain(|(k, _)| k != key);
        attrs.push((key.clone(), value.clone()));
    }
    Ok(attrs)
}

fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "settings_tests.rs"]
mod tests;
