//! Tag names and values: `/api/search/tags`, `/api/v2/search/tags`,
//! `/api/search/tag/<name>/values` and `/api/v2/search/tag/<scoped name>/values`.

use std::collections::BTreeSet;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Serialize;

use super::params::Params;
use super::{Store, bad_request, blocking, json};
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
fn scopes(params: &Params) -> Result<Vec<&'static str>, String> {
    match params.get("scope").filter(|s| !s.is_empty() && *s != "all" && *s != "none") {
        None => Ok(SCOPES.to_vec()),
        Some(s) => SCOPES.iter().chain(&EMPTY_SCOPES).find(|n| **n == s).map(|n| vec![*n]).ok_or_else(|| {
            format!("invalid scope {s:?}: use one of span, event, resource, intrinsic, link, instrumentation")
        }),
    }
}

fn names_of(store: &Store, scope: &str) -> BTreeSet<String> {
    store.read(|inner| match scope {
        "span" => tags::span_keys(inner),
        "event" => tags::event_keys(inner),
        "resource" => tags::resource_keys(inner),
        "intrinsic" => INTRINSICS.iter().map(|s| (*s).to_owned()).collect(),
        _ => BTreeSet::new(),
    })
}

fn metrics(store: &Store) -> MetricsJson {
    MetricsJson { inspected_bytes: store.stats().bytes.to_string() }
}

/// `GET /api/search/tags`: one flat sorted list (intrinsics only when asked for by scope).
pub async fn names_v1(State(store): State<Store>, Query(params): Query<Vec<(String, String)>>) -> Response {
    let params = Params(params);
    let wanted = match params.get("scope") {
        Some("intrinsic") => vec!["intrinsic"],
        _ => match scopes(&params) {
            Ok(s) => s.into_iter().filter(|s| *s != "intrinsic").collect(),
            Err(message) => return bad_request(message),
        },
    };
    let names: BTreeSet<String> = wanted.iter().flat_map(|s| names_of(&store, s)).collect();
    json(&NamesV1 { tag_names: names.into_iter().collect(), metrics: metrics(&store) })
}

/// `GET /api/v2/search/tags`: names per scope, in Tempo's scope order.
pub async fn names_v2(State(store): State<Store>, Query(params): Query<Vec<(String, String)>>) -> Response {
    let wanted = match scopes(&Params(params)) {
        Ok(s) => s,
        Err(message) => return bad_request(message),
    };
    let scopes = wanted
        .into_iter()
        .map(|name| ScopeJson { name, tags: names_of(&store, name).into_iter().collect() })
        .filter(|s| !s.tags.is_empty() || s.name == "intrinsic")
        .collect();
    json(&NamesV2 { scopes, metrics: metrics(&store) })
}

fn limit(params: &Params) -> Result<usize, String> {
    params.positive("limit", 1000)
}

/// `GET /api/search/tag/<name>/values`: values of a resource or span attribute as text.
pub async fn values_v1(
    State(store): State<Store>,
    Path(name): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let limit = match limit(&Params(params)) {
        Ok(l) => l,
        Err(message) => return bad_request(message),
    };
    blocking(move || {
        let attr = Attr::Named { scope: Scope::Any, key: name };
        let values = store.read(|inner| tags::values(inner, &attr, limit));
        let text: BTreeSet<String> = values.into_iter().map(|v| v.value).collect();
        json(&ValuesV1 { tag_values: text.into_iter().collect(), metrics: metrics(&store) })
    })
    .await
}

/// `GET /api/v2/search/tag/<scoped name>/values`: typed values.
pub async fn values_v2(
    State(store): State<Store>,
    Path(name): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let limit = match limit(&Params(params)) {
        Ok(l) => l,
        Err(message) => return bad_request(message),
    };
    let Some(attr) = attribute(&name) else {
        return bad_request(format!(
            "invalid tag {name:?}: use a scoped attribute (resource.x, span.x, .x) or an intrinsic such as name, status or kind"
        ));
    };
    blocking(move || {
        let values = store.read(|inner| tags::values(inner, &attr, limit));
        let tag_values = values.into_iter().map(|v| TypedJson { kind: v.kind, value: v.value }).collect();
        json(&ValuesV2 { tag_values, metrics: metrics(&store) })
    })
    .await
}
