//! OTLP/gRPC on :4317: the Trace, Logs and Metrics services (gzip accepted, messages capped
//! at the request limit). A refusal is `UNAVAILABLE` with RetryInfo, which exporters retry; rejected items
//! are a partial success.

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

/// The gRPC services as an axum router (served like every other listener).
pub fn router(state: SharedState) -> axum::Router {
    let limit = state.config.limits.max_request_bytes;
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
}

impl Otlp {
    fn export<S: Routed>(&self, req: S) -> Result<Response<S::Response>, Status> {
        let result = ingest(&self.state, req);
        self.state.requests.record(Protocol::Grpc, S::KIND, outcome_of(&result));
        match result {
            Ok(outcome) => Ok(Response::new(S::response(&outcome))),
            Err(refusal) => Err(unavailable(S::SIGNAL, refusal)),
        }
    }
}

/// `UNAVAILABLE` (retryable) with the same message the HTTP 503 carries.
fn unavailable(signal: &'static str, refusal: Refusal) -> Status {
    super::retry::unavailable(HttpError::Refused { signal, refusal }.message())
}

#[tonic::async_trait]
impl TraceService for Otlp {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        Otlp::export(self, request.into_inner())
    }
}

#[tonic::async_trait]
impl LogsService for Otlp {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        Otlp::export(self, request.into_inner())
    }
}

#[tonic::async_trait]
impl MetricsService for Otlp {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        Otlp::export(self, request.into_inner())
    }
}
