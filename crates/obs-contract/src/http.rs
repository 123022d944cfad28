//! OTLP over HTTP, shared by :4318 and Loki's `/otlp/v1/logs`: content types (protobuf and
//! JSON), gzip with a bomb guard, the size limit, `google.rpc.Status` error bodies and
//! partial-success answers in the request's own content type.
//!
//! A route calls [`handle`] with the whole request, its size limit and the store's ingest:
//! ```text
//! async fn export(State(store): State<Arc<LogStore>>, req: axum::extract::Request) -> Response {
//!     obs_contract::http::handle(req, limit, |r: ExportLogsServiceRequest| store.ingest(r)).await
//! }
//! ```

mod admit;
mod answer;
mod decode;
mod signal;

use axum::http::HeaderMap;
use axum::response::Response;
use bytes::Bytes;

pub use admit::{Admission, admit, content_length};
pub use answer::{RETRY_AFTER_SECONDS, RpcStatus, error_response, success_response};
pub use decode::{Format, decode, format_of, inflate, too_large};
pub use signal::OtlpSignal;

use crate::{IngestOutcome, Refusal};

/// Why an OTLP/HTTP request failed; each maps to the status code the OTLP spec gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// 400: the body cannot be decompressed or decoded.
    BadRequest(String),
    /// 413: the body is over the limit (before or after decompression).
    PayloadTooLarge(String),
    /// 415: a `Content-Type` or `Content-Encoding` we do not speak.
    UnsupportedMediaType(String),
    /// 503 with `Retry-After`: the store is full or the server is shutting down.
    Refused { signal: &'static str, refusal: Refusal },
}

/// Reads, decodes and ingests one OTLP/HTTP request, then answers in its content type.
/// The body is read with `limit` as the cap (axum's default body limit does not apply);
/// decoding and ingest run on the blocking pool, a few at once (see [`decode_slots`]).
pub async fn handle<S: OtlpSignal + Send + 'static>(
    request: axum::extract::Request,
    limit: usize,
    ingest: impl FnOnce(S) -> Result<IngestOutcome, Refusal> + Send + 'static,
) -> Response {
    let (parts, body) = request.into_parts();
    let format = match format_of(&parts.headers) {
        Ok(format) => format,
        Err(err) => return error_response(Format::Json, &err),
    };
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => off_workers(move || handle_bytes(&parts.headers, bytes, limit, ingest)).await,
        Err(err) if is_length_limit(&err) => error_response(format, &too_large(limit)),
        Err(err) => error_response(format, &HttpError::BadRequest(format!("cannot read the request body: {err}"))),
    }
}

/// Like [`handle`] for a body already in memory.
pub fn handle_bytes<S: OtlpSignal>(
    headers: &HeaderMap,
    body: Bytes,
    limit: usize,
    ingest: impl FnOnce(S) -> Result<IngestOutcome, Refusal>,
) -> Response {
    let format = match format_of(headers) {
        Ok(format) => format,
        Err(err) => return error_response(Format::Json, &err),
    };
    let outcome = inflate(headers, body, limit)
        .and_then(|raw| decode::<S>(format, &raw))
        .and_then(|req| ingest(req).map_err(|refusal| HttpError::Refused { signal: S::SIGNAL, refusal }));
    match outcome {
        Ok(outcome) => success_response(format, &S::response(&outcome)),
        Err(err) => error_response(format, &err),
    }
}

/// How many decodes run at once: one per core. Decoding multiplies a body's size about 20
/// times, so this bounds the memory in flight as much as the CPU.
pub fn decode_slots() -> &'static std::sync::Arc<tokio::sync::Semaphore> {
    static SLOTS: std::sync::LazyLock<std::sync::Arc<tokio::sync::Semaphore>> = std::sync::LazyLock::new(|| {
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
        std::sync::Arc::new(tokio::sync::Semaphore::new(cores))
    });
    &SLOTS
}

/// Runs `work` (decode and ingest) on the blocking pool once a decode slot is free.
pub async fn off_workers(work: impl FnOnce() -> Response + Send + 'static) -> Response {
    let Ok(slot) = decode_slots().clone().acquire_owned().await else {
        return error_response(Format::Json, &HttpError::BadRequest("the server is stopping".into()));
    };
    match tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work()
    })
    .await
    {
        Ok(response) => response,
        Err(err) => {
            error_response(Format::Json, &HttpError::BadRequest(format!("ingest failed inside the server: {err}")))
        }
    }
}

/// Whether a body read failed because it passed the length limit.
fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = source {
        if current.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = current.source();
    }
    false
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod prop_tests;
