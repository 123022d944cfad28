//! Filling past the caps: eviction counters, evicted traces answer 404, newer ones stay.

use std::time::Duration;

use obs_contract::StoreLimits;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;

use crate::support::{Server, enc, replayed_request};

fn copy_with_trace_id(template: &ExportTraceServiceRequest, n: u32) -> ExportTraceServiceRequest {
    let mut req = template.clone();
    for span in req.resource_spans.iter_mut().flat_map(|rs| &mut rs.scope_spans).flat_map(|ss| &mut ss.spans) {
        span.trace_id[12..].copy_from_slice(&n.to_be_bytes());
    }
    req
}

/// Pins that 20 traces of 3 spans under a 30-span cap keep the newest 10, count 30 evictions,
/// and that the oldest trace by id is 404 and gone from search.
#[test]
fn fill_past_the_cap() {
    let server = Server::start(StoreLimits { max_items: 30, max_bytes: 1 << 24, history: Duration::from_secs(60) });
    let (template, _) = replayed_request();
    let ids: Vec<String> = (1..=20)
        .map(|n| hex::encode(&copy_with_trace_id(&template, n).resource_spans[0].scope_spans[0].spans[0].trace_id))
        .collect();
    for n in 1..=20 {
        server.store.ingest(copy_with_trace_id(&template, n)).expect("ingest under the cap");
    }
    let stats = server.store.stats();
    assert_eq!((stats.items, stats.ingested, stats.evicted, stats.refused), (30, 60, 30, 0));
    assert!(stats.bytes <= stats.max_bytes && stats.bytes > 0, "{stats:?}");
    assert_eq!(server.get(&format!("/api/traces/{}", ids[0]), None).status, 404);
    assert_eq!(server.get(&format!("/api/traces/{}", ids[9]), None).status, 404);
    assert_eq!(server.get(&format!("/api/traces/{}", ids[10]), None).status, 200);
    let found = server.json(&format!("/api/search?tags={}&limit=100", enc("service.name=peak_trade_smoke_sender")));
    assert_eq!(found["traces"].as_array().map(Vec::len), Some(10));
}

/// Pins that the byte cap bounds the store's accounted size while ingest keeps succeeding.
#[test]
fn byte_cap_bounds_memory() {
    let server =
        Server::start(StoreLimits { max_items: 1_000_000, max_bytes: 64 * 1024, history: Duration::from_secs(60) });
    let (template, _) = replayed_request();
    for n in 1..=2000 {
        server.store.ingest(copy_with_trace_id(&template, n)).expect("ingest under the byte cap");
    }
    let stats = server.store.stats();
    assert!(stats.bytes <= 64 * 1024, "{stats:?}");
    assert_eq!(stats.items + stats.evicted, 6000, "{stats:?}");
    let last = hex::encode(&copy_with_trace_id(&template, 2000).resource_spans[0].scope_spans[0].spans[0].trace_id);
    assert_eq!(server.get(&format!("/api/traces/{last}"), None).status, 200);
}
