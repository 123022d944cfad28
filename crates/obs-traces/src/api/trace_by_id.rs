//! `GET /api/traces/<id>` (v1: `{"batches":[...]}`, 404 when unknown) and
//! `GET /api/v2/traces/<id>` (`{"trace":{"resourceSpans":[...]}}`, `{"trace":{}}` when unknown),
//! protobuf with `Accept: application/protobuf`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::render_json::{JResourceSpans, resource_spans};
use super::{Store, bad_request, json, render_proto, traceid};

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

/// `GET /api/traces/<id>`.
pub async fn v1(State(store): State<Store>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let id = match traceid::parse(&id) {
        Ok(id) => id,
        Err(message) => return bad_request(message),
    };
    let Some(data) = store.trace(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if wants_protobuf(&headers) {
        return protobuf(render_proto::v1(&data));
    }
    json(&V1 { batches: resource_spans(&data) })
}

/// `GET /api/v2/traces/<id>`.
pub async fn v2(State(store): State<Store>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let id = match traceid::parse(&id) {
        Ok(id) => id,
        Err(message) => return bad_request(message),
    };
    let data = store.trace(&id);
    if wants_protobuf(&headers) {
        return protobuf(render_proto::v2(data));
    }
    json(&V2 { trace: V2Trace { resource_spans: data.as_ref().map(resource_spans) } })
}
