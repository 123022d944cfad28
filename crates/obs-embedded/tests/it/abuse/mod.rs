//! The abuse suite: each case attacks the real `obs-embedded` process the way a hostile client
//! or a web page in the user's browser could, and asserts the answer, that the server stays
//! alive, that its health port keeps answering within [`HEALTH_BOUND`] while the attack runs,
//! and that resident memory stays within the case's budget.

mod codes;
mod crash;
mod loss;
mod memory;
mod rebinding;
mod stall;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use obs_stack::ports;
use test_support::embedded::EmbeddedServer;

/// Longest the health port may take to answer while an attack runs. Generous: a loaded
/// 2-core CI machine, debug build; a frozen server misses it by minutes.
pub const HEALTH_BOUND: Duration = Duration::from_secs(5);

/// What the health watcher saw during an attack.
#[derive(Debug)]
pub struct HealthSeen {
    /// Probes sent.
    pub probes: u32,
    /// Slowest answer.
    pub slowest: Duration,
    /// Probes with no 200 answer within the bound, with what happened.
    pub failures: Vec<String>,
}

/// Runs `attack` while probing the health port every 100 ms; then checks health, that the
/// server is still running, and that RSS stays under `rss_budget_mib`. Returns the attack's value.
pub fn under_attack<T>(server: &EmbeddedServer, rss_budget_mib: u64, attack: impl FnOnce() -> T) -> T {
    let stop = Arc::new(AtomicBool::new(false));
    let health = format!("{}/", server.url(ports::COLLECTOR_HEALTH));
    let watcher = {
        let stop = stop.clone();
        std::thread::spawn(move || watch_health(&health, &stop))
    };
    let value = attack();
    stop.store(true, Ordering::SeqCst);
    let seen = watcher.join().unwrap_or_else(|_| panic!("the health watcher panicked"));
    assert!(seen.failures.is_empty(), "health did not answer within {HEALTH_BOUND:?} during the attack: {seen:?}");
    assert_alive(server);
    let rss = server.rss_kib().unwrap_or(0) / 1024;
    assert!(rss <= rss_budget_mib, "resident memory {rss} MiB is over the case's budget of {rss_budget_mib} MiB");
    value
}

fn watch_health(url: &str, stop: &AtomicBool) -> HealthSeen {
    let agent = ureq::Agent::config_builder().timeout_global(Some(HEALTH_BOUND)).build().new_agent();
    let mut seen = HealthSeen { probes: 0, slowest: Duration::ZERO, failures: Vec::new() };
    while !stop.load(Ordering::SeqCst) || seen.probes == 0 {
        let started = Instant::now();
        let outcome = agent.get(url).call();
        seen.probes += 1;
        seen.slowest = seen.slowest.max(started.elapsed());
        match outcome {
            Ok(resp) if resp.status() == 200 => {}
            Ok(resp) => seen.failures.push(format!("status {}", resp.status())),
            Err(err) => seen.failures.push(format!("after {:?}: {err}", started.elapsed())),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    seen
}

/// The first 300 characters of a body, for assertion messages.
pub fn short(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(300).collect()
}

/// The server process runs and its status endpoint answers.
pub fn assert_alive(server: &EmbeddedServer) {
    let status = crate::get(&format!("{}/obs-embedded/status", server.url(ports::COLLECTOR_HEALTH)));
    assert_eq!(status.status, 200, "the server no longer answers its status endpoint");
}

/// A raw HTTP/1.1 exchange: writes `request` as is, reads the answer until the server closes
/// or 10 s pass. Returns the status code (0 if none) and the whole answer text.
pub fn raw(addr: &str, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = stream.write_all(request);
    let mut text = Vec::new();
    let _ = stream.read_to_end(&mut text);
    let text = String::from_utf8_lossy(&text).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

/// `host:port` of a port of `server`.
pub fn addr(server: &EmbeddedServer, port: obs_stack::Port) -> String {
    server.url(port).trim_start_matches("http://").to_owned()
}

/// `GET path` with `Host` and extra header lines, on a connection that closes after it.
pub fn get_with(server: &EmbeddedServer, port: obs_stack::Port, path: &str, host: &str, extra: &str) -> (u16, String) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n");
    raw(&addr(server, port), request.as_bytes())
}
