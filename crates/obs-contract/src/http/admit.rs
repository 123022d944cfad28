//! Admission of ingest request bodies. An oversized `Content-Length` is refused with 413
//! before the body is read: the body is drained (read and dropped, never held) so the client
//! receives the answer instead of a broken pipe. The bytes of bodies read at once are bounded
//! over every ingest port, since a protobuf body decodes to about 20 times its size.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::BodyExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{Format, HttpError, error_response, format_of, too_large};
use crate::Refusal;

/// Unit of the byte budget (a semaphore counts `u32` permits).
const UNIT: usize = 1024;
/// Longest a request waits for room in the byte budget before a 503.
const WAIT: Duration = Duration::from_secs(30);
/// Longest an oversized body is drained before the 413 is sent anyway.
const DRAIN_TIME: Duration = Duration::from_secs(30);

/// The byte budget shared by every ingest port, and the per-request limit.
#[derive(Debug)]
pub struct Admission {
    bytes: Arc<Semaphore>,
    capacity: usize,
    /// Largest request body, in bytes.
    pub max_request: usize,
}

impl Admission {
    /// A budget of `max_inflight` bytes for requests of at most `max_request` bytes.
    pub fn new(max_inflight: usize, max_request: usize) -> Self {
        let capacity = max_inflight.max(max_request).div_ceil(UNIT).min(Semaphore::MAX_PERMITS);
        Self { bytes: Arc::new(Semaphore::new(capacity)), capacity, max_request }
    }

    /// Room for `bytes` (clamped to the whole budget), or `None` after waiting [`WAIT`].
    pub async fn reserve(&self, bytes: usize) -> Option<OwnedSemaphorePermit> {
        let units = u32::try_from(bytes.div_ceil(UNIT).clamp(1, self.capacity)).unwrap_or(u32::MAX);
        tokio::time::timeout(WAIT, self.bytes.clone().acquire_many_owned(units)).await.ok()?.ok()
    }
}

/// The request's `Content-Length`, when it sends one.
pub fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

/// axum middleware for OTLP/HTTP and Loki push routes: 413 for a declared length over the
/// limit, then a reservation in the byte budget held until the answer is ready.
pub async fn admit(State(admission): State<Arc<Admission>>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let format = format_of(req.headers()).unwrap_or(Format::Json);
    let length = content_length(req.headers());
    if length.is_some_and(|n| n > admission.max_request) {
        if !expects_continue(req.headers()) {
            drain(req.into_body()).await;
        }
        let mut response = error_response(format, &too_large(admission.max_request));
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    let Some(_room) = admission.reserve(length.unwrap_or(admission.max_request)).await else {
        let refusal = Refusal::Full("too many request bytes are being read at once (OBS_MAX_INFLIGHT_BYTES)".into());
        return error_response(format, &HttpError::Refused { signal: "ingest", refusal });
    };
    next.run(req).await
}

/// Whether the client waits for `100 Continue` before sending the body (then the body is not
/// sent at all when the answer comes first).
fn expects_continue(headers: &HeaderMap) -> bool {
    headers.get(header::EXPECT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
}

/// Reads and drops the body for at most [`DRAIN_TIME`].
async fn drain(mut body: Body) {
    let _ = tokio::time::timeout(DRAIN_TIME, async { while let Some(Ok(_)) = body.frame().await {} }).await;
}
