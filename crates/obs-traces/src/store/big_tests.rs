//! Store behaviour at scale: a trace of thousands of spans (its span-id set), a trace over
//! thousands of resources (hash grouping), and memory given back when data leaves.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use obs_contract::StoreLimits;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::span::Event;

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

/// Spans `from..to` of trace 1, each its own span id.
fn trace_one(from: u32, to: u32) -> opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest {
    request("svc", (from..to).map(|i| span(1, i + 1, 0, "op", 0, vec![])).collect())
}

/// Pins duplicate detection in a trace of 5,000 spans through its span-id set: a retried
/// batch is stored once, and once the oldest spans are evicted their ids leave the set, so
/// a resend of them is stored again.
#[test]
fn big_trace_duplicates_through_its_id_set() {
    let store = TraceStore::new(limits(4_000, 1 << 30));
    for batch in 0..5 {
        store.ingest(trace_one(batch * 1000, batch * 1000 + 1000)).unwrap();
    }
    assert_eq!((store.stats().items, store.stats().evicted), (4_000, 1_000));
    let indexed = store.read(|inner| {
        inner.traces.find(&trace_id(1)).and_then(|t| inner.traces.get(t)).map(|t| t.ids.as_ref().map(|ids| ids.len()))
    });
    assert_eq!(indexed, Some(Some(4_000)), "a big trace keeps the set of its span ids");
    let outcome = store.ingest(trace_one(4_000, 5_000)).unwrap();
    assert_eq!((outcome.accepted, store.stats().items, store.stats().ingested), (1_000, 4_000, 5_000));
    store.ingest(trace_one(0, 10)).unwrap();
    assert_eq!((store.stats().ingested, store.stats().evicted), (5_010, 1_010), "evicted ids are stored anew");
    let spans = store.trace(&trace_id(1)).map(|d| d.resource_spans[0].scope_spans[0].spans.len());
    assert_eq!(spans, Some(4_000));
}

/// Pins that the id set a trace gets at 32 spans holds every one of them, the one that made
/// it big included: resending the whole trace stores nothing.
#[test]
fn id_set_holds_the_span_that_made_the_trace_big() {
    let store = TraceStore::new(limits(1_000, 1 << 30));
    for i in 0..40 {
        store.ingest(trace_one(i, i + 1)).unwrap();
    }
    store.ingest(trace_one(0, 40)).unwrap();
    assert_eq!((store.stats().items, store.stats().ingested), (40, 40));
}

/// Pins trace by id over 2,000 resources: one entry per resource, in first-seen order, each
/// with its own spans (grouped by hash, not by scanning the groups seen so far).
#[test]
fn trace_over_many_resources_groups_each_once() {
    let store = TraceStore::new(limits(100_000, 1 << 30));
    for round in 0..2u32 {
        for r in 0..2_000u32 {
            let id = round * 2_000 + r + 1;
            store.ingest(request(&format!("svc-{r}"), vec![span(1, id, 0, "op", 0, vec![])])).unwrap();
        }
    }
    let data = store.trace(&trace_id(1)).unwrap();
    assert_eq!(data.resource_spans.len(), 2_000);
    let service = |i: usize| {
        let attrs = &data.resource_spans[i].resource.as_ref().unwrap().attributes;
        attrs[0].value.as_ref().and_then(|v| v.value.clone())
    };
    assert_eq!((service(0), service(1_999)), (Some(s("svc-0")), Some(s("svc-1999"))));
    assert!(data.resource_spans.iter().all(|rs| rs.scope_spans.len() == 1 && rs.scope_spans[0].spans.len() == 2));
}

/// Pins that memory is given back: after every old span is evicted, a store holds exactly
/// what a fresh store holds for the same newest request (strings, keys, event keys, groups,
/// traces and their id sets all freed and uncounted).
#[test]
fn evicted_data_leaves_no_bytes_behind() {
    let newest = || {
        let attrs = vec![kv("k", s("v")), kv("n", Value::IntValue(1))];
        request("svc-last", (0..40).map(|i| span(9_999, i + 1, 0, "last", 0, attrs.clone())).collect())
    };
    let store = TraceStore::new(limits(40, 1 << 30));
    store.ingest(trace_one(0, 40)).unwrap();
    for t in 2..=300u32 {
        let mut one = span(t, 1, 0, &format!("op-{t}"), 0, vec![kv(&format!("key-{t}"), s(&format!("value-{t}")))]);
        let event_attrs = vec![kv(&format!("event-key-{t}"), s("x"))];
        one.events = vec![Event { name: "e".into(), attributes: event_attrs, ..Event::default() }];
        store.ingest(request(&format!("svc-{t}"), vec![one])).unwrap();
    }
    store.ingest(newest()).unwrap();
    let fresh = TraceStore::new(limits(40, 1 << 30));
    fresh.ingest(newest()).unwrap();
    assert_eq!(store.stats().items, 40);
    assert_eq!(store.stats().bytes, fresh.stats().bytes);
    assert_eq!(
        store.read(|i| (i.strings.len(), i.event_keys.len())),
        fresh.read(|i| (i.strings.len(), i.event_keys.len()))
    );
}
