//! HTTP routes of the UI: client-side pages answer the same HTML shell, assets by exact path,
//! the home page's configuration as JSON, Grafana-style `/explore` links as redirects, and any other
//! path outside `/api/` the shell with status 404, so the browser shows the app's own "not found" page.

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::Uri;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::ApiUrls;
use crate::assets::{INDEX_HTML, find};
use crate::explore::explore_target;

/// Paths the browser-side router draws; each answers the HTML shell.
const PAGES: [&str; 5] = ["/", "/traces", "/trace/{id}", "/logs", "/metrics"];

pub(crate) fn router(urls: ApiUrls) -> Router {
    let mut router = Router::new();
    for page in PAGES {
        router = router.route(page, get(index));
    }
    router
        .route("/assets/{*path}", get(asset))
        .route("/explore", get(explore))
        .route("/ui/config.json", get(move || config(urls.clone())))
        .fallback(not_found)
}

/// Unknown paths: the HTML shell with 404 (the app draws its "not found" page), except under `/api/`
/// and `/assets/`, where a client wants a plain error rather than a page.
async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") || path.starts_with("/assets/") {
        return (StatusCode::NOT_FOUND, format!("nothing at {path:?}\n")).into_response();
    }
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        INDEX_HTML,
    )
        .into_response()
}

async fn index() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], INDEX_HTML)
        .into_response()
}

async fn asset(Path(path): Path<String>) -> Response {
    match find(&path) {
        Some(found) => ([(header::CONTENT_TYPE, found.content_type), (header::CACHE_CONTROL, "no-cache")], found.body)
            .into_response(),
        None => (StatusCode::NOT_FOUND, format!("no UI asset named {path:?}\n")).into_response(),
    }
}

async fn config(urls: ApiUrls) -> Json<ApiUrls> {
    Json(urls)
}

async fn explore(Query(params): Query<Vec<(String, String)>>) -> Redirect {
    Redirect::to(&explore_target(&params))
}
