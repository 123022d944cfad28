//! Raises the open-file limit to its hard maximum at start: every connection is a descriptor,
//! and a soft limit of 1024 let about 1,100 idle connections stop every port from answering.

use rustix::process::{Resource, getrlimit, setrlimit};

/// Sets the soft `RLIMIT_NOFILE` to the hard limit; logs the outcome, never fails the start.
pub fn raise() {
    let mut limit = getrlimit(Resource::Nofile);
    let (soft, hard) = (limit.current, limit.maximum);
    if soft == hard {
        return;
    }
    limit.current = hard;
    match setrlimit(Resource::Nofile, limit) {
        Ok(()) => tracing::debug!("open-file limit raised from {soft:?} to {hard:?}"),
        Err(err) => tracing::warn!("could not raise the open-file limit from {soft:?} to {hard:?}: {err}"),
    }
}
