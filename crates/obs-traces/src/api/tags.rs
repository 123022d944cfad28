//! Tag names and values: `/api/search/tags`, `/api/v2/search/tags`,
//! `/api/search/tag/<name>/values` and `/api/v2/search/tag/<scoped name>/values`.

use std::collections::BTreeSet;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Serialize;

use super::params::Params;
use super::{App, json};
use crate::TraceStore;
use crate::error::Error;
use crate::query::search::tags::{self, INTRINSICS};
use crate::query::traceql::ast::{Attr, Scope, attribute};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MetricsJson {
    inspected_bytes: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NamesV1 {
    tag_names: Vec<String>,
    metrics: MetricsJson,
}

#[derive(Serialize)]
struct ScopeJson {
    name: &'static str,
    tags: Vec<String>,
}

#[derive(Serialize)]
struct NamesV2 {
    scopes: Vec<ScopeJson>,
    metrics: MetricsJson,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ValuesV1 {
    tag_values: Vec<String>,
    metrics: MetricsJson,
}

#[derive(Serialize)]
struct TypedJson {
    #[serde(rename = "type")]
    kind: &'static str,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ValuesV2 {
    tag_values: Vec<TypedJson>,
    metrics: MetricsJson,
}

const SCOPES: [&str; 4] = ["span", "event", "resource", "intrinsic"];

/// Scopes Tempo accepts that this store keeps no attribute names for.
const EMPTY_SCOPES: [&str; 2] = ["link", "instrumentation"];

/// The scopes asked for (`scope` parameter; all when absent).
fn scopes(params: &Params) -> Result<Vec<&'static str>, Error> {
    match params.get("scope").filter(|s| !s.is_empty() && *s != "all" && *s != "none") {
        None => Ok(SCOPES.to_vec()),
        Some(s) => SCOPES.iter().chain(&EMPTY_SCOPES).find(|n| **n == s).map(|n| vec![*n]).ok_or_else(|| {
            Error::BadRequest(format!(
                "invalid scope {s:?}: use one of span, event, resource, intrinsic, link, instrumentation"
            ))
        }),
    }
}

fn names_of(store: &TraceStore, scope: &str) -> BTreeSet<String> {
    store.read(|inner| match scope {
        "span" => tags::span_keys(inner),
        "event" => tags::event_keys(inner),
        "resource" => tags::resource_keys(inner),
        "intrinsic" => INTRINSICS.iter().map(|s| (*s).to_owned()).collect(),
        _ => BTreeSet::new(),
    })
}

fn metrics(store: &TraceStore) -> MetricsJson {
    MetricsJson { inspected_bytes: store.stats().bytes.to_string() }
}

/// The names of each scope in `wanted`, read in the query runner (one lock per scope).
async fn names(app: &App, wanted: Vec<&'static str>) -> Result<Vec<(&'static str, BTreeSet<String>)>, Error> {
    let store = app.store.clone();
    let found = app.runner.run(move |_| wanted.into_iter().map(|s| (s, names_of(&store, s))).collect()).await?;
    Ok(found)
}

/// `GET /api/search/tags`: one flat sorted list (intrinsics only when asked for by scope).
pub async fn names_v1(State(app): State<App>, Query(params): Query<Vec<(String, String)>>) -> Result<Response, Error> {
    let params = Params(params);
    let wanted = match params.get("scope") {
        Some("intrinsic") => vec!["intrinsic"],
        _ => scopes(&params)?.into_iter().filter(|s| *s != "intrinsic").collect(),
    };
    let names: BTreeSet<String> = names(&app, wanted).await?.into_iter().flat_map(|(_, n)| n).collect();
    Ok(json(&NamesV1 { tag_names: names.into_iter().collect(), metrics: metrics(&app.store) }))
}

/// `GET /api/v2/search/tags`: names per scope, in Tempo's scope order.
pub async fn names_v2(State(app): State<App>, Query(params): Query<Vec<(String, String)>>) -> Result<Response, Error> {
    let wanted = scopes(&Params(params))?;
    let scopes = names(&app, wanted)
        .await?
        .into_iter()
        .map(|(name, tags)| ScopeJson { name, tags: tags.into_iter().collect() })
        .filter(|s| !s.tags.is_empty() || s.name == "intrinsic")
        .collect();
    Ok(json(&NamesV2 { scopes, metrics: metrics(&app.store) }))
}

fn limit(params: &Params) -> Result<usize, Error> {
    params.positive("limit", 1000)
}

/// Distinct values of `attr`, at most `limit`, found in the query runner.
async fn values(app: &App, attr: Attr, limit: usize) -> Result<BTreeSet<tags::TypedValue>, Error> {
    let store = app.store.clone();
    Ok(app.runner.run(move |budget| tags::values(&store, &attr, limit, budget)).await??)
}

/// `GET /api/search/tag/<name>/values`: values of a resource or span attribute as text.
pub async fn values_v1(
    State(app): State<App>,
    Path(name): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let limit = limit(&Params(params))?;
    let attr = Attr::Named { scope: Scope::Any, key: name };
    let text: BTreeSet<String> = values(&app, attr, limit).await?.into_iter().map(|v| v.value).collect();
    Ok(json(&ValuesV1 { tag_values: text.into_iter().collect(), metrics: metrics(&app.store) }))
}

/// `GET /api/v2/search/tag/<scoped name>/values`: typed values.
pub async fn values_v2(
    State(app): State<App>,
    Path(name): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let limit = limit(&Params(params))?;
    let Some(attr) = attribute(&name) else {
        return Err(Error::BadRequest(format!(
            "invalid tag {name:?}: use a scoped attribute (resource.x, span.x, .x) or an intrinsic such as name, status or kind"
        )));
    };
    let found = values(&app, attr, limit).await?;
    let tag_values = found.into_iter().map(|v| TypedJson { kind: v.kind, value: v.value }).collect();
    Ok(json(&ValuesV2 { tag_values, metrics: metrics(&app.store) }))
}
