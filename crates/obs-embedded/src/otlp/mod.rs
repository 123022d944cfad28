//! OTLP ingest: gRPC services on :4317 and HTTP on :4318, with the spec's content types,
//! gzip, size limits, error bodies and partial success. Both transports hand requests to
//! [`ingest`], which refuses during shutdown and otherwise stores them.

pub mod gate;
pub mod grpc;
pub mod http;
pub mod retry;

use obs_contract::http::OtlpSignal;
use obs_contract::{IngestOutcome, Refusal, SignalStore};
use obs_logs::LogStore;
use obs_metrics::MetricStore;
use obs_traces::TraceStore;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;

use crate::selfmetrics::{Outcome, Signal};
use crate::state::AppState;

/// An export request type and the store it goes to.
pub trait Routed: OtlpSignal + Send + 'static {
    /// Which signal it is, for the request counters.
    const KIND: Signal;
    /// The store that takes it.
    type Store: SignalStore<Request = Self>;
    /// That store in the server's state.
    fn store(state: &AppState) -> &Self::Store;
}

impl Routed for ExportTraceServiceRequest {
    const KIND: Signal = Signal::Traces;
    type Store = TraceStore;
    fn store(state: &AppState) -> &TraceStore {
        &state.traces
    }
}

impl Routed for ExportLogsServiceRequest {
    const KIND: Signal = Signal::Logs;
    type Store = LogStore;
    fn store(state: &AppState) -> &LogStore {
        &state.logs
    }
}

impl Routed for ExportMetricsServiceRequest {
    const KIND: Signal = Signal::Metrics;
    type Store = MetricStore;
    fn store(state: &AppState) -> &MetricStore {
        &state.metrics
    }
}

/// Stores `req` unless shutdown has begun.
pub fn ingest<S: Routed>(state: &AppState, req: S) -> Result<IngestOutcome, Refusal> {
    if state.is_shutting_down() {
        return Err(Refusal::ShuttingDown);
    }
    SignalStore::ingest(S::store(state), req)
}

/// The counter outcome of an ingest result.
pub fn outcome_of(result: &Result<IngestOutcome, Refusal>) -> Outcome {
    match result {
        Ok(outcome) if outcome.rejected > 0 => Outcome::Partial,
        Ok(_) => Outcome::Accepted,
        Err(_) => Outcome::Refused,
    }
}
