//! OTLP/HTTP answers: the `Export*ServiceResponse` on success and a `google.rpc.Status` on
//! failure, encoded in the request's own content type, with `Retry-After` on refusals.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Format, HttpError};
use crate::Refusal;

/// Seconds a client should wait before retrying a refused request.
pub const RETRY_AFTER_SECONDS: u32 = 1;

/// `google.rpc.Status` (code, message; details left empty), the OTLP/HTTP error body.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize, serde::Deserialize)]
pub struct RpcStatus {
    /// gRPC status code (3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE).
    #[prost(int32, tag = "1")]
    pub code: i32,
    /// What went wrong and what to do about it.
    #[prost(string, tag = "2")]
    pub message: String,
}

impl HttpError {
    /// The gRPC status code of the same error.
    pub fn grpc_code(&self) -> i32 {
        self.rpc_code()
    }

    /// The HTTP status code the OTLP specification gives this error.
    pub fn status(&self) -> StatusCode {
        match self {
            HttpError::BadRequest(_) => StatusCode::BAD_REQUEST,
            HttpError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            HttpError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            HttpError::Refused { refusal: Refusal::TooLarge(_), .. } => StatusCode::PAYLOAD_TOO_LARGE,
            HttpError::Refused { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The message shown to the client.
    pub fn message(&self) -> String {
        match self {
            HttpError::BadRequest(m) | HttpError::PayloadTooLarge(m) | HttpError::UnsupportedMediaType(m) => m.clone(),
            HttpError::Refused { signal, refusal: Refusal::Full(why) } => {
                format!("the {signal} store is full and cannot take this request ({why}); retry later")
            }
            HttpError::Refused { signal, refusal: Refusal::TooLarge(why) } => {
                format!("the {signal} store can never take this request ({why}); do not retry it")
            }
            HttpError::Refused { refusal: Refusal::ShuttingDown, .. } => {
                "the server is shutting down; retry once it is back".to_string()
            }
        }
    }

    fn rpc_code(&self) -> i32 {
        match self {
            HttpError::BadRequest(_) | HttpError::UnsupportedMediaType(_) => 3,
            HttpError::PayloadTooLarge(_) | HttpError::Refused { refusal: Refusal::TooLarge(_), .. } => 8,
            HttpError::Refused { .. } => 14,
        }
    }
}

/// The error answer: status code, `google.rpc.Status` body in `format`, `Retry-After` on 503.
pub fn error_response(format: Format, err: &HttpError) -> Response {
    let status = RpcStatus { code: err.rpc_code(), message: err.message() };
    let mut response = encoded(format, &status);
    *response.status_mut() = err.status();
    if matches!(err, HttpError::Refused { refusal, .. } if refusal.is_retryable()) {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    }
    response
}

/// The 200 answer carrying `body` in `format`.
pub fn success_response<M: prost::Message + serde::Serialize>(format: Format, body: &M) -> Response {
    encoded(format, body)
}

fn encoded<M: prost::Message + serde::Serialize>(format: Format, body: &M) -> Response {
    let bytes = match format {
        Format::Protobuf => body.encode_to_vec(),
        Format::Json => json_without_nulls(body),
    };
    ([(header::CONTENT_TYPE, format.content_type())], bytes).into_response()
}

/// JSON with unset optional fields left out (`{}` rather than `{"partialSuccess":null}`).
fn json_without_nulls<M: serde::Serialize>(body: &M) -> Vec<u8> {
    let mut value = serde_json::to_value(body).unwrap_or_default();
    if let serde_json::Value::Object(map) = &mut value {
        map.retain(|_, v| !v.is_null());
    }
    serde_json::to_vec(&value).unwrap_or_else(|_| b"{}".to_vec())
}
