//! PromQL functions: `rate`/`irate`/`increase`/`delta`/`idelta` (with Prometheus'
//! extrapolation and counter-reset handling), `*_over_time`, `changes`, `resets`,
//! `histogram_quantile`, `vector`, `scalar`, `time`, `sort`/`sort_desc`, label functions and
//! element-wise math.

use promql_parser::parser::{Call, Expr};

use super::eval::{Evaluator, Window};
use super::{QueryError, Sample, Value, aggregate, check_unique, histogram, labelfns, math};

/// Evaluates a function call at `t` ms.
pub fn eval(ev: &Evaluator<'_>, call: &Call, t: i64) -> Result<Value, QueryError> {
    let name = call.func.name;
    let args = &call.args.args;
    let arg = |i: usize| {
        args.get(i).map(AsRef::as_ref).ok_or_else(|| QueryError::BadData(format!("{name}: missing argument")))
    };
    let out = match name {
        "rate" | "increase" | "delta" | "irate" | "idelta" => {
            over_window(ev, name, arg(0)?, t, &|w, s| rate_like(name, w, s))?
        }
        "avg_over_time" | "min_over_time" | "max_over_time" | "sum_over_time" | "count_over_time"
        | "last_over_time" | "stddev_over_time" | "stdvar_over_time" | "present_over_time" | "changes" | "resets" => {
            over_window(ev, name, arg(0)?, t, &|_, s| over_time(name, s))?
        }
        "quantile_over_time" => {
            let q = ev.scalar(arg(0)?, t)?;
            over_window(ev, name, arg(1)?, t, &|_, s| Some(aggregate::quantile(q, s.iter().map(|p| p.1).collect())))?
        }
        "label_replace" => labelfns::label_replace(ev, args, t)?,
        "label_join" => labelfns::label_join(ev, args, t)?,
        "absent" => labelfns::absent(ev, arg(0)?, t)?,
        "sort" | "sort_desc" => return Ok(Value::Vector(math::sort(ev.vector(arg(0)?, t)?, name == "sort_desc"))),
        "clamp" | "clamp_min" | "clamp_max" | "round" => {
            let params = args.iter().skip(1).map(|a| ev.scalar(a, t)).collect::<Result<Vec<f64>, _>>()?;
            math::clamp_or_round(ev, name, ev.vector(arg(0)?, t)?, &params)
        }
        "histogram_quantile" => {
            histogram::histogram_quantile(&ev.labels, ev.scalar(arg(0)?, t)?, ev.vector(arg(1)?, t)?)
        }
        "vector" => vec![Sample { labels: ev.labels.intern(Vec::new()), value: ev.scalar(arg(0)?, t)? }],
        "scalar" => {
            let v = ev.vector(arg(0)?, t)?;
            return Ok(Value::Scalar(if v.len() == 1 { v[0].value } else { f64::NAN }));
        }
        "time" => return Ok(Value::Scalar(t as f64 / 1000.0)),
        "abs" | "ceil" | "floor" | "sqrt" | "exp" | "ln" | "log2" | "log10" | "sgn" => {
            let f = math::element_fn(name);
            ev.vector(arg(0)?, t)?
                .into_iter()
                .map(|s| Sample { labels: ev.labels.drop_name(&s.labels), value: f(s.value) })
                .collect()
        }
        other => return Err(QueryError::unsupported(format!("function {other:?}"))),
    };
    check_unique(&out)?;
    Ok(Value::Vector(out))
}

type WindowFn<'f> = &'f dyn Fn(&Window, &[(i64, f64)]) -> Option<f64>;

fn over_window(ev: &Evaluator<'_>, name: &str, arg: &Expr, t: i64, f: WindowFn<'_>) -> Result<Vec<Sample>, QueryError> {
    let ms = match arg {
        Expr::MatrixSelector(ms) => ms,
        Expr::Subquery(_) => return Err(QueryError::unsupported(format!("a subquery as the argument of {name}"))),
        _ => return Err(QueryError::BadData(format!("{name}: expected a range vector argument"))),
    };
    let window = ev.window(&ms.vs, i64::try_from(ms.range.as_millis()).unwrap_or(i64::MAX), t)?;
    let keep_name = name == "last_over_time";
    Ok(window
        .series()
        .filter_map(|(labels, samples)| {
            let value = f(&window, samples)?;
            let labels = if keep_name { labels.clone() } else { ev.labels.drop_name(labels) };
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

fn over_time(name: &str, samples: &[(i64, f64)]) -> Option<f64> {
    let values: Vec<f64> = samples.iter().map(|s| s.1).collect();
    let last = *values.last()?;
    let pairs = || values.windows(2).map(|w| (w[0], w[1]));
    Some(match name {
        "avg_over_time" => values.iter().sum::<f64>() / values.len() as f64,
        "min_over_time" => aggregate::reduce("min", &values),
        "max_over_time" => aggregate::reduce("max", &values),
        "sum_over_time" => values.iter().sum(),
        "count_over_time" => values.len() as f64,
        "stddev_over_time" => aggregate::reduce("stddev", &values),
        "stdvar_over_time" => aggregate::reduce("stdvar", &values),
        "present_over_time" => 1.0,
        "changes" => pairs().filter(|(a, b)| a != b && !(a.is_nan() && b.is_nan())).count() as f64,
        "resets" => pairs().filter(|(a, b)| b < a).count() as f64,
        _ => last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(start: i64, end: i64) -> Window {
        Window::bounds(start, end)
    }

    /// Pins rate/increase with a counter reset, extrapolated to both window edges.
    #[test]
    fn rate_with_reset() {
        let w = window(0, 60_000);
        let s = [(10_000, 5.0), (20_000, 10.0), (30_000, 2.0), (40_000, 6.0), (50_000, 10.0)];
        // increase 5 + reset 10 = 15 over 40 s sampled, extrapolated by 10 s each side: 15 * 60 / 40.
        assert_eq!(extrapolated_rate(&w, &s, true, false), Some(22.5));
        assert_eq!(extrapolated_rate(&w, &s, true, true), Some(0.375));
    }

    /// Pins the counter's extrapolation stopping at zero, and the half-interval rule far from an edge.
    #[test]
    fn rate_extrapolation_limits() {
        let w = window(0, 60_000);
        // 20 over 20 s; towards the start only 1 s (where it would reach 0), 10 s to the end: 20 * 31 / 20.
        let s = [(30_000, 1.0), (40_000, 11.0), (50_000, 21.0)];
        assert_eq!(extrapolated_rate(&w, &s, true, false), Some(31.0));
        // starts at 0 (no extrapolation before), end 30 s away > 1.1 * 10 s: half an interval (5 s).
        let s = [(20_000, 0.0), (30_000, 10.0)];
        assert_eq!(extrapolated_rate(&w, &s, true, false), Some(15.0));
        // delta (a gauge) may be negative; both edges are 10 s away, under 1.1 * 40 s: -8 * 60 / 40.
        let s = [(10_000, 10.0), (50_000, 2.0)];
        assert_eq!(extrapolated_rate(&w, &s, false, false), Some(-12.0));
        assert_eq!(extrapolated_rate(&w, &[(10_000, 1.0)], true, true), None);
    }

    /// Pins irate/idelta on the last two samples, with a reset.
    #[test]
    fn irate_and_idelta() {
        assert_eq!(instant_delta(&[(10_000, 5.0), (20_000, 10.0)], true), Some(0.5));
        assert_eq!(instant_delta(&[(10_000, 5.0), (20_000, 10.0), (30_000, 2.0)], true), Some(0.2));
        assert_eq!(instant_delta(&[(10_000, 5.0), (20_000, 10.0), (30_000, 2.0)], false), Some(-8.0));
        assert_eq!(instant_delta(&[(10_000, 5.0)], true), None);
    }

    /// Pins the *_over_time reducers.
    #[test]
    fn over_time_reducers() {
        let s = [(1, 4.0), (2, 1.0), (3, 7.0)];
        let f = |name| over_time(name, &s);
        assert_eq!(f("avg_over_time"), Some(4.0));
        assert_eq!(f("min_over_time"), Some(1.0));
        assert_eq!(f("max_over_time"), Some(7.0));
        assert_eq!(f("sum_over_time"), Some(12.0));
        assert_eq!(f("count_over_time"), Some(3.0));
        assert_eq!(f("last_over_time"), Some(7.0));
        assert_eq!(f("present_over_time"), Some(1.0));
        assert_eq!(f("changes"), Some(2.0));
        assert_eq!(f("resets"), Some(1.0));
        assert_eq!(f("stdvar_over_time"), Some(6.0));
        assert_eq!(over_time("changes", &[(1, 1.0), (2, 1.0), (3, f64::NAN), (4, f64::NAN)]), Some(1.0));
    }
}
