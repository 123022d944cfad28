//! Store behaviour: duplicates, invalid spans, caps and eviction, index cleanup.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use obs_contract::{Refusal, StoreLimits};
use opentelemetry_proto::tonic::common::v1::any_value::Value;

use crate::TraceStore;
use crate::testdata::{kv, request, s, span};

fn limits(max_items: u64, max_bytes: u64) -> StoreLimits {
    StoreLimits { max_items, max_bytes, history: std::time::Duration::from_secs(3600) }
}

fn trace_id(n: u32) -> [u8; 16] {
    let mut id = [0u8; 16];
    id[12..].copy_from_slice(&n.to_be_bytes());
    id[0] = 1;
    id
}

/// Pins that a retried request is stored once and still counts as accepted.
#[test]
fn duplicates_stored_once() {
    let store = TraceStore::new(limits(100, 1 << 20));
    let req = request("svc", vec![span(1, 1, 0, "root", 0, vec![]), span(1, 2, 1, "child", 1, vec![])]);
    assert_eq!(store.ingest(req.clone()).map(|o| o.accepted), Ok(2));
    assert_eq!(store.ingest(req).map(|o| (o.accepted, o.rejected)), Ok((2, 0)));
    let stats = store.stats();
    assert_eq!((stats.items, stats.ingested), (2, 2));
    let data = store.trace(&trace_id(1)).unwrap();
    assert_eq!(data.resource_spans[0].scope_spans[0].spans.len(), 2);
}

/// Pins partial success for all-zero ids and wrong id lengths, with a message and the refused counter.
#[test]
fn invalid_spans_rejected() {
    let store = TraceStore::new(limits(100, 1 << 20));
    let mut zero_trace = span(1, 1, 0, "a", 0, vec![]);
    zero_trace.trace_id = vec![0; 16];
    let mut short_span = span(1, 2, 0, "b", 0, vec![]);
    short_span.span_id = vec![1, 2, 3];
    let good = span(1, 3, 0, "c", 0, vec![]);
    let outcome = store.ingest(request("svc", vec![zero_trace, short_span, good])).unwrap();
    assert_eq!((outcome.accepted, outcome.rejected), (1, 2));
    assert!(outcome.message.unwrap_or_default().contains("trace id is all zero"));
    assert_eq!(store.stats().refused, 2);
    assert_eq!(store.stats().items, 1);
}

/// Pins oldest-first eviction under the span cap, its counter, and that evicted traces are gone.
#[test]
fn span_cap_evicts_oldest() {
    let store = TraceStore::new(limits(10, 1 << 30));
    for t in 1..=25 {
        let attrs = vec![kv("order.id", s(&format!("ord-{t}"))), kv("n", Value::IntValue(t.into()))];
        store.ingest(request("svc", vec![span(t, 1, 0, "op", u64::from(t), attrs)])).unwrap();
    }
    let stats = store.stats();
    assert_eq!((stats.items, stats.evicted, stats.ingested), (10, 15, 25));
    assert!(store.trace(&trace_id(15)).is_none());
    assert!(store.trace(&trace_id(16)).is_some());
    let live_strings = store.read(|inner| inner.strings.len());
    assert!(live_strings < 20, "evicted values are released from the dictionary: {live_strings}");
    assert_eq!(store.read(|inner| inner.traces.len()), 10);
}

/// Pins that the byte cap is honoured too, and that a request larger than the span cap is refused.
#[test]
fn byte_cap_and_oversized_request() {
    let store = TraceStore::new(limits(1_000_000, 20_000));
    for t in 1..=500 {
        let attrs = vec![kv("payload", s(&format!("{t}-{}", "x".repeat(100))))];
        store.ingest(request("svc", vec![span(t, 1, 0, "op", 0, attrs)])).unwrap();
    }
    let stats = store.stats();
    assert!(stats.bytes <= 20_000, "{stats:?}");
    assert!(stats.evicted > 0 && stats.items + stats.evicted == 500, "{stats:?}");
    let small = TraceStore::new(limits(2, 1 << 20));
    let spans = (1..=3).map(|i| span(1, i, 0, "op", 0, vec![])).collect();
    assert!(matches!(small.ingest(request("svc", spans)), Err(Refusal::TooLarge(_))));
    assert_eq!(small.stats().refused, 3);
}

/// Pins that spans evicted across segment boundaries keep lookups consistent.
#[test]
fn eviction_across_segments() {
    let store = TraceStore::new(limits(5000, 1 << 30));
    for batch in 0..4u32 {
        let spans = (0..2000).map(|i| span(batch * 2000 + i + 1, 1, 0, "op", 0, vec![])).collect();
        store.ingest(request("svc", spans)).unwrap();
    }
    let stats = store.stats();
    assert_eq!((stats.items, stats.evicted), (5000, 3000));
    assert!(store.trace(&trace_id(3000)).is_none());
    assert!(store.trace(&trace_id(3001)).is_some());
    assert!(store.trace(&trace_id(8000)).is_some());
}

/// Pins that attribute keys stay right when a request evicts spans mid-way (the key cache holds
/// its own references) and that no key outlives the spans using it.
#[test]
fn keys_survive_mid_request_eviction() {
    let store = TraceStore::new(limits(4, 1 << 30));
    let old = (1..=4).map(|t| span(t, 1, 0, "old", 0, vec![kv("only.old", s("x")), kv("shared", s("y"))])).collect();
    store.ingest(request("svc", old)).unwrap();
    let new = (5..=8)
        .map(|t| {
            span(t, 1, 0, "new", 0, vec![kv(if t % 2 == 0 { "even" } else { "odd" }, s("v")), kv("shared", s("y"))])
        })
        .collect();
    store.ingest(request("svc", new)).unwrap();
    for t in 5..=8 {
        let data = store.trace(&trace_id(t)).unwrap();
        let keys: Vec<_> =
            data.resource_spans[0].scope_spans[0].spans[0].attributes.iter().map(|kv| kv.key.clone()).collect();
        assert_eq!(keys, [if t % 2 == 0 { "even" } else { "odd" }, "shared"]);
    }
    assert_eq!(store.read(|inner| inner.strings.lookup("only.old")), None);
    assert_eq!(store.stats().evicted, 4);
}

/// Pins that a request bigger than the byte cap is refused whole as too large (naming the
/// cap's variable) with nothing stored or evicted, and that a request that fits evicts only
/// older spans, never its own: interleaved traces and a span repeated inside the request each
/// land once.
#[test]
fn too_large_refused_and_only_older_data_evicted() {
    let big = |t: u32, id: u32, parent: u32| {
        span(t, id, parent, "op", 0, vec![kv("payload", s(&format!("{t}-{id}-{}", "x".repeat(4000))))])
    };
    let trial = TraceStore::new(limits(100, 1 << 30));
    trial.ingest(request("svc", vec![big(7, 1, 0), big(8, 1, 0), big(7, 2, 1)])).unwrap();
    let store = TraceStore::new(limits(100, trial.stats().bytes + 1000));
    store.ingest(request("svc", vec![big(9, 1, 0), big(10, 1, 0)])).unwrap();
    let spans = vec![big(1, 1, 0), big(2, 1, 0), big(1, 2, 1), big(1, 2, 1), big(1, 3, 1)];
    let refusal = store.ingest(request("svc", spans)).unwrap_err();
    assert!(matches!(&refusal, Refusal::TooLarge(m) if m.contains("OBS_MAX_TRACE_BYTES")), "{refusal:?}");
    assert_eq!((store.stats().items, store.stats().evicted, store.stats().refused), (2, 0, 5));
    let spans = vec![big(1, 1, 0), big(2, 1, 0), big(1, 1, 0)];
    let outcome = store.ingest(request("svc", spans)).unwrap();
    assert_eq!((outcome.accepted, outcome.rejected), (3, 0));
    let ids = |t: u32| -> Vec<u8> {
        store.trace(&trace_id(t)).map_or_else(Vec::new, |data| {
            let spans = data.resource_spans.iter().flat_map(|rs| &rs.scope_spans).flat_map(|ss| &ss.spans);
            spans.map(|s| s.span_id[7]).collect()
        })
    };
    assert_eq!((ids(1), ids(2), ids(9), ids(10)), (vec![1], vec![1], vec![], vec![1]), "the oldest made room");
    let stats = store.stats();
    assert_eq!((stats.items, stats.evicted), (3, 1), "{stats:?}");
}
