//! One stored time series: its labels and a bounded, time-ordered sample history.

use std::collections::VecDeque;
use std::sync::Arc;

/// Label pairs sorted by name, `__name__` included.
pub type Labels = Vec<(String, String)>;

/// Most samples one series keeps, whatever the time window.
pub const MAX_SAMPLES_PER_SERIES: usize = 8_192;

/// Bytes counted per sample (timestamp and value).
const SAMPLE_BYTES: u64 = 16;
/// Bytes counted per series on top of its labels and samples (maps, indexes, bookkeeping).
const SERIES_OVERHEAD: u64 = 160;

/// Approximate bytes of a series with these labels and no samples yet.
pub fn empty_bytes(labels: &Labels) -> u64 {
    let labels: usize = labels.iter().map(|(k, v)| k.len() + v.len() + 48).sum();
    labels as u64 + SERIES_OVERHEAD
}

/// Approximate bytes of one sample.
pub const fn sample_bytes() -> u64 {
    SAMPLE_BYTES
}

/// What a push did to a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    /// Stored as a new sample (or replaced the sample at the same timestamp).
    Stored,
    /// Older than the newest sample: a cumulative value cannot go back in time.
    OutOfOrder,
}

/// A series in the store.
#[derive(Debug)]
pub struct Series {
    /// Its labels (shared with the index).
    pub labels: Arc<Labels>,
    /// The family it belongs to (`foo` for `foo_bucket`), for metadata and exposition.
    pub family: Arc<str>,
    /// Samples `(unix ms, value)`, oldest first.
    pub samples: VecDeque<(i64, f64)>,
    /// Ingest sequence number of the last update (for least-recently-updated eviction).
    pub touched: u64,
    /// Wall-clock ms of the last update (for expiry after the history window).
    pub touched_ms: i64,
}

impl Series {
    /// A series with no samples yet.
    pub fn new(labels: Arc<Labels>, family: Arc<str>) -> Self {
        Self { labels, family, samples: VecDeque::new(), touched: 0, touched_ms: 0 }
    }

    /// Appends a sample; a delta is added to the last value (delta temporality accumulated into
    /// a cumulative counter). Keeps at most `history_ms` behind the newest sample.
    pub fn push(&mut self, ts: i64, value: f64, delta: bool, history_ms: i64) -> Pushed {
        let last = self.samples.back().copied();
        let value = match (delta, last) {
            (true, Some((_, prev))) => prev + value,
            _ => value,
        };
        match last {
            Some((last_ts, _)) if ts < last_ts && !delta => return Pushed::OutOfOrder,
            Some((last_ts, _)) if ts <= last_ts => {
                if let Some(back) = self.samples.back_mut() {
                    back.1 = value;
                }
            }
            _ => self.samples.push_back((ts, value)),
        }
        let newest = self.samples.back().map_or(ts, |s| s.0);
        while self.samples.len() > 1
            && (self.samples.len() > MAX_SAMPLES_PER_SERIES
                || self.samples.front().is_some_and(|s| s.0 < newest.saturating_sub(history_ms)))
        {
            self.samples.pop_front();
        }
        Pushed::Stored
    }

    /// The newest sample.
    pub fn latest(&self) -> Option<(i64, f64)> {
        self.samples.back().copied()
    }

    /// Positions of the samples with `start <= ts <= end`.
    pub fn span(&self, start: i64, end: i64) -> std::ops::Range<usize> {
        let from = self.samples.partition_point(|s| s.0 < start);
        let to = self.samples.partition_point(|s| s.0 <= end);
        from..to.max(from)
    }

    /// Samples with `start <= ts <= end`, in order.
    pub fn range(&self, start: i64, end: i64) -> Vec<(i64, f64)> {
        self.samples.range(self.span(start, end)).copied().collect()
    }

    /// Approximate bytes this series holds.
    pub fn bytes(&self) -> u64 {
        empty_bytes(&self.labels) + self.samples.len() as u64 * SAMPLE_BYTES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series() -> Series {
        Series::new(Arc::new(vec![("__name__".into(), "x".into())]), Arc::from("x"))
    }

    /// Pins delta accumulation into a running cumulative value.
    #[test]
    fn deltas_accumulate() {
        let mut s = series();
        s.push(1000, 2.0, true, 60_000);
        s.push(2000, 3.0, true, 60_000);
        s.push(3000, 0.0, true, 60_000);
        assert_eq!(s.samples.iter().copied().collect::<Vec<_>>(), vec![(1000, 2.0), (2000, 5.0), (3000, 5.0)]);
    }

    /// Pins the history window and that out-of-order cumulative points are refused.
    #[test]
    fn window_and_order() {
        let mut s = series();
        for i in 0..10 {
            s.push(i * 1000, i as f64, false, 3_000);
        }
        assert_eq!(s.samples.front(), Some(&(6000, 6.0)));
        assert_eq!(s.push(1000, 1.0, false, 3_000), Pushed::OutOfOrder);
        assert_eq!(s.push(9000, 99.0, false, 3_000), Pushed::Stored);
        assert_eq!(s.latest(), Some((9000, 99.0)));
        assert_eq!(s.range(7000, 8000), vec![(7000, 7.0), (8000, 8.0)]);
    }

    /// Pins the per-series sample cap.
    #[test]
    fn sample_cap() {
        let mut s = series();
        for i in 0..(MAX_SAMPLES_PER_SERIES as i64 + 10) {
            s.push(i, 1.0, false, i64::MAX);
        }
        assert_eq!(s.samples.len(), MAX_SAMPLES_PER_SERIES);
        assert_eq!(s.samples.front().map(|s| s.0), Some(10));
    }
}
