//! One server fed over OTLP/HTTP protobuf with a small, known set of telemetry: a two-span
//! trace, three log records inside it, and a counter with two cumulative points, so every
//! datasource request has something real to find.

use std::time::{SystemTime, UNIX_EPOCH};

use obs_stack::ports;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum};
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{Span, Status};
use prost::Message;
use test_support::embedded::EmbeddedServer;

use crate::otlp_build::{attr, traces};
use crate::post;

/// The service every signal is sent as.
pub const SERVICE: &str = "grafana_it_checkout";
/// The root span's name.
pub const ROOT_SPAN: &str = "GET /orders";
/// The child span's name.
pub const CHILD_SPAN: &str = "db.query";
/// The OTLP counter's name; Prometheus sees `grafana_it_orders_total`.
pub const COUNTER: &str = "grafana_it_orders";
/// The counter's description, expected as the metadata `help`.
pub const COUNTER_HELP: &str = "Orders filled by the checkout";
/// The trace id; its first byte is below 0x10 so search lists it without the leading zero.
pub const TRACE_ID: [u8; 16] = [0x0a, 0x51, 0x7c, 0x3e, 0x9d, 0x11, 0x42, 0x86, 0x90, 0x12, 0xab, 0xcd, 0xef, 1, 2, 3];
/// The root span's id.
pub const ROOT_ID: [u8; 8] = [0x00, 0x7a, 0x51, 0x33, 0x9c, 0x20, 0x01, 0x02];
/// The child span's id.
pub const CHILD_ID: [u8; 8] = [0x44, 0x7a, 0x51, 0x33, 0x9c, 0x20, 0x01, 0x03];
/// Log lines sent, oldest first; the last one is an error.
pub const LINES: [&str; 3] = ["order accepted id=ord-1", "order routed id=ord-1", "order failed id=ord-1"];

/// A running server holding the telemetry above.
pub struct Fed {
    pub server: EmbeddedServer,
    /// Unix nanoseconds when the telemetry was built; every item lies in the 10 s before it.
    pub now_ns: u64,
}

impl Fed {
    /// Unix seconds of `now_ns`.
    pub fn now_s(&self) -> u64 {
        self.now_ns / 1_000_000_000
    }

    /// A range in unix seconds covering everything sent (the last five minutes, rounded out).
    pub fn range_s(&self) -> (u64, u64) {
        (self.now_s() - 300, self.now_s() + 1)
    }

    /// The same range in unix nanoseconds.
    pub fn range_ns(&self) -> (u64, u64) {
        let (start, end) = self.range_s();
        (start * 1_000_000_000, end * 1_000_000_000)
    }
}

/// Starts a server and sends the trace, logs and metrics above over OTLP/HTTP protobuf.
pub fn fed() -> Fed {
    let server = EmbeddedServer::start(&[]).unwrap();
    let now_ns = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64;
    let otlp = server.url(ports::OTLP_HTTP);
    send(&format!("{otlp}/v1/traces"), &trace_request(now_ns).encode_to_vec());
    send(&format!("{otlp}/v1/logs"), &log_request(now_ns).encode_to_vec());
    for (ago_s, value) in [(8, 3), (2, 5)] {
        send(
            &format!("{otlp}/v1/metrics"),
            &counter_request(now_ns, now_ns - ago_s * 1_000_000_000, value).encode_to_vec(),
        );
    }
    Fed { server, now_ns }
}

fn send(url: &str, body: &[u8]) {
    let answer = post(url, &[("content-type", "application/x-protobuf")], body);
    assert_eq!(answer.status, 200, "{url}: {}", String::from_utf8_lossy(&answer.body));
}

fn trace_request(now_ns: u64) -> opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest {
    let root = Span {
        trace_id: TRACE_ID.to_vec(),
        span_id: ROOT_ID.to_vec(),
        name: ROOT_SPAN.into(),
        kind: 2,
        start_time_unix_nano: now_ns - 5_000_000_000,
        end_time_unix_nano: now_ns - 4_000_000_000,
        attributes: vec![attr("http.method", "GET"), attr("order.id", "ord-1")],
        ..Default::default()
    };
    let child = Span {
        trace_id: TRACE_ID.to_vec(),
        span_id: CHILD_ID.to_vec(),
        parent_span_id: ROOT_ID.to_vec(),
        name: CHILD_SPAN.into(),
        kind: 3,
        start_time_unix_nano: now_ns - 4_800_000_000,
        end_time_unix_nano: now_ns - 4_500_000_000,
        attributes: vec![attr("db.system", "postgresql")],
        status: Some(Status { code: 2, message: "deadlock".into() }),
        ..Default::default()
    };
    traces(SERVICE, vec![root, child])
}

fn log_request(now_ns: u64) -> ExportLogsServiceRequest {
    let records = LINES
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let (severity_number, severity_text) = if i == 2 { (17, "ERROR") } else { (9, "INFO") };
            LogRecord {
                time_unix_nano: now_ns - 5_000_000_000 + i as u64 * 100_000_000,
                observed_time_unix_nano: now_ns,
                severity_number,
                severity_text: severity_text.into(),
                body: Some(AnyValue { value: Some(any_value::Value::StringValue((*line).into())) }),
                attributes: vec![attr("order.id", "ord-1")],
                trace_id: TRACE_ID.to_vec(),
                span_id: ROOT_ID.to_vec(),
                ..Default::default()
            }
        })
        .collect();
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: Some(Resource { attributes: vec![attr("service.name", SERVICE)], ..Default::default() }),
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    }
}

fn counter_request(now_ns: u64, at_ns: u64, value: i64) -> ExportMetricsServiceRequest {
    let point = NumberDataPoint {
        attributes: vec![attr("side", "buy")],
        start_time_unix_nano: now_ns - 60_000_000_000,
        time_unix_nano: at_ns,
        value: Some(number_data_point::Value::AsInt(value)),
        ..Default::default()
    };
    let metric = Metric {
        name: COUNTER.into(),
        description: COUNTER_HELP.into(),
        unit: "1".into(),
        data: Some(metric::Data::Sum(Sum { data_points: vec![point], aggregation_temporality: 2, is_monotonic: true })),
        ..Default::default()
    };
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(Resource { attributes: vec![attr("service.name", SERVICE)], ..Default::default() }),
            scope_metrics: vec![ScopeMetrics { metrics: vec![metric], ..Default::default() }],
            ..Default::default()
        }],
    }
}
