//! Compares two answers as the suite's comparer does (`promql/comparer/comparer.go`): series
//! sorted, labels equal, timestamps equal, values within a relative tolerance of 1e-5 (absolute
//! margin 0), NaN equal to NaN, infinities equal only to themselves; a should-fail query must fail
//! on both sides.

use crate::api::{Answer, Labels, Outcome, Series};

/// `defaultFraction` of comparer.go.
pub const FRACTION: f64 = 0.00001;
/// `defaultMargin` of comparer.go.
pub const MARGIN: f64 = 0.0;

/// The verdict on one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Same answer on both sides.
    Pass,
    /// obs-embedded differs; a one-line reason.
    Fail(String),
    /// The reference itself did not behave as the suite expects (the data set is wrong).
    Reference(String),
}

/// `cmpopts.EquateApprox(FRACTION, MARGIN)` with `EquateNaNs`.
pub fn values_equal(x: f64, y: f64) -> bool {
    if x.is_nan() || y.is_nan() {
        return x.is_nan() && y.is_nan();
    }
    if x.is_infinite() || y.is_infinite() {
        return x == y;
    }
    let d = (x - y).abs();
    d <= MARGIN || d <= FRACTION * x.abs().min(y.abs())
}

/// Judges one query from both outcomes.
pub fn judge(should_fail: bool, reference: &Outcome, test: &Outcome) -> Verdict {
    match (reference, should_fail) {
        (Err(e), false) => return Verdict::Reference(format!("Prometheus failed: {e}")),
        (Ok(_), true) => return Verdict::Reference("Prometheus succeeded on a should-fail query".into()),
        _ => {}
    }
    match (test, should_fail) {
        (Err(e), false) => Verdict::Fail(format!("error on obs-embedded: {e}")),
        (Ok(_), true) => Verdict::Fail("should fail, but obs-embedded answered successfully".into()),
        (Err(_), true) => Verdict::Pass,
        (Ok(test), false) => match reference {
            Ok(reference) => diff(reference, test).map_or(Verdict::Pass, Verdict::Fail),
            Err(_) => Verdict::Pass,
        },
    }
}

fn show(labels: &Labels) -> String {
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}

/// The first difference between two answers, in words; `None` when they are equal.
pub fn diff(reference: &Answer, test: &Answer) -> Option<String> {
    if reference.result_type != test.result_type {
        return Some(format!("result type {} where Prometheus has {}", test.result_type, reference.result_type));
    }
    if let Some(missing) = reference.series.iter().find(|r| !test.series.iter().any(|t| t.labels == r.labels)) {
        return Some(format!(
            "missing series {} ({} series, Prometheus has {})",
            show(&missing.labels),
            test.series.len(),
            reference.series.len()
        ));
    }
    if let Some(extra) = test.series.iter().find(|t| !reference.series.iter().any(|r| r.labels == t.labels)) {
        return Some(format!(
            "extra series {} ({} series, Prometheus has {})",
            show(&extra.labels),
            test.series.len(),
            reference.series.len()
        ));
    }
    if reference.series.len() != test.series.len() {
        return Some(format!("{} series, Prometheus has {} (duplicates)", test.series.len(), reference.series.len()));
    }
    reference.series.iter().zip(&test.series).find_map(|(r, t)| series_diff(r, t))
}

fn series_diff(r: &Series, t: &Series) -> Option<String> {
    let at = |ms: i64| format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000));
    for (i, (rp, tp)) in r.values.iter().zip(&t.values).enumerate() {
        if rp.0 != tp.0 {
            return Some(format!(
                "{}: point {i} at t={} where Prometheus has t={}",
                show(&r.labels),
                at(tp.0),
                at(rp.0)
            ));
        }
        if !values_equal(rp.1, tp.1) {
            return Some(format!(
                "{}: value {} at t={} where Prometheus has {}",
                show(&r.labels),
                tp.1,
                at(tp.0),
                rp.1
            ));
        }
    }
    if r.values.len() != t.values.len() {
        let n = r.values.len().min(t.values.len());
        let first =
            r.values.get(n).or(t.values.get(n)).map_or(String::new(), |p| format!(", first unmatched t={}", at(p.0)));
        return Some(format!(
            "{}: {} points where Prometheus has {}{first}",
            show(&r.labels),
            t.values.len(),
            r.values.len()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(points: &[(i64, f64)]) -> Answer {
        Answer {
            result_type: "matrix".into(),
            series: vec![Series { labels: [("a".to_string(), "1".to_string())].into(), values: points.to_vec() }],
        }
    }

    /// Values within 1e-5 relative pass; NaN equals NaN; Inf equals only Inf.
    #[test]
    fn tolerance_matches_equate_approx() {
        assert!(values_equal(1.0, 1.000_009));
        assert!(!values_equal(1.0, 1.000_02));
        assert!(values_equal(f64::NAN, f64::NAN));
        assert!(!values_equal(f64::NAN, 1.0));
        assert!(values_equal(f64::INFINITY, f64::INFINITY));
        assert!(!values_equal(f64::INFINITY, f64::NEG_INFINITY));
        assert!(!values_equal(0.0, 1e-300));
    }

    /// A value difference names the series, time and both values.
    #[test]
    fn value_mismatch_reason() {
        let v = judge(false, &Ok(answer(&[(1000, 1.0)])), &Ok(answer(&[(1000, 2.0)])));
        assert_eq!(v, Verdict::Fail("{a=\"1\"}: value 2 at t=1.000 where Prometheus has 1".into()));
    }

    /// Should-fail queries pass only when both sides fail.
    #[test]
    fn should_fail_needs_both_errors() {
        assert_eq!(judge(true, &Err("x".into()), &Err("y".into())), Verdict::Pass);
        assert!(matches!(judge(true, &Err("x".into()), &Ok(answer(&[]))), Verdict::Fail(_)));
        assert!(matches!(judge(true, &Ok(answer(&[])), &Err("y".into())), Verdict::Reference(_)));
    }

    /// A missing series is named with the counts.
    #[test]
    fn missing_series_reason() {
        let empty = Answer { result_type: "matrix".into(), series: vec![] };
        let v = judge(false, &Ok(answer(&[(0, 1.0)])), &Ok(empty));
        assert_eq!(v, Verdict::Fail("missing series {a=\"1\"} (0 series, Prometheus has 1)".into()));
    }
}
