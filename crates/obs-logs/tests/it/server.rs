//! A real HTTP server around the router on 127.0.0.1:0, and a small HTTP client with timeouts.

use std::sync::Arc;
use std::time::Duration;

use obs_ingest::StoreLimits;
use obs_logs::LogStore;

/// The router served on a loopback port; stopped on drop.
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The store behind it.
    pub store: Arc<LogStore>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Serves a store with generous caps.
    pub fn start() -> Server {
        Server::with_limits(StoreLimits { max_items: 100_000, max_bytes: 64 << 20, history: Duration::from_secs(3600) })
    }

    /// Serves a store with these caps.
    pub fn with_limits(limits: StoreLimits) -> Server {
        let store = Arc::new(LogStore::new(limits));
        Server::serve(store.clone(), obs_logs::router(store))
    }

    /// Serves a store with generous caps behind a router accepting bodies up to `max_request_bytes`.
    pub fn with_body_limit(max_request_bytes: usize) -> Server {
        let limits = StoreLimits { max_items: 100_000, max_bytes: 64 << 20, history: Duration::from_secs(3600) };
        let store = Arc::new(LogStore::new(limits));
        Server::serve(store.clone(), obs_logs::router_with_limit(store, max_request_bytes))
    }

    fn serve(store: Arc<LogStore>, app: axum::Router) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("nonblocking listener");
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                    let _ = stopped.await;
                });
                serve.await.expect("serve");
            });
        });
        Server { base, store, stop: Some(stop), thread: Some(thread) }
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

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
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

/// Percent-encodes a query parameter value.
pub fn enc(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
