//! Serves the API and exposition routers of one store on 127.0.0.1:0, plus an HTTP client.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use obs_contract::query::{QueryLimits, QueryRunner};
use obs_contract::{SelfSample, SelfSamples, StoreLimits};
use obs_metrics::MetricStore;
use serde_json::Value;
use test_support::serve::ServedRouter;

/// A store with both routers served on loopback; stopped when dropped.
pub struct TestServer {
    _served: (ServedRouter, ServedRouter),
    /// The store behind both routers.
    pub store: Arc<MetricStore>,
    /// The Prometheus API address.
    pub api: SocketAddr,
    /// The exposition address.
    pub metrics: SocketAddr,
}

/// The server's own samples as obs-embedded would provide them.
pub fn own_samples() -> SelfSamples {
    Arc::new(|| {
        vec![SelfSample {
            name: "obs_embedded_series",
            help: "Series held by the metric store.",
            kind: "gauge",
            labels: vec![("store", "metrics".to_string())],
            value: 7.0,
        }]
    })
}

impl TestServer {
    /// Starts both routers on free loopback ports.
    pub fn start() -> Self {
        Self::start_with(QueryLimits::default())
    }

    /// Starts both routers, queries running within `query_limits`.
    pub fn start_with(query_limits: QueryLimits) -> Self {
        let limits = StoreLimits { max_items: 10_000, max_bytes: 64 << 20, history: Duration::from_secs(3600) };
        let store = Arc::new(MetricStore::new(limits));
        let api_router = obs_metrics::router(store.clone(), own_samples(), QueryRunner::new(query_limits));
        let app =
            axum::Router::new().merge(api_router.clone()).nest("/api/datasources/proxy/uid/prometheus", api_router);
        let exposition = obs_metrics::exposition_router(store.clone(), own_samples());
        let served = (ServedRouter::start(app).unwrap(), ServedRouter::start(exposition).unwrap());
        let (api, metrics) = (served.0.addr, served.1.addr);
        Self { _served: served, store, api, metrics }
    }
}

/// An HTTP client that returns 4xx/5xx as responses and gives up after 10 s.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .new_agent()
}

/// GET `url` with query pairs: status and body.
pub fn get(url: &str, query: &[(&str, &str)]) -> (u16, String) {
    let mut req = agent().get(url);
    for (k, v) in query {
        req = req.query(*k, *v);
    }
    let mut resp = req.call().unwrap();
    (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap())
}

/// GET returning parsed JSON, or `None` when the server does not answer (yet) or not in JSON.
pub fn try_get_json(url: &str, query: &[(&str, &str)]) -> Option<(u16, Value)> {
    let mut req = agent().get(url);
    for (k, v) in query {
        req = req.query(*k, *v);
    }
    let mut resp = req.call().ok()?;
    let body = resp.body_mut().read_to_string().ok()?;
    Some((resp.status().as_u16(), serde_json::from_str(&body).ok()?))
}

/// POST a form returning status and parsed JSON (for query texts too long for a URL).
pub fn post_json(url: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let mut resp = agent().post(url).send_form(form.iter().copied()).unwrap();
    let body = resp.body_mut().read_to_string().unwrap();
    (resp.status().as_u16(), serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {body}")))
}

/// GET returning parsed JSON.
pub fn get_json(url: &str, query: &[(&str, &str)]) -> (u16, Value) {
    let (status, body) = get(url, query);
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {body}")))
}
