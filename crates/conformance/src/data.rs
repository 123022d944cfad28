//! The data set both backends hold: series shaped like the prometheus-demo-service's (`demo_*`,
//! three instances of job `demo`, scraped every 5 s as the suite's Prometheus config does),
//! generated deterministically from fixed seeds and a fixed start time.

use crate::rng::Rng;

/// First scrape, unix ms (2026-01-05T10:00:00Z, the start of a 2 h TSDB block).
pub const DATA_START_MS: i64 = 1_767_607_200_000;
/// The suite's scrape interval.
pub const SCRAPE_INTERVAL_MS: i64 = 5_000;
/// Scrapes per instance (80 minutes).
pub const SCRAPES: i64 = 960;
/// Last possible sample time (exclusive), unix ms.
pub const DATA_END_MS: i64 = DATA_START_MS + SCRAPES * SCRAPE_INTERVAL_MS;
/// End of the suite's query range: late enough that `[1h]` ranges, 10 m offsets and the 5 m
/// lookback before the start see data.
pub const QUERY_END_MS: i64 = DATA_START_MS + 75 * 60_000;
/// The suite's default range (10 minutes).
pub const QUERY_START_MS: i64 = QUERY_END_MS - 10 * 60_000;
/// The suite's default resolution.
pub const QUERY_STEP_MS: i64 = 10_000;
/// The `job` label, as in the suite's Prometheus config.
pub const JOB: &str = "demo";
/// The `instance` labels, as in the suite's Prometheus config.
pub const INSTANCES: [&str; 3] = ["demo.promlabs.com:10000", "demo.promlabs.com:10001", "demo.promlabs.com:10002"];
/// The first instance's scrape offset: real scrapes land at arbitrary milliseconds, never on the
/// query steps (whole 10 s), so range boundaries never fall exactly on a sample.
const FIRST_PHASE_MS: i64 = 321;
/// Each instance is scraped this much later than the previous one.
const INSTANCE_PHASE_MS: i64 = 1_234;

/// The Prometheus type of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A monotonic counter (OTLP cumulative monotonic sum).
    Counter,
    /// A gauge.
    Gauge,
    /// A classic histogram (OTLP explicit-bucket histogram).
    Histogram,
}

/// One sample of a stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A counter or gauge value.
    Number(f64),
    /// A cumulative histogram: counts per bucket (not summed over buckets, `+Inf` last), sum, count.
    Histogram {
        /// Observations per bucket since the start, one more than the bounds.
        buckets: Vec<u64>,
        /// Sum of the observations.
        sum: f64,
        /// Number of observations.
        count: u64,
    },
}

/// A series of one family on one instance.
#[derive(Debug, Clone)]
pub struct Stream {
    /// Its `instance` label.
    pub instance: &'static str,
    /// Labels other than `__name__`, `job` and `instance`.
    pub labels: Vec<(&'static str, String)>,
    /// `(unix ms, value)`, oldest first.
    pub points: Vec<(i64, Value)>,
}

/// A metric family.
#[derive(Debug, Clone)]
pub struct Family {
    /// The Prometheus name (for histograms the name without `_bucket`, `_sum`, `_count`).
    pub name: &'static str,
    /// The help text.
    pub help: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Histogram bucket upper bounds (empty for others).
    pub bounds: Vec<f64>,
    /// Its series.
    pub streams: Vec<Stream>,
}

/// Timestamp of scrape `i` of instance `k`.
pub fn scrape_ms(k: usize, i: i64) -> i64 {
    DATA_START_MS + FIRST_PHASE_MS + k as i64 * INSTANCE_PHASE_MS + i * SCRAPE_INTERVAL_MS
}

/// The whole data set.
pub fn demo() -> Vec<Family> {
    let mut families = Vec::new();
    families.extend(crate::demo::cpu());
    families.extend(crate::demo::memory_and_disk());
    families.extend(crate::demo::batch());
    families.extend(crate::demo::shipping());
    families.push(crate::demo::intermittent());
    families.push(crate::demo::api());
    families
}

/// Seeds one stream's generator from its family, instance and label values.
pub fn rng_for(family: &str, k: usize, labels: &[&str]) -> Rng {
    let mut seed = 0xcbf2_9ce4_8422_2325_u64;
    for b in family.bytes().chain(std::iter::once(k as u8)).chain(labels.iter().flat_map(|l| l.bytes())) {
        seed = (seed ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    Rng::new(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two generations are identical (no clock, no global randomness).
    #[test]
    fn data_is_deterministic() {
        let a = demo();
        let b = demo();
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    /// Every sample lies inside the data window and streams are time-ordered.
    #[test]
    fn samples_are_ordered_and_in_window() {
        for f in demo() {
            for s in &f.streams {
                assert!(s.points.windows(2).all(|w| w[0].0 < w[1].0), "{}", f.name);
                assert!(s.points.iter().all(|(t, _)| (DATA_START_MS..DATA_END_MS + 3_000).contains(t)), "{}", f.name);
            }
        }
    }
}
