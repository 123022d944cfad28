//! Loki's answer shapes: the success envelope with `resultType`, `encodingFlags`, `result` and
//! `stats` in that order, streams (plain or categorized), matrices, vectors, scalars, and
//! plain-text errors (see [`crate::Error`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub use super::stats::{Summary, stats};
use crate::Error;
use crate::query::eval::logs::Hit;
use crate::query::eval::view::View;
use crate::query::eval::{Series, Value};
use crate::store::Inner;

/// Loki's JSON content type.
pub const JSON: &str = "application/json; charset=UTF-8";

/// A JSON answer with Loki's content type.
pub fn json<T: Serialize>(body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => ([(CONTENT_TYPE, JSON)], bytes).into_response(),
        Err(e) => Error::Internal(format!("cannot encode the answer: {e}")).into_response(),
    }
}

/// `400` with a message.
pub fn bad_request(msg: &str) -> Error {
    Error::BadRequest(msg.to_owned())
}

/// The `/loki/api/v1/status/buildinfo` answer.
pub async fn buildinfo() -> Response {
    let body = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "revision": "embedded",
        "branch": "obs-embedded",
        "buildUser": "",
        "buildDate": "",
        "goVersion": "",
    });
    ([(CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// `{"status":"success","data":...}`.
#[derive(Serialize)]
pub struct Envelope<T: Serialize> {
    /// Always `success`.
    pub status: &'static str,
    /// The payload.
    pub data: T,
}

/// A query's `data`.
#[derive(Serialize)]
pub struct QueryData<R: Serialize> {
    /// `streams`, `matrix`, `vector` or `scalar`.
    #[serde(rename = "resultType")]
    pub result_type: &'static str,
    /// Present only when flags were requested.
    #[serde(rename = "encodingFlags", skip_serializing_if = "Option::is_none")]
    pub encoding_flags: Option<Vec<&'static str>>,
    /// The result.
    pub result: R,
    /// Query statistics.
    pub stats: serde_json::Value,
}

/// One stream of a `streams` result.
#[derive(Serialize)]
pub struct StreamOut<'a> {
    /// Its labels.
    pub stream: BTreeMap<Cow<'a, str>, Cow<'a, str>>,
    /// Its entries.
    pub values: Vec<EntryOut<'a>>,
}

/// One entry: `[ts, line]` or `[ts, line, {structuredMetadata, parsed}]`.
#[derive(Serialize)]
#[serde(untagged)]
pub enum EntryOut<'a> {
    /// Plain.
    Plain(String, Cow<'a, str>),
    /// Categorized.
    Categorized(String, Cow<'a, str>, Categories<'a>),
}

/// The third element of a categorized entry.
#[derive(Serialize)]
pub struct Categories<'a> {
    /// Structured metadata.
    #[serde(rename = "structuredMetadata", skip_serializing_if = "BTreeMap::is_empty")]
    pub structured_metadata: BTreeMap<Cow<'a, str>, Cow<'a, str>>,
    /// Labels parsers extracted.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub parsed: BTreeMap<Cow<'a, str>, Cow<'a, str>>,
}

/// Groups hits into streams: by index labels when categorized, else by all labels (metadata
/// and parsed labels merged in, which splits streams). Streams are ordered by their label
/// text, descending for backward queries.
pub fn streams<'a>(
    inner: &'a Inner,
    hits: &'a [Hit],
    dropped: &[String],
    categorize: bool,
    forward: bool,
) -> Vec<StreamOut<'a>> {
    let kept = |k: &Cow<str>| !dropped.iter().any(|d| d == k);
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<(String, StreamOut<'a>)> = Vec::new();
    for hit in hits {
        let Some(seg) = inner.segment(hit.seq).filter(|seg| hit.i >= seg.head) else { continue };
        let mut view = View::new(inner, seg, hit.i);
        let labels: BTreeMap<Cow<str>, Cow<str>> = view
            .labels()
            .into_iter()
            .map(|(k, v)| (Cow::Borrowed(k), Cow::Borrowed(v)))
            .filter(|(k, _)| kept(k))
            .collect();
        let metadata: BTreeMap<Cow<str>, Cow<str>> =
            view.metadata().into_iter().filter(|(k, v)| !v.is_empty() && kept(k)).collect();
        let parsed: BTreeMap<Cow<str>, Cow<str>> =
            hit.parsed.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str()))).collect();
        let line = match &hit.line {
            Some(line) => Cow::Borrowed(line.as_str()),
            None => String::from_utf8_lossy(view.line()),
        };
        let ts = hit.ts.to_string();
        let (stream, entry) = if categorize {
            (labels, EntryOut::Categorized(ts, line, Categories { structured_metadata: metadata, parsed }))
        } else {
            let mut all = labels;
            all.extend(metadata);
            all.extend(parsed.into_iter().filter(|(_, v)| !v.is_empty()));
            (all, EntryOut::Plain(ts, line))
        };
        let key = label_text(&stream);
        let slot = *index.entry(key.clone()).or_insert_with(|| {
            out.push((key, StreamOut { stream, values: Vec::new() }));
            out.len() - 1
        });
        out[slot].1.values.push(entry);
    }
    out.sort_by(|a, b| if forward { a.0.cmp(&b.0) } else { b.0.cmp(&a.0) });
    out.into_iter().map(|(_, s)| s).collect()
}

/// `{a="b", c="d"}`.
fn label_text(labels: &BTreeMap<Cow<'_, str>, Cow<'_, str>>) -> String {
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", pairs.join(", "))
}

/// A time in seconds as a JSON number, with millisecond precision.
pub fn seconds(ns: i64) -> serde_json::Value {
    let ms = ns.div_euclid(1_000_000);
    if ms % 1000 == 0 {
        serde_json::Value::from(ms / 1000)
    } else {
        serde_json::Number::from_f64(ms as f64 / 1000.0).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// A sample value as Prometheus writes it.
pub fn sample(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf".into() } else { "-Inf".into() }
    } else {
        v.to_string()
    }
}

fn labels_json(labels: &[(String, String)]) -> BTreeMap<&str, &str> {
    labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// A metric result for `query_range`: a matrix (a scalar becomes one unlabelled series),
/// serialized straight from the series into the answer, with no JSON tree in between.
pub struct Matrix {
    series: Vec<Series>,
    steps: Vec<i64>,
}

/// The matrix of a value over `steps`, and how many samples it holds.
pub fn matrix(value: Value, steps: Vec<i64>) -> (Matrix, u64) {
    let series = match value {
        Value::Vector(v) => v,
        Value::Scalar(s) => vec![Series { labels: Vec::new(), points: s.into_iter().map(Some).collect() }],
    };
    let count = series.iter().flat_map(|s| &s.points).filter(|p| p.is_some()).count() as u64;
    (Matrix { series, steps }, count)
}

impl Serialize for Matrix {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.series.len()))?;
        for s in &self.series {
            let values = Points { points: &s.points, steps: &self.steps };
            seq.serialize_element(&SeriesOut { metric: labels_json(&s.labels), values })?;
        }
        seq.end()
    }
}

/// One series of a matrix.
#[derive(Serialize)]
struct SeriesOut<'a> {
    metric: BTreeMap<&'a str, &'a str>,
    values: Points<'a>,
}

/// A series' samples as `[[seconds, "value"], ...]`, steps without a sample left out.
struct Points<'a> {
    points: &'a [Option<f64>],
    steps: &'a [i64],
}

impl Serialize for Points<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        for (p, t) in self.points.iter().zip(self.steps) {
            if let Some(v) = p {
                seq.serialize_element(&(seconds(*t), sample(*v)))?;
            }
        }
        seq.end()
    }
}

/// A metric result for `query`: a vector or a scalar.
pub fn instant(value: &Value, t: i64) -> (&'static str, serde_json::Value, u64) {
    match value {
        Value::Scalar(s) => {
            ("scalar", serde_json::json!([seconds(t), sample(s.first().copied().unwrap_or(f64::NAN))]), 1)
        }
        Value::Vector(v) => {
            let result: Vec<serde_json::Value> = v
                .iter()
                .filter_map(|s| {
                    let value = s.points.first().copied().flatten()?;
                    Some(serde_json::json!({ "metric": labels_json(&s.labels), "value": [seconds(t), sample(value)] }))
                })
                .collect();
            let n = result.len() as u64;
            ("vector", serde_json::Value::Array(result), n)
        }
    }
}
