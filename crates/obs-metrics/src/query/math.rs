//! Element-wise functions (`abs`, `ceil`, `clamp`, `round`, ...) and `sort`/`sort_desc`.

use std::cmp::Ordering;

use super::Sample;
use super::eval::Evaluator;

/// The function for a one-argument element-wise name.
pub fn element_fn(name: &str) -> fn(f64) -> f64 {
    match name {
        "abs" => f64::abs,
        "ceil" => f64::ceil,
        "floor" => f64::floor,
        "sqrt" => f64::sqrt,
        "exp" => f64::exp,
        "ln" => f64::ln,
        "log2" => f64::log2,
        "sgn" => |v: f64| if v == 0.0 || v.is_nan() { v } else { v.signum() },
        _ => f64::log10,
    }
}

/// `clamp(v, min, max)`, `clamp_min(v, min)`, `clamp_max(v, max)` and `round(v, to_nearest = 1)`;
/// all drop the metric name, and `clamp` with `max < min` is empty, as in Prometheus.
pub fn clamp_or_round(ev: &Evaluator<'_>, name: &str, input: Vec<Sample>, params: &[f64]) -> Vec<Sample> {
    let p = |i: usize, default: f64| params.get(i).copied().unwrap_or(default);
    let f: Box<dyn Fn(f64) -> f64> = match name {
        "clamp" if p(1, f64::NAN) < p(0, f64::NAN) => return Vec::new(),
        "clamp" => {
            let (lo, hi) = (p(0, f64::NAN), p(1, f64::NAN));
            Box::new(move |v: f64| v.min(hi).max(lo))
        }
        "clamp_min" => {
            let lo = p(0, f64::NAN);
            Box::new(move |v: f64| v.max(lo))
        }
        "clamp_max" => {
            let hi = p(0, f64::NAN);
            Box::new(move |v: f64| v.min(hi))
        }
        _ => {
            let inverse = 1.0 / p(0, 1.0);
            Box::new(move |v: f64| (v * inverse + 0.5).floor() / inverse)
        }
    };
    input.into_iter().map(|s| Sample { labels: ev.labels.drop_name(&s.labels), value: f(s.value) }).collect()
}

/// `sort` (ascending) or `sort_desc`, NaN last either way.
pub fn sort(mut samples: Vec<Sample>, descending: bool) -> Vec<Sample> {
    samples.sort_by(|a, b| match (a.value.is_nan(), b.value.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ if descending => b.value.total_cmp(&a.value),
        _ => a.value.total_cmp(&b.value),
    });
    samples
}
