//! Reading the store for queries and the exposition without holding its lock for long: the
//! candidate ids are listed under one short read lock, then their samples are copied a chunk
//! of series at a time, each chunk under its own read lock, charged to the query's budget.

use std::sync::Arc;

use obs_contract::query::{Budget, LimitError};

use super::series::{Labels, Series};
use super::{Inner, MetricStore};

/// Series copied per read lock: small enough that ingest and `/metrics` never wait long.
const CHUNK: usize = 64;

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

impl MetricStore {
    /// Calls `visit` on every series named `name` (every series when `None`), a chunk at a time
    /// under short read locks; series evicted in between are skipped.
    fn each_series(
        &self,
        name: Option<&str>,
        budget: &Budget,
        mut visit: impl FnMut(&Series) -> Result<(), LimitError>,
    ) -> Result<(), LimitError> {
        let ids: Vec<u64> = {
            let inner = self.inner.read();
            match name {
                Some(n) => inner.by_name.get(n).map(|ids| ids.iter().copied().collect()).unwrap_or_default(),
                None => inner.series.keys().copied().collect(),
            }
        };
        for chunk in ids.chunks(CHUNK) {
            budget.check()?;
            let inner: parking_lot::RwLockReadGuard<'_, Inner> = self.inner.read();
            for id in chunk {
                if let Some(series) = inner.series.get(id) {
                    visit(series)?;
                }
            }
        }
        Ok(())
    }

    /// Series whose labels satisfy `keep` (only those named `name` when given), with their
    /// samples in `[start, end]` ms, each sample charged to `budget`; series without samples
    /// there are left out unless `with_empty`.
    pub fn select(
        &self,
        name: Option<&str>,
        keep: &dyn Fn(&Labels) -> bool,
        (start, end): (i64, i64),
        with_empty: bool,
        budget: &Budget,
    ) -> Result<Vec<SeriesData>, LimitError> {
        let mut out = Vec::new();
        self.each_series(name, budget, |s| {
            if !keep(&s.labels) {
                return budget.tick();
            }
            let span = s.span(start, end);
            if span.is_empty() && !with_empty {
                return budget.tick();
            }
            budget.charge(span.len() as u64 + 1)?;
            out.push(SeriesData { labels: s.labels.clone(), samples: s.samples.range(span).copied().collect() });
            Ok(())
        })?;
        Ok(out)
    }

    /// Labels of the series satisfying `keep` with a sample in `[start, end]` ms (every such
    /// series when `with_empty`), for the metadata endpoints; no samples are copied.
    pub fn select_labels(
        &self,
        keep: &dyn Fn(&Labels) -> bool,
        (start, end): (i64, i64),
        with_empty: bool,
        budget: &Budget,
    ) -> Result<Vec<Arc<Labels>>, LimitError> {
        let mut out = Vec::new();
        self.each_series(None, budget, |s| {
            if keep(&s.labels) && (with_empty || !s.span(start, end).is_empty()) {
                budget.charge(1)?;
                out.push(s.labels.clone());
            }
            budget.tick()
        })?;
        Ok(out)
    }

    /// Every series updated at or after `since_ms` (wall clock), at its newest value.
    pub fn latest(&self, since_ms: i64) -> Vec<Latest> {
        let mut out = Vec::new();
        let visited = self.each_series(None, &Budget::unlimited(), |s| {
            if s.touched_ms >= since_ms
                && let Some((_, value)) = s.latest()
            {
                out.push(Latest { labels: s.labels.clone(), family: s.family.clone(), value });
            }
            Ok(())
        });
        debug_assert!(visited.is_ok(), "an unlimited budget never stops");
        out
    }
}
