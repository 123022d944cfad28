//! Wraps each exporter to count what it exported and what it dropped, keep the last error, and
//! run the export on the library's own tokio runtime (so init works inside or outside one).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use std::sync::Mutex;

/// Counters of one signal.
#[derive(Debug, Default)]
pub(crate) struct SignalStats {
    received: AtomicU64,
    exported: AtomicU64,
    dropped: AtomicU64,
    last_error: Mutex<Option<String>>,
}

impl SignalStats {
    fn record(&self, items: usize, result: &OTelSdkResult) {
        let items = items as u64;
        match result {
            Ok(()) => self.exported.fetch_add(items, Ordering::Relaxed),
            Err(err) => {
                if let Ok(mut last) = self.last_error.lock() {
                    *last = Some(err.to_string());
                }
                self.dropped.fetch_add(items, Ordering::Relaxed)
            }
        };
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

/// An exporter with accounting and, for network exporters, the runtime it must run on.
#[derive(Debug)]
pub(crate) struct Accounted<E> {
    inner: E,
    stats: Arc<SignalStats>,
    runtime: Option<tokio::runtime::Handle>,
}

impl<E> Accounted<E> {
    pub(crate) fn new(inner: E, stats: Arc<SignalStats>, runtime: Option<tokio::runtime::Handle>) -> Self {
        Self { inner, stats, runtime }
    }

    /// Drives `fut` on our runtime when there is one: the SDK's export threads are plain threads.
    async fn drive<F: std::future::Future<Output = OTelSdkResult>>(&self, fut: F) -> OTelSdkResult {
        match &self.runtime {
            Some(handle) if tokio::runtime::Handle::try_current().is_err() => handle.block_on(fut),
            _ => fut.await,
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
