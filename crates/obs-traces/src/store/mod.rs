//! The in-memory span store. Everything here runs under the [`crate::TraceStore`] lock: ingest
//! takes the write lock for one request, queries the read lock.
//!
//! Layout (about 200 bytes per span with 10 attributes, indexes included, see the bench):
//! - Spans are numbered in arrival order (`seq`) and kept in segments of [`SEGMENT`] spans: a
//!   64-byte [`SpanRec`] (ids, times, kind, status, interned name, resource group, trace slot)
//!   plus a byte record in the segment's buffer ([`crate::codec`]: attributes by interned id or
//!   inline value, and the rare parts — events, links, trace state — OTLP-encoded).
//! - [`crate::intern`] holds every name, key and string value once; each entry's posting list of
//!   span numbers is the inverted index for names and string attribute values.
//! - [`groups`] holds each distinct resource + scope once, with the posting list of its spans
//!   (resource-attribute queries such as `service.name` go through it).
//! - [`traces`] maps a trace id to its spans and time range.
//!
//! Eviction: when a cap (spans or accounted bytes) would be exceeded, the oldest spans in arrival
//! order leave first, one span at a time, with their index entries; a segment's memory is freed
//! once all of its spans are gone. A trace whose oldest spans were evicted keeps its newer spans
//! (its recorded time range is not narrowed). A request holding more spans than the span cap is
//! refused whole before it reaches the store ([`admit`]), and spans of the request being stored
//! are never evicted for it. Bytes are the store's own estimate (records, fixed parts, posting lists,
//! dictionary, groups and traces), measured close to the process's real growth.
//!
//! Duplicates (same trace id and span id) are found through the trace's span-id set (its span
//! list while it is small) and stored once. Sequence numbers are renumbered from 0 if they approach `u32::MAX`.

pub mod admit;
mod assemble;
#[cfg(test)]
mod big_tests;
mod evict;
pub mod groups;
mod ingest;
pub mod item_limits;
mod keycache;
mod locked;
#[cfg(test)]
mod tests;
pub mod traces;

use std::collections::VecDeque;

use crate::codec::Record;
use crate::hash::FxMap;
use crate::intern::Interner;
use groups::Groups;
pub use locked::TraceStore;
use traces::Traces;

/// Spans per segment; memory is released a segment at a time once all its spans are evicted.
pub const SEGMENT: u32 = 4096;

/// The fixed part of one stored span (64 bytes); attributes and the rest live in the segment's
/// byte record (see [`crate::codec`]).
#[derive(Debug, Clone, Copy)]
pub struct SpanRec {
    /// Start, unix ns.
    pub start: u64,
    /// End minus start, ns.
    pub duration: u64,
    /// Span id.
    pub span_id: [u8; 8],
    /// Parent span id (all zero for a root span).
    pub parent_id: [u8; 8],
    /// Trace slot in [`Traces`].
    pub trace: u32,
    /// Interned span name.
    pub name: u32,
    /// Resource group in [`Groups`].
    pub group: u32,
    /// Interned status message.
    pub status_msg: u32,
    /// Offset of the byte record in the segment (low 32 bits).
    pub blob_off: u32,
    /// Offset of the byte record in the segment (bits 32..40: segments may exceed 4 GiB).
    pub blob_off_hi: u8,
    /// Length of the byte record.
    pub blob_len: u32,
    /// OTLP span kind.
    pub kind: u8,
    /// OTLP status code.
    pub status: u8,
}

// The memory budget (about 300 bytes per span in total) counts on this.
const _: () = assert!(std::mem::size_of::<SpanRec>() == 64);

impl SpanRec {
    /// The byte range of the record in its segment.
    pub fn blob_range(&self) -> std::ops::Range<usize> {
        let start = (usize::from(self.blob_off_hi) << 32) | self.blob_off as usize;
        start..start + self.blob_len as usize
    }

    /// Whether the span has no parent.
    pub fn is_root(&self) -> bool {
        self.parent_id == [0; 8]
    }
}

struct Segment {
    spans: Vec<SpanRec>,
    blob: Vec<u8>,
}

/// Counters since start.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counters {
    /// Spans stored.
    pub ingested: u64,
    /// Spans evicted.
    pub evicted: u64,
    /// Spans refused (invalid, or whole requests refused).
    pub refused: u64,
}

/// The store's state.
#[derive(Default)]
pub struct Inner {
    /// String dictionary and inverted index.
    pub strings: Interner,
    /// Resource/scope groups.
    pub groups: Groups,
    /// Trace table.
    pub traces: Traces,
    segments: VecDeque<Segment>,
    first_seq: u32,
    live_from: u32,
    next_seq: u32,
    span_bytes: u64,
    /// Counters since start.
    pub counters: Counters,
    /// Event attribute keys with their use counts (for tag listings).
    pub event_keys: FxMap<String, u32>,
    /// Bytes of `event_keys`.
    event_key_bytes: u64,
    /// The first sequence number of the request being stored: eviction stops there.
    floor: u32,
    /// Scratch for eviction: `(key id, string value id)` of the span being evicted.
    evict_ids: Vec<(u32, Option<u32>)>,
}

impl Inner {
    /// The span with this sequence number, if it is still stored.
    pub fn span(&self, seq: u32) -> Option<(&SpanRec, Record<'_>)> {
        let (seg, rec) = self.locate(seq)?;
        let blob = seg.blob.get(rec.blob_range())?;
        Some((rec, Record::parse(blob)))
    }

    /// The fixed part of a stored span alone (no byte record parsed).
    pub fn rec(&self, seq: u32) -> Option<&SpanRec> {
        self.locate(seq).map(|(_, rec)| rec)
    }

    fn locate(&self, seq: u32) -> Option<(&Segment, &SpanRec)> {
        if seq < self.live_from || seq >= self.next_seq {
            return None;
        }
        let idx = seq - self.first_seq;
        let seg = self.segments.get((idx / SEGMENT) as usize)?;
        Some((seg, seg.spans.get((idx % SEGMENT) as usize)?))
    }

    /// Number of stored spans.
    pub fn items(&self) -> u64 {
        u64::from(self.next_seq - self.live_from)
    }

    /// Approximate bytes held, indexes included.
    pub fn bytes(&self) -> u64 {
        self.span_bytes
            + self.event_key_bytes
            + (self.strings.bytes() + self.groups.bytes() + self.traces.bytes()) as u64
    }

    /// Sequence numbers of the stored spans below `below`, newest first.
    pub fn seqs_below(&self, below: u32) -> impl Iterator<Item = u32> + use<> {
        (self.live_from..below.min(self.next_seq)).rev()
    }
}
