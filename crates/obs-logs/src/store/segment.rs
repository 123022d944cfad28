//! A segment: a few thousand records in arrival order, column by column, with their variable
//! parts in one byte arena. The store is a queue of segments; eviction eats the oldest.

use super::codec::{self, StoredValue};
use super::intern::Sym;

/// Records per segment.
pub const SEGMENT_RECORDS: usize = 8192;

/// Fixed bytes per record in the columns (ts 8, stream 4, context 4, end 4, severity 1, level 1).
pub const FIXED_RECORD_BYTES: u64 = 22;

/// One record to append, already resolved to symbols.
#[derive(Debug, Clone)]
pub struct EncodedEntry<'a> {
    /// Entry timestamp, ns.
    pub ts: i64,
    /// Stream id.
    pub stream: u32,
    /// Context (resource and scope metadata) id.
    pub context: u32,
    /// OTLP severity number (0 = none).
    pub severity_number: u8,
    /// Detected level byte.
    pub level: u8,
    /// The first 8 bytes of its trace id, for the segment's trace index.
    pub trace_prefix: Option<u64>,
    /// The rest, in [`codec`] form.
    pub blob: &'a [u8],
}

/// Columns of up to [`SEGMENT_RECORDS`] records.
#[derive(Debug)]
pub struct Segment {
    /// Entry timestamps, ns.
    pub ts: Vec<i64>,
    /// Stream ids.
    pub stream: Vec<u32>,
    /// Context ids.
    pub context: Vec<u32>,
    /// End offset of each record's bytes in `blob`.
    pub end: Vec<u32>,
    /// OTLP severity numbers.
    pub severity: Vec<u8>,
    /// Detected levels.
    pub level: Vec<u8>,
    /// Variable parts, back to back.
    pub blob: Vec<u8>,
    /// Trace index: first 8 bytes of each trace id (sorted once sealed) ...
    trace_keys: Vec<u64>,
    /// ... and the record holding it.
    trace_records: Vec<u16>,
    /// Whether full (and its trace index sorted).
    sealed: bool,
    /// Its place in the store's queue since start: one more than the segment before it. Queries
    /// name segments by it, so a segment evicted while they run is recognised as gone.
    pub seq: u64,
    /// First record not yet evicted.
    pub head: usize,
    /// Smallest timestamp ever appended.
    pub min_ts: i64,
    /// Largest timestamp ever appended.
    pub max_ts: i64,
}

impl Segment {
    /// An empty segment numbered `seq`, with room for a full load of records.
    pub fn new(seq: u64) -> Self {
        Segment {
            ts: Vec::with_capacity(SEGMENT_RECORDS),
            stream: Vec::with_capacity(SEGMENT_RECORDS),
            context: Vec::with_capacity(SEGMENT_RECORDS),
            end: Vec::with_capacity(SEGMENT_RECORDS),
            severity: Vec::with_capacity(SEGMENT_RECORDS),
            level: Vec::with_capacity(SEGMENT_RECORDS),
            blob: Vec::with_capacity(SEGMENT_RECORDS * 64),
            trace_keys: Vec::new(),
            trace_records: Vec::new(),
            sealed: false,
            seq,
            head: 0,
            min_ts: i64::MAX,
            max_ts: i64::MIN,
        }
    }

    /// Records appended (evicted ones included).
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    /// Whether no record was ever appended.
    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    /// Whether no more records fit.
    pub fn is_full(&self) -> bool {
        self.ts.len() >= SEGMENT_RECORDS || self.blob.len() > (u32::MAX as usize) / 2
    }

    /// Appends a record; returns its byte cost.
    pub fn push(&mut self, entry: &EncodedEntry<'_>) -> u64 {
        self.ts.push(entry.ts);
        self.stream.push(entry.stream);
        self.context.push(entry.context);
        self.severity.push(entry.severity_number);
        self.level.push(entry.level);
        self.blob.extend_from_slice(entry.blob);
        self.end.push(u32::try_from(self.blob.len()).unwrap_or(u32::MAX));
        if let Some(prefix) = entry.trace_prefix {
            self.trace_keys.push(prefix);
            self.trace_records.push(u16::try_from(self.ts.len() - 1).unwrap_or(u16::MAX));
        }
        self.min_ts = self.min_ts.min(entry.ts);
        self.max_ts = self.max_ts.max(entry.ts);
        FIXED_RECORD_BYTES + entry.blob.len() as u64
    }

    /// Gives back spare capacity once the segment is full.
    pub fn seal(&mut self) {
        self.blob.shrink_to_fit();
        let mut pairs: Vec<(u64, u16)> =
            self.trace_keys.iter().copied().zip(self.trace_records.iter().copied()).collect();
        pairs.sort_unstable();
        self.trace_keys = pairs.iter().map(|p| p.0).collect();
        self.trace_records = pairs.iter().map(|p| p.1).collect();
        self.sealed = true;
    }

    /// Live records whose trace id starts with these 8 bytes, in order.
    pub fn with_trace(&self, prefix: u64) -> Vec<usize> {
        let mut out: Vec<usize> = if self.sealed {
            let from = self.trace_keys.partition_point(|k| *k < prefix);
            let to = self.trace_keys.partition_point(|k| *k <= prefix);
            self.trace_records[from..to].iter().map(|&i| i as usize).collect()
        } else {
            let hits = self.trace_keys.iter().zip(&self.trace_records).filter(|(k, _)| **k == prefix);
            hits.map(|(_, &i)| i as usize).collect()
        };
        out.retain(|&i| i >= self.head);
        out.sort_unstable();
        out
    }

    /// The variable bytes of record `i`.
    pub fn bytes_of(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.end[i - 1] as usize };
        let end = self.end[i] as usize;
        self.blob.get(start..end).unwrap_or(&[])
    }

    /// Byte cost of record `i`.
    pub fn cost_of(&self, i: usize) -> u64 {
        FIXED_RECORD_BYTES + self.bytes_of(i).len() as u64
    }

    /// Heap bytes held by the columns and the arena.
    pub fn heap_bytes(&self) -> usize {
        self.ts.capacity() * 8
            + (self.stream.capacity() + self.context.capacity() + self.end.capacity()) * 4
            + self.severity.capacity()
            + self.level.capacity()
            + self.blob.capacity()
            + self.trace_keys.capacity() * 8
            + self.trace_records.capacity() * 2
    }
}

/// The decoded variable part of one record.
#[derive(Debug, Clone, Copy)]
pub struct Decoded<'a> {
    /// The line.
    pub line: &'a [u8],
    /// Observed timestamp, ns.
    pub observed: Option<i64>,
    /// Trace id bytes.
    pub trace_id: Option<&'a [u8]>,
    /// Span id bytes.
    pub span_id: Option<&'a [u8]>,
    /// Severity text symbol.
    pub severity_text: Option<Sym>,
    /// Record flags.
    pub flags: Option<u32>,
    attrs: &'a [u8],
    count: usize,
}

impl<'a> Decoded<'a> {
    /// Decodes a record's bytes (`ts` is needed for the observed delta).
    pub fn new(bytes: &'a [u8], ts: i64) -> Self {
        let mut pos = 0;
        let len = codec::get_varint(bytes, &mut pos) as usize;
        let line = take(bytes, &mut pos, len);
        let header = bytes.get(pos).copied().unwrap_or(0);
        pos += 1;
        let observed = (header & codec::HAS_OBSERVED != 0)
            .then(|| ts.wrapping_add(codec::unzigzag(codec::get_varint(bytes, &mut pos))));
        let trace_id = (header & codec::HAS_TRACE != 0).then(|| take(bytes, &mut pos, 16));
        let span_id = (header & codec::HAS_SPAN != 0).then(|| take(bytes, &mut pos, 8));
        let severity_text = (header & codec::HAS_SEVERITY_TEXT != 0).then(|| codec::get_varint(bytes, &mut pos) as Sym);
        let flags = (header & codec::HAS_FLAGS != 0).then(|| codec::get_varint(bytes, &mut pos) as u32);
        let count = codec::get_varint(bytes, &mut pos) as usize;
        let attrs = bytes.get(pos..).unwrap_or(&[]);
        Decoded { line, observed, trace_id, span_id, severity_text, flags, attrs, count }
    }

    /// Only the line (cheaper than a full decode).
    pub fn line_of(bytes: &[u8]) -> &[u8] {
        let mut pos = 0;
        let len = codec::get_varint(bytes, &mut pos) as usize;
        take(bytes, &mut pos, len)
    }

    /// The record's own attributes: (key symbol, value).
    pub fn attrs(&self) -> impl Iterator<Item = (Sym, StoredValue<'a>)> + 'a {
        let bytes = self.attrs;
        let mut pos = 0;
        (0..self.count).map(move |_| {
            let key = codec::get_varint(bytes, &mut pos) as Sym;
            (key, codec::get_value(bytes, &mut pos))
        })
    }
}

/// `len` bytes at `*pos` (fewer if truncated), advancing `*pos`.
fn take<'a>(bytes: &'a [u8], pos: &mut usize, len: usize) -> &'a [u8] {
    let start = (*pos).min(bytes.len());
    let end = start.saturating_add(len).min(bytes.len());
    *pos = end;
    &bytes[start..end]
}
