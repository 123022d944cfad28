//! The UI router over a real socket: pages, assets with their content types, config, 404s and
//! Grafana-style `/explore` redirects.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use std::time::Duration;

use obs_ui::{ASSETS, ApiUrls, router};
use test_support::serve::ServedRouter;

/// Serves the UI router on a free loopback port; stopped when the answer is dropped.
fn serve() -> ServedRouter {
    let urls = ApiUrls { otlp_grpc: "http://127.0.0.1:4317".into(), ..ApiUrls::default() };
    ServedRouter::start(router(urls)).unwrap()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .new_agent()
}

fn get(url: &str) -> (u16, String, String, String) {
    let mut response = agent().get(url).call().unwrap();
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let (content_type, location) = (header("content-type"), header("location"));
    let body = response.body_mut().read_to_string().unwrap();
    (response.status().as_u16(), content_type, location, body)
}

/// Every client-side page path answers the same HTML shell, which loads the app module.
#[test]
fn pages_answer_the_html_shell() {
    let served = serve();
    let base = served.url();
    for path in ["/", "/traces?service=x", "/trace/0af7651916cd43dd8448eb211c80319c", "/logs", "/metrics?query=up"] {
        let (status, content_type, _, body) = get(&format!("{base}{path}"));
        assert_eq!(status, 200, "{path}");
        assert_eq!(content_type, "text/html; charset=utf-8", "{path}");
        assert!(body.contains(r#"<script type="module" src="/assets/js/app.js">"#), "{path}: {body}");
    }
}

/// Every compiled-in asset is served whole with the content type a browser needs for it.
#[test]
fn assets_are_served_with_their_content_types() {
    let served = serve();
    let base = served.url();
    for asset in ASSETS {
        let (status, content_type, _, body) = get(&format!("{base}/assets/{}", asset.path));
        assert_eq!(status, 200, "{}", asset.path);
        let expected = match asset.path.rsplit('.').next() {
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("svg") => "image/svg+xml",
            other => panic!("unexpected asset kind {other:?}"),
        };
        assert_eq!(content_type, expected, "{}", asset.path);
        assert_eq!(body, asset.body, "{}", asset.path);
    }
}

/// Unknown page paths answer 404 with the HTML shell (the app draws its own "not found" page); unknown
/// assets and API paths answer a plain 404.
#[test]
fn unknown_paths_are_404() {
    let served = serve();
    let base = served.url();
    for path in ["/nope", "/traces/", "/trace/", "/trace/a/b"] {
        let (status, content_type, _, body) = get(&format!("{base}{path}"));
        assert_eq!((status, content_type.as_str()), (404, "text/html; charset=utf-8"), "{path}");
        assert!(body.contains("/assets/js/app.js"), "{path}: {body}");
    }
    let (status, _, _, body) = get(&format!("{base}/assets/js/missing.js"));
    assert_eq!(status, 404);
    assert!(body.contains("missing.js"), "{body}");
    let (status, content_type, _, _) = get(&format!("{base}/api/nothing/here"));
    assert_eq!(status, 404);
    assert!(content_type.starts_with("text/plain"), "{content_type}");
}

/// The home page's endpoints come from the `ApiUrls` the server was built with.
#[test]
fn config_serves_the_api_urls() {
    let served = serve();
    let base = served.url();
    let (status, content_type, _, body) = get(&format!("{base}/ui/config.json"));
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/json");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["otlp_grpc"], "http://127.0.0.1:4317");
}

/// A Grafana Explore link carrying a trace id redirects to the trace view.
#[test]
fn explore_links_redirect_to_the_trace() {
    let served = serve();
    let base = served.url();
    let left =
        r#"{"datasource":"tempo","queries":[{"queryType":"traceql","query":"af7651916cd43dd8448eb211c80319c"}]}"#;
    let mut encoded = String::new();
    for byte in left.bytes() {
        encoded.push_str(&format!("%{byte:02X}"));
    }
    let (status, _, location, _) = get(&format!("{base}/explore?orgId=1&left={encoded}"));
    assert_eq!(status, 303);
    assert_eq!(location, "/trace/0af7651916cd43dd8448eb211c80319c");
}

/// Every module a JavaScript file imports is a compiled-in asset, so no page can fail on a missing file.
#[test]
fn every_imported_module_is_compiled_in() {
    for asset in ASSETS.iter().filter(|a| a.path.ends_with(".js")) {
        for part in asset.body.split("'./").skip(1) {
            let Some(name) = part.split('\'').next().filter(|n| n.ends_with(".js")) else { continue };
            let wanted = format!("js/{name}");
            assert!(ASSETS.iter().any(|a| a.path == wanted), "{} imports {wanted}, which is not in ASSETS", asset.path);
        }
    }
    let js_files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/js")).unwrap().count();
    assert_eq!(
        js_files,
        ASSETS.iter().filter(|a| a.path.ends_with(".js")).count(),
        "a file in assets/js is not in ASSETS"
    );
}

/// A page's module imports only shared modules, never another page's (home, traces, trace-view, logs, metrics).
#[test]
fn pages_import_only_shared_modules() {
    const PAGES: [&str; 5] = ["home.js", "traces.js", "trace-view.js", "logs.js", "metrics.js"];
    for asset in ASSETS.iter().filter(|a| a.path.ends_with(".js") && a.path != "js/app.js") {
        for part in asset.body.split("from './").skip(1) {
            let name = part.split('\'').next().unwrap_or_default();
            assert!(!PAGES.contains(&name), "{} imports the page module {name}", asset.path);
        }
    }
}
