//! The in-memory metric store: series keyed by their label set, indexed by metric name, with a
//! cap on series (least recently updated evicted first) and on bytes, and a sample window.
//! Queries copy what they need in short, chunked read locks (`read`); counters are atomics.

pub mod convert;
mod counters;
mod inner;
mod read;
pub mod series;
#[cfg(test)]
mod tests;
mod trim;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use obs_contract::{IngestOutcome, ItemLimits, Refusal, SignalStore, StoreLimits, StoreStats};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use parking_lot::RwLock;

use convert::{Converted, Point};
pub use convert::{Family, Kind};
use counters::Counters;
use inner::Inner;
pub use read::{Latest, SeriesData};
pub use series::Labels;
use series::Pushed;

/// The variable that sets the series cap, named in refusals.
pub const MAX_SERIES_VAR: &str = "OBS_MAX_SERIES";

/// The metric store.
pub struct MetricStore {
    limits: StoreLimits,
    items: ItemLimits,
    inner: RwLock<Inner>,
    counters: Counters,
    closed: AtomicBool,
}

/// Wall-clock now in unix ms.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

impl MetricStore {
    /// An empty store with these caps (`max_items` = series, `history` = sample window) and
    /// the default per-item limits.
    pub fn new(limits: StoreLimits) -> Self {
        Self::with_item_limits(limits, ItemLimits::default())
    }

    /// An empty store with these caps and per-item limits.
    pub fn with_item_limits(limits: StoreLimits, items: ItemLimits) -> Self {
        Self {
            limits,
            items,
            inner: RwLock::new(Inner::default()),
            counters: Counters::default(),
            closed: AtomicBool::new(false),
        }
    }

    fn history_ms(&self) -> i64 {
        i64::try_from(self.limits.history.as_millis()).unwrap_or(i64::MAX).max(1)
    }

    /// Stores a decoded export request; visible to queries as soon as this returns. A request
    /// that could never fit is refused whole ([`Refusal::TooLarge`]), nothing of it stored.
    pub fn ingest(&self, req: ExportMetricsServiceRequest) -> Result<IngestOutcome, Refusal> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(Refusal::ShuttingDown);
        }
        let now = now_ms();
        let converted = convert::convert(req, now, &self.items);
        self.store(converted, now)
    }

    fn store(&self, converted: Converted, now: i64) -> Result<IngestOutcome, Refusal> {
        let Converted { points, families, accepted, mut rejected, mut messages } = converted;
        let families: HashMap<Arc<str>, Family> = families.into_iter().collect();
        let history = self.history_ms();
        let mut inner = self.inner.write();
        if let Err(refusal) = self.fits(&inner, &points) {
            self.counters.add(0, accepted + rejected);
            return Err(refusal);
        }
        inner.refresh_families(&families);
        let mut out_of_order = 0u64;
        for point in points {
            if inner.upsert(point, &families, now, history) == Pushed::OutOfOrder {
                out_of_order += 1;
            }
        }
        if out_of_order > 0 {
            rejected += out_of_order;
            messages.push(format!("{out_of_order} samples older than their series' newest sample were dropped"));
        }
        inner.expire(now - history);
        inner.enforce(self.limits.max_items, self.limits.max_bytes);
        self.counters.set_sizes(inner.series.len() as u64, inner.bytes, inner.evicted);
        drop(inner);
        self.counters.add(accepted, rejected);
        Ok(IngestOutcome { accepted, rejected, message: (!messages.is_empty()).then(|| messages.join("; ")) })
    }

    /// `Err(TooLarge)` when the request's new series alone are more than the caps hold, so
    /// storing them would evict them again (and everything else) right after answering 200.
    /// Requests too small to reach a cap even if every point were a new series skip the count.
    fn fits(&self, inner: &Inner, points: &[Point]) -> Result<(), Refusal> {
        let (max, max_bytes) = (self.limits.max_items, self.limits.max_bytes);
        let few = max == 0 || points.len() as u64 <= max;
        let small = max_bytes == 0
            || points.iter().map(|p| series::empty_bytes(&p.labels) + series::sample_bytes()).sum::<u64>() <= max_bytes;
        if few && small {
            return Ok(());
        }
        let mut new: HashSet<&Labels> = HashSet::new();
        let mut bytes = 0u64;
        for p in points {
            if !inner.by_labels.contains_key(&p.labels) && new.insert(&p.labels) {
                bytes += series::empty_bytes(&p.labels) + series::sample_bytes();
            }
        }
        if max > 0 && new.len() as u64 > max {
            return Err(Refusal::TooLarge(format!(
                "the request brings {} new series, more than the store holds at once ({max} series, set by \
                 {MAX_SERIES_VAR}); send smaller batches or raise {MAX_SERIES_VAR}",
                new.len()
            )));
        }
        if max_bytes > 0 && bytes > max_bytes {
            return Err(Refusal::TooLarge(format!(
                "the request's {} new series need about {bytes} bytes, more than the metric store's byte cap of \
                 {max_bytes} bytes; send smaller batches",
                new.len()
            )));
        }
        Ok(())
    }

    /// Sizes and counters, for the server's own metrics; never waits on the store lock.
    pub fn stats(&self) -> StoreStats {
        self.counters.stats(&self.limits)
    }

    /// Refuses further ingest with [`Refusal::ShuttingDown`]; queries keep working.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
    }

    /// Metadata of every family held (a family goes with its last series).
    pub fn families(&self) -> Vec<(Arc<str>, Family)> {
        self.inner.read().families.iter().map(|(k, v)| (k.clone(), v.family.clone())).collect()
    }
}

impl SignalStore for MetricStore {
    type Request = ExportMetricsServiceRequest;

    fn ingest(&self, req: Self::Request) -> Result<IngestOutcome, Refusal> {
        MetricStore::ingest(self, req)
    }

    fn stats(&self) -> StoreStats {
        MetricStore::stats(self)
    }

    fn close(&self) {
        MetricStore::close(self);
    }
}
