//! Waits until every service of a started stack is ready, under one overall deadline, showing
//! each one's progress; stops early if the stack's process dies while it starts.

use std::time::{Duration, Instant};

use crate::backend::Check;
use crate::probe;
use crate::report::Progress;

/// A service that was not ready by the deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReady {
    /// Service name.
    pub name: &'static str,
    /// Readiness URL.
    pub url: String,
    /// The last answer or error it gave.
    pub last: String,
}

/// Why waiting failed.
#[derive(Debug)]
pub enum Failure {
    /// These services were not ready when the deadline passed.
    Timeout(Vec<NotReady>),
    /// The stack's process went away while starting (the text says how).
    Died(String),
}

enum Seen {
    Ready,
    Died(String),
}

/// Waits on `checks` in order until `timeout` has passed overall, polling every `interval`.
/// `alive` is asked before every attempt; an `Err` from it ends the wait as [`Failure::Died`].
pub fn wait_all(
    checks: &[Check],
    timeout: Duration,
    interval: Duration,
    mut alive: impl FnMut() -> Result<(), String>,
) -> Result<(), Failure> {
    let start = Instant::now();
    let deadline = start + timeout;
    let progress = Progress::new(checks.iter().map(|c| c.name).collect());
    let mut missing = Vec::new();
    for (i, check) in checks.iter().enumerate() {
        let seen = probe::poll(deadline, interval, || {
            if let Err(how) = alive() {
                return Ok(Seen::Died(how));
            }
            let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(200));
            probe::ready_once(&probe::agent(left.min(probe::REQUEST_TIMEOUT)), &check.url).map(|()| Seen::Ready)
        });
        match seen {
            Ok(Seen::Ready) => progress.ready(i, start.elapsed()),
            Ok(Seen::Died(how)) => {
                progress.not_ready(i, "process exited");
                return Err(Failure::Died(how));
            }
            Err(last) => {
                progress.not_ready(i, &last);
                missing.push(NotReady { name: check.name, url: check.url.clone(), last });
            }
        }
    }
    if missing.is_empty() { Ok(()) } else { Err(Failure::Timeout(missing)) }
}

/// One line per service not ready: name, URL and last answer.
pub fn describe(missing: &[NotReady]) -> String {
    missing.iter().map(|m| format!("{} at {} (last: {})", m.name, m.url, m.last)).collect::<Vec<_>>().join("; ")
}
