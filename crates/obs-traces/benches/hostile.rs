//! The shapes that were quadratic (#10): one trace of 160 k spans ingested in batches of 512,
//! trace by id of a trace over 40 k resources, and a TraceQL query of 200 `&&`/`||` filters
//! over that big trace. Prints the rates; each must stay linear (the counts are pinned by
//! tests). Run: `cargo bench -p obs-traces --bench hostile`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failed unwrap is a failed run

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use obs_contract::StoreLimits;
use obs_contract::query::Budget;
use obs_traces::TraceStore;
use obs_traces::query::search::{Request, run};
use obs_traces::query::traceql::parse;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

const BIG_TRACE: u32 = 160_000;
const RESOURCES: u32 = 40_000;
const BATCH: u32 = 512;

fn kv(key: &str, value: Value) -> KeyValue {
    KeyValue { key: key.to_owned(), value: Some(AnyValue { value: Some(value) }), ..KeyValue::default() }
}

fn span(i: u32) -> Span {
    let mut span_id = ((u64::from(i) * 0x9e37_79b9_7f4a_7c15) | 1).to_be_bytes().to_vec();
    span_id[0] |= 0x80;
    Span {
        trace_id: vec![0x42; 16],
        span_id,
        parent_span_id: if i == 0 { Vec::new() } else { vec![0x80, 0, 0, 0, 0, 0, 0, 1] },
        name: format!("sweep-{}", i % 50),
        start_time_unix_nano: 1_800_000_000_000_000_000 + u64::from(i) * 1000,
        end_time_unix_nano: 1_800_000_000_000_000_000 + u64::from(i) * 1000 + 500,
        attributes: vec![kv("param", Value::IntValue(i64::from(i % 1000))), kv("run", Value::StringValue("r1".into()))],
        ..Span::default()
    }
}

/// Spans `first..first + BATCH` of the big trace, each under resource `i % resources`.
fn batch(first: u32, resources: u32) -> ExportTraceServiceRequest {
    let resource_spans = (first..(first + BATCH).min(BIG_TRACE))
        .map(|i| ResourceSpans {
            resource: Some(Resource {
                attributes: vec![kv("service.name", Value::StringValue(format!("worker-{}", i % resources)))],
                ..Resource::default()
            }),
            scope_spans: vec![ScopeSpans { spans: vec![span(i)], ..ScopeSpans::default() }],
            schema_url: String::new(),
        })
        .collect();
    ExportTraceServiceRequest { resource_spans }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = f();
    (value, started.elapsed())
}

fn main() {
    let limits = StoreLimits { max_items: 1_000_000, max_bytes: 1 << 40, history: Duration::from_secs(3600) };
    let store = TraceStore::new(limits);
    let batches: Vec<ExportTraceServiceRequest> =
        (0..BIG_TRACE).step_by(BATCH as usize).map(|f| batch(f, RESOURCES)).collect();
    let ((), took) = timed(|| batches.into_iter().for_each(|b| drop(store.ingest(b).unwrap())));
    println!(
        "ingest: one trace of {BIG_TRACE} spans over {RESOURCES} resources in {:.2} s = {:.0} spans/s",
        took.as_secs_f64(),
        f64::from(BIG_TRACE) / took.as_secs_f64()
    );
    let resend = batch(0, RESOURCES);
    let (outcome, took) = timed(|| store.ingest(resend).unwrap());
    println!("ingest: a resent batch of {} duplicate spans in {took:?}", outcome.accepted);
    let (data, took) = timed(|| store.trace(&[0x42; 16]).unwrap());
    println!(
        "trace by id: {} spans over {} resources assembled in {:.2} s",
        data.resource_spans.iter().flat_map(|rs| &rs.scope_spans).map(|ss| ss.spans.len()).sum::<usize>(),
        data.resource_spans.len(),
        took.as_secs_f64()
    );
    let filters = (0..200).map(|i| format!("{{ span.param = {i} }}")).collect::<Vec<_>>();
    for (name, op) in [("&&", " && "), ("||", " || ")] {
        let query = parse(&filters.join(op)).unwrap();
        let req = Request {
            query,
            spansets: true,
            limit: 20,
            spss: 3,
            start: None,
            end: None,
            min_duration: None,
            max_duration: None,
        };
        let done = AtomicBool::new(false);
        let (matched, took, slowest) = std::thread::scope(|scope| {
            let ingest = scope.spawn(|| slowest_ingest_while(&store, &done));
            let (out, took) = timed(|| run(&store, &req, &Budget::unlimited()).unwrap());
            done.store(true, Ordering::Relaxed);
            (out.hits.iter().find(|h| h.trace_id == [0x42; 16]).map_or(0, |h| h.matched), took, ingest.join().unwrap())
        });
        println!(
            "traceql: 200 filters joined by {name} over the big trace: {matched} spans matched in {:.2} s; \
             slowest one-span ingest meanwhile {slowest:?}",
            took.as_secs_f64()
        );
    }
}

/// The slowest of back-to-back one-span ingests (into another trace) until `done`.
fn slowest_ingest_while(store: &TraceStore, done: &AtomicBool) -> Duration {
    let mut slowest = Duration::ZERO;
    let mut i = 0u64;
    while !done.load(Ordering::Relaxed) {
        let mut one = batch(0, 1);
        one.resource_spans.truncate(1);
        let span = &mut one.resource_spans[0].scope_spans[0].spans[0];
        span.trace_id = vec![0x43; 16];
        span.span_id = (i | (1 << 63)).to_be_bytes().to_vec();
        i += 1;
        let ((), took) = timed(|| drop(store.ingest(one).unwrap()));
        slowest = slowest.max(took);
    }
    slowest
}
