//! Turning OTLP export requests into stored records: per resource the stream, per scope the
//! shared metadata, per record its own fields; invalid records are rejected, not stored.

use std::borrow::Cow;

use obs_contract::IngestOutcome;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::logs::v1::LogRecord;

use crate::labels::{self, ResourceMapping};
use crate::level;
use crate::store::{Inner, NewEntry};

/// How far back Loki accepts entries (`reject_old_samples_max_age`, one week).
pub const MAX_AGE_NS: i64 = 7 * 24 * 3600 * 1_000_000_000;

/// The current time in ns since the epoch.
pub fn now_ns() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(now.as_nanos()).unwrap_or(i64::MAX)
}

/// Records in a request.
pub fn count_records(req: &ExportLogsServiceRequest) -> u64 {
    let scopes = req.resource_logs.iter().flat_map(|r| &r.scope_logs);
    scopes.map(|s| s.log_records.len() as u64).sum()
}

/// Stores every valid record of a request; counts and explains the rejected ones.
pub fn ingest_otlp(inner: &mut Inner, req: &ExportLogsServiceRequest, now: i64) -> IngestOutcome {
    let mut outcome = IngestOutcome::default();
    for resource_logs in &req.resource_logs {
        let attributes = resource_logs.resource.as_ref().map_or(&[][..], |r| &r.attributes);
        let ResourceMapping { labels, metadata } = labels::map_resource(attributes);
        let stream = inner.stream_id(&labels);
        for scope_logs in &resource_logs.scope_logs {
            let mut shared = metadata.clone();
            if let Some(scope) = &scope_logs.scope {
                for kv in &scope.attributes {
                    if let Some(value) = &kv.value {
                        labels::push_attribute(&mut shared, &kv.key, value);
                    }
                }
                if !scope.name.is_empty() {
                    shared.push(("scope_name".to_owned(), scope.name.clone()));
                }
                if !scope.version.is_empty() {
                    shared.push(("scope_version".to_owned(), scope.version.clone()));
                }
            }
            shared.sort();
            let context = inner.context_id(&shared);
            for record in &scope_logs.log_records {
                match store_record(inner, stream, context, record, now) {
                    Ok(()) => outcome.accepted += 1,
                    Err(why) => {
                        outcome.rejected += 1;
                        outcome.message.get_or_insert(why);
                    }
                }
            }
        }
    }
    inner.refuse(outcome.rejected);
    outcome
}

/// Maps and appends one OTLP record.
fn store_record(inner: &mut Inner, stream: u32, context: u32, record: &LogRecord, now: i64) -> Result<(), String> {
    let time = i64::try_from(record.time_unix_nano).unwrap_or(i64::MAX);
    let observed = i64::try_from(record.observed_time_unix_nano).unwrap_or(i64::MAX);
    let ts = if time != 0 {
        time
    } else if observed != 0 {
        observed
    } else {
        now
    };
    check_age(ts, now)?;
    let trace_id = id_bytes::<16>(&record.trace_id, "trace")?;
    let span_id = id_bytes::<8>(&record.span_id, "span")?;
    let line = record.body.as_ref().map_or(Cow::Borrowed(""), labels::value_text);
    let mut attrs: Vec<(Cow<str>, Cow<str>)> = Vec::with_capacity(record.attributes.len() + 2);
    for kv in &record.attributes {
        let Some(value) = &kv.value else { continue };
        if matches!(value.value, Some(Value::KvlistValue(_))) {
            let mut flat = Vec::new();
            labels::push_attribute(&mut flat, &kv.key, value);
            attrs.extend(flat.into_iter().map(|(k, v)| (Cow::Owned(k), Cow::Owned(v))));
        } else {
            attrs.push((Cow::Borrowed(kv.key.as_str()), labels::value_text(value)));
        }
    }
    if record.dropped_attributes_count != 0 {
        attrs
            .push((Cow::Borrowed("dropped_attributes_count"), Cow::Owned(record.dropped_attributes_count.to_string())));
    }
    if !record.event_name.is_empty() {
        attrs.push((Cow::Borrowed("event_name"), Cow::Borrowed(record.event_name.as_str())));
    }
    let pairs = attrs.iter().map(|(k, v)| (k.as_ref(), v.as_ref()));
    let level = level::detect(record.severity_number, &record.severity_text, pairs, &line);
    let entry = NewEntry {
        ts,
        observed: (time != 0 && observed != 0).then_some(observed),
        severity_number: u8::try_from(record.severity_number).unwrap_or(0),
        severity_text: &record.severity_text,
        flags: record.flags,
        trace_id,
        span_id,
        line: &line,
        attrs: &attrs,
        level,
    };
    inner.append(stream, context, &entry);
    Ok(())
}

/// Rejects entries older than Loki accepts.
pub fn check_age(ts: i64, now: i64) -> Result<(), String> {
    if ts < now.saturating_sub(MAX_AGE_NS) {
        return Err(format!(
            "entry has timestamp too old: {ts} ns, oldest acceptable timestamp is: {} ns",
            now.saturating_sub(MAX_AGE_NS)
        ));
    }
    Ok(())
}

/// A trace or span id: empty or all zero means none; any other length is invalid.
fn id_bytes<const N: usize>(bytes: &[u8], what: &str) -> Result<Option<[u8; N]>, String> {
    if bytes.is_empty() || bytes.iter().all(|&b| b == 0) {
        return Ok(None);
    }
    let id: [u8; N] =
        bytes.try_into().map_err(|_| format!("invalid {what} id: {} bytes, expected {N}", bytes.len()))?;
    Ok(Some(id))
}
