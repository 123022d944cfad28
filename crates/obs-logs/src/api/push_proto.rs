//! Loki's protobuf push body (`logproto.PushRequest`, snappy block-compressed), as promtail,
//! Alloy and the Loki clients send it: decoded into labels and entries.

use std::collections::BTreeMap;

use obs_contract::query::{QueryLimits, scan};
use obs_stack::env::OBS_MAX_REQUEST_BYTES;

use crate::Error;
use crate::query::ast::{MatchOp, Query};

/// `logproto.PushRequest`: streams of entries.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PushRequest {
    /// Streams.
    #[prost(message, repeated, tag = "1")]
    pub streams: Vec<StreamAdapter>,
}

/// `logproto.StreamAdapter`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StreamAdapter {
    /// Labels in selector syntax, `{a="b"}`.
    #[prost(string, tag = "1")]
    pub labels: String,
    /// Entries.
    #[prost(message, repeated, tag = "2")]
    pub entries: Vec<EntryAdapter>,
}

/// `logproto.EntryAdapter`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct EntryAdapter {
    /// Entry time.
    #[prost(message, optional, tag = "1")]
    pub timestamp: Option<Timestamp>,
    /// The line.
    #[prost(string, tag = "2")]
    pub line: String,
    /// Structured metadata.
    #[prost(message, repeated, tag = "3")]
    pub structured_metadata: Vec<LabelPair>,
}

/// `google.protobuf.Timestamp`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Timestamp {
    /// Seconds since the epoch.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds within the second.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// `logproto.LabelPairAdapter`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LabelPair {
    /// Name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Value.
    #[prost(string, tag = "2")]
    pub value: String,
}

/// One entry: timestamp (ns), line, structured metadata.
pub type Entry = (i64, String, Vec<(String, String)>);

/// One stream: its labels and entries.
pub type Stream = (BTreeMap<String, String>, Vec<Entry>);

/// Decompresses (at most `limit` bytes) and decodes a push body into (labels, entries) pairs.
pub fn decode(body: &[u8], limit: usize) -> Result<Vec<Stream>, Error> {
    let bad = |msg: String| Error::BadRequest(msg);
    let size = snap::raw::decompress_len(body).map_err(|e| bad(format!("invalid snappy push body: {e}")))?;
    if size > limit {
        return Err(Error::PayloadTooLarge(format!(
            "push body is larger than {limit} bytes after decompression; send smaller batches or raise the server's \
             limit ({OBS_MAX_REQUEST_BYTES})"
        )));
    }
    let raw =
        snap::raw::Decoder::new().decompress_vec(body).map_err(|e| bad(format!("invalid snappy push body: {e}")))?;
    let request = <PushRequest as prost::Message>::decode(raw.as_slice())
        .map_err(|e| bad(format!("invalid protobuf push body (logproto.PushRequest): {e}")))?;
    request
        .streams
        .into_iter()
        .map(|stream| {
            let labels = parse_labels(&stream.labels)?;
            let entries = stream.entries.into_iter().map(|e| {
                let ts = e
                    .timestamp
                    .map_or(0, |t| t.seconds.saturating_mul(1_000_000_000).saturating_add(i64::from(t.nanos)));
                let metadata = e.structured_metadata.into_iter().map(|p| (p.name, p.value)).collect();
                (ts, e.line, metadata)
            });
            Ok((labels, entries.collect()))
        })
        .collect()
}

/// `{a="b", c="d"}` into a label map, bounded like a query before the parser sees it.
fn parse_labels(text: &str) -> Result<BTreeMap<String, String>, Error> {
    let invalid = |why: String| Error::BadRequest(format!("invalid stream labels {text:?}: {why}"));
    scan::check(text, &QueryLimits::default()).map_err(|e| invalid(e.to_string()))?;
    match crate::query::parse(text) {
        Ok(Query::Log(log)) if log.stages.is_empty() && log.matchers.iter().all(|m| m.op == MatchOp::Eq) => {
            Ok(log.matchers.into_iter().map(|m| (m.name, m.value)).collect())
        }
        Ok(_) => Err(invalid("expected {name=\"value\", ...}".into())),
        Err(e) => Err(invalid(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A snappy-compressed PushRequest decodes into labels, timestamps, lines and metadata.
    #[test]
    fn round_trip() {
        let request = PushRequest {
            streams: vec![StreamAdapter {
                labels: r#"{job="alloy", host="a"}"#.into(),
                entries: vec![EntryAdapter {
                    timestamp: Some(Timestamp { seconds: 2, nanos: 5 }),
                    line: "hello".into(),
                    structured_metadata: vec![LabelPair { name: "trace_id".into(), value: "ab".into() }],
                }],
            }],
        };
        let body = snap::raw::Encoder::new().compress_vec(&prost::Message::encode_to_vec(&request)).unwrap_or_default();
        let decoded = decode(&body, 1 << 20).unwrap_or_default();
        let labels: BTreeMap<String, String> =
            [("host", "a"), ("job", "alloy")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let entry = (2_000_000_005, "hello".to_owned(), vec![("trace_id".to_owned(), "ab".to_owned())]);
        assert_eq!(decoded, vec![(labels, vec![entry])]);
        assert!(decode(b"not snappy", 1 << 20).is_err());
        assert!(decode(&body, 3).is_err_and(|e| e.to_string().contains("larger than 3 bytes")));
    }
}
