//! Why the runner or a budget stopped a query. Each API renders these in its backend's own
//! shape (Prometheus' `timeout`/`execution` errors, Loki's and Tempo's plain-text answers).

use std::time::Duration;

/// A query stopped by a limit, not by a mistake in the query itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// The query ran past its deadline.
    #[error(
        "query timed out after {}s (the limit is set by OBS_QUERY_TIMEOUT); narrow the time range or the selector",
        .0.as_secs_f64()
    )]
    Timeout(Duration),
    /// The client went away; nobody reads the answer.
    #[error("the client closed the connection; the query was cancelled")]
    Cancelled,
    /// The query would hold more samples than allowed.
    #[error(
        "query processing would load too many samples into memory in query execution (limit {0}, set by \
         OBS_QUERY_MAX_SAMPLES); narrow the time range, the selector or raise the step"
    )]
    TooManySamples(u64),
    /// The query text is over a limit (length, depth or term count).
    #[error("the query {what} is {actual}, over the limit of {limit}; {hint}")]
    TooBig {
        /// What is measured: "length in bytes", "nesting depth", "number of terms".
        what: &'static str,
        /// What this query has (or at least has, when counting stopped early).
        actual: usize,
        /// The limit.
        limit: usize,
        /// What to do instead.
        hint: &'static str,
    },
    /// Every query slot stayed busy until the deadline.
    #[error("the server is busy with other queries (OBS_MAX_CONCURRENT_QUERIES at once); retry shortly")]
    Busy,
    /// The evaluation panicked; the server stays up and the query gets this answer.
    #[error("the query failed inside the server: {0}")]
    Internal(String),
}

impl LimitError {
    /// Whether the fault lies with the query (answer 400/422) rather than the server's state
    /// (answer 503/504).
    pub fn is_client_error(&self) -> bool {
        matches!(self, LimitError::TooBig { .. } | LimitError::TooManySamples(_))
    }
}
