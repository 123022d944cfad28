//! A real HTTP server around the router on 127.0.0.1:0 (test-support serves it), and a small HTTP
//! client with timeouts.

use std::sync::Arc;
use std::time::Duration;

use obs_contract::StoreLimits;
use obs_contract::query::{QueryLimits, QueryRunner};
use obs_logs::LogStore;
pub use test_support::enc;
use test_support::serve::ServedRouter;

/// The router served on a loopback port; stopped on drop.
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The store behind it.
    pub store: Arc<LogStore>,
    _served: ServedRouter,
}

impl Server {
    /// Serves a store with generous caps.
    pub fn start() -> Server {
        Server::with_limits(generous())
    }

    /// Serves a store with these caps.
    pub fn with_limits(limits: StoreLimits) -> Server {
        let store = Arc::new(LogStore::new(limits));
        Server::serve(store.clone(), obs_logs::router(store, runner()))
    }

    /// Serves a store with generous caps whose queries obey `limits`.
    pub fn with_query_limits(limits: QueryLimits) -> Server {
        let store = Arc::new(LogStore::new(generous()));
        Server::serve(store.clone(), obs_logs::router(store, QueryRunner::new(limits)))
    }

    /// Serves a store with generous caps behind a router accepting bodies up to `max_request_bytes`.
    pub fn with_body_limit(max_request_bytes: usize) -> Server {
        let store = Arc::new(LogStore::new(generous()));
        Server::serve(store.clone(), obs_logs::router_with_limit(store, max_request_bytes, runner()))
    }

    fn serve(store: Arc<LogStore>, app: axum::Router) -> Server {
        let served = ServedRouter::start(app).expect("serve the router on 127.0.0.1:0");
        Server { base: served.url(), store, _served: served }
    }

    /// A GET; returns (status, content type, body).
    pub fn get(&self, path_and_query: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
        let mut req = agent().get(format!("{}{path_and_query}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        answer(req.call())
    }

    /// A POST of `body` with a content type.
    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> (u16, String, String) {
        let req = agent().post(format!("{}{path}", self.base)).header("Content-Type", content_type);
        answer(req.send(body))
    }

    /// A POST of `body` with a content type and a content encoding.
    pub fn post_encoded(&self, path: &str, content_type: &str, encoding: &str, body: &[u8]) -> (u16, String, String) {
        let req = agent()
            .post(format!("{}{path}", self.base))
            .header("Content-Type", content_type)
            .header("Content-Encoding", encoding);
        answer(req.send(body))
    }

    /// A GET whose answer must be 200 JSON.
    pub fn json(&self, path_and_query: &str, headers: &[(&str, &str)]) -> serde_json::Value {
        let (status, content_type, body) = self.get(path_and_query, headers);
        assert_eq!(status, 200, "GET {path_and_query}: {body}");
        assert_eq!(content_type, "application/json; charset=UTF-8", "GET {path_and_query}");
        serde_json::from_str(&body).expect("JSON body")
    }
}

/// Caps no test reaches unless it means to.
fn generous() -> StoreLimits {
    StoreLimits { max_items: 100_000, max_bytes: 64 << 20, history: Duration::from_secs(3600) }
}

/// A runner with the default query limits.
fn runner() -> QueryRunner {
    QueryRunner::new(QueryLimits::default())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into()
}

fn answer(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, String, String) {
    let mut response = result.expect("HTTP request");
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body = response.body_mut().read_to_string().expect("response body");
    (status, content_type, body)
}
