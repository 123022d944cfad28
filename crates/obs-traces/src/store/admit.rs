//! Whether a request can fit the store at all, decided before it is stored: a request with
//! more spans or bytes than the whole store keeps is refused up front (413, not retried),
//! never answered 200 and then evicted along with everything else.

use obs_contract::{Refusal, StoreLimits};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

/// The variable that raises the span cap.
pub const MAX_SPANS_VAR: &str = "OBS_MAX_SPANS";
/// The variable that raises the byte cap.
pub const MAX_BYTES_VAR: &str = "OBS_MAX_TRACE_BYTES";

/// Spans in a request.
pub fn span_count(req: &ExportTraceServiceRequest) -> u64 {
    req.resource_spans.iter().flat_map(|rs| &rs.scope_spans).map(|ss| ss.spans.len() as u64).sum()
}

/// `Err(TooLarge)` naming the cap and its variable when `req` can never fit under `limits`.
/// The request's encoded size stands for the bytes it brings (the store keeps each string
/// once, so it holds about as much or less).
pub fn check(req: &ExportTraceServiceRequest, spans: u64, limits: &StoreLimits) -> Result<(), Refusal> {
    if spans > limits.max_items {
        return Err(Refusal::TooLarge(format!(
            "the request holds {spans} spans, more than the trace store keeps in all ({}, set by {MAX_SPANS_VAR}); \
             send smaller batches or raise {MAX_SPANS_VAR}",
            limits.max_items
        )));
    }
    let bytes = req.encoded_len() as u64;
    if bytes > limits.max_bytes {
        return Err(Refusal::TooLarge(format!(
            "the request is {bytes} bytes, more than the trace store keeps in all ({} bytes, set by {MAX_BYTES_VAR}); \
             send smaller batches or raise {MAX_BYTES_VAR}",
            limits.max_bytes
        )));
    }
    Ok(())
}
