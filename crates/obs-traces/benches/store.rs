//! Store benchmarks at 1 million spans (the load of PERFORMANCE.md: 5 services, 8 spans per
//! trace, 10 attributes per span): ingest rate, bytes per span (the store's own accounting and
//! the process RSS delta), and trace-by-id / search latency (criterion means plus p50/p99 of
//! 1000 single queries). Run: `cargo bench -p obs-traces --bench store -- --quick`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failed unwrap is a failed run

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use obs_contract::StoreLimits;
use obs_contract::query::{Budget, QueryLimits};
use obs_traces::TraceStore;
use obs_traces::query::search::{Request, legacy_query, run};
use obs_traces::query::traceql::parse;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value::Value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};

const SPANS: u32 = 1_000_000;
const PER_TRACE: u32 = 8;
const BATCH: u32 = 512;
const SERVICES: [&str; 5] = ["gateway", "orders", "risk", "ledger", "pricing"];

fn kv(key: &str, value: Value) -> KeyValue {
    KeyValue { key: key.to_owned(), value: Some(AnyValue { value: Some(value) }), ..KeyValue::default() }
}

fn trace_id(t: u32) -> Vec<u8> {
    let mut id = (u128::from(t).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835) | 1).to_be_bytes().to_vec();
    id[0] |= 0x80;
    id
}

fn span(i: u32, now: u64) -> Span {
    let t = i / PER_TRACE;
    let n = i % PER_TRACE;
    let mut span_id = ((u64::from(i) * 0x9e37_79b9_7f4a_7c15) | 1).to_be_bytes().to_vec();
    span_id[0] |= 0x80;
    let parent = if n == 0 {
        Vec::new()
    } else {
        ((u64::from(t * PER_TRACE) * 0x9e37_79b9_7f4a_7c15) | 1 | (1 << 63)).to_be_bytes().to_vec()
    };
    let start = now + u64::from(i) * 1000;
    let attrs = vec![
        kv("http.request.method", Value::StringValue(if i.is_multiple_of(3) { "POST" } else { "GET" }.into())),
        kv("http.route", Value::StringValue(format!("/api/v1/op{}", i % 20))),
        kv("http.response.status_code", Value::IntValue(if i.is_multiple_of(50) { 500 } else { 200 })),
        kv("order.id", Value::StringValue(format!("ord-{t:06x}"))),
        kv("order.qty", Value::IntValue(i64::from(i % 100))),
        kv("order.side", Value::StringValue(if i.is_multiple_of(2) { "buy" } else { "sell" }.into())),
        kv("db.system", Value::StringValue("postgresql".into())),
        kv("cache.hit", Value::BoolValue(i.is_multiple_of(4))),
        kv("user.id", Value::StringValue(format!("user-{}", i % 1000))),
        kv("retry", Value::BoolValue(false)),
    ];
    Span {
        trace_id: trace_id(t),
        span_id,
        parent_span_id: parent,
        name: format!("op-{}", n),
        kind: 2,
        start_time_unix_nano: start,
        end_time_unix_nano: start + 1_000_000 + u64::from(i % 97) * 10_000,
        attributes: attrs,
        status: Some(Status { message: String::new(), code: if i.is_multiple_of(50) { 2 } else { 0 } }),
        ..Span::default()
    }
}

fn batch(first: u32, now: u64) -> ExportTraceServiceRequest {
    let mut resource_spans = Vec::new();
    for (s, service) in SERVICES.iter().enumerate() {
        let spans: Vec<Span> = (first..(first + BATCH).min(SPANS))
            .filter(|i| (i / PER_TRACE) as usize % 5 == s)
            .map(|i| span(i, now))
            .collect();
        if spans.is_empty() {
            continue;
        }
        let resource = Resource {
            attributes: vec![
                kv("service.name", Value::StringValue((*service).into())),
                kv("host.name", Value::StringValue("bench".into())),
            ],
            ..Resource::default()
        };
        let scope =
            InstrumentationScope { name: "bench".into(), version: "1".into(), ..InstrumentationScope::default() };
        resource_spans.push(ResourceSpans {
            resource: Some(resource),
            scope_spans: vec![ScopeSpans { scope: Some(scope), spans, schema_url: String::new() }],
            schema_url: String::new(),
        });
    }
    ExportTraceServiceRequest { resource_spans }
}

fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb =
        status.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok());
    kb.unwrap_or(0) * 1024
}

/// CPU time of this thread (user + system), from /proc (clock ticks of 10 ms).
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    // After the name come state (field 3), ..., utime (field 14) and stime (field 15).
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    let ticks = tick(11) + tick(12);
    Duration::from_millis(ticks * 10)
}

fn filled() -> TraceStore {
    let store = TraceStore::new(StoreLimits {
        max_items: u64::from(SPANS),
        max_bytes: 1 << 40,
        history: Duration::from_secs(3600),
    });
    let now = 1_800_000_000_000_000_000;
    let rss_before = rss_bytes();
    let mut ingest_time = Duration::ZERO;
    let mut ingest_cpu = Duration::ZERO;
    // Batches are built 64 at a time outside the measured part; CPU time is summed per chunk.
    let firsts: Vec<u32> = (0..SPANS).step_by(BATCH as usize).collect();
    for chunk in firsts.chunks(64) {
        let reqs: Vec<ExportTraceServiceRequest> = chunk.iter().map(|&first| batch(first, now)).collect();
        let (started, cpu) = (Instant::now(), thread_cpu());
        for req in reqs {
            store.ingest(req).unwrap();
        }
        ingest_time += started.elapsed();
        ingest_cpu += thread_cpu().saturating_sub(cpu);
    }
    let rss_after = rss_bytes();
    let stats = store.stats();
    println!(
        "ingest: {} spans in {:.2} s of ingest calls = {:.0} spans/s on one thread",
        stats.items,
        ingest_time.as_secs_f64(),
        f64::from(SPANS) / ingest_time.as_secs_f64()
    );
    println!(
        "ingest: {:.2} CPU-s = {:.0} spans per CPU-second (thread CPU time, 10 ms ticks summed over 31 chunks)",
        ingest_cpu.as_secs_f64(),
        f64::from(SPANS) / ingest_cpu.as_secs_f64().max(1e-9)
    );
    println!(
        "memory: store accounting {:.0} B/span, RSS delta {:.0} B/span ({} MiB)",
        stats.bytes as f64 / f64::from(SPANS),
        rss_after.saturating_sub(rss_before) as f64 / f64::from(SPANS),
        rss_after.saturating_sub(rss_before) >> 20
    );
    store
}

fn request(query: obs_traces::query::traceql::ast::Spanset, spansets: bool) -> Request {
    Request { query, spansets, limit: 20, spss: 3, start: None, end: None, min_duration: None, max_duration: None }
}

fn percentiles(name: &str, runs: usize, mut f: impl FnMut()) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((runs as f64 * q) as usize).min(runs - 1)];
    println!("{name} ({runs} runs): p50 {:?} p99 {:?} max {:?}", at(0.5), at(0.99), at(1.0));
}

fn benches(c: &mut Criterion) {
    let store = filled();
    let mut k = 0u32;
    let mut by_id = || {
        k = (k + 7919) % (SPANS / PER_TRACE);
        let id: [u8; 16] = trace_id(k).try_into().unwrap();
        assert!(black_box(store.trace(&id)).is_some());
    };
    percentiles("trace by id (OTLP assembled)", 1000, &mut by_id);
    c.bench_function("trace_by_id", |b| b.iter(&mut by_id));

    let queries: [(&str, Request); 5] = [
        (
            "search tags service.name=orders",
            request(legacy_query(&[("service.name".into(), "orders".into())], &QueryLimits::default()).unwrap(), false),
        ),
        ("traceql span.http.route", request(parse(r#"{ span.http.route = "/api/v1/op7" }"#).unwrap(), true)),
        ("traceql status=error && duration", request(parse("{ status = error && duration > 1ms }").unwrap(), true)),
        ("traceql rare value (indexed)", request(parse(r#"{ span.order.id = "ord-000abc" }"#).unwrap(), true)),
        ("traceql rare int (full scan)", request(parse("{ span.order.qty = 1000 }").unwrap(), true)),
    ];
    for (name, req) in &queries {
        let mut one = || {
            let out = run(&store, req, &Budget::unlimited()).unwrap();
            black_box(out.hits.len());
        };
        percentiles(name, if name.contains("full scan") { 100 } else { 1000 }, &mut one);
        let cpu = thread_cpu();
        for _ in 0..20 {
            one();
        }
        println!("{name}: {:?} CPU per query (mean of 20)", thread_cpu().saturating_sub(cpu) / 20);
        c.bench_function(name, |b| b.iter(&mut one));
    }
}

criterion_group! {
    name = store;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(2));
    targets = benches
}
criterion_main!(store);
