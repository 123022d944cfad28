//! Reads the OpenTelemetry trace and span ids behind a `tracing` span, for printing or for
//! attaching to metrics (the smoke check uses the trace id as a run id).

use opentelemetry::trace::TraceContextExt as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

/// Hex ids of a sampled span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceIds {
    /// 32 lower-case hex digits.
    pub trace_id: String,
    /// 16 lower-case hex digits.
    pub span_id: String,
}

/// The ids of `span`, or `None` when telemetry is off or the span was not sampled.
pub fn trace_ids(span: &tracing::Span) -> Option<TraceIds> {
    let context = span.context();
    let otel_span = context.span();
    let span_context = otel_span.span_context();
    span_context.is_valid().then(|| TraceIds {
        trace_id: span_context.trace_id().to_string(),
        span_id: span_context.span_id().to_string(),
    })
}
