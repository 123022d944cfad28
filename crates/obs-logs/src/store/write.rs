//! Appending records: encoding one entry's variable part (interning repeated values) and
//! pushing it onto the newest segment.

use std::borrow::Cow;

use super::batch::Batch;
use super::codec::{self, StoredValue};
use super::segment::{EncodedEntry, Segment};
use super::{Inner, VALUES_INTERNED_PER_KEY};
use crate::level::Level;

/// One record to store.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// Timestamp, ns.
    pub ts: i64,
    /// Observed timestamp, ns.
    pub observed: Option<i64>,
    /// OTLP severity number (0 = none).
    pub severity_number: u8,
    /// OTLP severity text ("" = none).
    pub severity_text: &'a str,
    /// OTLP flags (0 = none).
    pub flags: u32,
    /// Trace id.
    pub trace_id: Option<[u8; 16]>,
    /// Span id.
    pub span_id: Option<[u8; 8]>,
    /// The line.
    pub line: Cow<'a, str>,
    /// The record's own metadata (key, sanitized by the store; value).
    pub attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Detected level.
    pub level: Level,
}

impl Inner {
    /// Stores every record of a batch; returns how many.
    pub fn ingest(&mut self, batch: &Batch<'_>) -> u64 {
        let mut stored = 0;
        for stream in batch.streams.iter().filter(|s| s.groups.iter().any(|g| !g.entries.is_empty())) {
            let id = self.stream_id(&stream.labels);
            for group in stream.groups.iter().filter(|g| !g.entries.is_empty()) {
                let context = self.context_id(&group.metadata);
                for entry in &group.entries {
                    self.append(id, context, entry);
                    stored += 1;
                }
            }
        }
        stored
    }

    /// Appends a record to a stream with a shared metadata set; visible to the next query.
    pub fn append(&mut self, stream: u32, context: u32, entry: &NewEntry<'_>) {
        let mut blob = std::mem::take(&mut self.scratch);
        blob.clear();
        self.encode(entry, &mut blob);
        if self.segments.back().is_none_or(Segment::is_full) {
            self.open_segment();
        }
        let encoded = EncodedEntry {
            ts: entry.ts,
            stream,
            context,
            severity_number: entry.severity_number,
            level: entry.level as u8,
            trace_prefix: entry.trace_id.map(|t| trace_prefix(&t)),
            blob: &blob,
        };
        if let Some(segment) = self.segments.back_mut() {
            self.bytes += segment.push(&encoded);
        }
        self.hold(stream, context, entry.ts);
        self.items += 1;
        self.ingested += 1;
        self.scratch = blob;
    }

    /// The [`codec`] form of an entry's variable part.
    fn encode(&mut self, entry: &NewEntry<'_>, out: &mut Vec<u8>) {
        codec::put_varint(out, entry.line.len() as u64);
        out.extend_from_slice(entry.line.as_bytes());
        let mut header = 0u8;
        if entry.observed.is_some() {
            header |= codec::HAS_OBSERVED;
        }
        if entry.trace_id.is_some() {
            header |= codec::HAS_TRACE;
        }
        if entry.span_id.is_some() {
            header |= codec::HAS_SPAN;
        }
        if !entry.severity_text.is_empty() {
            header |= codec::HAS_SEVERITY_TEXT;
        }
        if entry.flags != 0 {
            header |= codec::HAS_FLAGS;
        }
        out.push(header);
        if let Some(observed) = entry.observed {
            codec::put_varint(out, codec::zigzag(observed.wrapping_sub(entry.ts)));
        }
        if let Some(trace) = &entry.trace_id {
            out.extend_from_slice(trace);
        }
        if let Some(span) = &entry.span_id {
            out.extend_from_slice(span);
        }
        if !entry.severity_text.is_empty() {
            let sym = self.interner.intern(entry.severity_text);
            codec::put_varint(out, u64::from(sym));
        }
        if entry.flags != 0 {
            codec::put_varint(out, u64::from(entry.flags));
        }
        codec::put_varint(out, entry.attrs.len() as u64);
        for (key, value) in &entry.attrs {
            let key = self.key_sym(key);
            self.note_attr_key(key);
            codec::put_varint(out, u64::from(key));
            let stored = self.store_value(key, value);
            codec::put_value(out, stored);
        }
    }

    /// Interns a value while its key has few distinct values, else keeps it inline.
    fn store_value<'v>(&mut self, key: super::Sym, value: &'v str) -> StoredValue<'v> {
        let slot = key as usize;
        if slot >= self.values_per_key.len() {
            self.values_per_key.resize(slot + 1, 0);
        }
        let count = &mut self.values_per_key[slot];
        if let Some(sym) = self.interner.get(value) {
            self.interner.retain(sym);
            return StoredValue::Sym(sym);
        }
        if *count >= VALUES_INTERNED_PER_KEY || value.len() > MAX_INTERNED_VALUE {
            return StoredValue::Inline(value.as_bytes());
        }
        *count += 1;
        StoredValue::Sym(self.interner.intern(value))
    }

    /// The symbol of an attribute key, sanitized to a label name; takes a reference. Short raw
    /// spellings are cached, each with the symbol's generation, so a freed and reused symbol is
    /// never taken for the old key.
    fn key_sym(&mut self, raw: &str) -> super::Sym {
        if let Some(&(sym, generation)) = self.key_syms.get(raw)
            && self.interner.generation(sym) == generation
        {
            self.interner.retain(sym);
            return sym;
        }
        let sym = self.interner.intern(&crate::labels::sanitize(raw));
        if raw.len() <= MAX_CACHED_KEY_BYTES {
            if self.key_syms.len() >= MAX_CACHED_KEYS {
                self.key_syms.clear();
            }
            self.key_syms.insert(raw.into(), (sym, self.interner.generation(sym)));
        }
        sym
    }
}

/// Distinct raw attribute keys remembered (the cache starts over past it).
const MAX_CACHED_KEYS: usize = 65_536;
/// Longest raw key remembered, so the cache stays small (at most 4 MiB of keys).
const MAX_CACHED_KEY_BYTES: usize = 64;
/// Longest value interned; longer ones are stored inline.
const MAX_INTERNED_VALUE: usize = 64;

/// The first 8 bytes of a trace id as a number (the segment trace index key).
pub fn trace_prefix(trace: &[u8]) -> u64 {
    let mut first = [0u8; 8];
    for (dst, src) in first.iter_mut().zip(trace) {
        *dst = *src;
    }
    u64::from_be_bytes(first)
}
