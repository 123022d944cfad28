//! Builds the exporter of each signal for the chosen transport, wrapped with accounting.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use opentelemetry_otlp::{
    LogExporter, MetricExporter, RetryPolicy, SpanExporter, WithExportConfig, WithHttpConfig, WithTonicConfig,
};

use crate::config::Protocol;
use crate::settings::{ResolvedConfig, Signal};
use crate::telemetry::accounting::{Accounted, SignalStats};

/// The three exporters of an OTLP pipeline.
pub(crate) struct OtlpExporters {
    pub(crate) spans: Accounted<SpanExporter>,
    pub(crate) logs: Accounted<LogExporter>,
    pub(crate) metrics: Accounted<MetricExporter>,
}

/// Accounting shared between the exporters and the guard.
#[derive(Debug, Default, Clone)]
pub(crate) struct PipelineStats {
    pub(crate) traces: Arc<SignalStats>,
    pub(crate) logs: Arc<SignalStats>,
    pub(crate) metrics: Arc<SignalStats>,
}

/// Retries only what OTLP calls retryable (the crate classifies), within the export timeout.
fn retry_policy(timeout: Duration) -> RetryPolicy {
    let cap = (timeout / 4).max(Duration::from_millis(50));
    RetryPolicy::recommended().with_max_delay(cap.min(Duration::from_millis(1600)))
}

/// Builds OTLP exporters on `runtime` (tonic needs a runtime when its channel is created).
pub(crate) fn otlp(
    settings: &ResolvedConfig,
    protocol: Protocol,
    runtime: &tokio::runtime::Handle,
    stats: &PipelineStats,
) -> Result<OtlpExporters> {
    let _entered = runtime.enter();
    let timeout = settings.export_timeout;
    let rt = || Some(runtime.clone());
    Ok(match protocol {
        Protocol::Grpc => OtlpExporters {
            spans: Accounted::new(
                SpanExporter::builder()
                    .with_tonic()
                    .with_channel(channel(settings, Signal::Traces)?)
                    .with_timeout(timeout)
                    .with_retry_policy(retry_policy(timeout))
                    .build()
                    .context("build the OTLP gRPC span exporter")?,
                stats.traces.clone(),
                rt(),
            ),
            logs: Accounted::new(
                LogExporter::builder()
                    .with_tonic()
                    .with_channel(channel(settings, Signal::Logs)?)
                    .with_timeout(timeout)
                    .with_retry_policy(retry_policy(timeout))
                    .build()
                    .context("build the OTLP gRPC log exporter")?,
                stats.logs.clone(),
                rt(),
            ),
            metrics: Accounted::new(
                MetricExporter::builder()
                    .with_tonic()
                    .with_channel(channel(settings, Signal::Metrics)?)
                    .with_timeout(timeout)
                    .with_retry_policy(retry_policy(timeout))
                    .build()
                    .context("build the OTLP gRPC metric exporter")?,
                stats.metrics.clone(),
                rt(),
            ),
        },
        Protocol::HttpProtobuf => {
            let client = http_client(timeout)?;
            OtlpExporters {
                spans: Accounted::new(
                    SpanExporter::builder()
                        .with_http()
                        .with_http_client(client.clone())
                        .with_endpoint(settings.endpoint(Signal::Traces))
                        .with_timeout(timeout)
                        .with_retry_policy(retry_policy(timeout))
                        .build()
                        .context("build the OTLP HTTP span exporter")?,
                    stats.traces.clone(),
                    rt(),
                ),
                logs: Accounted::new(
                    LogExporter::builder()
                        .with_http()
                        .with_http_client(client.clone())
                        .with_endpoint(settings.endpoint(Signal::Logs))
                        .with_timeout(timeout)
                        .with_retry_policy(retry_policy(timeout))
                        .build()
                        .context("build the OTLP HTTP log exporter")?,
                    stats.logs.clone(),
                    rt(),
                ),
                metrics: Accounted::new(
                    MetricExporter::builder()
                        .with_http()
                        .with_http_client(client)
                        .with_endpoint(settings.endpoint(Signal::Metrics))
                        .with_timeout(timeout)
                        .with_retry_policy(retry_policy(timeout))
                        .build()
                        .context("build the OTLP HTTP metric exporter")?,
                    stats.metrics.clone(),
                    rt(),
                ),
            }
        }
    })
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
