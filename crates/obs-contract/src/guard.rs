//! The localhost guard in front of every port. A local server is reachable from any page the
//! user opens: through DNS rebinding (a foreign name resolving to 127.0.0.1) a page could read
//! every answer, and through `<img>`/`fetch` it could make the server work. So a request passes
//! only when its `Host` is a loopback name, the bind address or a configured name, and, when a
//! browser says it comes from another site, only when that site is allowed.
//!
//! `Host` outside the allowed set: 421 Misdirected Request. A cross-site browser request
//! (`Sec-Fetch-Site: cross-site`, or an `Origin` that is not loopback or allowed): 403. Top-level
//! navigations (a link the user clicks) pass, since the page cannot read their answer.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub use obs_stack::env::{OBS_ALLOWED_HOSTS, OBS_ALLOWED_ORIGINS};

/// Who may talk to the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guard {
    /// The address the server binds (`127.0.0.1`, `0.0.0.0`, ...).
    pub bind: String,
    /// Extra host names accepted in `Host` (lower case, no port).
    pub allowed_hosts: Vec<String>,
    /// Browser origins allowed (`http://localhost:5173`, or `*`).
    pub allowed_origins: Vec<String>,
}

impl Guard {
    /// The guard for `bind` accepting the comma-separated `hosts` and `origins` too.
    pub fn new(bind: &str, hosts: &str, origins: &str) -> Self {
        let list = |text: &str| {
            text.split(',')
                .map(|s| s.trim().trim_end_matches('/').to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        };
        Self { bind: bind.to_owned(), allowed_hosts: list(hosts), allowed_origins: list(origins) }
    }

    /// Why the request must be refused, with its status, or `None` when it may pass.
    pub fn refusal(&self, host: Option<&str>, headers: &HeaderMap) -> Option<(StatusCode, String)> {
        if let Some(host) = host
            && !self.host_allowed(host)
        {
            return Some((
                StatusCode::MISDIRECTED_REQUEST,
                format!(
                    "host {host:?} is not served here: this server answers loopback names (localhost, 127.0.0.1, \
                     [::1]) and the names in {OBS_ALLOWED_HOSTS} (comma-separated), which protects it from DNS \
                     rebinding; add the name there if a proxy or a hosts entry uses it"
                ),
            ));
        }
        self.cross_site(headers).map(|origin| {
            (
                StatusCode::FORBIDDEN,
                format!(
                    "cross-site request from {origin} refused: a web page on another site may not call this server; \
                     to allow a browser app, add its origin to {OBS_ALLOWED_ORIGINS} (comma-separated)"
                ),
            )
        })
    }

    fn host_allowed(&self, host: &str) -> bool {
        let name = host_name(host);
        if name.is_empty() || is_loopback_name(&name) || name == self.bind.trim_matches(['[', ']']) {
            return true;
        }
        if let Ok(ip) = name.parse::<IpAddr>() {
            // An IP literal cannot be rebound; with a wildcard bind, any address of the machine is fine.
            return ip.is_loopback() || self.bind_is_wildcard();
        }
        self.allowed_hosts.iter().any(|h| h == &name)
    }

    fn bind_is_wildcard(&self) -> bool {
        self.bind.trim_matches(['[', ']']).parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified())
    }

    /// The foreign origin of a cross-site browser request, if it is one that must be refused.
    fn cross_site(&self, headers: &HeaderMap) -> Option<String> {
        let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_ascii_lowercase);
        if get("sec-fetch-mode").as_deref() == Some("navigate") && get("sec-fetch-dest").as_deref() == Some("document")
        {
            return None;
        }
        let origin = get(header::ORIGIN.as_str());
        if let Some(origin) = &origin
            && self.origin_allowed(origin)
        {
            return None;
        }
        match (get("sec-fetch-site").as_deref(), origin) {
            (Some("cross-site"), origin) => Some(origin.unwrap_or_else(|| "another site".to_owned())),
            (_, Some(origin)) => Some(origin),
            _ => None,
        }
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        if self.allowed_origins.iter().any(|o| o == "*" || o == origin) {
            return true;
        }
        let Some((_, rest)) = origin.split_once("://") else { return false };
        self.host_allowed(rest) && !rest.is_empty()
    }
}

/// The host part of a `Host` value: lower case, port and IPv6 brackets removed.
fn host_name(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("").to_owned();
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_owned(),
        _ => host,
    }
    .trim_end_matches('.')
    .to_owned()
}

fn is_loopback_name(name: &str) -> bool {
    name == "localhost" || name.ends_with(".localhost")
}

/// The `Host` of a request: the header (HTTP/1.1) or the URI authority (HTTP/2).
fn request_host(req: &Request) -> Option<String> {
    req.headers()
        .get(header::HOST)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .or_else(|| req.uri().authority().map(|a| a.as_str().to_owned()))
}

/// axum middleware: refuses what [`Guard::refusal`] refuses, passes the rest.
pub async fn check(State(guard): State<Arc<Guard>>, req: Request, next: Next) -> Response {
    match guard.refusal(request_host(&req).as_deref(), req.headers()) {
        Some((status, message)) => {
            (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
        }
        None => next.run(req).await,
    }
}

/// `router` behind the guard.
pub fn protect(router: axum::Router, guard: Arc<Guard>) -> axum::Router {
    router.layer(axum::middleware::from_fn_with_state(guard, check))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn guard() -> Guard {
        Guard {
            bind: "127.0.0.1".into(),
            allowed_hosts: vec!["obs.internal".into()],
            allowed_origins: vec!["http://app.test:5173".into()],
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    /// Loopback names and addresses, the bind address and configured names pass; others get 421.
    #[test]
    fn hosts() {
        let g = guard();
        for ok in [
            "localhost:3200",
            "LOCALHOST",
            "grafana.localhost:3000",
            "127.0.0.1:9090",
            "[::1]:3100",
            "obs.internal",
            "127.0.0.2",
        ] {
            assert_eq!(g.refusal(Some(ok), &HeaderMap::new()), None, "{ok}");
        }
        for bad in ["evil.example:3200", "localhost.evil.example", "192.168.1.5:3000", "obs.internal.evil"] {
            let refused = g.refusal(Some(bad), &HeaderMap::new()).map(|(s, _)| s);
            assert_eq!(refused, Some(StatusCode::MISDIRECTED_REQUEST), "{bad}");
        }
        let wildcard = Guard { bind: "0.0.0.0".into(), ..Guard::default() };
        assert_eq!(wildcard.refusal(Some("192.168.1.5:3000"), &HeaderMap::new()), None);
        assert!(wildcard.refusal(Some("rebind.example"), &HeaderMap::new()).is_some());
    }

    /// Cross-site fetches and foreign origins get 403; same-site, allowed origins and navigations pass.
    #[test]
    fn cross_site() {
        let g = guard();
        let host = Some("127.0.0.1:3200");
        let refused = |h: &[(&'static str, &'static str)]| g.refusal(host, &headers(h)).map(|(s, _)| s);
        assert_eq!(
            refused(&[("sec-fetch-site", "cross-site"), ("sec-fetch-dest", "image")]),
            Some(StatusCode::FORBIDDEN)
        );
        assert_eq!(refused(&[("origin", "https://evil.example")]), Some(StatusCode::FORBIDDEN));
        assert_eq!(refused(&[("origin", "null")]), Some(StatusCode::FORBIDDEN));
        assert_eq!(refused(&[("origin", "http://localhost:3000"), ("sec-fetch-site", "same-site")]), None);
        assert_eq!(refused(&[("origin", "http://app.test:5173"), ("sec-fetch-site", "cross-site")]), None);
        assert_eq!(
            refused(&[
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", "navigate"),
                ("sec-fetch-dest", "document")
            ]),
            None
        );
        assert_eq!(refused(&[]), None);
    }

    /// The message names the variable that lifts the refusal.
    #[test]
    fn messages_name_the_fix() {
        let g = guard();
        let (_, host) = g.refusal(Some("evil.example"), &HeaderMap::new()).unwrap_or_default();
        assert!(host.contains(OBS_ALLOWED_HOSTS), "{host}");
        let (_, origin) = g.refusal(None, &headers(&[("origin", "https://evil.example")])).unwrap_or_default();
        assert!(origin.contains(OBS_ALLOWED_ORIGINS) && origin.contains("https://evil.example"), "{origin}");
    }
}
