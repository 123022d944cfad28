//! The data set as OpenMetrics text, the input of `promtool tsdb create-blocks-from openmetrics`.

use std::fmt::Write as _;

use crate::data::{Family, JOB, Kind, Value};

/// A float as Prometheus writes it (`+Inf`, `NaN`, otherwise the shortest round-trip digits).
pub fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf".into() } else { "-Inf".into() }
    } else {
        format!("{v}")
    }
}

fn labels(out: &mut String, instance: &str, extra: &[(&str, String)], le: Option<&str>) {
    let _ = write!(out, "{{job=\"{JOB}\",instance=\"{instance}\"");
    for (k, v) in extra {
        let _ = write!(out, ",{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"));
    }
    if let Some(le) = le {
        let _ = write!(out, ",le=\"{le}\"");
    }
    out.push('}');
}

fn line(out: &mut String, name: &str, instance: &str, extra: &[(&str, String)], le: Option<&str>, ts: i64, v: f64) {
    out.push_str(name);
    labels(out, instance, extra, le);
    let _ = writeln!(out, " {} {}.{:03}", number(v), ts.div_euclid(1000), ts.rem_euclid(1000));
}

/// The whole data set, one family after another, each series oldest first, ending in `# EOF`.
pub fn render(families: &[Family]) -> String {
    let mut out = String::new();
    for f in families {
        match f.kind {
            Kind::Counter => {
                let base = f.name.strip_suffix("_total").unwrap_or(f.name);
                let _ = writeln!(out, "# HELP {base} {}\n# TYPE {base} counter", f.help);
            }
            Kind::Gauge => {
                let _ = writeln!(out, "# HELP {} {}\n# TYPE {} gauge", f.name, f.help, f.name);
            }
            Kind::Histogram => {
                let _ = writeln!(out, "# HELP {} {}\n# TYPE {} histogram", f.name, f.help, f.name);
            }
        }
        for s in &f.streams {
            match f.kind {
                Kind::Counter | Kind::Gauge => {
                    for (ts, v) in &s.points {
                        if let Value::Number(v) = v {
                            line(&mut out, f.name, s.instance, &s.labels, None, *ts, *v);
                        }
                    }
                }
                Kind::Histogram => histogram(&mut out, f, s),
            }
        }
    }
    out.push_str("# EOF\n");
    out
}

fn histogram(out: &mut String, f: &Family, s: &crate::data::Stream) {
    let les: Vec<String> = f.bounds.iter().map(|b| number(*b)).chain(std::iter::once("+Inf".to_string())).collect();
    for (j, le) in les.iter().enumerate() {
        let name = format!("{}_bucket", f.name);
        for (ts, v) in &s.points {
            if let Value::Histogram { buckets, .. } = v {
                let cumulative: u64 = buckets[..=j].iter().sum();
                line(out, &name, s.instance, &s.labels, Some(le), *ts, cumulative as f64);
            }
        }
    }
    for (suffix, pick) in [("_sum", 0), ("_count", 1)] {
        let name = format!("{}{suffix}", f.name);
        for (ts, v) in &s.points {
            if let Value::Histogram { sum, count, .. } = v {
                let value = if pick == 0 { *sum } else { *count as f64 };
                line(out, &name, s.instance, &s.labels, None, *ts, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bucket bounds print as Go's `FormatFloat(v, 'g', -1, 64)` does for the demo's range.
    #[test]
    fn le_values_match_go() {
        let les: Vec<String> = crate::demo::api_bounds().iter().map(|b| number(*b)).collect();
        assert_eq!(les[0], "0.0001");
        assert_eq!(les[1], "0.00015000000000000001");
        assert!(les.iter().all(|l| !l.contains('e')));
    }

    /// Sample lines carry job, instance, labels and a seconds timestamp with milliseconds.
    #[test]
    fn gauge_lines_look_like_openmetrics() {
        let text = render(&[crate::demo::cpu().remove(0)]);
        assert!(text.starts_with("# HELP demo_num_cpus The number of CPUs.\n# TYPE demo_num_cpus gauge\n"), "{text}");
        assert!(text.contains("demo_num_cpus{job=\"demo\",instance=\"demo.promlabs.com:10001\"} 8 1767607201.555\n"));
        assert!(text.ends_with("# EOF\n"));
    }
}
