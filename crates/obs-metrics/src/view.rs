//! What queries read: the stored series plus the server's own samples (`obs_embedded_*`),
//! the latter as one-sample series stamped at the time of the request.

use std::sync::Arc;

use obs_contract::SelfSamples;
use obs_contract::query::{Budget, LimitError};

use crate::store::{Labels, MetricStore, SeriesData, now_ms};

/// The store and a snapshot of the server's own samples, for one request.
pub struct StoreView<'a> {
    store: &'a MetricStore,
    own: Vec<SeriesData>,
}

impl<'a> StoreView<'a> {
    /// Takes the own-samples snapshot now.
    pub fn new(store: &'a MetricStore, own: &SelfSamples) -> Self {
        Self::stamped(store, own, now_ms())
    }

    /// Takes the own-samples snapshot, stamping it `now` ms (when the request arrived, so a
    /// query for "now" sees it even when it starts running a little later).
    pub fn stamped(store: &'a MetricStore, own: &SelfSamples, now: i64) -> Self {
        let own = own()
            .into_iter()
            .map(|s| {
                let mut labels: Labels = s.labels.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect();
                labels.push(("__name__".into(), s.name.to_string()));
                labels.sort();
                SeriesData { labels: Arc::new(labels), samples: vec![(now, s.value)] }
            })
            .collect();
        Self { store, own }
    }

    /// A view of the store alone.
    pub fn store_only(store: &'a MetricStore) -> Self {
        Self { store, own: Vec::new() }
    }

    /// Like [`MetricStore::select`], over stored and own series.
    pub fn select(
        &self,
        name: Option<&str>,
        keep: &dyn Fn(&Labels) -> bool,
        (start, end): (i64, i64),
        with_empty: bool,
        budget: &Budget,
    ) -> Result<Vec<SeriesData>, LimitError> {
        let mut out = self.store.select(name, keep, (start, end), with_empty, budget)?;
        for s in &self.own {
            let named = name.is_none_or(|n| s.labels.iter().any(|(k, v)| k == "__name__" && v == n));
            if !named || !keep(&s.labels) {
                continue;
            }
            let samples: Vec<(i64, f64)> = s.samples.iter().copied().filter(|p| p.0 >= start && p.0 <= end).collect();
            if with_empty || !samples.is_empty() {
                out.push(SeriesData { labels: s.labels.clone(), samples });
            }
        }
        Ok(out)
    }

    /// Like [`MetricStore::select_labels`], over stored and own series.
    pub fn select_labels(
        &self,
        keep: &dyn Fn(&Labels) -> bool,
        range: (i64, i64),
        with_empty: bool,
        budget: &Budget,
    ) -> Result<Vec<Arc<Labels>>, LimitError> {
        let mut out = self.store.select_labels(keep, range, with_empty, budget)?;
        let own = self.own.iter().filter(|s| keep(&s.labels));
        out.extend(
            own.filter(|s| with_empty || s.samples.iter().any(|p| p.0 >= range.0 && p.0 <= range.1))
                .map(|s| s.labels.clone()),
        );
        Ok(out)
    }
}
