//! OTLP/gRPC on :4317: the Trace, Logs and Metrics services (gzip accepted, messages capped
//! at the request limit), behind the [`gate`](super::gate). Ingest runs on the blocking pool. A
//! retryable refusal is `UNAVAILABLE` with RetryInfo; a request that can never fit is
//! `RESOURCE_EXHAUSTED` without it; rejected items are a partial success.

use obs_contract::Refusal;
use obs_contract::http::HttpError;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{LogsService, LogsServiceServer};
use opentelemetry_proto::tonic::collector::logs::v1::{ExportLogsServiceRequest, ExportLogsServiceResponse};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{ExportMetricsServiceRequest, ExportMetricsServiceResponse};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{TraceService, TraceServiceServer};
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use tonic::codec::CompressionEncoding;
use tonic::{Request, Response, Status};

use super::{Routed, ingest, outcome_of};
use crate::selfmetrics::Protocol;
use crate::state::SharedState;

/// The three OTLP services on one handle to the state.
#[derive(Clone)]
pub struct Otlp {
    state: SharedState,
}

/// The gRPC services as an axum router (served like every other listener), behind the gate.
pub fn router(state: SharedState) -> axum::Router {
    let limit = state.config.limits.max_request_bytes;
    let gate = super::gate::Gate {
        admission: state.admission.clone(),
        otlp_http: state.config.endpoints.url(obs_stack::ports::OTLP_HTTP),
    };
    let otlp = Otlp { state };
    let gzip = CompressionEncoding::Gzip;
    tonic::service::Routes::new(
        TraceServiceServer::new(otlp.clone())
            .accept_compressed(gzip)
            .send_compressed(gzip)
            .max_decoding_message_size(limit),
    )
    .add_service(
        LogsServiceServer::new(otlp.clone())
            .accept_compressed(gzip)
            .send_compressed(gzip)
            .max_decoding_message_size(limit),
    )
    .add_service(
        MetricsServiceServer::new(otlp).accept_compressed(gzip).send_compressed(gzip).max_decoding_message_size(limit),
    )
    .into_axum_router()
    .layer(axum::middleware::from_fn_with_state(gate, super::gate::gate))
}

impl Otlp {
    async fn export<S: Routed>(&self, req: S) -> Result<Response<S::Response>, Status> {
        let slot = obs_contract::http::decode_slots().clone().acquire_owned().await;
        let state = self.state.clone();
        let result = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            ingest(&state, req)
        })
        .await
        .map_err(|err| Status::internal(format!("ingest failed inside the server: {err}")))?;
        self.state.requests.record(Protocol::Grpc, S::KIND, outcome_of(&result));
        match result {
            Ok(outcome) => Ok(Response::new(S::response(&outcome))),
            Err(refusal) => Err(refused(S::SIGNAL, refusal)),
        }
    }
}

/// The status for a refusal, with the message the HTTP answer carries: `UNAVAILABLE` with
/// RetryInfo when retrying can help, `RESOURCE_EXHAUSTED` without it when it cannot.
fn refused(signal: &'static str, refusal: Refusal) -> Status {
    let retryable = refusal.is_retryable();
    let message = HttpError::Refused { signal, refusal }.message();
    if retryable { super::retry::unavailable(message) } else { Status::resource_exhausted(message) }
}

#[tonic::async_trait]
impl TraceService for Otlp {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        Otlp::export(self, request.into_inner()).await
    }
}

#[tonic::async_trait]
impl LogsService for Otlp {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        Otlp::export(self, request.into_inner()).await
    }
}

#[tonic::async_trait]
impl MetricsService for Otlp {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        Otlp::export(self, request.into_inner()).await
    }
}
