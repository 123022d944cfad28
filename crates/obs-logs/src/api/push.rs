//! `POST /loki/api/v1/push` with Loki's JSON body: each stream's labels become index labels,
//! the optional third element of a value its structured metadata. 204 on success.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use obs_contract::http::HttpError;
use obs_contract::{ItemLimits, Refusal};
use serde::Deserialize;

use super::render;
use super::{Api, BodyLimit, push_proto};
use crate::ingest::{check_time, now_ns};
use crate::labels::{clip, clip_cow, ensure_service_name, stream_text};
use crate::level;
use crate::store::{Batch, BatchGroup, BatchStream, NewEntry};
use crate::{Error, LogStore};

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

/// `POST /loki/api/v1/push`: 204 once stored. Decoding and storing run on the blocking pool:
/// both cost time in proportion to the body.
pub async fn push(
    State(api): State<Api>,
    Extension(BodyLimit(limit)): Extension<BodyLimit>,
    request: Request,
) -> Response {
    match accept(api.store, limit, request).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => error.into_response(),
    }
}

async fn accept(store: Arc<LogStore>, limit: usize, request: Request) -> Result<(), Error> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, limit).await.map_err(|_| too_large(limit))?;
    if store.is_closed() {
        return Err(Error::Refused(Refusal::ShuttingDown));
    }
    let work = move || {
        let streams = decode(&parts.headers, body, limit)?;
        store_streams(&store, streams)
    };
    tokio::task::spawn_blocking(work).await.map_err(|e| Error::Internal(format!("the push was not stored: {e}")))?
}

/// 413 naming the limit and the setting that raises it.
fn too_large(limit: usize) -> Error {
    let msg = match obs_contract::http::too_large(limit) {
        HttpError::PayloadTooLarge(msg) => msg,
        _ => format!("push body is larger than {limit} bytes; send smaller batches"),
    };
    Error::PayloadTooLarge(msg)
}

fn decode(headers: &HeaderMap, body: Bytes, limit: usize) -> Result<Vec<PushedStream>, Error> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => decode_json(&inflate(headers, body, limit)?),
        "application/x-protobuf" | "application/protobuf" => {
            let streams = push_proto::decode(&body, limit)?;
            streams
                .into_iter()
                .map(|(labels, entries)| {
                    let entries = entries.into_iter().map(|(ts, line, metadata)| Entry { ts, line, metadata });
                    Ok((stream_labels(labels)?, entries.collect()))
                })
                .collect()
        }
        _ => Err(Error::UnsupportedMediaType(format!(
            "unsupported Content-Type {content_type:?}: send application/json or snappy-compressed \
             application/x-protobuf (Loki's push formats)"
        ))),
    }
}

fn decode_json(raw: &[u8]) -> Result<Vec<PushedStream>, Error> {
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

/// The body with its `Content-Encoding` undone (at most `limit` bytes), by the OTLP helper.
fn inflate(headers: &HeaderMap, body: Bytes, limit: usize) -> Result<Bytes, Error> {
    obs_contract::http::inflate(headers, body, limit).map_err(|err| match err {
        HttpError::PayloadTooLarge(msg) => Error::PayloadTooLarge(msg),
        HttpError::UnsupportedMediaType(msg) => Error::UnsupportedMediaType(msg),
        other => Error::BadRequest(other.message()),
    })
}

fn stream_labels(stream: BTreeMap<String, String>) -> Result<Vec<(String, String)>, Error> {
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

fn entry(value: Vec<serde_json::Value>) -> Result<Entry, Error> {
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

/// Stores the pushed streams through the store's one ingest; 400 naming the first rejected
/// entry when some were rejected (the others are stored, as Loki does).
fn store_streams(store: &LogStore, streams: Vec<PushedStream>) -> Result<(), Error> {
    let batch = push_batch(streams, now_ns(), store.item_limits());
    let outcome = store.commit(&batch).map_err(Error::Refused)?;
    match outcome.message {
        Some(first) if outcome.rejected > 0 => {
            Err(render::bad_request(&format!("{first} ({} entries rejected)", outcome.rejected)))
        }
        _ => Ok(()),
    }
}

/// The batch of a push: one group per stream (pushes have no shared metadata), entries
/// checked against the time window and cut to the per-item limits.
fn push_batch(streams: Vec<PushedStream>, now: i64, limits: &ItemLimits) -> Batch<'static> {
    let mut batch = Batch::default();
    for (labels, entries) in streams {
        let mut group = BatchGroup::default();
        for e in entries {
            match check_time(e.ts, now, limits) {
                Ok(()) => group.entries.push(new_entry(&labels, e, limits)),
                Err(why) => batch.reject(format!("entry for stream '{}' {why}", stream_text(&labels))),
            }
        }
        batch.streams.push(BatchStream { labels, groups: vec![group] });
    }
    batch
}

fn new_entry(labels: &[(String, String)], e: Entry, limits: &ItemLimits) -> NewEntry<'static> {
    let fields = labels.iter().chain(&e.metadata).map(|(k, v)| (k.as_str(), v.as_str()));
    let level = level::detect(0, "", fields, &e.line);
    let trace_id = id_field::<16>(&e.metadata, "trace_id");
    let span_id = id_field::<8>(&e.metadata, "span_id");
    let mut attrs = Vec::with_capacity(e.metadata.len().min(limits.max_attributes));
    for (k, v) in e.metadata {
        let is_id = k == "trace_id" && trace_id.is_some() || k == "span_id" && span_id.is_some();
        if is_id || attrs.len() >= limits.max_attributes {
            continue;
        }
        let key = clip(&k, limits.max_key_bytes).to_owned();
        attrs.push((Cow::Owned(key), clip_cow(Cow::Owned(v), limits.max_value_bytes)));
    }
    NewEntry {
        ts: e.ts,
        observed: None,
        severity_number: 0,
        severity_text: "",
        flags: 0,
        trace_id,
        span_id,
        line: clip_cow(Cow::Owned(e.line), limits.max_value_bytes),
        attrs,
        level,
    }
}

/// A hex id in pushed metadata, stored like an OTLP id when it has the right length.
fn id_field<const N: usize>(metadata: &[(String, String)], name: &str) -> Option<[u8; N]> {
    let (_, value) = metadata.iter().find(|(k, _)| k == name)?;
    hex::decode(value.to_ascii_lowercase()).ok()?.try_into().ok()
}

#[cfg(test)]
mod props {
    //! Property tests for the push decoders: arbitrary bytes as JSON, as snappy, and as valid
    //! snappy around arbitrary protobuf get a bounded answer (streams or a 4xx error), never a
    //! panic. 256 cases by default; `PROPTEST_CASES` sets another count.

    use axum::http::{HeaderMap, HeaderValue};
    use proptest::prelude::*;

    use super::*;

    fn config() -> ProptestConfig {
        let default = ProptestConfig::default();
        if std::env::var_os("PROPTEST_CASES").is_some() { default } else { ProptestConfig { cases: 256, ..default } }
    }

    fn headers(content_type: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers
    }

    /// A decode error is a client error naming the problem; streams stay under the size limit.
    fn bounded(answer: Result<Vec<PushedStream>, Error>, limit: usize) -> Result<(), TestCaseError> {
        match answer {
            Ok(streams) => {
                let bytes: usize = streams.iter().flat_map(|(_, e)| e).map(|e| e.line.len()).sum();
                prop_assert!(bytes <= limit);
            }
            Err(err) => prop_assert!(err.status().is_client_error() && !err.to_string().is_empty(), "{err}"),
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(config())]

        /// Arbitrary bytes sent as a JSON push.
        #[test]
        fn json_push_bytes(body in prop::collection::vec(any::<u8>(), 0..2_000)) {
            bounded(decode(&headers("application/json"), Bytes::from(body), 1 << 20), 1 << 20)?;
        }

        /// JSON-looking pushes with arbitrary values.
        #[test]
        fn json_push_shapes(ts in "\\PC{0,25}", line in "\\PC{0,50}", key in "\\PC{0,10}") {
            let body = serde_json::json!({"streams": [{"stream": {key.clone(): "v"}, "values": [[ts, line, {key: "m"}]]}]});
            bounded(decode(&headers("application/json"), Bytes::from(body.to_string()), 1 << 20), 1 << 20)?;
        }

        /// Arbitrary bytes sent as a snappy protobuf push, and valid snappy around arbitrary bytes.
        #[test]
        fn protobuf_push_bytes(raw in prop::collection::vec(any::<u8>(), 0..2_000)) {
            let headers = headers("application/x-protobuf");
            bounded(decode(&headers, Bytes::from(raw.clone()), 1 << 20), 1 << 20)?;
            let framed = snap::raw::Encoder::new().compress_vec(&raw).unwrap_or_default();
            bounded(decode(&headers, Bytes::from(framed.clone()), 1 << 20), 1 << 20)?;
            bounded(decode(&headers, Bytes::from(framed), 16), 16)?;
        }
    }
}
