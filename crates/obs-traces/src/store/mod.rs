//! The in-memory span store: spans in arrival order (segments of fixed size), the string
//! dictionary with its posting lists, resource groups and the trace table. Everything here runs
//! under the [`crate::TraceStore`] lock; ingest appends, eviction removes the oldest spans.

mod assemble;
mod evict;
pub mod groups;
mod ingest;
#[cfg(test)]
mod tests;
pub mod traces;

use std::collections::VecDeque;

use crate::codec::Record;
use crate::hash::FxMap;
use crate::intern::Interner;
use groups::Groups;
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
    /// Offset of the byte record in the segment.
    pub blob_off: u32,
    /// Length of the byte record.
    pub blob_len: u32,
    /// OTLP span kind.
    pub kind: u8,
    /// OTLP status code.
    pub status: u8,
}

impl SpanRec {
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
}

impl Inner {
    /// The span with this sequence number, if it is still stored.
    pub fn span(&self, seq: u32) -> Option<(&SpanRec, Record<'_>)> {
        if seq < self.live_from || seq >= self.next_seq {
            return None;
        }
        let idx = seq - self.first_seq;
        let seg = self.segments.get((idx / SEGMENT) as usize)?;
        let rec = seg.spans.get((idx % SEGMENT) as usize)?;
        let blob = seg.blob.get(rec.blob_off as usize..(rec.blob_off + rec.blob_len) as usize)?;
        Some((rec, Record::parse(blob)))
    }

    /// Every stored span, newest first, walking the segments directly (full scans).
    pub fn spans_newest_first(&self) -> impl Iterator<Item = (u32, &SpanRec, Record<'_>)> {
        self.segments.iter().enumerate().rev().flat_map(move |(si, seg)| {
            let base = self.first_seq + si as u32 * SEGMENT;
            seg.spans.iter().enumerate().rev().filter_map(move |(i, rec)| {
                let seq = base + i as u32;
                let blob = seg.blob.get(rec.blob_off as usize..(rec.blob_off + rec.blob_len) as usize)?;
                (seq >= self.live_from).then(|| (seq, rec, Record::parse(blob)))
            })
        })
    }

    /// Sequence numbers of the stored spans, newest first.
    pub fn seqs_newest_first(&self) -> impl Iterator<Item = u32> + use<> {
        (self.live_from..self.next_seq).rev()
    }

    /// Number of stored spans.
    pub fn items(&self) -> u64 {
        u64::from(self.next_seq - self.live_from)
    }

    /// Approximate bytes held, indexes included.
    pub fn bytes(&self) -> u64 {
        self.span_bytes + (self.strings.bytes() + self.groups.bytes() + self.traces.bytes()) as u64
    }
}
