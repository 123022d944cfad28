//! Integration tests of the real `obs-embedded` process over real sockets: bad input, the
//! process lifecycle, caps, and third-party peers (the Python OpenTelemetry SDK, rotel,
//! Debian's prometheus).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod abuse;
mod bad_input;
mod caps;
mod cli;
mod grafana;
mod grpc;
mod lifecycle;
mod listeners;
mod otlp_build;
mod prometheus_scrape;
mod python_sdk;
mod rotel;

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use obs_stack::ports;
use serde_json::Value;
use test_support::embedded::EmbeddedServer;
pub use test_support::enc;

/// One HTTP answer, read whole.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| panic!("body is not JSON ({err}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// A response header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .new_agent()
}

fn answer(resp: ureq::http::Response<ureq::Body>) -> Answer {
    let status = resp.status().as_u16();
    let headers: Vec<(String, String)> =
        resp.headers().iter().map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())).collect();
    let content_type = headers.iter().find(|(k, _)| k == "content-type").map(|(_, v)| v.clone()).unwrap_or_default();
    let body = resp.into_body().with_config().limit(256 << 20).read_to_vec().unwrap();
    Answer { status, content_type, headers, body }
}

/// `GET url`.
pub fn get(url: &str) -> Answer {
    answer(agent().get(url).call().unwrap_or_else(|err| panic!("GET {url}: {err}")))
}

/// `POST url` with a body and headers.
pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut req = agent().post(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    answer(req.send(body).unwrap_or_else(|err| panic!("POST {url}: {err}")))
}

/// The server's `/obs-embedded/status` document.
pub fn status(server: &EmbeddedServer) -> Value {
    let answer = get(&format!("{}/obs-embedded/status", server.url(ports::TEMPO)));
    assert_eq!(answer.status, 200);
    answer.json()
}

/// Polls `probe` until it returns `Some`, failing after `timeout` with the last thing it saw.
pub fn poll<T>(what: &str, timeout: Duration, mut probe: impl FnMut() -> Result<Option<T>>) -> Result<T> {
    let deadline = Instant::now() + timeout;
    let mut last = String::from("nothing yet");
    loop {
        match probe() {
            Ok(Some(found)) => return Ok(found),
            Ok(None) => {}
            Err(err) => last = format!("{err:#}"),
        }
        if Instant::now() >= deadline {
            bail!("{what} not seen after {timeout:?}; last: {last}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
