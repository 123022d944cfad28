//! The limits every query obeys, their defaults, and the variables that change them.

use std::time::Duration;

/// Limits on one query's text, its work and the queries running at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Longest a query may run, queue wait included (`OBS_QUERY_TIMEOUT`; Prometheus' default 2 min).
    pub timeout: Duration,
    /// Queries evaluated at once; others wait for a slot (`OBS_MAX_CONCURRENT_QUERIES`).
    pub max_concurrent: usize,
    /// Most samples (points, entries) one query may hold (`OBS_QUERY_MAX_SAMPLES`; Prometheus'
    /// `query.max-samples` default, 50 M).
    pub max_samples: u64,
    /// Longest query text in bytes.
    pub max_query_bytes: usize,
    /// Deepest nesting of brackets, function calls or operators in a query.
    pub max_depth: usize,
    /// Most terms (operands of binary operators, matchers, tags) in a query.
    pub max_terms: usize,
}

impl QueryLimits {
    /// Default for [`QueryLimits::timeout`].
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
    /// Default for [`QueryLimits::max_samples`].
    pub const DEFAULT_MAX_SAMPLES: u64 = 50_000_000;
    /// Default for [`QueryLimits::max_query_bytes`] (Prometheus' form limit is larger; no real
    /// query comes near this).
    pub const DEFAULT_MAX_QUERY_BYTES: usize = 64 * 1024;
    /// Default for [`QueryLimits::max_depth`].
    pub const DEFAULT_MAX_DEPTH: usize = 64;
    /// Default for [`QueryLimits::max_terms`].
    pub const DEFAULT_MAX_TERMS: usize = 1_000;
}

impl Default for QueryLimits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
        Self {
            timeout: Self::DEFAULT_TIMEOUT,
            max_concurrent: cores.max(2),
            max_samples: Self::DEFAULT_MAX_SAMPLES,
            max_query_bytes: Self::DEFAULT_MAX_QUERY_BYTES,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_terms: Self::DEFAULT_MAX_TERMS,
        }
    }
}
