//! Wraps each exporter to count what it exported and what it dropped, keep the last error, and
//! run the export on the library's own tokio runtime (so init works inside or outside one).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::logs::{LogBatch, LogExporter};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use std::sync::Mutex;

use crate::telemetry::cutoff::Cutoff;

/// The error of an export stopped by the shutdown deadline.
const CUT: &str = "stopped at the shutdown deadline before the collector answered";

/// Counters of one signal.
#[derive(Debug, Default)]
pub(crate) struct SignalStats {
    received: AtomicU64,
    exported: AtomicU64,
    dropped: AtomicU64,
    last_error: Mutex<Option<String>>,
    cause: Mutex<Option<String>>,
}

impl SignalStats {
    fn record(&self, items: usize, result: &OTelSdkResult) {
        let items = items as u64;
        match result {
            Ok(()) => self.exported.fetch_add(items, Ordering::Relaxed),
            Err(err) => {
                let cause = self.cause.lock().ok().and_then(|mut c| c.take());
                let message = match cause {
                    Some(cause) => format!("{} ({cause})", tidy(&err.to_string())),
                    None => tidy(&err.to_string()),
                };
                if let Ok(mut last) = self.last_error.lock() {
                    *last = Some(message);
                }
                self.dropped.fetch_add(items, Ordering::Relaxed)
            }
        };
    }

    /// Why the transport failed, attached to the next failed export's message.
    pub(crate) fn note_cause(&self, cause: String) {
        if let Ok(mut slot) = self.cause.lock() {
            *slot = Some(cause);
        }
    }

    /// Counts one item handed to the signal's processor (spans and log records).
    pub(crate) fn note_received(&self) {
        self.received.fetch_add(1, Ordering::Relaxed);
    }

    /// Items handed to the processor so far.
    pub(crate) fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    /// Items exported so far.
    pub(crate) fn exported(&self) -> u64 {
        self.exported.load(Ordering::Relaxed)
    }

    /// Items whose export failed.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Message of the most recent failed export.
    pub(crate) fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|e| e.clone())
    }
}

/// Collapses the repeated segments of nested error messages ("tcp connect error: tcp connect
/// error: Connection refused" loses its echo) and the SDK's generic "Operation failed" prefix.
fn tidy(message: &str) -> String {
    let message = message.strip_prefix("Operation failed: ").unwrap_or(message);
    let mut parts: Vec<&str> = Vec::new();
    for part in message.split(": ") {
        if parts.last() != Some(&part) {
            parts.push(part);
        }
    }
    parts.join(": ")
}

/// A network exporter's runtime and the shutdown deadline its exports obey.
#[derive(Debug, Clone)]
pub(crate) struct Network {
    pub(crate) runtime: tokio::runtime::Handle,
    pub(crate) cutoff: Cutoff,
}

/// An exporter with accounting and, for network exporters, the runtime it must run on.
#[derive(Debug)]
pub(crate) struct Accounted<E> {
    inner: E,
    stats: Arc<SignalStats>,
    network: Option<Network>,
}

impl<E> Accounted<E> {
    pub(crate) fn new(inner: E, stats: Arc<SignalStats>, network: Option<Network>) -> Self {
        Self { inner, stats, network }
    }

    /// Drives `fut` on our runtime when there is one (the SDK's export threads are plain
    /// threads), stopping it at the shutdown deadline; after the deadline nothing starts.
    async fn drive<F: std::future::Future<Output = OTelSdkResult>>(&self, fut: F) -> OTelSdkResult {
        let Some(network) = &self.network else { return fut.await };
        if network.cutoff.passed() {
            return Err(OTelSdkError::InternalFailure(CUT.into()));
        }
        let _running = network.cutoff.enter();
        let bounded = async {
            tokio::select! {
                result = fut => result,
                () = network.cutoff.reached() => Err(OTelSdkError::InternalFailure(CUT.into())),
            }
        };
        match tokio::runtime::Handle::try_current() {
            Err(_) => network.runtime.block_on(bounded),
            Ok(_) => bounded.await,
        }
    }
}

impl<E: SpanExporter> SpanExporter for Accounted<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let items = batch.len();
        let result = self.drive(self.inner.export(batch)).await;
        self.stats.record(items, &result);
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

impl<E: LogExporter> LogExporter for Accounted<E> {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        let items = batch.iter().count();
        let result = self.drive(self.inner.export(batch)).await;
        self.stats.record(items, &result);
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

impl<E: PushMetricExporter> PushMetricExporter for Accounted<E> {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let items: usize = metrics.scope_metrics().map(|scope| scope.metrics().count()).sum();
        let result = self.drive(self.inner.export(metrics)).await;
        self.stats.record(items, &result);
        result
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Echoed segments and the SDK's generic prefix go; the cause stays.
    #[test]
    fn tidy_keeps_the_cause_once() {
        let raw = "Operation failed: TonicTracesClient export failed with gRPC code: Unavailable: transport error: \
                   tcp connect error: tcp connect error: Connection refused (os error 111)";
        assert_eq!(
            tidy(raw),
            "TonicTracesClient export failed with gRPC code: Unavailable: transport error: tcp connect error: \
             Connection refused (os error 111)"
        );
    }
}
