//! `POST /otlp/v1/logs`, Loki's own OTLP receiver: decoded by obs-contract's OTLP/HTTP helper
//! and stored through the store's one ingest, both on the blocking pool; answered `204` with an
//! empty body on full success as Loki does, 200 with OTLP partial success when records were
//! rejected (errors as the OTLP spec says: a request that can never
//! fit is a 413 naming the cap).

use axum::Extension;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use obs_contract::http::{self, Format, HttpError, OtlpSignal};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;

use super::{Api, BodyLimit};

/// `POST /otlp/v1/logs`.
pub async fn export(
    State(api): State<Api>,
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
    let store = api.store;
    let work = move || {
        http::inflate(&parts.headers, bytes, limit)
            .and_then(|raw| http::decode::<ExportLogsServiceRequest>(format, &raw))
            .and_then(|req| store.ingest(req).map_err(|refusal| HttpError::Refused { signal: "logs", refusal }))
    };
    let result = tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(HttpError::BadRequest(format!("the request was not stored: {e}"))));
    match result {
        Ok(outcome) if outcome.rejected > 0 => {
            http::success_response(format, &<ExportLogsServiceRequest as OtlpSignal>::response(&outcome))
        }
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => http::error_response(format, &err),
    }
}
