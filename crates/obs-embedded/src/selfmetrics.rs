//! The server's own metrics (ingest counts, store fill, evictions, refusals), as samples the
//! metrics module renders on :8889 `/metrics` and answers through the Prometheus API.
//!
//! OWNER: core helper.

use crate::state::AppState;

/// One sample of the server's own state, such as `obs_embedded_spans_evicted_total`.
#[derive(Debug, Clone, PartialEq)]
pub struct SelfSample {
    /// Prometheus metric name.
    pub name: &'static str,
    /// `# HELP` text.
    pub help: &'static str,
    /// `counter` or `gauge`.
    pub kind: &'static str,
    /// Label pairs.
    pub labels: Vec<(&'static str, String)>,
    /// Current value.
    pub value: f64,
}

/// Reads every store's stats into samples.
pub fn snapshot(state: &AppState) -> Vec<SelfSample> {
    let _ = state;
    Vec::new()
}
