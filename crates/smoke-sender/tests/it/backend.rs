//! The checks `cargo xtask obs-smoke` makes against the backend, over the shared polling queries.

use obs_stack::Endpoints;
pub use test_support::query::metric_value;
use test_support::query::{log_lines, trace};

/// Tempo search by service lists the trace; the trace itself has the span name.
pub fn assert_trace(endpoints: &Endpoints, service: &str, trace_id: &str, span_name: &str) {
    let body = trace(endpoints, service, trace_id).unwrap();
    assert!(body.contains(span_name), "span {span_name} missing from {body}");
    assert!(body.contains(service), "service {service} missing from {body}");
}

/// Loki finds at least one line of the service carrying the trace id; answers the first.
pub fn assert_log(endpoints: &Endpoints, service: &str, trace_id: &str) -> String {
    log_lines(endpoints, service, trace_id).unwrap().swap_remove(0)
}
