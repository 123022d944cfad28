//! The crate's one error type: every way a request can fail, answered in Prometheus' JSON
//! envelope with its `errorType` and status code, so handlers only return it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use obs_contract::query::LimitError;

/// Why a request failed, mapped to Prometheus' error types.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    /// Bad input (parse errors, bad parameters): 400 `bad_data`.
    #[error("{0}")]
    BadData(String),
    /// The expression cannot be executed (unsupported feature, matching errors): 422 `execution`.
    #[error("{0}")]
    Execution(String),
    /// No such endpoint: 404 `not_found`.
    #[error("{0}")]
    NotFound(String),
    /// A limit stopped the query (size, samples, deadline, slots, client gone, a panic).
    #[error(transparent)]
    Limit(#[from] LimitError),
}

/// What Prometheus says when a query runs past its deadline; our hint follows it.
pub const TIMEOUT_MESSAGE: &str = "query timed out in expression evaluation";

impl QueryError {
    /// An execution error for a feature this evaluator does not support.
    pub fn unsupported(what: impl std::fmt::Display) -> Self {
        QueryError::Execution(format!("{what} is not supported by the embedded backend's PromQL evaluator"))
    }

    /// The status code and `errorType` Prometheus answers this error with.
    pub fn status_and_type(&self) -> (StatusCode, &'static str) {
        match self {
            QueryError::BadData(_) | QueryError::Limit(LimitError::TooBig { .. }) => {
                (StatusCode::BAD_REQUEST, "bad_data")
            }
            QueryError::Execution(_) | QueryError::Limit(LimitError::TooManySamples(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "execution")
            }
            QueryError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            QueryError::Limit(LimitError::Timeout(_)) => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            QueryError::Limit(LimitError::Busy) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            QueryError::Limit(LimitError::Cancelled) => (client_closed(), "canceled"),
            QueryError::Limit(LimitError::Internal(_)) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The `error` text: Prometheus' words first where it has fixed ones, then ours.
    pub fn message(&self) -> String {
        match self {
            QueryError::Limit(LimitError::Timeout(_)) => format!("{TIMEOUT_MESSAGE}: {self}"),
            QueryError::Limit(LimitError::TooBig { .. }) => format!("invalid parameter \"query\": {self}"),
            _ => self.to_string(),
        }
    }
}

/// Prometheus' (nginx's) 499 "client closed request"; nobody reads it, but logs do.
fn client_closed() -> StatusCode {
    StatusCode::from_u16(499).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
}

impl IntoResponse for QueryError {
    fn into_response(self) -> Response {
        let (status, error_type) = self.status_and_type();
        let body = serde_json::json!({"status": "error", "errorType": error_type, "error": self.message()});
        (status, axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Limits answer as Prometheus does: a timeout 503 `timeout` with its fixed words, the
    /// samples cap 422 `execution` with its fixed words, an oversized query 400 `bad_data`.
    #[test]
    fn limits_map_to_prometheus_types() {
        let timeout = QueryError::from(LimitError::Timeout(Duration::from_secs(120)));
        assert_eq!(timeout.status_and_type(), (StatusCode::SERVICE_UNAVAILABLE, "timeout"));
        assert!(timeout.message().starts_with("query timed out in expression evaluation: query timed out after 120s"));
        let samples = QueryError::from(LimitError::TooManySamples(10));
        assert_eq!(samples.status_and_type(), (StatusCode::UNPROCESSABLE_ENTITY, "execution"));
        assert!(
            samples
                .message()
                .starts_with("query processing would load too many samples into memory in query execution")
        );
        let big = QueryError::from(LimitError::TooBig { what: "nesting depth", actual: 70, limit: 64, hint: "h" });
        assert_eq!(big.status_and_type(), (StatusCode::BAD_REQUEST, "bad_data"));
        assert_eq!(
            big.message(),
            "invalid parameter \"query\": the query nesting depth is 70, over the limit of 64; h"
        );
    }
}
