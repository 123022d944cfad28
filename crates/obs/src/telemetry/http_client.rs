//! The OTLP/HTTP exporters' client: reqwest, plus a note of why a request failed. The exporter
//! reports every connection failure as "network error"; the note ("connection refused",
//! "timed out") is what the user needs to see, so it is attached to the signal's last error.

use std::sync::Arc;

use async_trait::async_trait;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};

use crate::telemetry::accounting::SignalStats;

/// A reqwest client that records the cause of each failed request in one signal's stats.
#[derive(Debug)]
pub(crate) struct Noting {
    inner: reqwest::Client,
    stats: Arc<SignalStats>,
}

impl Noting {
    pub(crate) fn new(inner: reqwest::Client, stats: Arc<SignalStats>) -> Self {
        Self { inner, stats }
    }
}

#[async_trait]
impl HttpClient for Noting {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let url = request.uri().to_string();
        let result = self.inner.send_bytes(request).await;
        if let Err(err) = &result {
            self.stats.note_cause(format!("{} from {url}", cause(err.as_ref())));
        }
        result
    }
}

/// The most useful words of an error chain: "connection refused", "timed out", else the innermost message.
fn cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = err.to_string();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return "connection refused".into(),
                std::io::ErrorKind::TimedOut => return "timed out".into(),
                _ => {}
            }
        }
        if e.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_timeout) {
            return "timed out".into();
        }
        innermost = e.to_string();
        current = e.source();
    }
    innermost
}
