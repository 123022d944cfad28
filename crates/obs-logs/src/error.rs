//! The crate's one error type: every way a Loki API request can fail, answered in Loki's
//! plain-text shape with the status Loki gives it (a query timeout is Loki's 504, a client that
//! went away 499, a limit 400, a request that can never fit 413).

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use obs_contract::Refusal;
use obs_contract::http::RETRY_AFTER_SECONDS;
use obs_contract::query::LimitError;

use crate::query::QueryError;

/// Why a request to the Loki API failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// 400: a bad parameter or body; the message names it and the fix.
    #[error("{0}")]
    BadRequest(String),
    /// A query that cannot be answered: 400, or what its limit says.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// 413: a body over the request size limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: a content type or encoding Loki does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The store refused the whole request: 413 if it can never fit, else 503 with `Retry-After`.
    #[error("{}", refusal_text(.0))]
    Refused(Refusal),
    /// 500: a fault of the server, not of the request.
    #[error("{0}")]
    Internal(String),
}

impl From<LimitError> for Error {
    fn from(limit: LimitError) -> Self {
        Error::Query(QueryError::Limit(limit))
    }
}

/// nginx's (and Loki's) status for a request whose client went away.
const CLIENT_CLOSED_REQUEST: u16 = 499;

impl Error {
    /// The HTTP status Loki answers this error with.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Query(QueryError::Limit(limit)) => limit_status(limit),
            Error::Query(_) => StatusCode::BAD_REQUEST,
            Error::PayloadTooLarge(_) | Error::Refused(Refusal::TooLarge(_)) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Refused(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether the client should send the same request again later.
    fn retry_later(&self) -> bool {
        match self {
            Error::Refused(refusal) => refusal.is_retryable(),
            Error::Query(QueryError::Limit(LimitError::Busy)) => true,
            _ => false,
        }
    }
}

fn limit_status(limit: &LimitError) -> StatusCode {
    match limit {
        LimitError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
        LimitError::Cancelled => StatusCode::from_u16(CLIENT_CLOSED_REQUEST).unwrap_or(StatusCode::BAD_REQUEST),
        LimitError::TooManySamples(_) | LimitError::TooBig { .. } => StatusCode::BAD_REQUEST,
        LimitError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        LimitError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn refusal_text(refusal: &Refusal) -> String {
    match refusal {
        Refusal::Full(why) => format!("the log store is full and cannot take this request ({why}); retry later"),
        Refusal::TooLarge(why) => format!("the log store can never take this request: {why}; do not retry it"),
        Refusal::ShuttingDown => "the server is shutting down; retry once it is back".to_owned(),
    }
}

impl IntoResponse for Error {
    /// Loki's plain-text error, with `Retry-After` when a retry can succeed.
    fn into_response(self) -> Response {
        let mut response =
            (self.status(), [(CONTENT_TYPE, "text/plain; charset=utf-8")], self.to_string()).into_response();
        if self.retry_later() {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Limits map to Loki's statuses; refusals say whether to retry.
    #[test]
    fn statuses() {
        assert_eq!(Error::from(LimitError::Timeout(Duration::from_secs(1))).status(), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(Error::from(LimitError::TooManySamples(5)).status(), StatusCode::BAD_REQUEST);
        assert_eq!(Error::from(LimitError::Cancelled).status().as_u16(), 499);
        let too_large = Error::Refused(Refusal::TooLarge("over OBS_MAX_LOG_BYTES".into()));
        assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(!too_large.retry_later());
        assert!(Error::Refused(Refusal::ShuttingDown).retry_later());
    }
}
