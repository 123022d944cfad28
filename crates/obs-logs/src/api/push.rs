//! `POST /loki/api/v1/push` with Loki's JSON body: each stream's labels become index labels,
//! the optional third element of a value its structured metadata. 204 on success.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use obs_contract::http::HttpError;
use serde::Deserialize;

use super::render::{self, ApiError};
use super::{BodyLimit, push_proto};
use crate::LogStore;
use crate::ingest::{check_age, now_ns};
use crate::labels::ensure_service_name;
use crate::level;
use crate::store::{Inner, NewEntry};

#[derive(Deserialize)]
struct PushBody {
    streams: Vec<PushStream>,
}

#[derive(Deserialize)]
struct PushStream {
    stream: BTreeMap<String, String>,
    values: Vec<Vec<serde_json::Value>>,
}

/// A validated stream: its index labels and entries.
type PushedStream = (Vec<(String, String)>, Vec<Entry>);

/// One validated entry.
struct Entry {
    ts: i64,
    line: String,
    metadata: Vec<(String, String)>,
}

/// `POST /loki/api/v1/push`.
pub async fn push(
    State(store): State<Arc<LogStore>>,
    Extension(BodyLimit(limit)): Extension<BodyLimit>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, limit).await else {
        return too_large(limit).into_response();
    };
    if store.is_closed() {
        return shutting_down();
    }
    match decode(&parts.headers, &body, limit).and_then(|streams| store_streams(&store, streams)) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) if store.is_closed() && error.status == StatusCode::SERVICE_UNAVAILABLE => shutting_down(),
        Err(error) => error.into_response(),
    }
}

/// 413 naming the limit and the setting that raises it.
fn too_large(limit: usize) -> ApiError {
    let msg = match obs_contract::http::too_large(limit) {
        HttpError::PayloadTooLarge(msg) => msg,
        _ => format!("push body is larger than {limit} bytes; send smaller batches"),
    };
    render::error(StatusCode::PAYLOAD_TOO_LARGE, &msg)
}

/// 503 with `Retry-After`, so the client keeps its data and sends it again.
fn shutting_down() -> Response {
    let error = render::error(StatusCode::SERVICE_UNAVAILABLE, "the server is shutting down; retry once it is back");
    ([(RETRY_AFTER, "1")], error).into_response()
}

fn decode(headers: &HeaderMap, body: &[u8], limit: usize) -> Result<Vec<PushedStream>, ApiError> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => decode_json(&inflate(headers, body, limit)?),
        "application/x-protobuf" | "application/protobuf" => {
            let streams = push_proto::decode(body, limit).map_err(|e| render::bad_request(&e))?;
            streams
                .into_iter()
                .map(|(labels, entries)| {
                    let entries = entries.into_iter().map(|(ts, line, metadata)| Entry { ts, line, metadata });
                    Ok((stream_labels(labels)?, entries.collect()))
                })
                .collect()
        }
        _ => Err(render::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &format!(
                "unsupported Content-Type {content_type:?}: send application/json or snappy-compressed \
                 application/x-protobuf (Loki's push formats)"
            ),
        )),
    }
}

fn decode_json(raw: &[u8]) -> Result<Vec<PushedStream>, ApiError> {
    let parsed: PushBody =
        serde_json::from_slice(raw).map_err(|e| render::bad_request(&format!("invalid push body: {e}")))?;
    parsed
        .streams
        .into_iter()
        .map(|s| {
            let labels = stream_labels(s.stream)?;
            let entries = s.values.into_iter().map(entry).collect::<Result<Vec<_>, _>>()?;
            Ok((labels, entries))
        })
        .collect()
}

fn inflate(headers: &HeaderMap, body: &[u8], limit: usize) -> Result<Vec<u8>, ApiError> {
    let encoding =
        headers.get(CONTENT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("").trim().to_ascii_lowercase();
    let mut out = Vec::new();
    let read = match encoding.as_str() {
        "" | "identity" => return Ok(body.to_vec()),
        "gzip" => flate2::read::GzDecoder::new(body).take(limit as u64 + 1).read_to_end(&mut out),
        "deflate" => flate2::read::ZlibDecoder::new(body).take(limit as u64 + 1).read_to_end(&mut out),
        other => {
            return Err(render::bad_request(&format!(
                "unsupported Content-Encoding {other:?}: use gzip, deflate or none"
            )));
        }
    };
    read.map_err(|e| render::bad_request(&format!("cannot decompress the {encoding} body: {e}")))?;
    if out.len() > limit {
        return Err(too_large(limit));
    }
    Ok(out)
}

fn stream_labels(stream: BTreeMap<String, String>) -> Result<Vec<(String, String)>, ApiError> {
    let valid = |name: &str| {
        !name.is_empty()
            && name
                .bytes()
                .enumerate()
                .all(|(i, b)| b == b'_' || b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit()))
    };
    if let Some(bad) = stream.keys().find(|k| !valid(k)) {
        return Err(render::bad_request(&format!(
            "invalid label name {bad:?}: names must match [a-zA-Z_][a-zA-Z0-9_]*"
        )));
    }
    let mut labels: Vec<(String, String)> = stream.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    ensure_service_name(&mut labels);
    Ok(labels)
}

fn entry(value: Vec<serde_json::Value>) -> Result<Entry, ApiError> {
    let bad = |msg: &str| render::bad_request(msg);
    let mut parts = value.into_iter();
    let ts = match parts.next() {
        Some(serde_json::Value::String(s)) => {
            s.parse::<i64>().map_err(|_| bad(&format!("invalid timestamp {s:?}: expected nanoseconds as a string")))?
        }
        Some(other) => return Err(bad(&format!("invalid timestamp {other}: it must be a JSON string of nanoseconds"))),
        None => return Err(bad("empty value: expected [\"<ns>\", \"<line>\"]")),
    };
    let line = match parts.next() {
        Some(serde_json::Value::String(s)) => s,
        _ => return Err(bad("invalid value: the second element must be the log line as a string")),
    };
    let metadata = match parts.next() {
        None => Vec::new(),
        Some(serde_json::Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => Ok((k, s)),
                other => Err(bad(&format!("structured metadata {k:?} must be a string, got {other}"))),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => return Err(bad(&format!("structured metadata must be a JSON object of strings, got {other}"))),
    };
    Ok(Entry { ts, line, metadata })
}

fn store_streams(store: &LogStore, streams: Vec<PushedStream>) -> Result<(), ApiError> {
    if store.is_closed() {
        return Err(render::error(StatusCode::SERVICE_UNAVAILABLE, "the server is shutting down; retry later"));
    }
    let now = now_ns();
    let count: u64 = streams.iter().map(|(_, e)| e.len() as u64).sum();
    let mut inner = store.write();
    if count > inner.limits().max_items {
        inner.refuse(count);
        return Err(render::error(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("{count} entries in one push exceed the store's cap of {} records", inner.limits().max_items),
        ));
    }
    let mut errors = Vec::new();
    for (labels, entries) in streams {
        let stream = inner.stream_id(&labels);
        let context = inner.context_id(&[]);
        for e in entries {
            match check_age(e.ts, now) {
                Ok(()) => append(&mut inner, stream, context, &labels, &e),
                Err(why) => {
                    inner.refuse(1);
                    errors.push(format!("entry for stream '{}' {why}", label_text(&labels)));
                }
            }
        }
    }
    inner.enforce_caps();
    match errors.first() {
        None => Ok(()),
        Some(first) => Err(render::bad_request(&format!("{first} ({} entries rejected)", errors.len()))),
    }
}

fn append(inner: &mut Inner, stream: u32, context: u32, labels: &[(String, String)], e: &Entry) {
    let fields = labels.iter().chain(&e.metadata).map(|(k, v)| (k.as_str(), v.as_str()));
    let level = level::detect(0, "", fields, &e.line);
    let trace_id = id_field::<16>(&e.metadata, "trace_id");
    let span_id = id_field::<8>(&e.metadata, "span_id");
    let attrs: Vec<(Cow<str>, Cow<str>)> = e
        .metadata
        .iter()
        .filter(|(k, _)| !(k == "trace_id" && trace_id.is_some() || k == "span_id" && span_id.is_some()))
        .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str())))
        .collect();
    let entry = NewEntry {
        ts: e.ts,
        observed: None,
        severity_number: 0,
        severity_text: "",
        flags: 0,
        trace_id,
        span_id,
        line: &e.line,
        attrs: &attrs,
        level,
    };
    inner.append(stream, context, &entry);
}

/// A hex id in pushed metadata, stored like an OTLP id when it has the right length.
fn id_field<const N: usize>(metadata: &[(String, String)], name: &str) -> Option<[u8; N]> {
    let (_, value) = metadata.iter().find(|(k, _)| k == name)?;
    hex::decode(value.to_ascii_lowercase()).ok()?.try_into().ok()
}

fn label_text(labels: &[(String, String)]) -> String {
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", pairs.join(", "))
}
