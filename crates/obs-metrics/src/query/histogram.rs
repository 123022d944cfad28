//! `histogram_quantile` over classic `_bucket` series, with Prometheus' bucket interpolation.

use std::sync::Arc;

use super::labels::{LabelCache, PtrMap, WITHOUT_LE, ptr};
use super::{Sample, label_of};
use crate::store::Labels;

/// One output series' labels and its `(upper bound, count)` buckets.
type Group = (Arc<Labels>, Vec<(f64, f64)>);

/// `histogram_quantile(q, buckets)`: groups `_bucket` samples by their labels without `le` and
/// interpolates linearly inside the bucket holding rank `q * count`, as Prometheus does.
pub fn histogram_quantile(cache: &LabelCache, q: f64, samples: Vec<Sample>) -> Vec<Sample> {
    let mut groups: PtrMap<usize, Group> = PtrMap::default();
    for s in samples {
        let Ok(le) = parse_le(label_of(&s.labels, "le")) else { continue };
        let key = cache.derive(&s.labels, WITHOUT_LE, |l| {
            l.iter().filter(|(k, _)| k != "le" && k != "__name__").cloned().collect()
        });
        groups.entry(ptr(&key)).or_insert_with(|| (key, Vec::new())).1.push((le, s.value));
    }
    let mut out: Vec<Sample> =
        groups.into_values().map(|(labels, buckets)| Sample { labels, value: bucket_quantile(q, buckets) }).collect();
    out.sort_by(|a, b| a.labels.cmp(&b.labels));
    out
}

fn parse_le(le: &str) -> Result<f64, std::num::ParseFloatError> {
    le.trim().parse::<f64>()
}

/// Prometheus' `bucketQuantile` over `(upper bound, cumulative count)` pairs.
pub fn bucket_quantile(q: f64, mut buckets: Vec<(f64, f64)>) -> f64 {
    if q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    if !buckets.last().is_some_and(|b| b.0 == f64::INFINITY) {
        return f64::NAN;
    }
    buckets.dedup_by(|later, earlier| {
        let same = later.0 == earlier.0;
        if same {
            earlier.1 += later.1;
        }
        same
    });
    let mut max = f64::NEG_INFINITY;
    for b in &mut buckets {
        max = max.max(b.1);
        b.1 = max;
    }
    if buckets.len() < 2 {
        return f64::NAN;
    }
    let observations = buckets[buckets.len() - 1].1;
    if observations == 0.0 {
        return f64::NAN;
    }
    let mut rank = q * observations;
    let b = buckets[..buckets.len() - 1].partition_point(|x| x.1 < rank);
    if b == buckets.len() - 1 {
        return buckets[buckets.len() - 2].0;
    }
    if b == 0 && buckets[0].0 <= 0.0 {
        return buckets[0].0;
    }
    let (mut start, end, mut count) = (0.0, buckets[b].0, buckets[b].1);
    if b > 0 {
        start = buckets[b - 1].0;
        count -= buckets[b - 1].1;
        rank -= buckets[b - 1].1;
    }
    start + (end - start) * (rank / count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// Pins histogram_quantile interpolation, the +Inf rule and edge cases.
    #[test]
    fn bucket_quantiles() {
        let b = vec![(0.1, 10.0), (0.5, 30.0), (1.0, 40.0), (f64::INFINITY, 50.0)];
        // rank 25 falls in (0.1, 0.5] holding 20 observations, 15 of them below rank: 0.1 + 0.4 * 15/20.
        assert!(close(bucket_quantile(0.5, b.clone()), 0.4));
        assert!(close(bucket_quantile(0.1, b.clone()), 0.05));
        // rank 45 is in the +Inf bucket: the highest finite bound.
        assert_eq!(bucket_quantile(0.9, b.clone()), 1.0);
        assert_eq!(bucket_quantile(1.5, b.clone()), f64::INFINITY);
        assert_eq!(bucket_quantile(-1.0, b.clone()), f64::NEG_INFINITY);
        assert!(bucket_quantile(0.5, vec![(1.0, 3.0)]).is_nan());
        assert!(bucket_quantile(0.5, vec![(1.0, 0.0), (f64::INFINITY, 0.0)]).is_nan());
    }

    /// Pins grouping of `_bucket` samples by labels without `le`.
    #[test]
    fn histogram_quantile_groups() {
        let sample = |job: &str, le: &str, value: f64| Sample {
            labels: Arc::new(vec![
                ("__name__".into(), "d_bucket".into()),
                ("job".into(), job.into()),
                ("le".into(), le.into()),
            ]),
            value,
        };
        let out = histogram_quantile(
            &LabelCache::default(),
            0.5,
            vec![sample("a", "1", 2.0), sample("a", "+Inf", 4.0), sample("b", "1", 0.0), sample("b", "+Inf", 2.0)],
        );
        assert_eq!(out.len(), 2);
        assert_eq!(*out[0].labels, vec![("job".to_string(), "a".to_string())]);
        assert_eq!(out[0].value, 1.0);
        assert_eq!(out[1].value, 1.0);
    }
}
