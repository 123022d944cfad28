//! The in-memory metric store: series keyed by their label set, indexed by metric name, with a
//! cap on series (least recently updated evicted first) and on bytes, and a sample window.

pub mod convert;
pub mod series;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use obs_contract::{IngestOutcome, Refusal, StoreLimits, StoreStats};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use parking_lot::RwLock;

use convert::{Converted, Point};
pub use convert::{Family, Kind};
pub use series::Labels;
use series::{Pushed, Series};

/// One series' labels and the samples a query asked for.
#[derive(Debug, Clone)]
pub struct SeriesData {
    /// Labels, `__name__` included.
    pub labels: Arc<Labels>,
    /// Samples `(unix ms, value)` in time order.
    pub samples: Vec<(i64, f64)>,
}

/// The latest value of a live series, for the exposition.
#[derive(Debug, Clone)]
pub struct Latest {
    /// Labels, `__name__` included.
    pub labels: Arc<Labels>,
    /// Family name.
    pub family: Arc<str>,
    /// Newest value.
    pub value: f64,
}

#[derive(Default)]
struct Inner {
    series: HashMap<u64, Series>,
    by_labels: HashMap<Arc<Labels>, u64>,
    by_name: HashMap<String, BTreeSet<u64>>,
    lru: BTreeSet<(u64, u64)>,
    families: BTreeMap<Arc<str>, Family>,
    next_id: u64,
    seq: u64,
    bytes: u64,
    ingested: u64,
    evicted: u64,
    refused: u64,
}

/// The metric store.
pub struct MetricStore {
    limits: StoreLimits,
    inner: RwLock<Inner>,
}

/// Wall-clock now in unix ms.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

impl MetricStore {
    /// An empty store with these caps (`max_items` = series, `history` = sample window).
    pub fn new(limits: StoreLimits) -> Self {
        Self { limits, inner: RwLock::new(Inner::default()) }
    }

    fn history_ms(&self) -> i64 {
        i64::try_from(self.limits.history.as_millis()).unwrap_or(i64::MAX).max(1)
    }

    /// Stores a decoded export request; visible to queries as soon as this returns.
    pub fn ingest(&self, req: ExportMetricsServiceRequest) -> Result<IngestOutcome, Refusal> {
        let now = now_ms();
        let converted = convert::convert(req, now);
        Ok(self.store(converted, now))
    }

    fn store(&self, converted: Converted, now: i64) -> IngestOutcome {
        let Converted { points, families, accepted, mut rejected, mut messages } = converted;
        let history = self.history_ms();
        let mut inner = self.inner.write();
        for (name, family) in families {
            inner.families.insert(name, family);
        }
        let mut out_of_order = 0u64;
        for point in points {
            if inner.upsert(point, now, history) == Pushed::OutOfOrder {
                out_of_order += 1;
            }
        }
        if out_of_order > 0 {
            rejected += out_of_order;
            messages.push(format!("{out_of_order} samples older than their series' newest sample were dropped"));
        }
        inner.ingested += accepted;
        inner.refused += rejected;
        inner.expire(now - history);
        inner.enforce(self.limits.max_items, self.limits.max_bytes);
        IngestOutcome { accepted, rejected, message: (!messages.is_empty()).then(|| messages.join("; ")) }
    }

    /// Sizes and counters, for the server's own metrics.
    pub fn stats(&self) -> StoreStats {
        let inner = self.inner.read();
        StoreStats {
            items: inner.series.len() as u64,
            bytes: inner.bytes,
            max_items: self.limits.max_items,
            max_bytes: self.limits.max_bytes,
            ingested: inner.ingested,
            evicted: inner.evicted,
            refused: inner.refused,
        }
    }

    /// Series whose labels satisfy `keep` (only those named `name` when given), with their
    /// samples in `[start, end]` ms; series without samples there are left out unless
    /// `with_empty`.
    pub fn select(
        &self,
        name: Option<&str>,
        keep: &dyn Fn(&Labels) -> bool,
        start: i64,
        end: i64,
        with_empty: bool,
    ) -> Vec<SeriesData> {
        let inner = self.inner.read();
        let pick = |s: &Series| {
            if !keep(&s.labels) {
                return None;
            }
            let samples = s.range(start, end);
            (with_empty || !samples.is_empty()).then(|| SeriesData { labels: s.labels.clone(), samples })
        };
        match name {
            Some(n) => inner
                .by_name
                .get(n)
                .into_iter()
                .flatten()
                .filter_map(|id| inner.series.get(id))
                .filter_map(pick)
                .collect(),
            None => inner.series.values().filter_map(pick).collect(),
        }
    }

    /// Every series updated at or after `since_ms` (wall clock), at its newest value.
    pub fn latest(&self, since_ms: i64) -> Vec<Latest> {
        let inner = self.inner.read();
        inner
            .series
            .values()
            .filter(|s| s.touched_ms >= since_ms)
            .filter_map(|s| {
                s.latest().map(|(_, value)| Latest { labels: s.labels.clone(), family: s.family.clone(), value })
            })
            .collect()
    }

    /// Metadata of every family stored.
    pub fn families(&self) -> Vec<(Arc<str>, Family)> {
        self.inner.read().families.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

impl Inner {
    fn upsert(&mut self, point: Point, now: i64, history: i64) -> Pushed {
        let Point { labels, family, ts, value, delta } = point;
        let id = match self.by_labels.get(&labels) {
            Some(id) => *id,
            None => self.create(labels, family),
        };
        self.seq += 1;
        let seq = self.seq;
        let Some(series) = self.series.get_mut(&id) else { return Pushed::Stored };
        let before = series.bytes();
        let pushed = series.push(ts, value, delta, history);
        let after = series.bytes();
        self.lru.remove(&(series.touched, id));
        series.touched = seq;
        series.touched_ms = now;
        self.lru.insert((seq, id));
        self.bytes = (self.bytes + after).saturating_sub(before);
        pushed
    }

    fn create(&mut self, labels: Labels, family: Arc<str>) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let labels = Arc::new(labels);
        let name = labels.iter().find(|(k, _)| k == "__name__").map(|(_, v)| v.clone()).unwrap_or_default();
        self.by_name.entry(name).or_default().insert(id);
        self.by_labels.insert(labels.clone(), id);
        let series = Series::new(labels, family);
        self.bytes += series.bytes();
        self.series.insert(id, series);
        id
    }

    fn remove(&mut self, id: u64) {
        let Some(series) = self.series.remove(&id) else { return };
        self.bytes = self.bytes.saturating_sub(series.bytes());
        self.lru.remove(&(series.touched, id));
        self.by_labels.remove(&series.labels);
        if let Some((_, name)) = series.labels.iter().find(|(k, _)| k == "__name__")
            && let Some(ids) = self.by_name.get_mut(name)
        {
            ids.remove(&id);
            if ids.is_empty() {
                self.by_name.remove(name);
            }
        }
        self.evicted += 1;
    }

    /// Drops series not updated since `cutoff` ms (older than the history window).
    fn expire(&mut self, cutoff: i64) {
        while let Some(&(_, id)) = self.lru.first() {
            match self.series.get(&id) {
                Some(s) if s.touched_ms < cutoff => self.remove(id),
                _ => break,
            }
        }
    }

    /// Evicts least recently updated series until both caps hold.
    fn enforce(&mut self, max_series: u64, max_bytes: u64) {
        while (max_series > 0 && self.series.len() as u64 > max_series)
            || (max_bytes > 0 && self.bytes > max_bytes && self.series.len() > 1)
        {
            let Some(&(_, id)) = self.lru.first() else { break };
            self.remove(id);
        }
    }
}
