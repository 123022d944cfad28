//! `POST /otlp/v1/logs`, Loki's own OTLP receiver: decoded by obs-contract's OTLP/HTTP helper,
//! answered `204` with an empty body on success as Loki does (errors as the OTLP spec says).

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use obs_contract::http::{self, Format, HttpError};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;

use super::BodyLimit;
use crate::LogStore;

/// `POST /otlp/v1/logs`.
pub async fn export(
    State(store): State<Arc<LogStore>>,
    Extension(BodyLimit(limit)): Extension<BodyLimit>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let format = match http::format_of(&parts.headers) {
        Ok(format) => format,
        Err(err) => return http::error_response(Format::Json, &err),
    };
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => return http::error_response(format, &http::too_large(limit)),
    };
    let result = http::inflate(&parts.headers, bytes, limit)
        .and_then(|raw| http::decode::<ExportLogsServiceRequest>(format, &raw))
        .and_then(|req| store.ingest(req).map_err(|refusal| HttpError::Refused { signal: "logs", refusal }));
    match result {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => http::error_response(format, &err),
    }
}
