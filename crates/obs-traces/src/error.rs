//! The crate's one error type, answered in Tempo's own shape: a plain-text body with a status
//! code (400 for a bad parameter or query, 504 for a query past its deadline, 429 when every
//! query slot stays busy, as Tempo's query frontend answers them).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use obs_contract::query::LimitError;

use crate::api::text;
use crate::query::traceql::ParseError;

/// Why a request to the Tempo API failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A parameter is malformed; the message names it and the fix.
    #[error("{0}")]
    BadRequest(String),
    /// The TraceQL query does not parse or cannot run (an invalid regular expression).
    #[error("invalid TraceQL query: {0}")]
    BadQuery(String),
    /// The query was stopped by a limit (size, deadline, busy server, client gone).
    #[error(transparent)]
    Limit(#[from] LimitError),
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::BadQuery(e.to_string())
    }
}

/// The status code nginx and Tempo's frontend use for a client that closed the connection.
const CLIENT_CLOSED_REQUEST: u16 = 499;

impl Error {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) | Error::BadQuery(_) => StatusCode::BAD_REQUEST,
            Error::Limit(limit) => match limit {
                LimitError::TooBig { .. } | LimitError::TooManySamples(_) => StatusCode::BAD_REQUEST,
                LimitError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
                LimitError::Busy => StatusCode::TOO_MANY_REQUESTS,
                LimitError::Cancelled => StatusCode::from_u16(CLIENT_CLOSED_REQUEST).unwrap_or(StatusCode::BAD_REQUEST),
                LimitError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        text(self.status(), self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Pins the status of each kind of failure: the client's faults 400, a timeout 504, a
    /// busy server 429, a panic 500.
    #[test]
    fn statuses() {
        let too_big = LimitError::TooBig { what: "number of tags", actual: 2, limit: 1, hint: "fewer" };
        assert_eq!(Error::from(too_big).status(), StatusCode::BAD_REQUEST);
        assert_eq!(Error::from(LimitError::Timeout(Duration::from_secs(1))).status(), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(Error::from(LimitError::Busy).status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(Error::from(LimitError::Internal("x".into())).status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(Error::BadQuery("x".into()).to_string(), "invalid TraceQL query: x");
    }
}
