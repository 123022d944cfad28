//! Protobuf bodies for trace-by-id: v1 is Tempo's `Trace` (`batches` = field 1, the same wire
//! form as OTLP `TracesData.resource_spans`), v2 is `TraceByIDResponse` (`trace` = field 1).

use opentelemetry_proto::tonic::trace::v1::TracesData;
use prost::Message;

/// Tempo's `TraceByIDResponse`, with the fields we fill.
#[derive(Clone, PartialEq, Message)]
pub struct TraceByIdResponse {
    /// The trace (Tempo's `Trace`, wire-identical to `TracesData`).
    #[prost(message, optional, tag = "1")]
    pub trace: Option<TracesData>,
}

/// The v1 body.
pub fn v1(data: &TracesData) -> Vec<u8> {
    data.encode_to_vec()
}

/// The v2 body (an empty trace when unknown, as Tempo answers).
pub fn v2(data: Option<TracesData>) -> Vec<u8> {
    TraceByIdResponse { trace: Some(data.unwrap_or_default()) }.encode_to_vec()
}
