//! PromQL functions: `rate`/`irate`/`increase`/`delta`/`idelta` (with Prometheus'
//! extrapolation and counter-reset handling), `*_over_time`, `histogram_quantile`, `vector`,
//! `scalar`, `time` and element-wise math.

use std::collections::BTreeMap;

use promql_parser::parser::{Call, Expr};

use super::eval::{Evaluator, Window};
use super::{QueryError, Sample, Value, check_unique, drop_name, label_of};
use crate::store::Labels;

/// Evaluates a function call at `t` ms.
pub fn eval(ev: &Evaluator<'_>, call: &Call, t: i64) -> Result<Value, QueryError> {
    let name = call.func.name;
    let args = &call.args.args;
    let arg = |i: usize| args.get(i).map(AsRef::as_ref).ok_or_else(|| QueryError::BadData(format!("{name}: missing argument")));
    let out = match name {
        "rate" | "increase" | "delta" | "irate" | "idelta" => over_window(ev, name, arg(0)?, t, rate_like)?,
        "avg_over_time" | "min_over_time" | "max_over_time" | "sum_over_time" | "count_over_time"
        | "last_over_time" => over_window(ev, name, arg(0)?, t, over_time)?,
        "histogram_quantile" => histogram_quantile(ev.scalar(arg(0)?, t)?, ev.vector(arg(1)?, t)?),
        "vector" => vec![Sample { labels: Vec::new(), value: ev.scalar(arg(0)?, t)? }],
        "scalar" => {
            let v = ev.vector(arg(0)?, t)?;
            return Ok(Value::Scalar(if v.len() == 1 { v[0].value } else { f64::NAN }));
        }
        "time" => return Ok(Value::Scalar(t as f64 / 1000.0)),
        "abs" | "ceil" | "floor" | "sqrt" | "exp" | "ln" | "log2" | "log10" => {
            let f = math(name);
            ev.vector(arg(0)?, t)?.into_iter().map(|s| Sample { labels: drop_name(&s.labels), value: f(s.value) }).collect()
        }
        other => return Err(QueryError::unsupported(format!("function {other:?}"))),
    };
    check_unique(&out)?;
    Ok(Value::Vector(out))
}

fn math(name: &str) -> fn(f64) -> f64 {
    match name {
        "abs" => f64::abs,
        "ceil" => f64::ceil,
        "floor" => f64::floor,
        "sqrt" => f64::sqrt,
        "exp" => f64::exp,
        "ln" => f64::ln,
        "log2" => f64::log2,
        _ => f64::log10,
    }
}

type WindowFn = fn(&str, &Window, &[(i64, f64)]) -> Option<f64>;

fn over_window(ev: &Evaluator<'_>, name: &str, arg: &Expr, t: i64, f: WindowFn) -> Result<Vec<Sample>, QueryError> {
    let ms = match arg {
        Expr::MatrixSelector(ms) => ms,
        Expr::Subquery(_) => return Err(QueryError::unsupported(format!("a subquery as the argument of {name}"))),
        _ => return Err(QueryError::BadData(format!("{name}: expected a range vector argument"))),
    };
    let window = ev.window(&ms.vs, i64::try_from(ms.range.as_millis()).unwrap_or(i64::MAX), t)?;
    let keep_name = name == "last_over_time";
    Ok(window
        .series
        .iter()
        .filter_map(|s| {
            let value = f(name, &window, &s.samples)?;
            let labels = if keep_name { s.labels.as_ref().clone() } else { drop_name(&s.labels) };
            Some(Sample { labels, value })
        })
        .collect())
}

fn rate_like(name: &str, w: &Window, samples: &[(i64, f64)]) -> Option<f64> {
    match name {
        "irate" => instant_delta(samples, true),
        "idelta" => instant_delta(samples, false),
        _ => extrapolated_rate(w, samples, name != "delta", name == "rate"),
    }
}

/// Prometheus' `extrapolatedRate`: the increase between the first and last sample (adding back
/// counter resets), extrapolated towards the window edges unless they are further than 1.1
/// average sample intervals away (then by half an interval), and not below zero for counters.
pub fn extrapolated_rate(w: &Window, samples: &[(i64, f64)], is_counter: bool, is_rate: bool) -> Option<f64> {
    let (first, last) = (samples.first()?, samples.last()?);
    if samples.len() < 2 {
        return None;
    }
    let mut result = last.1 - first.1;
    if is_counter {
        let mut prev = 0.0;
        for &(_, v) in samples {
            if v < prev {
                result += prev;
            }
            prev = v;
        }
    }
    let mut to_start = (first.0 - w.range_start) as f64 / 1000.0;
    let to_end = (w.range_end - last.0) as f64 / 1000.0;
    let sampled = (last.0 - first.0) as f64 / 1000.0;
    let average = sampled / (samples.len() - 1) as f64;
    if is_counter && result > 0.0 && first.1 >= 0.0 {
        to_start = to_start.min(sampled * (first.1 / result));
    }
    let threshold = average * 1.1;
    let mut interval = sampled;
    interval += if to_start < threshold { to_start } else { average / 2.0 };
    interval += if to_end < threshold { to_end } else { average / 2.0 };
    result *= interval / sampled;
    if is_rate {
        result /= w.range_ms as f64 / 1000.0;
    }
    Some(result)
}

/// `irate`/`idelta`: from the last two samples (a counter reset counts the last value whole).
pub fn instant_delta(samples: &[(i64, f64)], is_rate: bool) -> Option<f64> {
    let [.., prev, last] = samples else { return None };
    let mut result = last.1 - prev.1;
    if is_rate && last.1 < prev.1 {
        result = last.1;
    }
    let interval = (last.0 - prev.0) as f64 / 1000.0;
    if interval == 0.0 {
        return None;
    }
    Some(if is_rate { result / interval } else { result })
}

fn over_time(name: &str, _w: &Window, samples: &[(i64, f64)]) -> Option<f64> {
    let values = samples.iter().map(|s| s.1);
    let last = samples.last()?.1;
    Some(match name {
        "avg_over_time" => values.sum::<f64>() / samples.len() as f64,
        "min_over_time" => values.fold(f64::NAN, |m, v| if m.is_nan() || v < m { v } else { m }),
        "max_over_time" => values.fold(f64::NAN, |m, v| if m.is_nan() || v > m { v } else { m }),
        "sum_over_time" => values.sum(),
        "count_over_time" => samples.len() as f64,
        _ => last,
    })
}

/// `histogram_quantile(q, buckets)`: groups `_bucket` samples by their labels without `le` and
/// interpolates linearly inside the bucket holding rank `q * count`, as Prometheus does.
pub fn histogram_quantile(q: f64, samples: Vec<Sample>) -> Vec<Sample> {
    let mut groups: BTreeMap<Labels, Vec<(f64, f64)>> = BTreeMap::new();
    for s in samples {
        let Ok(le) = parse_le(label_of(&s.labels, "le")) else { continue };
        let key: Labels = s.labels.iter().filter(|(k, _)| k != "le" && k != "__name__").cloned().collect();
        groups.entry(key).or_default().push((le, s.value));
    }
    groups.into_iter().map(|(labels, buckets)| Sample { labels, value: bucket_quantile(q, buckets) }).collect()
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
