//! `GET /api/traces/<id>` (v1: `{"batches":[...]}`, 404 when unknown) and
//! `GET /api/v2/traces/<id>` (`{"trace":{"resourceSpans":[...]}}`, `{"trace":{}}` when unknown),
//! protobuf with `Accept: application/protobuf`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use opentelemetry_proto::tonic::trace::v1::TracesData;

use super::render_json::{JResourceSpans, resource_spans};
use super::{App, json, render_proto, traceid};
use crate::error::Error;
use crate::query::trace_by_id::assemble;

fn wants_protobuf(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/protobuf") || v.contains("application/x-protobuf"))
}

fn protobuf(body: Vec<u8>) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/protobuf")], body).into_response()
}

#[derive(Serialize)]
struct V1 {
    batches: Vec<JResourceSpans>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct V2Trace {
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_spans: Option<Vec<JResourceSpans>>,
}

#[derive(Serialize)]
struct V2 {
    trace: V2Trace,
}

/// The trace with the id in the path, assembled in the query runner.
async fn fetch(app: &App, id: &str) -> Result<Option<TracesData>, Error> {
    let id = traceid::parse(id)?;
    let store = app.store.clone();
    Ok(app.runner.run(move |budget| assemble(&store, &id, budget)).await??)
}

/// `GET /api/traces/<id>`.
pub async fn v1(State(app): State<App>, Path(id): Path<String>, headers: HeaderMap) -> Result<Response, Error> {
    let Some(data) = fetch(&app, &id).await? else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    if wants_protobuf(&headers) {
        return Ok(protobuf(render_proto::v1(&data)));
    }
    Ok(json(&V1 { batches: resource_spans(&data) }))
}

/// `GET /api/v2/traces/<id>`.
pub async fn v2(State(app): State<App>, Path(id): Path<String>, headers: HeaderMap) -> Result<Response, Error> {
    let data = fetch(&app, &id).await?;
    if wants_protobuf(&headers) {
        return Ok(protobuf(render_proto::v2(data)));
    }
    Ok(json(&V2 { trace: V2Trace { resource_spans: data.as_ref().map(resource_spans) } }))
}
