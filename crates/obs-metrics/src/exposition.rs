//! The collector-style `/metrics` exposition (Prometheus text format 0.0.4): every live series
//! at its newest value, grouped by family with `# HELP`/`# TYPE`, plus the server's own samples.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use obs_contract::{SelfSample, SelfSamples};

use crate::format::go_g;
use crate::store::{Latest, MetricStore, now_ms};

/// Series not updated for this long leave the exposition, like the collector's default
/// `metric_expiration` (they stay queryable through the API for the whole history window).
pub const METRIC_EXPIRATION_MS: i64 = 5 * 60 * 1000;

/// Content type of the text exposition format.
pub const CONTENT_TYPE_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The `/metrics` router. Rendering runs on the blocking pool, reading the store a chunk at a
/// time, so a scrape neither stalls the async workers nor waits behind a query.
pub fn router(store: Arc<MetricStore>, own: SelfSamples) -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        get(move || {
            let (store, own) = (store.clone(), own.clone());
            async move {
                match tokio::task::spawn_blocking(move || render(&store, &own())).await {
                    Ok(body) => ([(CONTENT_TYPE, CONTENT_TYPE_TEXT)], body).into_response(),
                    Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("rendering the exposition failed: {e}"))
                        .into_response(),
                }
            }
        }),
    )
}

/// The whole exposition text.
pub fn render(store: &MetricStore, own: &[SelfSample]) -> String {
    let mut by_family: BTreeMap<Arc<str>, Vec<Latest>> = BTreeMap::new();
    for latest in store.latest(now_ms() - METRIC_EXPIRATION_MS) {
        by_family.entry(latest.family.clone()).or_default().push(latest);
    }
    let families: BTreeMap<_, _> = store.families().into_iter().collect();
    let mut out = String::new();
    for (family, series) in by_family {
        let (kind, help) = families.get(&family).map_or(("untyped", ""), |f| (f.kind.as_str(), f.help.as_str()));
        header(&mut out, &family, help, kind);
        let mut keyed: Vec<(OrderKey, Latest)> = series.into_iter().map(|s| (order_key(&s), s)).collect();
        keyed.sort_by(|a, b| a.0.0.cmp(&b.0.0).then(a.0.1.cmp(&b.0.1)).then(a.0.2.total_cmp(&b.0.2)));
        for (_, s) in keyed {
            let name = label(&s.labels, "__name__").unwrap_or(&family);
            sample_line(&mut out, name, s.labels.iter().filter(|(k, _)| k != "__name__"), s.value);
        }
    }
    let mut own_by_name: BTreeMap<&str, Vec<&SelfSample>> = BTreeMap::new();
    for s in own {
        own_by_name.entry(s.name).or_default().push(s);
    }
    for (name, samples) in own_by_name {
        header(&mut out, name, samples.first().map_or("", |s| s.help), samples.first().map_or("untyped", |s| s.kind));
        for s in samples {
            let labels: Vec<(String, String)> = s.labels.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect();
            sample_line(&mut out, name, labels.iter(), s.value);
        }
    }
    out
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    if !help.is_empty() {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(out, "# HELP {name} {help}");
    }
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn sample_line<'a>(out: &mut String, name: &str, labels: impl Iterator<Item = &'a (String, String)>, value: f64) {
    out.push_str(name);
    let mut first = true;
    for (k, v) in labels {
        out.push(if first { '{' } else { ',' });
        first = false;
        let _ = write!(out, "{k}=\"");
        if v.contains(['\\', '"', '\n']) {
            out.push_str(&v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"));
        } else {
            out.push_str(v);
        }
        out.push('"');
    }
    if !first {
        out.push('}');
    }
    let _ = writeln!(out, " {}", go_g(value));
}

fn label<'a>(labels: &'a [(String, String)], name: &str) -> Option<&'a str> {
    labels.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// How a family's series are ordered: identity labels, then plain/bucket/sum/count, then the
/// bucket bound or quantile ascending, as scrapers expect histogram and summary lines.
type OrderKey = (Vec<(String, String)>, u8, f64);

fn order_key(l: &Latest) -> OrderKey {
    let identity = l.labels.iter().filter(|(k, _)| k != "__name__" && k != "le" && k != "quantile").cloned().collect();
    let name = label(&l.labels, "__name__").unwrap_or_default();
    let own_name = *name == *l.family;
    let rank = if name.ends_with("_sum") && !own_name {
        2
    } else if name.ends_with("_count") && !own_name {
        3
    } else {
        1
    };
    let bound = label(&l.labels, "le").or_else(|| label(&l.labels, "quantile")).and_then(|v| v.parse::<f64>().ok());
    (identity, rank, bound.unwrap_or(0.0))
}
