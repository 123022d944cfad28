//! DNS rebinding and cross-site requests: a foreign `Host` gets 421 on every port, a page on
//! another site gets 403 on the query and ingest APIs, configured names and origins pass, and
//! the UI forbids framing.

use obs_stack::{PORTS, ports};
use test_support::embedded::EmbeddedServer;

use super::get_with;

/// Every port answers a rebound `Host` with 421 naming OBS_ALLOWED_HOSTS, and loopback with 2xx/4xx as usual.
#[test]
fn foreign_host_is_refused_on_every_port() {
    let server = EmbeddedServer::start(&[]).unwrap();
    for port in PORTS {
        let (status, text) = get_with(&server, port, "/obs-embedded/status", "rebind.example:3000", "");
        assert_eq!(status, 421, "{}: {text}", port.label);
        assert!(text.contains("OBS_ALLOWED_HOSTS"), "{text}");
    }
    let (status, _) = get_with(&server, ports::TEMPO, "/ready", "localhost", "");
    assert_eq!(status, 200);
}

/// A name given with --allowed-hosts is answered (a reverse proxy's name).
#[test]
fn allowed_host_passes() {
    let server = EmbeddedServer::start(&["--allowed-hosts", "obs.proxy.test"]).unwrap();
    let (status, text) = get_with(&server, ports::TEMPO, "/ready", "obs.proxy.test", "");
    assert_eq!(status, 200, "{text}");
}

/// A foreign `Origin` is refused on query and ingest APIs; an allowed one passes.
#[test]
fn foreign_origin_is_refused_unless_allowed() {
    let server = EmbeddedServer::start(&["--allowed-origins", "http://app.test:5173"]).unwrap();
    let evil = "Origin: https://evil.example\r\nSec-Fetch-Site: cross-site\r\n";
    let (status, text) = get_with(&server, ports::LOKI, "/loki/api/v1/labels", "127.0.0.1", evil);
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("OBS_ALLOWED_ORIGINS"), "{text}");
    let (status, _) = get_with(&server, ports::OTLP_HTTP, "/v1/traces", "127.0.0.1", evil);
    assert_eq!(status, 403);
    let allowed = "Origin: http://app.test:5173\r\nSec-Fetch-Site: cross-site\r\n";
    let (status, text) = get_with(&server, ports::LOKI, "/loki/api/v1/labels", "127.0.0.1", allowed);
    assert_eq!(status, 200, "{text}");
}

/// The UI sends a CSP with `frame-ancestors 'none'`.
#[test]
fn ui_forbids_framing() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let (status, text) = get_with(&server, ports::GRAFANA, "/", "localhost:3000", "");
    assert_eq!(status, 200);
    let csp = text.lines().find(|l| l.to_ascii_lowercase().starts_with("content-security-policy:")).unwrap_or("");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp:?}");
}
