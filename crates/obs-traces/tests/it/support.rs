//! Serves the router on 127.0.0.1:0 (test-support's background runtime); HTTP helpers; fixture replay.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use obs_contract::StoreLimits;
use obs_contract::query::{QueryLimits, QueryRunner};
use obs_traces::TraceStore;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use serde_json::Value;
use test_support::serve::ServedRouter;

/// A running API server; stopped on drop.
pub struct Server {
    /// `http://127.0.0.1:<port>` plus the mount prefix.
    pub base: String,
    /// The store behind it.
    pub store: Arc<TraceStore>,
    _served: ServedRouter,
}

impl Server {
    /// Serves the router at the root.
    pub fn start(limits: StoreLimits) -> Server {
        Self::start_at(limits, "")
    }

    /// Serves the router nested under `prefix` (as the UI port does).
    pub fn start_at(limits: StoreLimits, prefix: &str) -> Server {
        Self::start_with(limits, QueryLimits::default(), prefix)
    }

    /// Serves the router nested under `prefix`, its queries obeying `query`.
    pub fn start_with(limits: StoreLimits, query: QueryLimits, prefix: &str) -> Server {
        let store = Arc::new(TraceStore::new(limits));
        let router = obs_traces::router(store.clone(), QueryRunner::new(query));
        let router = if prefix.is_empty() { router } else { axum::Router::new().nest(prefix, router) };
        let served = ServedRouter::start(router).expect("serve the router on 127.0.0.1:0");
        Server { base: format!("{}{prefix}", served.url()), store, _served: served }
    }

    /// GET `path` (with query already encoded) with optional Accept header.
    pub fn get(&self, path: &str, accept: Option<&str>) -> Reply {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .build()
            .into();
        let mut req = agent.get(format!("{}{path}", self.base));
        if let Some(accept) = accept {
            req = req.header("Accept", accept);
        }
        let mut resp = req.call().expect("HTTP request to the test server");
        let content_type =
            resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let body = resp.body_mut().read_to_vec().expect("read the response body");
        Reply { status: resp.status().as_u16(), content_type, body }
    }

    /// GET and parse a 200 JSON answer.
    pub fn json(&self, path: &str) -> Value {
        let reply = self.get(path, None);
        assert_eq!(reply.status, 200, "{path}: {}", reply.text());
        assert_eq!(reply.content_type, "application/json", "{path}");
        serde_json::from_slice(&reply.body).expect("a JSON body")
    }
}

/// One HTTP answer.
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Content-Type header ("" when absent).
    pub content_type: String,
    /// Raw body.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Caps large enough for any test that does not test caps.
pub fn roomy() -> StoreLimits {
    StoreLimits { max_items: 100_000, max_bytes: 1 << 28, history: Duration::from_secs(3600) }
}

pub use test_support::enc;

/// The root span's start in the captured request.
const CAPTURED_START: u64 = 1_795_554_716_052_863_279;

/// The captured OTLP request with every timestamp moved so the trace starts 2 s ago, and the
/// shift applied (ns).
pub fn replayed_request() -> (ExportTraceServiceRequest, u64) {
    let raw = include_str!("../fixtures/otlp-request-traces.json");
    let mut req: ExportTraceServiceRequest = serde_json::from_str(raw).expect("decode the OTLP JSON fixture");
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_nanos() as u64;
    let shift = now - 2_000_000_000 - CAPTURED_START;
    for span in req.resource_spans.iter_mut().flat_map(|rs| &mut rs.scope_spans).flat_map(|ss| &mut ss.spans) {
        span.start_time_unix_nano += shift;
        span.end_time_unix_nano += shift;
        for event in &mut span.events {
            event.time_unix_nano += shift;
        }
    }
    (req, shift)
}

/// A Tempo fixture with its `*UnixNano` strings moved by `shift`.
pub fn expected(raw: &str, shift: u64) -> Value {
    let mut value: Value = serde_json::from_str(raw).expect("parse a Tempo fixture");
    shift_times(&mut value, shift);
    value
}

fn shift_times(value: &mut Value, shift: u64) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if key.ends_with("UnixNano") => {
                        let n: u64 = s.parse().expect("a nanosecond timestamp");
                        *s = (n + shift).to_string();
                    }
                    other => shift_times(other, shift),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| shift_times(v, shift)),
        _ => {}
    }
}

/// Makes answers comparable: resource attributes sorted by key (Tempo reorders them), and every
/// `metrics` object reduced to its keys and value types (the counts are Tempo's internals).
pub fn normalise(mut value: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Object(metrics)) = map.get_mut("metrics") {
                    for v in metrics.values_mut() {
                        *v = Value::String(type_name(v).to_owned());
                    }
                }
                if let Some(Value::Array(attrs)) = map.get_mut("resource").and_then(|r| r.get_mut("attributes")) {
                    attrs.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value
}

/// JSON type name of a value.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
