//! Ingest: validation, duplicate detection and appending spans with their index entries.

use obs_contract::{IngestOutcome, StoreLimits};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;

use super::keycache::KeyCache;
use super::{Inner, SEGMENT, Segment, SpanRec};
use crate::codec::{ValRef, put_attr, put_head, put_varint};
use crate::hash::{FxBuild, FxMap};
use crate::intern::EMPTY;

/// Trace slots already looked up in this request, by trace id.
type SeenTraces = FxMap<[u8; 16], u32>;

/// Bytes accounted per span besides its byte record and postings.
pub const SPAN_FIXED: u64 = std::mem::size_of::<SpanRec>() as u64;

/// What is wrong with a span, if anything; else its trace id and span id.
fn validate(span: &Span) -> Result<([u8; 16], [u8; 8]), &'static str> {
    let trace: [u8; 16] = span.trace_id.as_slice().try_into().map_err(|_| "trace id is not 16 bytes")?;
    let id: [u8; 8] = span.span_id.as_slice().try_into().map_err(|_| "span id is not 8 bytes")?;
    if trace == [0; 16] {
        return Err("trace id is all zero");
    }
    if id == [0; 8] {
        return Err("span id is all zero");
    }
    if !span.parent_span_id.is_empty() && span.parent_span_id.len() != 8 {
        return Err("parent span id is neither empty nor 8 bytes");
    }
    Ok((trace, id))
}

/// The rarely used parts of a span, OTLP-encoded (empty when all are default).
fn extras_of(span: &Span) -> Vec<u8> {
    if span.events.is_empty()
        && span.links.is_empty()
        && span.trace_state.is_empty()
        && span.dropped_events_count == 0
        && span.dropped_links_count == 0
        && span.flags == 0
    {
        return Vec::new();
    }
    Span {
        events: span.events.clone(),
        links: span.links.clone(),
        trace_state: span.trace_state.clone(),
        dropped_events_count: span.dropped_events_count,
        dropped_links_count: span.dropped_links_count,
        flags: span.flags,
        ..Span::default()
    }
    .encode_to_vec()
}

impl Inner {
    /// Stores a request that fits the caps (see [`super::admit`]); duplicates count as
    /// accepted, invalid spans as rejected. Only spans older than the request are evicted for it.
    pub fn ingest(&mut self, req: &ExportTraceServiceRequest, limits: &StoreLimits) -> IngestOutcome {
        self.floor = self.next_seq;
        let mut outcome = IngestOutcome::default();
        let mut keys = KeyCache::default();
        let mut seen = SeenTraces::with_capacity_and_hasher(64, FxBuild);
        for rs in &req.resource_spans {
            for ss in &rs.scope_spans {
                let group = self.groups.acquire(rs, ss);
                for span in &ss.spans {
                    self.ingest_span(group, span, limits, &mut outcome, &mut keys, &mut seen);
                }
                self.groups.unpin(group);
            }
        }
        keys.finish(&mut self.strings);
        self.make_room(limits, 0);
        outcome
    }

    fn ingest_span<'r>(
        &mut self,
        group: u32,
        span: &'r Span,
        limits: &StoreLimits,
        outcome: &mut IngestOutcome,
        keys: &mut KeyCache<'r>,
        seen: &mut SeenTraces,
    ) {
        let (trace_id, span_id) = match validate(span) {
            Ok(ids) => ids,
            Err(why) => {
                outcome.rejected += 1;
                self.counters.refused += 1;
                if outcome.message.is_none() {
                    outcome.message = Some(format!("span {:?} rejected: {why}", span.name));
                }
                return;
            }
        };
        outcome.accepted += 1;
        let known = self.trace_slot(&trace_id, seen);
        if self.is_duplicate(known, &span_id) {
            return;
        }
        self.make_room(limits, 1);
        if self.next_seq >= u32::MAX - SEGMENT {
            self.rebase();
        }
        let known = known.filter(|&slot| self.traces.holds(slot, &trace_id));
        let trace = known.unwrap_or_else(|| self.traces.find_or_insert(&trace_id));
        seen.insert(trace_id, trace);
        self.append(group, trace, span_id, span, keys);
        self.counters.ingested += 1;
    }

    /// The stored trace's slot, remembered for the request: its spans arrive interleaved with
    /// other traces', and the request-local table spares most lookups in the big one.
    fn trace_slot(&self, trace_id: &[u8; 16], seen: &mut SeenTraces) -> Option<u32> {
        if let Some(&slot) = seen.get(trace_id)
            && self.traces.holds(slot, trace_id)
        {
            return Some(slot);
        }
        let slot = self.traces.find(trace_id)?;
        seen.insert(*trace_id, slot);
        Some(slot)
    }

    /// Whether the trace already holds the span: its id set answers for a big trace, a look at
    /// its few spans for a small one.
    fn is_duplicate(&self, slot: Option<u32>, span_id: &[u8; 8]) -> bool {
        let Some(slot) = slot else { return false };
        if let Some(known) = self.traces.has_span(slot, span_id) {
            return known;
        }
        let Some(entry) = self.traces.get(slot) else { return false };
        entry.spans.as_slice().iter().any(|&seq| self.rec(seq).is_some_and(|rec| &rec.span_id == span_id))
    }

    /// Gives a trace that just reached [`super::traces::INDEXED_FROM`] spans its span-id set.
    fn index_trace(&mut self, slot: u32) {
        if !self.traces.wants_ids(slot) {
            return;
        }
        let Some(entry) = self.traces.get(slot) else { return };
        let ids = entry.spans.as_slice().iter().filter_map(|&seq| self.rec(seq)).map(|rec| rec.span_id).collect();
        self.traces.set_ids(slot, ids);
    }

    fn append<'r>(&mut self, group: u32, trace: u32, span_id: [u8; 8], span: &'r Span, keys: &mut KeyCache<'r>) {
        let seq = self.next_seq;
        if self.segments.back().is_none_or(|s| s.spans.len() as u32 >= SEGMENT) {
            if let Some(full) = self.segments.back_mut() {
                full.blob.shrink_to_fit();
            }
            if self.segments.is_empty() {
                self.first_seq = seq;
            }
            self.segments.push_back(Segment { spans: Vec::with_capacity(SEGMENT as usize), blob: Vec::new() });
        }
        let name = self.strings.intern(&span.name);
        self.strings.post(name, seq);
        let status = span.status.as_ref();
        let status_msg = match status.map(|s| s.message.as_str()) {
            Some(m) if !m.is_empty() => self.strings.intern(m),
            _ => EMPTY,
        };
        let extras = extras_of(span);
        for event in &span.events {
            for kv in &event.attributes {
                self.count_event_key(&kv.key);
            }
        }
        let Some(seg) = self.segments.back_mut() else { return };
        let blob_off = seg.blob.len();
        put_head(&mut seg.blob, span.dropped_attributes_count, &extras);
        put_varint(&mut seg.blob, span.attributes.len() as u64);
        let mut postings = 3u64;
        for (i, kv) in span.attributes.iter().enumerate() {
            let key = keys.key(&mut self.strings, i, &kv.key);
            let raw;
            let value = match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
                Some(Value::StringValue(s)) => {
                    let id = self.strings.intern(s);
                    self.strings.post(id, seq);
                    postings += 1;
                    ValRef::Str(id)
                }
                Some(Value::BoolValue(b)) => ValRef::Bool(*b),
                Some(Value::IntValue(i)) => ValRef::Int(*i),
                Some(Value::DoubleValue(f)) => ValRef::Float(*f),
                Some(_) => {
                    raw = kv.value.as_ref().map(Message::encode_to_vec).unwrap_or_default();
                    ValRef::Raw(&raw)
                }
                None => ValRef::Empty,
            };
            put_attr(&mut seg.blob, key, value);
        }
        let blob_len = (seg.blob.len() - blob_off) as u32;
        let end = span.end_time_unix_nano.max(span.start_time_unix_nano);
        let rec = SpanRec {
            start: span.start_time_unix_nano,
            duration: end - span.start_time_unix_nano,
            span_id,
            parent_id: span.parent_span_id.as_slice().try_into().unwrap_or([0; 8]),
            trace,
            name,
            group,
            status_msg,
            blob_off: blob_off as u32,
            blob_off_hi: (blob_off >> 32) as u8,
            blob_len,
            kind: span.kind.clamp(0, 255) as u8,
            status: status.map_or(0, |s| s.code.clamp(0, 255) as u8),
        };
        seg.spans.push(rec);
        self.traces.post(trace, seq, &rec);
        self.groups.post(group, seq);
        self.span_bytes += SPAN_FIXED + u64::from(blob_len) + 4 * postings;
        self.next_seq += 1;
        // After the span is live: the set is built from the stored spans, this one included.
        self.index_trace(trace);
    }
}
