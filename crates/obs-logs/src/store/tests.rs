//! Store unit tests: OTLP mapping into streams and metadata, eviction order and counters,
//! and the per-segment trace index.

use std::time::Duration;

use obs_contract::StoreLimits;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value::Value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;

use obs_contract::query::Budget;
use obs_contract::{IngestOutcome, ItemLimits};

use super::Inner;
use super::segment::SEGMENT_RECORDS;
use crate::LogStore;
use crate::ingest::otlp_batch;
use crate::query::eval::view::View;

/// Stores a request as the store does, at `now`.
fn ingest_otlp(inner: &mut Inner, req: &ExportLogsServiceRequest, now: i64) -> IngestOutcome {
    let batch = otlp_batch(req, now, &ItemLimits::default());
    let accepted = inner.ingest(&batch);
    batch.outcome(accepted)
}

const NOW: i64 = 1_800_000_000_000_000_000;

fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(Value::StringValue(value.into())) }),
        ..KeyValue::default()
    }
}

fn request(service: &str, records: Vec<LogRecord>) -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: Some(Resource {
                attributes: vec![kv("service.name", service), kv("service.version", "1.0")],
                ..Resource::default()
            }),
            scope_logs: vec![ScopeLogs {
                scope: Some(InstrumentationScope { name: "scope".into(), version: "2".into(), ..Default::default() }),
                log_records: records,
                ..ScopeLogs::default()
            }],
            ..ResourceLogs::default()
        }],
    }
}

fn record(n: i64, trace: Option<[u8; 16]>) -> LogRecord {
    LogRecord {
        time_unix_nano: (NOW + n) as u64,
        severity_number: 17,
        severity_text: "ERROR".into(),
        body: Some(AnyValue { value: Some(Value::StringValue(format!("line {n}"))) }),
        attributes: vec![kv("order.id", &format!("ord-{n}"))],
        trace_id: trace.map(|t| t.to_vec()).unwrap_or_default(),
        ..LogRecord::default()
    }
}

fn limits(max_items: u64) -> StoreLimits {
    StoreLimits { max_items, max_bytes: u64::MAX, history: Duration::from_secs(60) }
}

/// Records land in one stream per service; metadata reads back under Loki's names.
#[test]
fn mapping_into_streams_and_metadata() {
    let mut inner = Inner::new(limits(100));
    let outcome = ingest_otlp(&mut inner, &request("a", vec![record(1, None), record(2, None)]), NOW);
    assert_eq!((outcome.accepted, outcome.rejected), (2, 0));
    ingest_otlp(&mut inner, &request("b", vec![record(3, Some([7; 16]))]), NOW);
    assert_eq!(inner.streams.len(), 2);
    let seg = &inner.segments[0];
    let mut view = View::new(&inner, seg, 2);
    let mut metadata: Vec<(String, String)> =
        view.metadata().into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    metadata.sort();
    let expected: Vec<(String, String)> = [
        ("detected_level", "error"),
        ("order_id", "ord-3"),
        ("scope_name", "scope"),
        ("scope_version", "2"),
        ("service_version", "1.0"),
        ("severity_number", "17"),
        ("severity_text", "ERROR"),
        ("trace_id", "07070707070707070707070707070707"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(metadata, expected);
    assert_eq!(view.labels(), vec![("service_name", "b")]);
    assert_eq!(view.line(), b"line 3");
}

/// Invalid ids and too-old records are rejected with a reason; the rest are kept.
#[test]
fn rejects_invalid_records() {
    let mut inner = Inner::new(limits(100));
    let mut bad_id = record(1, None);
    bad_id.trace_id = vec![1, 2, 3];
    let old = record(-8 * 24 * 3600 * 1_000_000_000, None);
    let outcome = ingest_otlp(&mut inner, &request("a", vec![bad_id, old, record(2, None)]), NOW);
    assert_eq!((outcome.accepted, outcome.rejected), (1, 2));
    assert!(outcome.message.unwrap_or_default().contains("invalid trace id"));
    assert_eq!(inner.stats().items, 1);
}

/// Past the cap the oldest records go, across segment boundaries, and are counted.
#[test]
fn evicts_oldest_across_segments() {
    let cap = SEGMENT_RECORDS as u64 + 10;
    let mut inner = Inner::new(limits(cap));
    let total = 2 * SEGMENT_RECORDS as i64 + 5;
    let records = (0..total).map(|n| record(n, None)).collect();
    ingest_otlp(&mut inner, &request("a", records), NOW);
    inner.enforce_caps();
    let stats = inner.stats();
    assert_eq!((stats.items, stats.ingested, stats.evicted), (cap, total as u64, total as u64 - cap));
    let oldest = inner.segments.iter().find_map(|s| (s.head < s.len()).then(|| s.ts[s.head]));
    assert_eq!(oldest, Some(NOW + total - cap as i64));
    assert_eq!(inner.streams[0].live, cap);
}

/// The trace index finds records by trace id, sealed or not, and skips evicted ones.
#[test]
fn trace_index() {
    let mut inner = Inner::new(limits(u64::MAX));
    let records = (0..SEGMENT_RECORDS as i64 + 3)
        .map(|n| record(n, Some(if n % 1000 == 5 { [9; 16] } else { numbered(n) })))
        .collect();
    ingest_otlp(&mut inner, &request("a", records), NOW);
    let prefix = super::trace_prefix(&[9; 16]);
    let sealed = inner.segments[0].with_trace(prefix);
    assert_eq!(sealed.len(), SEGMENT_RECORDS.div_ceil(1000));
    assert!(sealed.iter().all(|&i| (i % 1000) == 5));
    let last = SEGMENT_RECORDS as i64 + 2;
    assert_eq!(inner.segments[1].with_trace(super::trace_prefix(&numbered(last))), vec![2]);
}

/// A trace id whose first 8 bytes are `n`.
fn numbered(n: i64) -> [u8; 16] {
    let mut id = [0xaa; 16];
    id[..8].copy_from_slice(&n.to_be_bytes());
    id
}

/// A line literal is found by one search over each segment's arena, across segments, and
/// evicted records are skipped.
#[test]
fn literal_search_over_segments() {
    use crate::query::ast::Query;
    use crate::query::eval::logs::{LogParams, select};
    let store = LogStore::new(limits(2 * SEGMENT_RECORDS as u64));
    for (from, to) in [(0, SEGMENT_RECORDS as i64), (SEGMENT_RECORDS as i64, 2 * SEGMENT_RECORDS as i64 + 100)] {
        let req = request("a", (from..to).map(|n| record(n, None)).collect());
        let outcome = store.commit(&otlp_batch(&req, NOW, &ItemLimits::default()));
        assert_eq!(outcome.map(|o| o.accepted), Ok((to - from) as u64));
    }
    let Ok(Query::Log(log)) = crate::query::parse(r#"{service_name="a"} |= "line 5""#) else { panic!("parse") };
    let params = LogParams { start: NOW, end: NOW + 1_000_000, limit: 5000, forward: true };
    let hits = select(&store, &log, params, &Budget::unlimited()).unwrap_or_default();
    let found: Vec<i64> = hits.iter().map(|h| h.ts - NOW).collect();
    let expected: Vec<i64> =
        (100..2 * SEGMENT_RECORDS as i64 + 100).filter(|n| n.to_string().starts_with('5')).collect();
    assert_eq!(found, expected);
}

/// Streams, shared metadata sets and interned strings (label values, attribute keys and
/// values, severity texts) are freed with their last record, their ids reused and their bytes
/// gone from the count: a million distinct streams or keys cannot pile up.
#[test]
fn streams_and_contexts_are_freed_with_their_last_record() {
    let mut inner = Inner::new(limits(10));
    for n in 0..1_000 {
        let mut one = record(n, None);
        one.attributes.push(kv(&format!("key.{n}"), &format!("value-{n}")));
        one.severity_text = format!("sev-{n}");
        ingest_otlp(&mut inner, &request(&format!("svc-{n}"), vec![one]), NOW);
        inner.enforce_caps();
    }
    assert!(inner.interner.len() < 200, "{} strings interned", inner.interner.len());
    assert_eq!(inner.stats().items, 10);
    assert!(inner.streams.len() <= 11, "{} stream slots", inner.streams.len());
    assert_eq!(inner.streams.iter().filter(|s| s.live > 0).count(), 10);
    assert!(inner.contexts.len() <= 11, "{} context slots", inner.contexts.len());
    let mut empty = Inner::new(limits(0));
    ingest_otlp(&mut empty, &request("a", vec![record(1, None), record(2, None)]), NOW);
    assert!(empty.stats().bytes > 0);
    empty.enforce_caps();
    assert_eq!((empty.stats().items, empty.stats().bytes), (0, 0), "nothing is left counted");
}

mod bound {
    //! The batch size bound is an upper bound: a batch the store accepts never evicts its own
    //! records (64 cases, each a whole store; `PROPTEST_CASES` sets another count).

    use proptest::prelude::*;

    use super::*;

    fn config() -> ProptestConfig {
        let default = ProptestConfig::default();
        if std::env::var_os("PROPTEST_CASES").is_some() { default } else { ProptestConfig { cases: 64, ..default } }
    }

    proptest! {
        #![proptest_config(config())]

        /// With the byte cap set to the batch's bound, every record is stored and none evicted.
        #[test]
        fn accepted_batch_is_never_evicted(
            records in prop::collection::vec(
                ("[a-z ]{0,40}", "[A-Z]{0,8}", prop::collection::vec(("[a-z._]{1,12}", "[a-z0-9]{0,70}"), 0..6)),
                1..20,
            ),
            service in "[a-z-]{1,20}",
        ) {
            let records: Vec<LogRecord> = records
                .into_iter()
                .enumerate()
                .map(|(n, (body, severity, attrs))| {
                    let mut one = record(n as i64, None);
                    one.body = Some(AnyValue { value: Some(Value::StringValue(body)) });
                    one.severity_text = severity;
                    one.attributes = attrs.iter().map(|(k, v)| kv(k, v)).collect();
                    one
                })
                .collect();
            let req = request(&service, records);
            let batch = otlp_batch(&req, NOW, &ItemLimits::default());
            let store = LogStore::new(StoreLimits { max_items: u64::MAX, max_bytes: batch.max_bytes(), history: Duration::from_secs(60) });
            let outcome = store.commit(&batch);
            let stats = store.stats();
            prop_assert_eq!(outcome.map(|o| o.accepted), Ok(batch.records()));
            prop_assert_eq!((stats.items, stats.evicted), (batch.records(), 0));
        }
    }
}
