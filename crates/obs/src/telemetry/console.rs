//! The console exporter: one readable line per span (when it ends), log record and metric point,
//! written to stderr at once, so it never mixes with the program's stdout.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::logs::AnyValue;
use opentelemetry::trace::Status;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

/// Writes whole lines to stderr (one write per batch, so lines from threads do not interleave).
fn emit(lines: &str) {
    let _ = std::io::stderr().lock().write_all(lines.as_bytes());
}

fn attrs<'a>(kvs: impl Iterator<Item = &'a KeyValue>) -> String {
    kvs.map(|kv| format!(" {}={}", kv.key, kv.value)).collect()
}

/// Spans as `span <name> <duration> trace=<id> span=<id> [parent=<id>] [ERROR: msg] k=v ...`.
#[derive(Debug, Default)]
pub(crate) struct ConsoleSpans;

impl SpanExporter for ConsoleSpans {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let mut out = String::new();
        for span in &batch {
            let took = span.end_time.duration_since(span.start_time).unwrap_or(Duration::ZERO);
            let _ = write!(
                out,
                "[obs] span {} {:.3}ms trace={} span={}",
                span.name,
                took.as_secs_f64() * 1000.0,
                span.span_context.trace_id(),
                span.span_context.span_id()
            );
            if span.parent_span_id != opentelemetry::trace::SpanId::INVALID {
                let _ = write!(out, " parent={}", span.parent_span_id);
            }
            if let Status::Error { description } = &span.status {
                let _ = write!(out, " ERROR: {description:?}");
            }
            let _ = writeln!(out, "{}", attrs(span.attributes.iter()));
        }
        emit(&out);
        Ok(())
    }
}

fn any(value: &AnyValue) -> String {
    match value {
        AnyValue::String(s) => s.to_string(),
        AnyValue::Int(i) => i.to_string(),
        AnyValue::Double(d) => d.to_string(),
        AnyValue::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// Log records as `log <LEVEL> <body> [trace=<id> span=<id>] k=v ...`.
#[derive(Debug, Default)]
pub(crate) struct ConsoleLogs;

impl LogExporter for ConsoleLogs {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        let mut out = String::new();
        for (record, _scope) in batch.iter() {
            let level = record.severity_text().unwrap_or("-");
            let body = record.body().map(any).unwrap_or_default();
            let _ = write!(out, "[obs] log {level} {body}");
            if let Some(context) = record.trace_context() {
                let _ = write!(out, " trace={} span={}", context.trace_id, context.span_id);
            }
            for (key, value) in record.attributes_iter() {
                let _ = write!(out, " {key}={}", any(value));
            }
            out.push('\n');
        }
        emit(&out);
        Ok(())
    }
}

/// Metric points as `metric <name>{k=v,...} = <value> <unit>` (histograms: count and sum).
#[derive(Debug, Default)]
pub(crate) struct ConsoleMetrics;

macro_rules! points {
    ($out:expr, $name:expr, $unit:expr, $data:expr) => {
        match $data {
            MetricData::Gauge(g) => {
                g.data_points().for_each(|p| point($out, $name, labels(p.attributes()), p.value(), $unit))
            }
            MetricData::Sum(s) => {
                s.data_points().for_each(|p| point($out, $name, labels(p.attributes()), p.value(), $unit))
            }
            MetricData::Histogram(h) => h.data_points().for_each(|p| {
                let shown = format!("count {} sum {}", p.count(), p.sum());
                point($out, $name, labels(p.attributes()), shown, $unit)
            }),
            MetricData::ExponentialHistogram(h) => h.data_points().for_each(|p| {
                let shown = format!("count {} sum {}", p.count(), p.sum());
                point($out, $name, labels(p.attributes()), shown, $unit)
            }),
        }
    };
}

fn labels<'a>(kvs: impl Iterator<Item = &'a KeyValue>) -> String {
    kvs.map(|kv| format!("{}={}", kv.key, kv.value)).collect::<Vec<_>>().join(",")
}

fn point(out: &mut String, name: &str, labels: String, value: impl std::fmt::Display, unit: &str) {
    let _ = writeln!(out, "[obs] metric {name}{{{labels}}} = {value} {unit}");
}

impl PushMetricExporter for ConsoleMetrics {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let mut out = String::new();
        for metric in metrics.scope_metrics().flat_map(|s| s.metrics()) {
            let (name, unit) = (metric.name(), metric.unit());
            match metric.data() {
                AggregatedMetrics::F64(data) => points!(&mut out, name, unit, data),
                AggregatedMetrics::U64(data) => points!(&mut out, name, unit, data),
                AggregatedMetrics::I64(data) => points!(&mut out, name, unit, data),
            }
        }
        emit(&out);
        Ok(())
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }

    fn temporality(&self) -> Temporality {
        Temporality::Cumulative
    }
}
