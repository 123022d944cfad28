//! Search semantics over a small store: operators, scopes, spanset combinations, limits, order.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use obs_contract::StoreLimits;
use obs_contract::query::{Budget, QueryLimits};
use opentelemetry_proto::tonic::common::v1::any_value::Value;

use super::{Request, legacy_query, run};
use crate::TraceStore;
use crate::query::traceql::{ast::Spanset, parse};
use crate::testdata::{kv, request, s, span};

/// Three traces: 1 = checkout (GET, 200, 10 ms), 2 = payments with an error child, 3 = checkout POST 500.
fn store() -> TraceStore {
    let store = TraceStore::new(StoreLimits { max_items: 1000, max_bytes: 1 << 24, history: Default::default() });
    let get = vec![kv("http.method", s("GET")), kv("http.status", Value::IntValue(200))];
    store.ingest(request("checkout", vec![span(1, 1, 0, "GET /cart", 100, get)])).unwrap();
    let mut failing = span(2, 3, 2, "charge", 205, vec![kv("amount", Value::DoubleValue(9.5))]);
    failing.status = Some(opentelemetry_proto::tonic::trace::v1::Status { message: "declined".into(), code: 2 });
    failing.end_time_unix_nano = 400 * 1_000_000;
    let root = span(2, 2, 0, "POST /pay", 200, vec![kv("http.method", s("POST"))]);
    store.ingest(request("payments", vec![root, failing])).unwrap();
    let post = vec![kv("http.method", s("POST")), kv("http.status", Value::IntValue(500))];
    store.ingest(request("checkout", vec![span(3, 4, 0, "POST /cart", 300, post)])).unwrap();
    store
}

fn ids(store: &TraceStore, query: Spanset, limit: usize) -> Vec<u8> {
    let req = Request {
        query,
        spansets: true,
        limit,
        spss: 3,
        start: None,
        end: None,
        min_duration: None,
        max_duration: None,
    };
    let out = run(store, &req, &Budget::unlimited()).unwrap();
    out.hits.iter().map(|h| h.trace_id[15]).collect()
}

fn q(store: &TraceStore, text: &str) -> Vec<u8> {
    ids(store, parse(text).unwrap(), 20)
}

/// Pins resource, span and unscoped attribute equality, newest start first.
#[test]
fn attribute_scopes() {
    let st = store();
    assert_eq!(q(&st, r#"{ resource.service.name = "checkout" }"#), vec![3, 1]);
    assert_eq!(q(&st, r#"{ span.http.method = "POST" }"#), vec![3, 2]);
    assert_eq!(q(&st, r#"{ .service.name = "payments" }"#), vec![2]);
    assert_eq!(q(&st, r#"{ resource.http.method = "POST" }"#), Vec::<u8>::new());
}

/// Pins numeric, regex, status, duration and nil comparisons.
#[test]
fn operators() {
    let st = store();
    assert_eq!(q(&st, "{ span.http.status >= 500 }"), vec![3]);
    assert_eq!(q(&st, "{ .http.status != 500 }"), vec![1]);
    assert_eq!(q(&st, "{ .amount > 9.0 && .amount < 10 }"), vec![2]);
    assert_eq!(q(&st, r#"{ name =~ "POST.*" }"#), vec![3, 2]);
    assert_eq!(q(&st, r#"{ name !~ "POST.*" && status != error }"#), vec![1]);
    assert_eq!(q(&st, "{ status = error }"), vec![2]);
    assert_eq!(q(&st, "{ duration > 100ms }"), vec![2]);
    assert_eq!(q(&st, "{ traceDuration >= 195ms }"), vec![2]);
    assert_eq!(q(&st, "{ .amount = nil && kind = server }"), vec![3, 2, 1]);
    assert_eq!(q(&st, r#"{ rootServiceName = "payments" && statusMessage = "declined" }"#), vec![2]);
}

/// Pins `&&` and `||` between spansets: both must match in one trace, either may.
#[test]
fn spanset_combinations() {
    let st = store();
    assert_eq!(q(&st, r#"{ name = "POST /pay" } && { status = error }"#), vec![2]);
    assert_eq!(q(&st, r#"{ name = "GET /cart" } && { status = error }"#), Vec::<u8>::new());
    assert_eq!(q(&st, r#"({ name = "GET /cart" } || { status = error }) && {}"#), vec![2, 1]);
}

/// Pins the limit and the legacy tags query (exact text match, ints by their text).
#[test]
fn limit_and_legacy_tags() {
    let st = store();
    assert_eq!(ids(&st, parse("{}").unwrap(), 2), vec![3, 2]);
    let tags = |pairs: &[(&str, &str)]| {
        legacy_query(
            &pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect::<Vec<_>>(),
            &QueryLimits::default(),
        )
        .unwrap()
    };
    assert_eq!(ids(&st, tags(&[("service.name", "checkout")]), 20), vec![3, 1]);
    assert_eq!(ids(&st, tags(&[("service.name", "checkout"), ("http.status", "500")]), 20), vec![3]);
    assert_eq!(ids(&st, tags(&[("service.name", "check")]), 20), Vec::<u8>::new());
    assert_eq!(ids(&st, tags(&[("name", "charge")]), 20), vec![2]);
}

/// Pins the matched spans and service stats reported for a spanset.
#[test]
fn spanset_details() {
    let st = store();
    let req = Request {
        query: parse("{ status = error || name = \"POST /pay\" }").unwrap(),
        spansets: true,
        limit: 20,
        spss: 1,
        start: None,
        end: None,
        min_duration: None,
        max_duration: None,
    };
    let out = run(&st, &req, &Budget::unlimited()).unwrap();
    let hit = &out.hits[0];
    assert_eq!((hit.matched, hit.spans.len()), (2, 1));
    assert_eq!(hit.root_service, "payments");
    assert_eq!(hit.spans[0].name.as_deref(), Some("POST /pay"));
    assert_eq!((hit.services[0].spans, hit.services[0].errors), (2, 1));
}

/// Pins that a search over more spans than one chunk resumes below where it stopped: each of
/// 10,000 single-span traces is found once, newest first, and tag values come from every chunk.
#[test]
fn search_and_tag_values_span_many_chunks() {
    let store = TraceStore::new(StoreLimits { max_items: 20_000, max_bytes: 1 << 30, history: Default::default() });
    for batch in 0..10u32 {
        let spans =
            (0..1_000).map(|i| span(batch * 1_000 + i + 1, 1, 0, &format!("op-{}", batch * 1_000 + i), 0, vec![]));
        store.ingest(request("svc", spans.collect())).unwrap();
    }
    let req = Request {
        query: parse("{}").unwrap(),
        spansets: false,
        limit: 20_000,
        spss: 1,
        start: None,
        end: None,
        min_duration: None,
        max_duration: None,
    };
    let out = run(&store, &req, &Budget::unlimited()).unwrap();
    let mut ids: Vec<[u8; 16]> = out.hits.iter().map(|h| h.trace_id).collect();
    assert_eq!(ids.len(), 10_000);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 10_000);
    let names = super::tags::values(&store, &crate::query::traceql::ast::Attr::Name, 20_000, &Budget::unlimited());
    assert_eq!(names.map(|n| n.len()), Ok(10_000));
}

/// Pins a trace bigger than one chunk, evaluated a chunk at a time: `&&` holds when both
/// filters match some span and reports the spans of both, and fails when one matches none.
#[test]
fn big_trace_evaluated_in_chunks() {
    let store = TraceStore::new(StoreLimits { max_items: 20_000, max_bytes: 1 << 30, history: Default::default() });
    let spans =
        (0..10_000u32).map(|i| span(7, i + 1, 0, "op", 0, vec![kv("param", Value::IntValue(i64::from(i % 10)))]));
    store.ingest(request("svc", spans.collect())).unwrap();
    let matched = |q: &str| {
        let req = Request {
            query: parse(q).unwrap(),
            spansets: true,
            limit: 20,
            spss: 3,
            start: None,
            end: None,
            min_duration: None,
            max_duration: None,
        };
        run(&store, &req, &Budget::unlimited()).unwrap().hits.iter().map(|h| h.matched).collect::<Vec<_>>()
    };
    assert_eq!(matched("{ span.param = 1 } && { span.param = 2 }"), vec![2_000]);
    assert_eq!(matched("{ span.param = 1 } && { span.param = 99 }"), Vec::<usize>::new());
    assert_eq!(matched("{ span.param = 1 } || { span.param = 99 }"), vec![1_000]);
}
