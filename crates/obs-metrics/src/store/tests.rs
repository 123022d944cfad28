//! Store behaviour: translation into series, delta accumulation, caps and counters.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use obs_contract::query::Budget;
use obs_contract::{ItemLimits, StoreLimits};
use opentelemetry_proto::tonic::metrics::v1::{ExponentialHistogram, Metric, metric::Data};

use super::*;
use crate::testutil::*;

fn store(max_items: u64) -> MetricStore {
    MetricStore::new(StoreLimits { max_items, max_bytes: 0, history: Duration::from_secs(3600) })
}

fn names(store: &MetricStore) -> Vec<String> {
    let mut v: Vec<String> =
        store.latest(0).iter().map(|l| crate::query::label_of(&l.labels, "__name__").to_string()).collect();
    v.sort();
    v
}

/// Pins the series a counter, a gauge and a histogram become, with job and resource labels.
#[test]
fn otlp_becomes_prometheus_series() {
    let s = store(100);
    let now = now_ms() / 1000;
    let req = request(
        "svc",
        vec![
            sum("orders.filled", true, 2, vec![point(&[("venue.id", "x")], now, 3.0)]),
            gauge("cpu.util", "1", vec![point(&[], now, 0.5)]),
            histogram("rpc.duration", "s", now, &[0.1, 1.0], &[1, 2, 3], 4.5),
        ],
    );
    let out = s.ingest(req).unwrap();
    assert_eq!((out.accepted, out.rejected), (3, 0));
    assert_eq!(
        names(&s),
        vec![
            "cpu_util_ratio",
            "orders_filled_total",
            "rpc_duration_seconds_bucket",
            "rpc_duration_seconds_bucket",
            "rpc_duration_seconds_bucket",
            "rpc_duration_seconds_count",
            "rpc_duration_seconds_sum",
        ]
    );
    let counter = s.select(Some("orders_filled_total"), &|_| true, (0, i64::MAX), false, &Budget::unlimited()).unwrap();
    let labels: Vec<(&str, &str)> = counter[0].labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        labels,
        vec![
            ("__name__", "orders_filled_total"),
            ("job", "svc"),
            ("otel_scope_name", "test"),
            ("service_name", "svc"),
            ("venue_id", "x")
        ]
    );
    let inf = s
        .select(
            Some("rpc_duration_seconds_bucket"),
            &|l| crate::query::label_of(l, "le") == "+Inf",
            (0, i64::MAX),
            false,
            &Budget::unlimited(),
        )
        .unwrap();
    assert_eq!(inf[0].samples[0].1, 6.0);
}

/// Pins delta sums accumulating into a cumulative counter.
#[test]
fn delta_sums_accumulate() {
    let s = store(100);
    let now = now_ms() / 1000;
    for (i, v) in [2.0, 3.0, 4.0].into_iter().enumerate() {
        s.ingest(request("svc", vec![sum("d", true, 1, vec![point(&[], now - 10 + i as i64, v)])])).unwrap();
    }
    let got = s.select(Some("d_total"), &|_| true, (0, i64::MAX), false, &Budget::unlimited()).unwrap();
    assert_eq!(got[0].samples.iter().map(|p| p.1).collect::<Vec<_>>(), vec![2.0, 5.0, 9.0]);
}

/// Pins the series cap: least recently updated series go first, and the counters say so.
#[test]
fn series_cap_evicts_least_recently_updated() {
    let s = store(3);
    let now = now_ms() / 1000;
    for i in 0..5 {
        let id = i.to_string();
        s.ingest(request("svc", vec![gauge("g", "", vec![point(&[("i", &id)], now, i as f64)])])).unwrap();
    }
    let stats = s.stats();
    assert_eq!((stats.items, stats.evicted, stats.ingested), (3, 2, 5));
    let left: Vec<f64> = s.latest(0).iter().map(|l| l.value).collect();
    assert!(left.iter().all(|v| *v >= 2.0), "{left:?}");
    assert!(stats.bytes > 0);
}

/// Pins the byte cap evicting series too.
#[test]
fn byte_cap_evicts() {
    let s = MetricStore::new(StoreLimits { max_items: 1000, max_bytes: 2_000, history: Duration::from_secs(3600) });
    let now = now_ms() / 1000;
    for i in 0..50 {
        let id = i.to_string();
        s.ingest(request("svc", vec![gauge("g", "", vec![point(&[("i", &id)], now, 1.0)])])).unwrap();
    }
    let stats = s.stats();
    assert!(stats.bytes <= 2_000, "{stats:?}");
    assert_eq!(stats.items + stats.evicted, 50);
}

/// Pins exponential histograms being rejected with a partial-success message.
#[test]
fn exponential_histograms_are_rejected() {
    let s = store(10);
    let metric = Metric {
        name: "eh".into(),
        data: Some(Data::ExponentialHistogram(ExponentialHistogram {
            data_points: vec![Default::default()],
            aggregation_temporality: 2,
        })),
        ..Default::default()
    };
    let out = s.ingest(request("svc", vec![metric])).unwrap();
    assert_eq!(out.rejected, 1);
    assert!(out.message.unwrap_or_default().contains("exponential histogram \"eh\""));
    assert_eq!(s.stats().refused, 1);
}

/// Pins series not updated within the history window being expired.
#[test]
fn stale_series_expire() {
    let s = MetricStore::new(StoreLimits { max_items: 100, max_bytes: 0, history: Duration::from_secs(60) });
    let t0 = 1_700_000_000_000;
    s.store(
        convert::convert(request("svc", vec![gauge("old", "", vec![point(&[], 0, 1.0)])]), t0, &ItemLimits::default()),
        t0,
    )
    .unwrap();
    let later = t0 + 61_000;
    s.store(
        convert::convert(
            request("svc", vec![gauge("new", "", vec![point(&[], 0, 1.0)])]),
            later,
            &ItemLimits::default(),
        ),
        later,
    )
    .unwrap();
    assert_eq!(names(&s), vec!["new"]);
    assert_eq!(s.stats().evicted, 1);
}

/// Pins that a metric whose name has no valid characters is rejected, not stored nameless.
#[test]
fn nameless_metrics_are_rejected() {
    let s = store(10);
    let out = s.ingest(request("svc", vec![gauge("...", "", vec![point(&[("", "x")], 0, 1.0)])])).unwrap();
    assert_eq!(out.rejected, 1);
    assert!(out.message.unwrap_or_default().contains("\"...\""));
    let out = s.ingest(request("svc", vec![gauge("ok", "", vec![point(&[("", "x"), ("..", "y")], 0, 1.0)])])).unwrap();
    assert_eq!(out.rejected, 0);
    let labels = s.select(Some("ok"), &|_| true, (0, i64::MAX), false, &Budget::unlimited()).unwrap()[0].labels.clone();
    assert!(labels.iter().all(|(k, _)| !k.is_empty() && k != "__"), "{labels:?}");
}

/// Pins `latest(since)` leaving out series not updated since then (the exposition's expiry).
#[test]
fn latest_filters_by_update_time() {
    let s = store(10);
    let t0 = 1_700_000_000_000;
    s.store(
        convert::convert(request("svc", vec![gauge("g", "", vec![point(&[], 0, 1.0)])]), t0, &ItemLimits::default()),
        t0,
    )
    .unwrap();
    assert_eq!(s.latest(t0).len(), 1);
    assert!(s.latest(t0 + 1).is_empty());
}

/// Pins a request bringing more new series than the whole cap being refused up front as
/// TooLarge naming OBS_MAX_SERIES, with nothing stored and nothing evicted for it.
#[test]
fn request_larger_than_the_series_cap_is_refused() {
    let s = store(10);
    let now = now_ms() / 1000;
    s.ingest(request("svc", vec![gauge("kept", "", vec![point(&[], now, 1.0)])])).unwrap();
    let points = (0..11).map(|i| point(&[("i", &i.to_string())], now, 1.0)).collect();
    let refusal = s.ingest(request("svc", vec![gauge("wide", "", points)])).unwrap_err();
    let Refusal::TooLarge(message) = &refusal else { panic!("{refusal:?}") };
    assert!(message.contains("11 new series") && message.contains("OBS_MAX_SERIES"), "{message}");
    assert!(!refusal.is_retryable());
    assert_eq!(names(&s), vec!["kept"]);
    let stats = s.stats();
    assert_eq!((stats.items, stats.evicted, stats.refused), (1, 0, 11));
}

/// Pins a histogram point with more bounds than `max_histogram_bounds` being rejected as
/// partial success naming the limit, without evicting other series.
#[test]
fn histograms_over_the_bound_limit_are_rejected() {
    let s = store(1000);
    let now = now_ms() / 1000;
    s.ingest(request("svc", vec![gauge("kept", "", vec![point(&[], now, 1.0)])])).unwrap();
    let bounds: Vec<f64> = (0..100_000).map(f64::from).collect();
    let counts = vec![1u64; bounds.len() + 1];
    let out = s.ingest(request("svc", vec![histogram("huge", "", now, &bounds, &counts, 1.0)])).unwrap();
    assert_eq!((out.accepted, out.rejected), (0, 1));
    assert!(out.message.unwrap_or_default().contains("more than 512 explicit bounds"));
    assert_eq!(names(&s), vec!["kept"]);
    assert_eq!(s.stats().evicted, 0);
}

/// Pins points further ahead than the creation grace being rejected (partial success), so
/// they cannot block their series; the series keeps taking current points.
#[test]
fn far_future_points_are_rejected_and_never_block() {
    let s = store(10);
    let now = now_ms() / 1000;
    let year = 365 * 86_400;
    let out = s.ingest(request("svc", vec![gauge("g", "", vec![point(&[], now + year, 9.0)])])).unwrap();
    assert_eq!(out.rejected, 1);
    assert!(out.message.unwrap_or_default().contains("more than 600s ahead of the server's clock"));
    let out = s.ingest(request("svc", vec![gauge("g", "", vec![point(&[], now, 1.0)])])).unwrap();
    assert_eq!((out.accepted, out.rejected), (1, 0));
    let out = s.ingest(request("svc", vec![gauge("g", "", vec![point(&[], now + 1, 2.0)])])).unwrap();
    assert_eq!((out.accepted, out.rejected), (1, 0));
    assert_eq!(s.latest(0)[0].value, 2.0);
}

/// Pins families going with their last series: an evicted family leaves metadata and the
/// byte count, so distinct names cannot pile up outside the caps.
#[test]
fn families_are_freed_with_their_last_series() {
    let s = store(1);
    let now = now_ms() / 1000;
    s.ingest(request("svc", vec![gauge("first00", "", vec![point(&[], now, 1.0)])])).unwrap();
    let one = s.stats().bytes;
    for i in 0..100 {
        s.ingest(request("svc", vec![gauge(&format!("name{i:03}"), "", vec![point(&[], now, 1.0)])])).unwrap();
    }
    let families: Vec<String> = s.families().into_iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(families, vec!["name099"]);
    let stats = s.stats();
    assert_eq!((stats.items, stats.evicted), (1, 100));
    assert_eq!(stats.bytes, one, "the same shape of series and family counts the same bytes");
}

/// Pins `stats()` answering while another thread holds the store's write lock (it reads
/// atomics), so health and status never wait on ingest or a query.
#[test]
fn stats_never_take_the_store_lock() {
    let s = store(10);
    let now = now_ms() / 1000;
    s.ingest(request("svc", vec![gauge("g", "", vec![point(&[], now, 1.0)])])).unwrap();
    let _held = s.inner.write();
    assert_eq!(s.stats().items, 1);
}

/// Pins a request whose new series alone need more bytes than the byte cap being refused up
/// front as TooLarge, with what was stored before kept.
#[test]
fn request_larger_than_the_byte_cap_is_refused() {
    let s = MetricStore::new(StoreLimits { max_items: 1000, max_bytes: 2_000, history: Duration::from_secs(3600) });
    let now = now_ms() / 1000;
    s.ingest(request("svc", vec![gauge("kept", "", vec![point(&[], now, 1.0)])])).unwrap();
    let points = (0..20).map(|i| point(&[("i", &i.to_string())], now, 1.0)).collect();
    let refusal = s.ingest(request("svc", vec![gauge("wide", "", points)])).unwrap_err();
    let Refusal::TooLarge(message) = &refusal else { panic!("{refusal:?}") };
    assert!(message.contains("20 new series") && message.contains("byte cap of 2000 bytes"), "{message}");
    assert_eq!(names(&s), vec!["kept"]);
}

/// Pins the per-point attribute limit: past 128 attributes the rest are dropped and counted
/// in the partial-success message, and over-long values are cut to the value limit.
#[test]
fn attributes_over_the_limits_are_dropped_and_counted() {
    let s = store(10);
    let now = now_ms() / 1000;
    let names: Vec<String> = (0..200).map(|i| format!("a{i:03}")).collect();
    let long = "x".repeat(70 * 1024);
    let mut attrs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
    attrs[0].1 = &long;
    let out = s.ingest(request("svc", vec![gauge("g", "", vec![point(&attrs, now, 1.0)])])).unwrap();
    assert_eq!((out.accepted, out.rejected), (1, 0));
    let message = out.message.unwrap_or_default();
    assert!(message.contains("72 attributes dropped: at most 128 attributes"), "{message}");
    assert!(message.contains("1 attribute keys or values truncated to 1024 / 65536 bytes"), "{message}");
    let labels = s.latest(0)[0].labels.clone();
    assert_eq!(crate::query::label_of(&labels, "a000").len(), 64 * 1024);
    assert!(crate::query::label_of(&labels, "a127") == "v" && crate::query::label_of(&labels, "a128").is_empty());
}
