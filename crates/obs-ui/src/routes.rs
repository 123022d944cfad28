//! HTTP routes of the UI: client-side pages answer the same HTML shell, assets by exact path,
//! the home page's configuration as JSON, and Grafana-style `/explore` links as redirects.

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query};
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
