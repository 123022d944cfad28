//! Evaluation against a real store: selectors, aggregation, operators, functions and errors.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use obs_contract::StoreLimits;
use obs_contract::query::{Budget, QueryLimits};

use super::*;
use crate::store::MetricStore;
use crate::testutil::*;

const T0: i64 = 1_700_000_000;

/// A store with `http_requests_total` for two jobs (a counter rising 1/s for 120 s, with a
/// reset in job b) and a gauge `temp` for two rooms.
pub(super) fn fixture() -> MetricStore {
    let s = MetricStore::new(StoreLimits { max_items: 1000, max_bytes: 0, history: Duration::from_secs(3600) });
    for i in 0..=120i64 {
        let b = if i < 60 { i as f64 } else { (i - 60) as f64 };
        let metrics = vec![
            sum("http.requests", true, 2, vec![point(&[("code", "200")], T0 + i, i as f64)]),
            gauge(
                "temp",
                "",
                vec![point(&[("room", "kitchen")], T0 + i, 20.0), point(&[("room", "cellar")], T0 + i, 12.0)],
            ),
        ];
        s.ingest(request("a", metrics)).unwrap();
        s.ingest(request("b", vec![sum("http.requests", true, 2, vec![point(&[("code", "500")], T0 + i, b)])]))
            .unwrap();
    }
    s
}

fn at(store: &MetricStore, q: &str, secs: i64) -> Result<Value, QueryError> {
    let expr = parse::parse(q, &QueryLimits::default())?;
    instant_query(&StoreView::store_only(store), &expr, secs * 1000, &Budget::unlimited())
}

fn range(view: &StoreView, q: &str, start: i64, end: i64, step: i64) -> Result<Vec<SeriesData>, QueryError> {
    let expr = parse::parse(q, &QueryLimits::default())?;
    range_query(view, &expr, start, end, step, &Budget::unlimited())
}

fn vector(store: &MetricStore, q: &str) -> Vec<(Labels, f64)> {
    match at(store, q, T0 + 120) {
        Ok(Value::Vector(v)) => v.into_iter().map(|s| (s.labels.as_ref().clone(), s.value)).collect(),
        other => panic!("{q}: expected a vector, got {other:?}"),
    }
}

fn values(store: &MetricStore, q: &str) -> Vec<f64> {
    vector(store, q).into_iter().map(|(_, v)| v).collect()
}

fn l(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
}

/// Pins all four matcher types and the metric-name matcher.
#[test]
fn selectors() {
    let s = fixture();
    assert_eq!(values(&s, "temp{room=\"kitchen\"}"), vec![20.0]);
    assert_eq!(values(&s, "temp{room!=\"kitchen\"}"), vec![12.0]);
    assert_eq!(values(&s, "temp{room=~\"k.*\"}"), vec![20.0]);
    assert_eq!(values(&s, "temp{room!~\"k.*\"}"), vec![12.0]);
    assert_eq!(values(&s, "{__name__=~\"temp|nothing\", room=\"cellar\"}"), vec![12.0]);
    assert_eq!(values(&s, "http_requests_total{job=\"b\"}"), vec![60.0]);
}

/// Pins the 5-minute lookback and offset.
#[test]
fn lookback_and_offset() {
    let s = fixture();
    assert_eq!(values(&s, "http_requests_total{job=\"a\"} offset 1m"), vec![60.0]);
    assert!(matches!(at(&s, "temp", T0 + 120 + 301), Ok(Value::Vector(v)) if v.is_empty()));
    assert!(matches!(at(&s, "temp", T0 + 120 + 299), Ok(Value::Vector(v)) if v.len() == 2));
}

/// Pins rate and increase through a real counter reset (job b drops from 59 to 0 at 60 s).
#[test]
fn rate_through_store() {
    let s = fixture();
    let rate = vector(&s, "rate(http_requests_total[1m])");
    assert_eq!(rate.len(), 2);
    assert!(rate.iter().all(|(labels, _)| !labels.iter().any(|(k, _)| k == "__name__")));
    // 60 one-second increments over (60 s, 120 s], samples span 59 s, extrapolated by 1 s: 1/s.
    assert!(rate.iter().all(|(_, v)| (v - 1.0).abs() < 1e-9), "{rate:?}");
    let inc = values(&s, "increase(http_requests_total{job=\"b\"}[2m])");
    // The left-open window holds 1..59 then 0..60: 60 - 1 + 59 (reset) = 118 over 119 s of samples,
    // extrapolated 1 s back to the window start: 118 * 120 / 119.
    assert!((inc[0] - 118.0 * 120.0 / 119.0).abs() < 1e-9, "{inc:?}");
    assert_eq!(values(&s, "irate(http_requests_total{job=\"a\"}[1m])"), vec![1.0]);
}

/// Pins aggregation with by and without.
#[test]
fn aggregations() {
    let s = fixture();
    assert_eq!(vector(&s, "sum(temp)"), vec![(l(&[]), 32.0)]);
    assert_eq!(
        vector(&s, "max by (room) (temp)"),
        vec![(l(&[("room", "cellar")]), 12.0), (l(&[("room", "kitchen")]), 20.0)]
    );
    assert_eq!(values(&s, "count without (room) (temp)"), vec![2.0]);
    assert_eq!(values(&s, "avg(temp)"), vec![16.0]);
    assert_eq!(values(&s, "min(temp)"), vec![12.0]);
    assert_eq!(
        vector(&s, "topk(1, temp)"),
        vec![(
            l(&[
                ("__name__", "temp"),
                ("job", "a"),
                ("otel_scope_name", "test"),
                ("room", "kitchen"),
                ("service_name", "a")
            ]),
            20.0
        )]
    );
    assert_eq!(values(&s, "bottomk(1, temp)"), vec![12.0]);
    assert_eq!(values(&s, "quantile(0.5, temp)"), vec![16.0]);
    assert_eq!(values(&s, "stddev(temp)"), vec![4.0]);
}

/// Pins arithmetic and comparisons with scalars and between vectors.
#[test]
fn operators() {
    let s = fixture();
    assert!(matches!(at(&s, "1 + 1", T0), Ok(Value::Scalar(v)) if v == 2.0));
    assert!(matches!(at(&s, "2 > bool 1", T0), Ok(Value::Scalar(v)) if v == 1.0));
    assert_eq!(values(&s, "temp * 2"), vec![24.0, 40.0]);
    assert_eq!(values(&s, "100 - temp"), vec![88.0, 80.0]);
    let filtered = vector(&s, "temp > 15");
    assert_eq!(filtered.len(), 1);
    assert!(filtered[0].0.iter().any(|(k, v)| k == "__name__" && v == "temp"));
    assert_eq!(values(&s, "temp > bool 15"), vec![0.0, 1.0]);
    assert_eq!(values(&s, "15 < temp"), vec![20.0]);
    assert_eq!(values(&s, "temp - temp"), vec![0.0, 0.0]);
    assert_eq!(
        values(&s, "sum by (job) (http_requests_total) / on (job) sum by (job) (http_requests_total)"),
        vec![1.0, 1.0]
    );
    assert_eq!(values(&s, "-(temp)"), vec![-12.0, -20.0]);
    assert_eq!(values(&s, "temp and temp{room=\"cellar\"}"), vec![12.0]);
    assert_eq!(values(&s, "temp unless temp{room=\"cellar\"}"), vec![20.0]);
    assert!(matches!(at(&s, "vector(1) / 0", T0), Ok(Value::Vector(v)) if v[0].value.is_infinite()));
}

/// Pins the errors: unsupported features name themselves; bad matching is an execution error.
#[test]
fn errors() {
    let s = fixture();
    let err = |q| at(&s, q, T0 + 120).err();
    assert!(
        matches!(err("count_values(\"v\", temp)"), Some(QueryError::Execution(m)) if m.contains("\"count_values\""))
    );
    assert!(
        matches!(err("predict_linear(temp[1m], 60)"), Some(QueryError::Execution(m)) if m.contains("predict_linear"))
    );
    assert!(matches!(err("rate(temp[5m:1m])"), Some(QueryError::Execution(m)) if m.contains("subquery")));
    assert!(
        matches!(err("temp * on() group_left temp"), Some(QueryError::Execution(m)) if m.contains("duplicate series"))
    );
    assert!(
        matches!(err("temp + ignoring(room) temp"), Some(QueryError::Execution(m)) if m.contains("duplicate series"))
    );
    assert!(matches!(err("1 +"), Some(QueryError::BadData(m)) if m.starts_with("invalid parameter \"query\"")));
    assert_eq!(
        err("1+"),
        Some(QueryError::BadData("invalid parameter \"query\": 1:3: parse error: unexpected end of input".into()))
    );
    assert!(matches!(err("nosuchfn(up)"), Some(QueryError::BadData(m)) if m.contains("nosuchfn")));
    assert!(matches!(err(""), Some(QueryError::BadData(m)) if m.contains("no expression found in input")));
}

/// Pins range queries: one series per label set, a value at each step.
#[test]
fn range_queries() {
    let s = fixture();
    let view = StoreView::store_only(&s);
    let out = range(&view, "temp{room=\"kitchen\"}", (T0 + 60) * 1000, (T0 + 120) * 1000, 30_000).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].samples, vec![((T0 + 60) * 1000, 20.0), ((T0 + 90) * 1000, 20.0), ((T0 + 120) * 1000, 20.0)]);
    let scalar = range(&view, "time()", T0 * 1000, (T0 + 10) * 1000, 10_000).unwrap();
    assert_eq!(scalar[0].samples, vec![(T0 * 1000, T0 as f64), ((T0 + 10) * 1000, (T0 + 10) as f64)]);
    assert!(matches!(range(&view, "temp[1m]", T0 * 1000, T0 * 1000, 1000), Err(QueryError::BadData(_))));
}

/// Pins histogram_quantile over stored `_bucket` series.
#[test]
fn histogram_quantile_through_store() {
    let s = fixture();
    s.ingest(request("a", vec![histogram("lat", "s", T0 + 120, &[0.1, 0.5, 1.0], &[10, 20, 10, 10], 12.0)])).unwrap();
    let q = values(&s, "histogram_quantile(0.5, lat_seconds_bucket)");
    assert!((q[0] - 0.4).abs() < 1e-9, "{q:?}");
    let q = values(&s, "histogram_quantile(0.9, sum by (le) (lat_seconds_bucket))");
    assert_eq!(q, vec![1.0]);
}

/// Pins the duplicate-labelset error when dropping the name makes two series collide.
#[test]
fn colliding_label_sets_are_an_error() {
    let s = fixture();
    s.ingest(request("a", vec![gauge("cold", "", vec![point(&[("room", "cellar")], T0 + 120, 5.0)])])).unwrap();
    let err = at(&s, "{__name__=~\"temp|cold\", room=\"cellar\"} * 1", T0 + 120).err();
    assert!(matches!(&err, Some(QueryError::Execution(m)) if m.contains("same labelset")), "{err:?}");
    assert_eq!(values(&s, "sum({__name__=~\"temp|cold\", room=\"cellar\"})"), vec![17.0]);
}

/// Pins that extreme ranges, offsets and `@` times evaluate without overflowing.
#[test]
fn extreme_durations_do_not_overflow() {
    let s = fixture();
    for q in ["rate(temp[100000y])", "temp offset 100000y", "temp offset -100000y", "sum_over_time(temp[100000y] @ 0)"]
    {
        assert!(at(&s, q, T0 + 120).is_ok(), "{q}");
    }
    let view = StoreView::store_only(&s);
    assert!(range(&view, "temp", i64::MAX - 10, i64::MAX, 1_000_000).is_ok());
}

/// Pins the element-wise functions and sort order surviving to the answer.
#[test]
fn element_functions_and_sort() {
    let s = fixture();
    assert_eq!(values(&s, "clamp(temp, 13, 15)"), vec![13.0, 15.0]);
    assert_eq!(values(&s, "clamp_min(temp, 15)"), vec![15.0, 20.0]);
    assert_eq!(values(&s, "clamp_max(temp, 15)"), vec![12.0, 15.0]);
    assert!(values(&s, "clamp(temp, 15, 13)").is_empty());
    assert_eq!(values(&s, "round(temp / 7)"), vec![2.0, 3.0]);
    assert_eq!(values(&s, "round(temp / 7, 0.5)"), vec![1.5, 3.0]);
    assert_eq!(values(&s, "sort_desc(temp)"), vec![20.0, 12.0]);
    assert_eq!(values(&s, "sort(temp)"), vec![12.0, 20.0]);
    assert_eq!(values(&s, "resets(http_requests_total{job=\"b\"}[2m])"), vec![1.0]);
    assert_eq!(values(&s, "quantile_over_time(0.5, temp[1m])"), vec![12.0, 20.0]);
}

/// Pins group_left/group_right: the many side keeps its labels and gains the listed ones.
#[test]
fn many_to_one_matching() {
    let s = fixture();
    s.ingest(request(
        "a",
        vec![gauge("room.info", "", vec![point(&[("room", "kitchen"), ("floor", "1")], T0 + 120, 1.0)])],
    ))
    .unwrap();
    let joined = vector(&s, "temp * on(room) group_left(floor) room_info");
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0].1, 20.0);
    assert!(joined[0].0.iter().any(|(k, v)| k == "floor" && v == "1"));
    assert!(!joined[0].0.iter().any(|(k, _)| k == "__name__"));
    let right = vector(&s, "room_info * on(room) group_right temp");
    assert_eq!(right.len(), 1);
    assert!(right[0].0.iter().any(|(k, v)| k == "room" && v == "kitchen"));
    let err = at(&s, "temp * on(job) group_left(room) room_info", T0 + 120).err();
    assert!(matches!(&err, Some(QueryError::Execution(m)) if m.contains("vector cannot contain")), "{err:?}");
}

/// Pins label_replace, label_join and absent.
#[test]
fn label_functions() {
    let s = fixture();
    let out = vector(&s, "label_replace(temp, \"where\", \"in-$1\", \"room\", \"(k.*)\")");
    assert!(out.iter().any(|(l, _)| l.iter().any(|(k, v)| k == "where" && v == "in-kitchen")));
    assert!(out.iter().any(|(l, _)| !l.iter().any(|(k, _)| k == "where")), "non-matching series pass unchanged");
    let out = vector(&s, "label_join(temp{room=\"cellar\"}, \"id\", \"/\", \"job\", \"room\")");
    assert!(out[0].0.iter().any(|(k, v)| k == "id" && v == "a/cellar"));
    assert_eq!(vector(&s, "absent(nothing{job=\"x\", env=~\"p.*\"})"), vec![(l(&[("job", "x")]), 1.0)]);
    assert!(vector(&s, "absent(temp)").is_empty());
    assert!(matches!(at(&s, "label_replace(temp, \"1x\", \"\", \"room\", \".*\")", T0), Err(QueryError::BadData(_))));
}

/// Stack of tokio's blocking-pool threads, where the runner evaluates queries.
const BLOCKING_STACK: usize = 2 << 20;

/// Pins that the deepest and longest queries the limits let through parse, evaluate and drop
/// on a blocking-pool-sized stack (debug build included): 1000 terms, 1000 unary signs, 64
/// nested calls.
#[test]
fn queries_at_the_limits_fit_the_stack() {
    let limits = QueryLimits::default();
    let terms = vec!["temp"; limits.max_terms].join("+");
    let unary = format!("{}temp", "- ".repeat(limits.max_terms));
    let calls = format!("{}temp{}", "abs(".repeat(limits.max_depth - 1), ")".repeat(limits.max_depth - 1));
    let pow = vec!["2"; limits.max_terms].join("^");
    let worker = std::thread::Builder::new().stack_size(BLOCKING_STACK).spawn(move || {
        let s = fixture();
        [terms, unary, calls, pow].map(|q| at(&s, &q, T0 + 120).map(|v| eval::kind(&v)))
    });
    let answers = worker.unwrap().join().unwrap();
    assert_eq!(answers, [Ok("instant vector"), Ok("instant vector"), Ok("instant vector"), Ok("scalar")]);
}
