//! Turning an OTLP/HTTP body into a request: which content type it is, undoing
//! `Content-Encoding` without inflating past the size limit (gzip bomb guard), and decoding
//! protobuf or OTLP JSON (hex ids, lowerCamelCase or snake_case names, 64-bit ints as strings).

use std::io::Read;

use axum::http::HeaderMap;
use axum::http::header::{CONTENT_ENCODING, CONTENT_TYPE};
use bytes::Bytes;
use obs_stack::env::OBS_MAX_REQUEST_BYTES;

use super::{HttpError, OtlpSignal};

/// The two OTLP/HTTP body encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/x-protobuf`.
    Protobuf,
    /// `application/json` (the OTLP JSON mapping).
    Json,
}

impl Format {
    /// The `Content-Type` answers in this format carry.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Protobuf => "application/x-protobuf",
            Format::Json => "application/json",
        }
    }
}

/// The request's format from its `Content-Type` (parameters such as `charset` ignored).
pub fn format_of(headers: &HeaderMap) -> Result<Format, HttpError> {
    let raw = headers.get(CONTENT_TYPE).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let essence = raw.as_deref().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/x-protobuf" | "application/protobuf" => Ok(Format::Protobuf),
        "application/json" => Ok(Format::Json),
        _ => Err(HttpError::UnsupportedMediaType(match raw {
            Some(raw) => format!("unsupported Content-Type {raw:?}; send application/x-protobuf or application/json"),
            None => "missing Content-Type; send application/x-protobuf or application/json".to_string(),
        })),
    }
}

/// The body with its `Content-Encoding` undone, refusing to produce more than `limit` bytes.
pub fn inflate(headers: &HeaderMap, body: Bytes, limit: usize) -> Result<Bytes, HttpError> {
    let encoding = headers
        .get(CONTENT_ENCODING)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_ascii_lowercase())
        .unwrap_or_default();
    let inflated = match encoding.as_str() {
        "" | "identity" => body,
        "gzip" | "x-gzip" => read_limited(flate2::read::MultiGzDecoder::new(&body[..]), limit, "gzip")?,
        "deflate" => read_limited(flate2::read::ZlibDecoder::new(&body[..]), limit, "deflate")?,
        other => {
            return Err(HttpError::UnsupportedMediaType(format!(
                "unsupported Content-Encoding {other:?}; send gzip, deflate or identity"
            )));
        }
    };
    if inflated.len() > limit {
        return Err(too_large(limit));
    }
    Ok(inflated)
}

/// Reads at most `limit + 1` bytes so an over-limit body is detected without inflating it all.
fn read_limited(reader: impl Read, limit: usize, encoding: &str) -> Result<Bytes, HttpError> {
    let mut out = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|err| HttpError::BadRequest(format!("cannot decompress the {encoding} request body: {err}")))?;
    if out.len() > limit {
        return Err(too_large(limit));
    }
    Ok(Bytes::from(out))
}

/// The 413 error for a body over `limit`.
pub fn too_large(limit: usize) -> HttpError {
    HttpError::PayloadTooLarge(format!(
        "request body is larger than {limit} bytes after decompression; send smaller batches or raise the \
         server's limit ({OBS_MAX_REQUEST_BYTES})"
    ))
}

/// Decodes a request body in `format`.
pub fn decode<S: OtlpSignal>(format: Format, body: &[u8]) -> Result<S, HttpError> {
    let decoded = match format {
        Format::Protobuf => S::decode(body).map_err(|err| err.to_string()),
        Format::Json => decode_json(body),
    };
    decoded.map_err(|err| {
        HttpError::BadRequest(format!(
            "cannot decode the request body as an OTLP {} in {}: {err}",
            S::MESSAGE,
            format.content_type()
        ))
    })
}

/// OTLP JSON; snake_case field names (which the spec asks receivers to accept) are rewritten
/// to lowerCamelCase first, only when the body uses them.
fn decode_json<S: OtlpSignal>(body: &[u8]) -> Result<S, String> {
    if !uses_snake_case(body) {
        return serde_json::from_slice(body).map_err(|err| err.to_string());
    }
    let mut value: serde_json::Value = serde_json::from_slice(body).map_err(|err| err.to_string())?;
    camel_case_keys(&mut value);
    serde_json::from_value(value).map_err(|err| err.to_string())
}

/// Whether the body's top-level field is spelled in snake_case (`resource_spans`, ...).
/// A vectorised substring search: this runs over every JSON body.
fn uses_snake_case(body: &[u8]) -> bool {
    memchr::memmem::find(body, b"\"resource_").is_some()
}

/// Rewrites every object key from snake_case to lowerCamelCase. Attribute names are values
/// (`{"key": "http.method"}`), never keys, so they are left alone.
fn camel_case_keys(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut inner) in entries {
                camel_case_keys(&mut inner);
                map.insert(to_camel(&key), inner);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(camel_case_keys),
        _ => {}
    }
}

fn to_camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
