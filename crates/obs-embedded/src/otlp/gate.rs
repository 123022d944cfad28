//! What stands in front of the OTLP gRPC services on :4317. Anything that is not gRPC (HTTP/1.1,
//! or a `Content-Type` other than `application/grpc*`) gets a 415 that points at the OTLP/HTTP
//! port: an OTLP/HTTP exporter aimed at :4317 otherwise saw `200 OK` (with `grpc-status: 12`
//! in a header), counted its data as delivered, and lost it. Over gRPC, tonic's status codes
//! are put right for OTLP: an oversized message is `RESOURCE_EXHAUSTED` (tonic says
//! `OUT_OF_RANGE`, which exporters retry forever) and an undecodable one `INVALID_ARGUMENT`
//! (tonic says `INTERNAL`). Each request also takes room in the shared byte budget.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use obs_contract::http::Admission;

/// What the gate needs: the byte budget and where OTLP/HTTP listens (for the hint).
#[derive(Debug, Clone)]
pub struct Gate {
    /// The byte budget shared with the HTTP ingest ports.
    pub admission: Arc<Admission>,
    /// The OTLP/HTTP base URL, such as `http://127.0.0.1:4318`.
    pub otlp_http: String,
}

/// axum middleware: refuses non-gRPC requests, reserves bytes, fixes the status codes.
pub async fn gate(State(gate): State<Gate>, req: Request, next: Next) -> Response {
    if let Some(why) = not_grpc(&req) {
        let message = format!(
            "{why}: this is the OTLP gRPC port (HTTP/2, application/grpc). OTLP/HTTP is served on {} \
             (POST /v1/traces, /v1/logs, /v1/metrics); point the exporter there, or set \
             OTEL_EXPORTER_OTLP_PROTOCOL=grpc to keep this port\n",
            gate.otlp_http
        );
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message)
            .into_response();
    }
    let Some(_room) = gate.admission.reserve(gate.admission.max_request).await else {
        let status = crate::otlp::retry::unavailable(
            "too many request bytes are being read at once (OBS_MAX_INFLIGHT_BYTES); retry later".into(),
        );
        return status.into_http();
    };
    let mut response = next.run(req).await;
    fix_status(response.headers_mut());
    response
}

/// Why `req` is not a gRPC call, if it is not.
fn not_grpc(req: &Request) -> Option<String> {
    if req.version() != Version::HTTP_2 {
        return Some(format!("{:?} {} is not gRPC", req.version(), req.uri().path()));
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    (!content_type.starts_with("application/grpc"))
        .then(|| format!("Content-Type {content_type:?} is not application/grpc"))
}

/// gRPC status codes as OTLP wants them, in a trailers-only answer's headers.
fn fix_status(headers: &mut axum::http::HeaderMap) {
    let code = headers.get("grpc-status").and_then(|v| v.to_str().ok()).unwrap_or("");
    let message = headers.get("grpc-message").and_then(|v| v.to_str().ok()).unwrap_or("");
    let fixed = match code {
        "11" => Some(HeaderValue::from_static("8")),
        "13" if message.starts_with("failed%20to%20decode") || message.starts_with("failed to decode") => {
            Some(HeaderValue::from_static("3"))
        }
        "13" if message.starts_with("Error%20decompressing") || message.starts_with("Error decompressing") => {
            Some(HeaderValue::from_static("3"))
        }
        _ => None,
    };
    if let Some(fixed) = fixed {
        headers.insert("grpc-status", fixed);
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    use super::*;

    fn fixed(code: &'static str, message: &'static str) -> String {
        let mut headers = HeaderMap::new();
        headers.insert("grpc-status", HeaderValue::from_static(code));
        headers.insert("grpc-message", HeaderValue::from_static(message));
        fix_status(&mut headers);
        headers.get("grpc-status").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }

    /// OUT_OF_RANGE becomes RESOURCE_EXHAUSTED, decode failures INVALID_ARGUMENT, others stay.
    #[test]
    fn status_codes_for_otlp() {
        assert_eq!(fixed("11", "Error,%20decoded%20message%20length%20too%20large"), "8");
        assert_eq!(fixed("13", "failed%20to%20decode%20Protobuf%20message"), "3");
        assert_eq!(fixed("13", "Error%20decompressing:%20invalid%20gzip"), "3");
        assert_eq!(fixed("13", "something%20else"), "13");
        assert_eq!(fixed("14", "store%20full"), "14");
    }
}
