//! Builds the OTLP exporter of one signal for the chosen transport, wrapped with accounting.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use opentelemetry_otlp::{
    LogExporter, MetricExporter, RetryPolicy, SpanExporter, WithExportConfig, WithHttpConfig, WithTonicConfig,
};

use crate::config::Protocol;
use crate::settings::{ResolvedConfig, Signal};
use crate::telemetry::accounting::{Accounted, Network, SignalStats};
use crate::telemetry::cutoff::Cutoff;
use crate::telemetry::http_client::Noting;

/// Accounting shared between the exporters and the guard, and the shutdown deadline.
#[derive(Debug, Default, Clone)]
pub(crate) struct PipelineStats {
    pub(crate) traces: Arc<SignalStats>,
    pub(crate) logs: Arc<SignalStats>,
    pub(crate) metrics: Arc<SignalStats>,
    pub(crate) cutoff: Cutoff,
}

impl PipelineStats {
    /// The stats of one signal.
    pub(crate) fn of(&self, signal: Signal) -> &Arc<SignalStats> {
        match signal {
            Signal::Traces => &self.traces,
            Signal::Logs => &self.logs,
            Signal::Metrics => &self.metrics,
        }
    }
}

/// What every OTLP exporter of one pipeline shares.
pub(crate) struct Otlp<'a> {
    pub(crate) settings: &'a ResolvedConfig,
    pub(crate) protocol: Protocol,
    pub(crate) runtime: tokio::runtime::Handle,
    pub(crate) stats: &'a PipelineStats,
}

/// Retries only what OTLP calls retryable (the crate classifies), within the export timeout.
fn retry_policy(timeout: Duration) -> RetryPolicy {
    let cap = (timeout / 4).max(Duration::from_millis(50));
    RetryPolicy::recommended().with_max_delay(cap.min(Duration::from_millis(1600)))
}

/// One signal's exporter over the chosen transport: the three builders differ only in their type.
macro_rules! otlp_exporter {
    ($otlp:ident, $exporter:ty, $signal:expr, $what:literal) => {{
        let _entered = $otlp.runtime.enter();
        let (timeout, signal) = ($otlp.settings.export_timeout, $signal);
        let built = match $otlp.protocol {
            Protocol::Grpc => <$exporter>::builder()
                .with_tonic()
                .with_channel(channel($otlp.settings, signal)?)
                .with_timeout(timeout)
                .with_retry_policy(retry_policy(timeout))
                .build(),
            Protocol::HttpProtobuf => <$exporter>::builder()
                .with_http()
                .with_http_client($otlp.noting(signal)?)
                .with_endpoint($otlp.settings.endpoint(signal))
                .with_timeout(timeout)
                .with_retry_policy(retry_policy(timeout))
                .build(),
        };
        Ok($otlp.wrap(built.context(concat!("build the OTLP ", $what, " exporter"))?, signal))
    }};
}

impl Otlp<'_> {
    fn wrap<E>(&self, inner: E, signal: Signal) -> Accounted<E> {
        let network = Network { runtime: self.runtime.clone(), cutoff: self.stats.cutoff.clone() };
        Accounted::new(inner, self.stats.of(signal).clone(), Some(network))
    }

    fn noting(&self, signal: Signal) -> Result<Noting> {
        Ok(Noting::new(http_client(self.settings.export_timeout)?, self.stats.of(signal).clone()))
    }

    /// The span exporter.
    pub(crate) fn spans(&self) -> Result<Accounted<SpanExporter>> {
        otlp_exporter!(self, SpanExporter, Signal::Traces, "span")
    }

    /// The log exporter.
    pub(crate) fn logs(&self) -> Result<Accounted<LogExporter>> {
        otlp_exporter!(self, LogExporter, Signal::Logs, "log")
    }

    /// The metric exporter.
    pub(crate) fn metrics(&self) -> Result<Accounted<MetricExporter>> {
        otlp_exporter!(self, MetricExporter, Signal::Metrics, "metric")
    }
}

/// A lazily connecting gRPC channel with bounded connect and request time.
fn channel(settings: &ResolvedConfig, signal: Signal) -> Result<tonic::transport::Channel> {
    let url = settings.endpoint(signal).to_string();
    let endpoint = tonic::transport::Endpoint::from_shared(url.clone())
        .with_context(|| format!("parse the OTLP gRPC {} endpoint {url:?}", signal.name()))?;
    Ok(endpoint.connect_timeout(settings.export_timeout).timeout(settings.export_timeout).connect_lazy())
}

/// An async reqwest client (never the blocking one: it panics when dropped inside a runtime).
fn http_client(timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder().timeout(timeout).connect_timeout(timeout).build().context("build the OTLP HTTP client")
}
