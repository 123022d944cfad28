//! The `demo_*` families, simulated the way julius/prometheus-demo-service produces them
//! (same names, labels and value shapes), one sample per 5 s scrape.

use crate::data::{Family, INSTANCES, Kind, SCRAPES, Stream, Value, rng_for, scrape_ms};

const CPUS: [u32; 3] = [4, 8, 2];
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
/// Instance 1 restarts at this scrape: its counters start again from zero.
const RESTART_SCRAPE: i64 = 700;

fn gauge_stream(k: usize, labels: Vec<(&'static str, String)>, mut value: impl FnMut(i64) -> Option<f64>) -> Stream {
    let points = (0..SCRAPES).filter_map(|i| value(i).map(|v| (scrape_ms(k, i), Value::Number(v)))).collect();
    Stream { instance: INSTANCES[k], labels, points }
}

fn family(name: &'static str, help: &'static str, kind: Kind, streams: Vec<Stream>) -> Family {
    Family { name, help, kind, bounds: Vec::new(), streams }
}

/// `demo_num_cpus` and `demo_cpu_usage_seconds_total{mode}` (with one restart).
pub fn cpu() -> Vec<Family> {
    let cpus = (0..3).map(|k| gauge_stream(k, vec![], |_| Some(f64::from(CPUS[k])))).collect();
    let mut usage = Vec::new();
    for (k, cpus) in CPUS.into_iter().enumerate() {
        for (mode, ratio) in [("idle", 0.0), ("system", 0.1), ("user", 0.5)] {
            let mut rng = rng_for("cpu", k, &[mode]);
            let mut total = 0.0;
            usage.push(gauge_stream(k, vec![("mode", mode.to_string())], |i| {
                if k == 1 && i == RESTART_SCRAPE {
                    total = 0.0;
                }
                let factor = f64::from(cpus) * 5.0;
                let ratio = if mode == "idle" { 0.4 } else { ratio };
                total += (ratio + (rng.float() - 0.5) / 5.0) * factor;
                Some(total)
            }));
        }
    }
    vec![
        family("demo_num_cpus", "The number of CPUs.", Kind::Gauge, cpus),
        family("demo_cpu_usage_seconds_total", "The total amount of CPU time used.", Kind::Counter, usage),
    ]
}

/// `demo_memory_usage_bytes{type}`, `demo_disk_usage_bytes`, `demo_disk_total_bytes`.
pub fn memory_and_disk() -> Vec<Family> {
    let mut memory = Vec::new();
    let mut disk = Vec::new();
    let mut disk_total = Vec::new();
    for k in 0..3 {
        let total = 16.0 * GIB;
        let bases = [("used", 6.0 * GIB), ("cached", 3.0 * GIB), ("buffers", 1.0 * GIB)];
        let mut rng = rng_for("memory", k, &[]);
        let mut series: Vec<Vec<f64>> = vec![Vec::new(); 4];
        let mut current: Vec<f64> = bases.iter().map(|(_, b)| *b).collect();
        for _ in 0..SCRAPES {
            for (j, (_, base)) in bases.iter().enumerate() {
                current[j] += ((rng.float() - 0.5) * 60.0 * 1024.0 * 1024.0).trunc();
                if (current[j] - base).abs() > base * 0.1 {
                    current[j] = *base;
                }
                series[j].push(current[j]);
            }
            series[3].push(total - current.iter().sum::<f64>());
        }
        for (j, name) in ["used", "cached", "buffers", "free"].into_iter().enumerate() {
            let values = series[j].clone();
            memory.push(gauge_stream(k, vec![("type", name.to_string())], |i| values.get(i as usize).copied()));
        }
        let disk_size = 100.0 * GIB * (k as f64 + 1.0);
        let mut rng = rng_for("disk", k, &[]);
        let mut usage = (0.1 * disk_size).trunc();
        disk.push(gauge_stream(k, vec![], |_| {
            usage += (5.0 * 1024.0 * 1024.0 * (1.0 - (rng.float() - 0.5)) * (k as f64 + 1.0)).trunc();
            if usage > 0.9 * disk_size {
                usage = (0.1 * disk_size).trunc();
            }
            Some(usage)
        }));
        disk_total.push(gauge_stream(k, vec![], |_| Some(disk_size)));
    }
    vec![
        family("demo_memory_usage_bytes", "The memory usage in bytes.", Kind::Gauge, memory),
        family("demo_disk_usage_bytes", "The disk usage in bytes.", Kind::Gauge, disk),
        family("demo_disk_total_bytes", "The total disk space in bytes.", Kind::Gauge, disk_total),
    ]
}

/// The batch job gauges: a run every 2 minutes (per instance phase), one in ten failing.
pub fn batch() -> Vec<Family> {
    let names: [(&'static str, &'static str); 4] = [
        (
            "demo_batch_last_success_timestamp_seconds",
            "The Unix timestamp in seconds since the last successful batch job completion.",
        ),
        ("demo_batch_last_run_timestamp_seconds", "The Unix timestamp in seconds since the last batch job run."),
        ("demo_batch_last_run_duration_seconds", "The duration of the last batch job run in seconds."),
        ("demo_batch_last_run_processed_bytes", "The number of bytes processed in the last batch job run."),
    ];
    let mut streams: Vec<Vec<Stream>> = vec![Vec::new(); 4];
    for k in 0..3 {
        let mut rng = rng_for("batch", k, &[]);
        let start_s = scrape_ms(k, 0) as f64 / 1000.0 - 30.0;
        let (mut success, mut run, mut duration, mut bytes) = (start_s, start_s, 120.0, 1e6);
        let mut values: Vec<[f64; 4]> = Vec::new();
        for i in 0..SCRAPES {
            let now_s = scrape_ms(k, i) as f64 / 1000.0;
            if now_s - run >= 120.0 {
                let finished = run + 120.0 + rng.float() * 2.0;
                duration = finished - run;
                run = finished;
                if rng.float() > 0.1 {
                    success = finished;
                    bytes = (1e6 + 1e5 - rng.below(100_000) as f64).trunc();
                }
            }
            values.push([success, run, duration, bytes]);
        }
        for (j, out) in streams.iter_mut().enumerate() {
            out.push(gauge_stream(k, vec![], |i| values.get(i as usize).map(|v| v[j])));
        }
    }
    names.into_iter().zip(streams).map(|((name, help), s)| family(name, help, Kind::Gauge, s)).collect()
}

/// `demo_items_shipped_total` (daily sine) and `demo_is_holiday`.
pub fn shipping() -> Vec<Family> {
    let mut shipped = Vec::new();
    let mut holiday = Vec::new();
    for k in 0..3 {
        let mut total = 0.0;
        let mut rng = rng_for("shipped", k, &[]);
        shipped.push(gauge_stream(k, vec![], |i| {
            let phase = 1.0 + 2.0 * std::f64::consts::PI * (i as f64 / 720.0);
            total += (50.0 / (2.0 + phase.sin()) + rng.float() * 3.0).trunc();
            Some(total)
        }));
        holiday.push(gauge_stream(k, vec![], |_| Some(0.0)));
    }
    vec![
        family("demo_items_shipped_total", "The total number of shipped items.", Kind::Counter, shipped),
        family("demo_is_holiday", "Whether it is currently a holiday.", Kind::Gauge, holiday),
    ]
}

/// `demo_intermittent_metric`: 1 during even minutes, absent in odd ones.
pub fn intermittent() -> Family {
    let streams =
        (0..3).map(|k| gauge_stream(k, vec![], |i| ((scrape_ms(k, i) / 60_000) % 2 == 0).then_some(1.0))).collect();
    family(
        "demo_intermittent_metric",
        "A metric that is only present intermittently to test staleness handling.",
        Kind::Gauge,
        streams,
    )
}

/// `ExponentialBuckets(0.0001, 1.5, 25)` computed as client_golang does.
pub fn api_bounds() -> Vec<f64> {
    let mut start = 0.0001_f64;
    let mut out = Vec::with_capacity(25);
    for _ in 0..25 {
        out.push(start);
        start *= 1.5;
    }
    out
}

/// `demo_api_request_duration_seconds{method,path,status}`: requests per scrape with the
/// demo's base latencies, a tenfold outage now and then, and its error ratios.
pub fn api() -> Family {
    let bounds = api_bounds();
    // (method, path, status, requests per scrape, base latency s)
    let combos: [(&str, &str, &str, u64, f64); 5] = [
        ("GET", "/api/foo", "200", 60, 0.010),
        ("GET", "/api/foo", "500", 1, 0.010),
        ("GET", "/api/bar", "200", 40, 0.015),
        ("POST", "/api/bar", "200", 10, 0.050),
        ("GET", "/api/nonexistent", "404", 2, 0.0002),
    ];
    let mut streams = Vec::new();
    for (k, instance) in INSTANCES.into_iter().enumerate() {
        for (method, path, status, per_scrape, base) in combos {
            let mut rng = rng_for("api", k, &[method, path, status]);
            let mut buckets = vec![0u64; bounds.len() + 1];
            let (mut sum, mut count) = (0.0_f64, 0u64);
            let mut points = Vec::new();
            for i in 0..SCRAPES {
                let outage = if (i / 40) % 10 == 0 { 3.0 } else { 1.0 };
                let n = rng.below(per_scrape * 2 + 1);
                for _ in 0..n {
                    let latency = (base + rng.normal() * base / 10.0).max(base / 10.0) * outage;
                    let b = bounds.iter().position(|le| latency <= *le).unwrap_or(bounds.len());
                    buckets[b] += 1;
                    sum += latency;
                    count += 1;
                }
                points.push((scrape_ms(k, i), Value::Histogram { buckets: buckets.clone(), sum, count }));
            }
            let labels =
                vec![("method", method.to_string()), ("path", path.to_string()), ("status", status.to_string())];
            streams.push(Stream { instance, labels, points });
        }
    }
    Family {
        name: "demo_api_request_duration_seconds",
        help: "A histogram of the API HTTP request durations in seconds.",
        kind: Kind::Histogram,
        bounds,
        streams,
    }
}
