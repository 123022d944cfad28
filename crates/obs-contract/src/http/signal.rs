//! The three OTLP export requests as one trait, so one handler serves `/v1/traces`,
//! `/v1/logs` and `/v1/metrics` and answers each with its own response type.

use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsPartialSuccess, ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};

use crate::IngestOutcome;

/// An OTLP export request type and how to answer it.
pub trait OtlpSignal: prost::Message + Default + serde::de::DeserializeOwned + Sized {
    /// Signal name used in messages and metric labels: `traces`, `logs` or `metrics`.
    const SIGNAL: &'static str;
    /// Protobuf message name used in decode errors.
    const MESSAGE: &'static str;
    /// The matching `Export*ServiceResponse`.
    type Response: prost::Message + serde::Serialize;

    /// The response for `outcome`: `partial_success` is set only when something was rejected
    /// or the store left a message, as the OTLP specification asks.
    fn response(outcome: &IngestOutcome) -> Self::Response;
}

/// The rejected count and message, or `None` on full success.
fn partial(outcome: &IngestOutcome) -> Option<(i64, String)> {
    let message = outcome.message.clone().unwrap_or_default();
    (outcome.rejected > 0 || !message.is_empty())
        .then(|| (i64::try_from(outcome.rejected).unwrap_or(i64::MAX), message))
}

impl OtlpSignal for ExportTraceServiceRequest {
    const SIGNAL: &'static str = "traces";
    const MESSAGE: &'static str = "ExportTraceServiceRequest";
    type Response = ExportTraceServiceResponse;

    fn response(outcome: &IngestOutcome) -> Self::Response {
        ExportTraceServiceResponse {
            partial_success: partial(outcome)
                .map(|(rejected_spans, error_message)| ExportTracePartialSuccess { rejected_spans, error_message }),
        }
    }
}

impl OtlpSignal for ExportLogsServiceRequest {
    const SIGNAL: &'static str = "logs";
    const MESSAGE: &'static str = "ExportLogsServiceRequest";
    type Response = ExportLogsServiceResponse;

    fn response(outcome: &IngestOutcome) -> Self::Response {
        ExportLogsServiceResponse {
            partial_success: partial(outcome).map(|(rejected_log_records, error_message)| ExportLogsPartialSuccess {
                rejected_log_records,
                error_message,
            }),
        }
    }
}

impl OtlpSignal for ExportMetricsServiceRequest {
    const SIGNAL: &'static str = "metrics";
    const MESSAGE: &'static str = "ExportMetricsServiceRequest";
    type Response = ExportMetricsServiceResponse;

    fn response(outcome: &IngestOutcome) -> Self::Response {
        ExportMetricsServiceResponse {
            partial_success: partial(outcome).map(|(rejected_data_points, error_message)| {
                ExportMetricsPartialSuccess { rejected_data_points, error_message }
            }),
        }
    }
}
