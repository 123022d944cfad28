//! Queries over the store: the TraceQL subset ([`traceql`]), the searches that run it or a
//! legacy tag query ([`search`]), trace by id ([`trace_by_id`]) and full scans in chunks
//! ([`chunks`]). Every query here takes the store's read lock one chunk at a time and checks
//! the shared runner's budget as it goes.

pub mod chunks;
pub mod search;
pub mod trace_by_id;
pub mod traceql;
