//! Polls a probe until it succeeds or a deadline passes; the error names what was awaited, for how
//! long, and the last answer seen.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

/// Calls `probe` every `interval` until it returns `Ok`, for at most `timeout`.
pub fn until<T>(
    what: &str,
    timeout: Duration,
    interval: Duration,
    mut probe: impl FnMut() -> Result<T, String>,
) -> Result<T> {
    let deadline = Instant::now() + timeout;
    loop {
        let last = match probe() {
            Ok(value) => return Ok(value),
            Err(last) => last,
        };
        if Instant::now() >= deadline {
            bail!("wait for {what}: not ready after {timeout:?}; last: {last}");
        }
        std::thread::sleep(interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A closed port never gets ready and the error names it and the last failure.
    #[test]
    fn closed_port_times_out_with_last_error() {
        let port = test_support::free_port().unwrap();
        let err = until("a closed port", Duration::from_millis(100), Duration::from_millis(10), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())
        })
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("wait for a closed port: not ready after 100ms; last: "), "{err}");
    }
}
