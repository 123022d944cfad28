//! The benchmark load of PERFORMANCE.md: 5 services, 8 spans per trace, 10 attributes per span;
//! log records with 8 attributes, mixed severities, 100-200 byte bodies, half carrying a trace id.
//! Every request carries fresh ids, so a store never sees a duplicate.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value::Value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status, span::SpanKind};

/// Services the load spreads over.
pub const SERVICES: [&str; 5] = ["backtest", "data-lake", "risk", "orders", "reporting"];
const SPANS_PER_TRACE: usize = 8;

/// Makes distinct items: a counter feeds every id.
pub struct LoadGen {
    next: u64,
}

fn kv(key: &str, value: Value) -> KeyValue {
    KeyValue { key: key.to_string(), value: Some(AnyValue { value: Some(value) }), ..KeyValue::default() }
}

fn s(v: &str) -> Value {
    Value::StringValue(v.to_string())
}

fn resource(service: &str) -> Option<Resource> {
    Some(Resource {
        attributes: vec![kv("service.name", s(service)), kv("service.version", s("1.4.2"))],
        ..Resource::default()
    })
}

fn now_nanos() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    u64::try_from(now.as_nanos()).unwrap_or(u64::MAX)
}

impl Default for LoadGen {
    fn default() -> Self {
        Self::new(1)
    }
}

impl LoadGen {
    /// A generator whose ids start from `seed` (use different seeds for different runs).
    pub fn new(seed: u64) -> Self {
        Self { next: seed << 40 }
    }

    fn bump(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn trace_id(&mut self) -> Vec<u8> {
        let n = self.bump();
        let mut id = [0x5au8; 16];
        id[8..].copy_from_slice(&n.to_be_bytes());
        id[0] = 0x1f;
        id.to_vec()
    }

    fn span(&mut self, trace_id: &[u8], parent: &[u8], i: usize, start: u64) -> Span {
        let n = self.bump();
        let error = n.is_multiple_of(50);
        let attributes = vec![
            kv("http.method", s(if i.is_multiple_of(2) { "GET" } else { "POST" })),
            kv("http.route", s(["/orders", "/bars", "/risk", "/fills"][i % 4])),
            kv("http.status_code", Value::IntValue(if error { 500 } else { 200 })),
            kv("order.id", s(&format!("ord-{:06x}", n & 0xff_ffff))),
            kv("instrument", s(["BTC-USD", "ETH-USD", "SPY", "AAPL", "EUR-USD"][(n % 5) as usize])),
            kv("strategy", s(["mean-revert", "momentum", "pairs"][(n % 3) as usize])),
            kv("qty", Value::IntValue((n % 1000) as i64)),
            kv("cached", Value::BoolValue(n.is_multiple_of(3))),
            kv("price", Value::DoubleValue((n % 10_000) as f64 / 7.0)),
            kv("lake.bucket", s("peak-trade-bars")),
        ];
        let duration = 1_000_000 + (n % 97) * 250_000;
        Span {
            trace_id: trace_id.to_vec(),
            span_id: n.to_be_bytes().to_vec(),
            parent_span_id: parent.to_vec(),
            name: ["load bars", "compute signal", "check risk", "place order"][i % 4].to_string(),
            kind: if i == 0 { SpanKind::Server as i32 } else { SpanKind::Internal as i32 },
            start_time_unix_nano: start + i as u64 * 1_000,
            end_time_unix_nano: start + i as u64 * 1_000 + duration,
            attributes,
            status: Some(Status { code: if error { 2 } else { 0 }, message: String::new() }),
            ..Span::default()
        }
    }

    /// One export request of `count` spans (whole traces of 8 spans), spread over the services.
    pub fn traces(&mut self, count: usize) -> ExportTraceServiceRequest {
        let start = now_nanos();
        let mut per_service: Vec<Vec<Span>> = vec![Vec::new(); SERVICES.len()];
        for t in 0..count.div_ceil(SPANS_PER_TRACE) {
            let trace_id = self.trace_id();
            let mut root = Vec::new();
            for i in 0..SPANS_PER_TRACE.min(count - t * SPANS_PER_TRACE) {
                let span = self.span(&trace_id, &root, i, start);
                if i == 0 {
                    root.clone_from(&span.span_id);
                }
                per_service[(t + i) % SERVICES.len()].push(span);
            }
        }
        let resource_spans = per_service
            .into_iter()
            .zip(SERVICES)
            .filter(|(spans, _)| !spans.is_empty())
            .map(|(spans, service)| ResourceSpans {
                resource: resource(service),
                scope_spans: vec![ScopeSpans { scope: Some(scope()), spans, ..ScopeSpans::default() }],
                ..ResourceSpans::default()
            })
            .collect();
        ExportTraceServiceRequest { resource_spans }
    }

    fn record(&mut self, now: u64) -> LogRecord {
        let n = self.bump();
        let (severity_number, severity_text) =
            [(9, "INFO"), (9, "INFO"), (13, "WARN"), (17, "ERROR")][(n % 4) as usize];
        let order = format!("ord-{:06x}", n & 0xff_ffff);
        let body = format!(
            "order {order} for {} filled at {} after {} ms; strategy {} reported exposure {} within limits",
            ["BTC-USD", "ETH-USD", "SPY"][(n % 3) as usize],
            n % 10_000,
            n % 250,
            ["mean-revert", "momentum"][(n % 2) as usize],
            n % 777
        );
        let (trace_id, span_id) =
            if n.is_multiple_of(2) { (self.trace_id(), n.to_be_bytes().to_vec()) } else { (vec![], vec![]) };
        LogRecord {
            time_unix_nano: now + n % 1000,
            observed_time_unix_nano: now + n % 1000,
            severity_number,
            severity_text: severity_text.to_string(),
            body: Some(AnyValue { value: Some(s(&body)) }),
            attributes: vec![
                kv("order.id", s(&order)),
                kv("order.qty", Value::IntValue((n % 500) as i64)),
                kv("order.side", s(if n.is_multiple_of(2) { "buy" } else { "sell" })),
                kv("instrument", s(["BTC-USD", "ETH-USD", "SPY"][(n % 3) as usize])),
                kv("venue", s("sim")),
                kv("latency_ms", Value::DoubleValue((n % 250) as f64)),
                kv("retry", Value::BoolValue(n.is_multiple_of(7))),
                kv("thread.name", s("worker-1")),
            ],
            trace_id,
            span_id,
            ..LogRecord::default()
        }
    }

    /// One export request of `count` log records, spread over the services.
    pub fn logs(&mut self, count: usize) -> ExportLogsServiceRequest {
        let now = now_nanos();
        let mut per_service: Vec<Vec<LogRecord>> = vec![Vec::new(); SERVICES.len()];
        for i in 0..count {
            let record = self.record(now);
            per_service[i % SERVICES.len()].push(record);
        }
        let resource_logs = per_service
            .into_iter()
            .zip(SERVICES)
            .filter(|(records, _)| !records.is_empty())
            .map(|(log_records, service)| ResourceLogs {
                resource: resource(service),
                scope_logs: vec![ScopeLogs { scope: Some(scope()), log_records, ..ScopeLogs::default() }],
                ..ResourceLogs::default()
            })
            .collect();
        ExportLogsServiceRequest { resource_logs }
    }
}

fn scope() -> InstrumentationScope {
    InstrumentationScope { name: "peak_trade.bench".into(), version: "0.1.0".into(), ..InstrumentationScope::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    /// The span load matches PERFORMANCE.md's size: about 378 bytes of protobuf per span.
    #[test]
    fn span_size_is_close_to_the_reference_load() {
        let req = LoadGen::new(1).traces(512);
        let per_span = req.encoded_len() / 512;
        assert!((300..460).contains(&per_span), "{per_span} bytes per span");
        let ids: std::collections::HashSet<_> =
            req.resource_spans.iter().flat_map(|r| &r.scope_spans[0].spans).map(|s| s.span_id.clone()).collect();
        assert_eq!(ids.len(), 512);
    }

    /// The log load matches PERFORMANCE.md's size: about 393 bytes of protobuf per record.
    #[test]
    fn log_size_is_close_to_the_reference_load() {
        let req = LoadGen::new(2).logs(512);
        let per_record = req.encoded_len() / 512;
        assert!((280..480).contains(&per_record), "{per_record} bytes per record");
    }
}
