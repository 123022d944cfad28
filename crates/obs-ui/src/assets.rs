//! The UI's static files, compiled into the binary so the server needs nothing on disk or online.

/// One static file of the UI.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// Path under `/assets/`, such as `js/app.js`.
    pub path: &'static str,
    /// The `Content-Type` it is served with.
    pub content_type: &'static str,
    /// The file's bytes.
    pub body: &'static str,
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const SVG: &str = "image/svg+xml";

macro_rules! asset {
    ($path:literal, $type:expr) => {
        Asset { path: $path, content_type: $type, body: include_str!(concat!("../assets/", $path)) }
    };
}

/// The page every client-side route starts from.
pub const INDEX_HTML: &str = include_str!("../assets/index.html");

/// Every file served under `/assets/`.
pub const ASSETS: &[Asset] = &[
    asset!("style.css", CSS),
    asset!("favicon.svg", SVG),
    asset!("js/app.js", JS),
    asset!("js/api.js", JS),
    asset!("js/dom.js", JS),
    asset!("js/format.js", JS),
    asset!("js/types.js", JS),
    asset!("js/state.js", JS),
    asset!("js/timerange.js", JS),
    asset!("js/home.js", JS),
    asset!("js/traces.js", JS),
    asset!("js/trace-model.js", JS),
    asset!("js/trace-view.js", JS),
    asset!("js/span-details.js", JS),
    asset!("js/waterfall.js", JS),
    asset!("js/minimap.js", JS),
    asset!("js/logs.js", JS),
    asset!("js/label-browser.js", JS),
    asset!("js/metrics.js", JS),
    asset!("js/completion.js", JS),
    asset!("js/chart.js", JS),
];

/// The asset at `path` (relative to `/assets/`), if there is one.
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|asset| asset.path == path)
}
