//! Readiness polling with deadlines: one helper retries an attempt at a fixed interval until it
//! succeeds or the deadline passes, keeping the last thing it saw for the error. Nothing here
//! sleeps hoping the other side is ready; every HTTP call has its own timeout.

use std::time::{Duration, Instant};

/// Longest a single HTTP request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);

/// Calls `attempt` until it returns `Ok`, or until `deadline`, waiting `interval` between
/// attempts. It always makes at least one attempt. On timeout it returns the last error seen.
pub fn poll<T>(
    deadline: Instant,
    interval: Duration,
    mut attempt: impl FnMut() -> Result<T, String>,
) -> Result<T, String> {
    loop {
        let last = match attempt() {
            Ok(value) => return Ok(value),
            Err(last) => last,
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(last);
        }
        std::thread::sleep(interval.min(deadline - now));
    }
}

/// An HTTP agent whose requests give up after `timeout`, and that returns 4xx/5xx as answers.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder().timeout_global(Some(timeout)).http_status_as_error(false).build().new_agent()
}

/// One readiness attempt: `Ok` on a 200 answer, else the status and first body line, or the error.
pub fn ready_once(agent: &ureq::Agent, url: &str) -> Result<(), String> {
    match agent.get(url).call() {
        Ok(mut resp) if resp.status() == 200 => {
            // Drain the body so the connection closes cleanly; its content does not matter.
            let _ = resp.body_mut().read_to_string();
            Ok(())
        }
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let body = resp.body_mut().read_to_string().unwrap_or_default();
            let first = body.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
            Err(if first.is_empty() { format!("HTTP {status}") } else { format!("HTTP {status}: {first}") })
        }
        Err(err) => Err(describe(&err)),
    }
}

/// A short description of a failed request ("connection refused", "timed out", ...).
pub fn describe(err: &ureq::Error) -> String {
    match err {
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
        ureq::Error::Timeout(_) => "timed out".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::testserver::{Reply, Server};

    fn wait_ready(url: &str, deadline: Instant, interval: Duration) -> Result<(), String> {
        poll(deadline, interval, || ready_once(&agent(REQUEST_TIMEOUT), url))
    }

    /// A service that answers 503 before 200 is awaited until it is ready.
    #[test]
    fn waits_through_503_until_200() {
        let server = Server::start(vec![
            Reply::text(503, "Ingester not ready: waiting for 1s after being ready\n"),
            Reply::text(503, "Some services are not Running:\nStarting: 1\nRunning: 16\n"),
            Reply::text(200, "ready\n"),
        ])
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        wait_ready(&server.url("/ready"), deadline, Duration::from_millis(10)).unwrap();
        assert_eq!(server.requests(), ["GET /ready", "GET /ready", "GET /ready"]);
    }

    /// A service stuck at 503 times out with the status and first body line it last gave.
    #[test]
    fn stuck_503_reports_last_answer() {
        let server = Server::start(vec![Reply::text(503, "Some services are not Running:\nStarting: 1\n")]).unwrap();
        let deadline = Instant::now() + Duration::from_millis(300);
        let err = wait_ready(&server.url("/ready"), deadline, Duration::from_millis(20)).unwrap_err();
        assert_eq!(err, "HTTP 503: Some services are not Running:");
    }

    /// A closed port times out as "connection refused" after at least one attempt.
    #[test]
    fn closed_port_is_connection_refused() {
        let port = crate::testserver::closed_port().unwrap();
        let deadline = Instant::now();
        let err =
            wait_ready(&format!("http://127.0.0.1:{port}/ready"), deadline, Duration::from_millis(10)).unwrap_err();
        assert_eq!(err, "connection refused");
    }

    /// A server that accepts but never answers is cut off by the request timeout.
    #[test]
    fn silent_server_times_out() {
        let server = Server::silent().unwrap();
        let err = ready_once(&agent(Duration::from_millis(200)), &server.url("/ready")).unwrap_err();
        assert_eq!(err, "timed out");
    }

    /// The poll helper keeps the last error and stops at the first success.
    #[test]
    fn poll_returns_first_success() {
        let mut calls = 0;
        let got = poll(Instant::now() + Duration::from_secs(5), Duration::from_millis(1), || {
            calls += 1;
            if calls < 3 { Err(format!("try {calls}")) } else { Ok(calls) }
        });
        assert_eq!(got, Ok(3));
        let err = poll::<()>(Instant::now(), Duration::from_millis(1), || Err("never".into()));
        assert_eq!(err, Err("never".to_string()));
    }
}
