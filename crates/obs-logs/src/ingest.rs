//! Turning OTLP export requests into a [`Batch`]: per resource the stream, per scope the shared
//! metadata, per record its own fields, with the per-item limits applied (long keys, values
//! and bodies truncated, attributes past the count dropped and counted). Invalid, too old and
//! too new records are rejected, not stored.

use std::borrow::Cow;

use obs_contract::ItemLimits;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::logs::v1::LogRecord;

use crate::labels::{self, Attrs, ResourceMapping};
use crate::level;
use crate::store::{Batch, BatchGroup, BatchStream, NewEntry};

/// How far back Loki accepts entries (`reject_old_samples_max_age`, one week).
pub const MAX_AGE_NS: i64 = 7 * 24 * 3600 * 1_000_000_000;

/// The current time in ns since the epoch.
pub fn now_ns() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(now.as_nanos()).unwrap_or(i64::MAX)
}

/// The batch of an OTLP request: every valid record, the rejected ones counted and explained.
pub fn otlp_batch<'r>(req: &'r ExportLogsServiceRequest, now: i64, limits: &ItemLimits) -> Batch<'r> {
    let mut batch = Batch::default();
    for resource_logs in &req.resource_logs {
        let attributes = resource_logs.resource.as_ref().map_or(&[][..], |r| &r.attributes);
        let ResourceMapping { labels, metadata } = labels::map_resource(attributes, limits);
        let stream_text = labels::stream_text(&labels);
        let mut stream = BatchStream { labels, groups: Vec::new() };
        for scope_logs in &resource_logs.scope_logs {
            let mut shared = Attrs::new(limits);
            shared.pairs = metadata.clone();
            if let Some(scope) = &scope_logs.scope {
                for kv in &scope.attributes {
                    shared.push(&kv.key, kv.value.as_ref());
                }
                for (name, value) in [("scope_name", &scope.name), ("scope_version", &scope.version)] {
                    if !value.is_empty() {
                        shared.pairs.push((name.to_owned(), labels::clip(value, limits.max_value_bytes).to_owned()));
                    }
                }
            }
            let mut metadata = shared.pairs;
            metadata.sort();
            let mut group = BatchGroup { metadata, entries: Vec::with_capacity(scope_logs.log_records.len()) };
            for record in &scope_logs.log_records {
                match entry(record, now, limits) {
                    Ok(entry) => group.entries.push(entry),
                    Err(why) => batch.reject(format!("entry for stream '{stream_text}' {why}")),
                }
            }
            stream.groups.push(group);
        }
        batch.streams.push(stream);
    }
    batch
}

/// Why one record was rejected; the text follows `entry for stream '{...}' ` in Loki's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Older than Loki accepts (`reject_old_samples_max_age`).
    #[error("has timestamp too old: {ts} ns, oldest acceptable timestamp is: {oldest} ns")]
    TooOld {
        /// The entry's timestamp.
        ts: i64,
        /// The oldest accepted.
        oldest: i64,
    },
    /// Further ahead than the creation grace period.
    #[error(
        "has timestamp too new: {ts} ns, newest acceptable timestamp is: {newest} ns (the server's clock plus the \
         creation grace period of {grace_secs}s); check the sender's clock"
    )]
    TooNew {
        /// The entry's timestamp.
        ts: i64,
        /// The newest accepted.
        newest: i64,
        /// The grace period, seconds.
        grace_secs: u64,
    },
    /// A trace or span id of the wrong length.
    #[error("has an invalid {what} id: {len} bytes, expected {expected}")]
    BadId {
        /// `trace` or `span`.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The length it must have.
        expected: usize,
    },
}

/// Maps one OTLP record.
fn entry<'r>(record: &'r LogRecord, now: i64, limits: &ItemLimits) -> Result<NewEntry<'r>, Rejection> {
    let time = i64::try_from(record.time_unix_nano).unwrap_or(i64::MAX);
    let observed = i64::try_from(record.observed_time_unix_nano).unwrap_or(i64::MAX);
    let ts = if time != 0 {
        time
    } else if observed != 0 {
        observed
    } else {
        now
    };
    check_time(ts, now, limits)?;
    let trace_id = id_bytes::<16>(&record.trace_id, "trace")?;
    let span_id = id_bytes::<8>(&record.span_id, "span")?;
    let mut attrs = Attrs::new(limits);
    let line =
        labels::clip_cow(record.body.as_ref().map_or(Cow::Borrowed(""), labels::value_text), limits.max_value_bytes);
    let mut own: Vec<(Cow<str>, Cow<str>)> = Vec::with_capacity(record.attributes.len() + 2);
    for kv in &record.attributes {
        attrs.push_borrowed(&mut own, &kv.key, kv.value.as_ref());
    }
    let dropped = u64::from(record.dropped_attributes_count) + attrs.dropped;
    if dropped != 0 {
        own.push((Cow::Borrowed("dropped_attributes_count"), Cow::Owned(dropped.to_string())));
    }
    if !record.event_name.is_empty() {
        own.push((
            Cow::Borrowed("event_name"),
            Cow::Borrowed(labels::clip(&record.event_name, limits.max_value_bytes)),
        ));
    }
    let pairs = own.iter().map(|(k, v)| (k.as_ref(), v.as_ref()));
    let level = level::detect(record.severity_number, &record.severity_text, pairs, &line);
    Ok(NewEntry {
        ts,
        observed: (time != 0 && observed != 0).then_some(observed),
        severity_number: u8::try_from(record.severity_number).unwrap_or(0),
        severity_text: labels::clip(&record.severity_text, limits.max_value_bytes),
        flags: record.flags,
        trace_id,
        span_id,
        line,
        attrs: own,
        level,
    })
}

/// Rejects entries older than Loki accepts, or further ahead of `now` than the creation
/// grace period (Loki's `creation_grace_period`); the text follows the stream's name in
/// Loki's message.
pub fn check_time(ts: i64, now: i64, limits: &ItemLimits) -> Result<(), Rejection> {
    let oldest = now.saturating_sub(MAX_AGE_NS);
    if ts < oldest {
        return Err(Rejection::TooOld { ts, oldest });
    }
    let grace = i64::try_from(limits.creation_grace.as_nanos()).unwrap_or(i64::MAX);
    let newest = now.saturating_add(grace);
    if ts > newest {
        return Err(Rejection::TooNew { ts, newest, grace_secs: limits.creation_grace.as_secs() });
    }
    Ok(())
}

/// A trace or span id: empty or all zero means none; any other length is invalid.
fn id_bytes<const N: usize>(bytes: &[u8], what: &'static str) -> Result<Option<[u8; N]>, Rejection> {
    if bytes.is_empty() || bytes.iter().all(|&b| b == 0) {
        return Ok(None);
    }
    let id: [u8; N] = bytes.try_into().map_err(|_| Rejection::BadId { what, len: bytes.len(), expected: N })?;
    Ok(Some(id))
}
