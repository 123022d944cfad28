//! Queries over the store: the TraceQL subset ([`traceql`]) and the searches that run it or a
//! legacy tag query ([`search`]), each run in chunks under the shared query runner's budget.

pub mod search;
pub mod traceql;
