//! Log store benchmark at 1 M records shaped like PERFORMANCE.md's load (5 services, 8
//! attributes, INFO/WARN/ERROR, 100-200 byte bodies with order ids, half with a trace id):
//! bytes per stored record, ingest rate, and the LogQL query kinds Loki is measured on.
//!
//! Run: `cargo bench -p obs-logs --bench logs` (`OBS_BENCH_RECORDS` changes the 1 M).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use obs_contract::StoreLimits;
use obs_contract::query::Budget;
use obs_logs::LogStore;
use obs_logs::query::ast::Query;
use obs_logs::query::eval::logs::{LogParams, select};
use obs_logs::query::eval::{Grid, eval_metric};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value::Value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;

/// The rare order id planted in a few records.
const RARE: &str = "ord-ffff00";
/// The trace id planted in a few records.
const TRACE: [u8; 16] =
    [0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn kv(key: &str, value: Value) -> KeyValue {
    KeyValue { key: key.into(), value: Some(AnyValue { value: Some(value) }), ..KeyValue::default() }
}

fn record(rng: &mut Rng, n: u64, ts: u64) -> LogRecord {
    let order = if n % 200_000 == 7 { RARE.to_owned() } else { format!("ord-{:06x}", rng.next() & 0xff_ffff) };
    let (severity, text) = [(9, "INFO"), (9, "INFO"), (13, "WARN"), (17, "ERROR")][(rng.next() % 4) as usize];
    let pad = "x".repeat((rng.next() % 100) as usize);
    let body =
        format!("order {order} filled qty={} px={}.{} venue=sim strategy=mean_revert {pad}", n % 97, n % 500, n % 100);
    let trace_id = match n % 2 {
        0 if n % 100_000 == 10 => TRACE.to_vec(),
        0 => (0..16).map(|_| rng.next() as u8).collect(),
        _ => Vec::new(),
    };
    let span_id = if trace_id.is_empty() { Vec::new() } else { (0..8).map(|_| rng.next() as u8).collect() };
    LogRecord {
        time_unix_nano: ts,
        observed_time_unix_nano: ts + 1_000_000,
        severity_number: severity,
        severity_text: text.into(),
        body: Some(AnyValue { value: Some(Value::StringValue(body)) }),
        attributes: vec![
            kv("order.id", Value::StringValue(order)),
            kv("order.qty", Value::IntValue((n % 97) as i64)),
            kv("order.side", Value::StringValue(if n.is_multiple_of(2) { "buy" } else { "sell" }.into())),
            kv("order.px", Value::DoubleValue((n % 500) as f64 + 0.25)),
            kv("venue", Value::StringValue("sim".into())),
            kv("strategy", Value::StringValue("mean_revert".into())),
            kv("fill.partial", Value::BoolValue(n.is_multiple_of(3))),
            kv("account", Value::StringValue(format!("acct-{}", n % 20))),
        ],
        trace_id,
        span_id,
        ..LogRecord::default()
    }
}

fn request(rng: &mut Rng, first: u64, count: u64, now: u64, total: u64) -> ExportLogsServiceRequest {
    let service = format!("svc-{}", first / 512 % 5);
    let span = 50 * 60 * 1_000_000_000u64;
    let records = (first..first + count).map(|n| record(rng, n, now - span + span / total * n)).collect();
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: Some(Resource {
                attributes: vec![
                    kv("service.name", Value::StringValue(service)),
                    kv("service.version", Value::StringValue("1.2.3".into())),
                ],
                ..Resource::default()
            }),
            scope_logs: vec![ScopeLogs {
                scope: Some(InstrumentationScope {
                    name: "peak_trade".into(),
                    version: "0.1.0".into(),
                    ..Default::default()
                }),
                log_records: records,
                ..ScopeLogs::default()
            }],
            ..ResourceLogs::default()
        }],
    }
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0) * 4096
}

fn now_ns() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

/// Fills a store; prints bytes per record and the ingest rate.
fn filled_store(total: u64) -> LogStore {
    let store =
        LogStore::new(StoreLimits { max_items: total, max_bytes: u64::MAX, history: Duration::from_secs(3600) });
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let now = now_ns();
    let before = rss_bytes();
    let mut ingest_time = Duration::ZERO;
    let mut first = 0;
    while first < total {
        let count = 512.min(total - first);
        let req = request(&mut rng, first, count, now, total);
        let started = Instant::now();
        let _ = store.ingest(req);
        ingest_time += started.elapsed();
        first += count;
    }
    let after = rss_bytes();
    let stats = store.stats();
    println!(
        "stored {} records: RSS +{} B = {:.0} B/record; store-counted {:.0} B/record; heap estimate {:.0} B/record; \
         ingest {:.0} records/s (store only, one thread)",
        stats.items,
        after.saturating_sub(before),
        after.saturating_sub(before) as f64 / stats.items as f64,
        stats.bytes as f64 / stats.items as f64,
        store.heap_bytes() as f64 / stats.items as f64,
        stats.items as f64 / ingest_time.as_secs_f64()
    );
    store
}

fn run(store: &LogStore, text: &str) -> usize {
    let now = now_ns() as i64;
    let budget = Budget::unlimited();
    match obs_logs::query::parse(text) {
        Ok(Query::Log(log)) => {
            let params = LogParams { start: now - 3_600_000_000_000, end: now + 1, limit: 100, forward: false };
            select(store, &log, params, &budget).map_or(0, |hits| hits.len())
        }
        Ok(Query::Metric(expr)) => match eval_metric(store, &expr, &Grid::instant(now), &budget) {
            Ok(obs_logs::query::eval::Value::Vector(v)) => v.len(),
            _ => 0,
        },
        Err(_) => 0,
    }
}

fn queries() -> Vec<(&'static str, String)> {
    vec![
        ("stream selector, limit 100", r#"{service_name="svc-2"}"#.to_owned()),
        ("rare line filter", format!(r#"{{service_name=~"svc-.*"}} |= "{RARE}""#)),
        ("trace_id filter", format!(r#"{{service_name=~"svc-.*"}} | trace_id="{}""#, hex(&TRACE))),
        (
            "sum by (detected_level) (count_over_time)",
            r#"sum by (detected_level) (count_over_time({service_name=~"svc-.*"}[1h]))"#.to_owned(),
        ),
        (
            "sum by (order_side) (count_over_time)",
            r#"sum by (order_side) (count_over_time({service_name=~"svc-.*"}[1h]))"#.to_owned(),
        ),
    ]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// p50/p90/p99/max over 100 runs of each query, printed before criterion's own figures.
fn latency_table(store: &LogStore) {
    for (name, text) in queries() {
        let mut times: Vec<Duration> = (0..100)
            .map(|_| {
                let started = Instant::now();
                black_box(run(store, &text));
                started.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "{name:45} results {:4}  p50 {:8.3} ms  p90 {:8.3} ms  p99 {:8.3} ms  max {:8.3} ms",
            run(store, &text),
            times[49].as_secs_f64() * 1e3,
            times[89].as_secs_f64() * 1e3,
            times[98].as_secs_f64() * 1e3,
            times[99].as_secs_f64() * 1e3
        );
    }
}

fn bench(c: &mut Criterion) {
    let total = std::env::var("OBS_BENCH_RECORDS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let store = filled_store(total);
    latency_table(&store);
    let mut group = c.benchmark_group(format!("logql_{total}_records"));
    group.sample_size(30).measurement_time(Duration::from_secs(5));
    for (name, text) in queries() {
        group.bench_function(name, |b| b.iter(|| black_box(run(&store, &text))));
    }
    group.finish();
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
