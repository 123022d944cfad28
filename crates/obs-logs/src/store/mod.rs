//! The in-memory log store: streams keyed by index labels, records in a queue of segments
//! (oldest evicted first, under caps on records and bytes), strings interned.

pub mod batch;
pub mod codec;
pub mod intern;
pub mod segment;
mod write;

use std::collections::VecDeque;

use obs_contract::{StoreLimits, StoreStats};

use rustc_hash::FxHashMap as FastMap;

pub use batch::{Batch, BatchGroup, BatchStream};
pub use intern::{Interner, Sym};
pub use segment::{Decoded, Segment};
pub use write::{NewEntry, trace_prefix};

/// Distinct values per metadata key that are interned; beyond it values are stored inline.
const VALUES_INTERNED_PER_KEY: u32 = 4096;

/// Bytes a stream costs beyond its labels (its slot, its map entry, the label vectors, the
/// allocator's share): measured, 1 M one-record streams took 319 MB of RSS.
pub const STREAM_BYTES: u64 = 224;
/// Bytes a shared metadata set costs beyond its pairs.
pub const CONTEXT_BYTES: u64 = 96;
/// Bytes one (name, value) symbol pair costs, held twice (the set and the map key).
const PAIR_BYTES: u64 = 16;

/// One stream: a distinct set of index labels.
#[derive(Debug, Clone)]
pub struct Stream {
    /// Index labels (name, value), sorted by name.
    pub labels: Vec<(Sym, Sym)>,
    /// Records of this stream still held.
    pub live: u64,
    /// Newest timestamp appended.
    pub max_ts: i64,
    /// Oldest timestamp appended.
    pub min_ts: i64,
}

/// Everything behind the store's lock.
#[derive(Debug)]
pub struct Inner {
    /// Label names and values, metadata keys and repeated values.
    pub interner: Interner,
    /// Streams by id.
    pub streams: Vec<Stream>,
    stream_ids: FastMap<Vec<(Sym, Sym)>, u32>,
    /// Stream ids free for reuse (their last record was evicted).
    free_streams: Vec<u32>,
    /// Metadata shared by many records (resource and scope), by id.
    pub contexts: Vec<Vec<(Sym, Sym)>>,
    context_ids: FastMap<Vec<(Sym, Sym)>, u32>,
    /// Records held per context.
    context_live: Vec<u64>,
    /// Context ids free for reuse.
    free_contexts: Vec<u32>,
    /// Values interned so far, per key symbol.
    values_per_key: Vec<u32>,
    /// Short raw attribute keys to their sanitized symbols and the symbol's generation then.
    key_syms: FastMap<Box<str>, (Sym, u32)>,
    /// Which symbols were ever a record attribute's key.
    attr_keys: Vec<bool>,
    /// Segments, oldest first; their `seq` numbers are consecutive.
    pub segments: VecDeque<Segment>,
    /// The `seq` of the next segment.
    next_seq: u64,
    limits: StoreLimits,
    items: u64,
    bytes: u64,
    ingested: u64,
    evicted: u64,
    scratch: Vec<u8>,
    /// Symbols of the record being evicted: (key or severity text, interned value).
    sym_scratch: Vec<(Sym, Option<Sym>)>,
}

impl Inner {
    /// An empty store.
    pub fn new(limits: StoreLimits) -> Self {
        Inner {
            interner: Interner::default(),
            streams: Vec::new(),
            stream_ids: FastMap::default(),
            free_streams: Vec::new(),
            contexts: Vec::new(),
            context_ids: FastMap::default(),
            context_live: Vec::new(),
            free_contexts: Vec::new(),
            values_per_key: Vec::new(),
            key_syms: FastMap::default(),
            attr_keys: Vec::new(),
            segments: VecDeque::new(),
            next_seq: 0,
            limits,
            items: 0,
            bytes: 0,
            ingested: 0,
            evicted: 0,
            scratch: Vec::with_capacity(512),
            sym_scratch: Vec::new(),
        }
    }

    /// The id of the stream with these index labels (sorted by name), creating it if new.
    /// A new stream's bytes count in the byte cap until its last record goes.
    pub fn stream_id(&mut self, labels: &[(String, String)]) -> u32 {
        if let Some(&id) = self.lookup_pairs(labels).and_then(|key| self.stream_ids.get(&key)) {
            return id;
        }
        let key = self.intern_pairs(labels);
        self.bytes += pairs_cost(&key) + STREAM_BYTES;
        let stream = Stream { labels: key.clone(), live: 0, max_ts: i64::MIN, min_ts: i64::MAX };
        let id = match self.free_streams.pop() {
            Some(id) => {
                self.streams[id as usize] = stream;
                id
            }
            None => {
                self.streams.push(stream);
                u32::try_from(self.streams.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.stream_ids.insert(key, id);
        id
    }

    /// The id of a shared metadata set, creating it if new (counted like a stream).
    pub fn context_id(&mut self, metadata: &[(String, String)]) -> u32 {
        if let Some(&id) = self.lookup_pairs(metadata).and_then(|key| self.context_ids.get(&key)) {
            return id;
        }
        let key = self.intern_pairs(metadata);
        self.bytes += pairs_cost(&key) + CONTEXT_BYTES;
        let id = match self.free_contexts.pop() {
            Some(id) => {
                self.contexts[id as usize] = key.clone();
                id
            }
            None => {
                self.contexts.push(key.clone());
                self.context_live.push(0);
                u32::try_from(self.contexts.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.context_ids.insert(key, id);
        id
    }

    /// The symbols of pairs already interned (no reference taken); None if one is new.
    fn lookup_pairs(&self, pairs: &[(String, String)]) -> Option<Vec<(Sym, Sym)>> {
        pairs.iter().map(|(n, v)| Some((self.interner.get(n)?, self.interner.get(v)?))).collect()
    }

    /// Interns pairs, taking a reference to each string.
    fn intern_pairs(&mut self, pairs: &[(String, String)]) -> Vec<(Sym, Sym)> {
        pairs.iter().map(|(n, v)| (self.interner.intern(n), self.interner.intern(v))).collect()
    }

    /// Gives back the references a set of pairs held.
    fn release_pairs(&mut self, pairs: &[(Sym, Sym)]) {
        for &(name, value) in pairs {
            self.release_sym(name);
            self.release_sym(value);
        }
    }

    /// Gives back one reference to `sym`; when that frees it, what was remembered about it goes
    /// too (the symbol may come back as another string).
    fn release_sym(&mut self, sym: Sym) -> bool {
        let freed = self.interner.release(sym);
        if freed {
            if let Some(flag) = self.attr_keys.get_mut(sym as usize) {
                *flag = false;
            }
            if let Some(count) = self.values_per_key.get_mut(sym as usize) {
                *count = 0;
            }
        }
        freed
    }

    /// Counts one more record of `stream` and `context`.
    fn hold(&mut self, stream: u32, context: u32, ts: i64) {
        if let Some(s) = self.streams.get_mut(stream as usize) {
            s.live += 1;
            s.max_ts = s.max_ts.max(ts);
            s.min_ts = s.min_ts.min(ts);
        }
        if let Some(live) = self.context_live.get_mut(context as usize) {
            *live += 1;
        }
    }

    /// Counts one record less of `stream` and `context`; frees either when it was the last.
    fn release(&mut self, stream: u32, context: u32) {
        if let Some(s) = self.streams.get_mut(stream as usize) {
            s.live = s.live.saturating_sub(1);
            if s.live == 0 {
                let labels = std::mem::take(&mut s.labels);
                self.bytes = self.bytes.saturating_sub(pairs_cost(&labels) + STREAM_BYTES);
                self.stream_ids.remove(&labels);
                self.free_streams.push(stream);
                self.release_pairs(&labels);
            }
        }
        if let Some(live) = self.context_live.get_mut(context as usize) {
            *live = live.saturating_sub(1);
            if *live == 0 {
                let pairs = std::mem::take(&mut self.contexts[context as usize]);
                self.bytes = self.bytes.saturating_sub(pairs_cost(&pairs) + CONTEXT_BYTES);
                self.context_ids.remove(&pairs);
                self.free_contexts.push(context);
                self.release_pairs(&pairs);
            }
        }
    }

    /// Whether some record has an attribute with this key.
    pub fn is_attr_key(&self, sym: Sym) -> bool {
        self.attr_keys.get(sym as usize).copied().unwrap_or(false)
    }

    /// Remembers an attribute key.
    fn note_attr_key(&mut self, sym: Sym) {
        let i = sym as usize;
        if i >= self.attr_keys.len() {
            self.attr_keys.resize(i + 1, false);
        }
        self.attr_keys[i] = true;
    }

    /// Evicts oldest records until both caps hold.
    pub fn enforce_caps(&mut self) {
        while self.items > self.limits.max_items || self.total_bytes() > self.limits.max_bytes {
            if !self.evict_oldest() {
                break;
            }
        }
    }

    /// Evicts the oldest record; false when empty.
    fn evict_oldest(&mut self) -> bool {
        let only_one = self.segments.len() == 1;
        let Some(front) = self.segments.front_mut() else { return false };
        if front.head >= front.len() {
            if only_one && !front.is_full() {
                return false;
            }
            self.segments.pop_front();
            return self.evict_oldest();
        }
        let i = front.head;
        let cost = front.cost_of(i);
        let (stream, context) = (front.stream[i], front.context[i]);
        let mut syms = std::mem::take(&mut self.sym_scratch);
        record_syms(front.bytes_of(i), front.ts[i], &mut syms);
        front.head += 1;
        if front.head >= front.len() && front.is_full() {
            self.segments.pop_front();
        }
        for &(key, value) in &syms {
            self.release_sym(key);
            if let Some(value) = value
                && self.release_sym(value)
                && let Some(count) = self.values_per_key.get_mut(key as usize)
            {
                *count = count.saturating_sub(1);
            }
        }
        syms.clear();
        self.sym_scratch = syms;
        self.release(stream, context);
        self.items = self.items.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(cost);
        self.evicted += 1;
        true
    }

    /// Sizes and counters (`refused` is counted by the [`crate::LogStore`], outside the lock).
    pub fn stats(&self) -> StoreStats {
        StoreStats {
            items: self.items,
            bytes: self.total_bytes(),
            max_items: self.limits.max_items,
            max_bytes: self.limits.max_bytes,
            ingested: self.ingested,
            evicted: self.evicted,
            refused: 0,
        }
    }

    /// Bytes counted against the cap: records, streams, metadata sets and interned strings.
    pub fn total_bytes(&self) -> u64 {
        self.bytes + self.interner.bytes()
    }

    /// The caps in force.
    pub fn limits(&self) -> StoreLimits {
        self.limits
    }

    /// The segment numbered `seq`, unless it was evicted.
    pub fn segment(&self, seq: u64) -> Option<&Segment> {
        let first = self.segments.front()?.seq;
        let index = usize::try_from(seq.checked_sub(first)?).ok()?;
        self.segments.get(index)
    }

    /// Opens a new segment at the back of the queue.
    fn open_segment(&mut self) {
        if let Some(last) = self.segments.back_mut() {
            last.seal();
        }
        self.segments.push_back(Segment::new(self.next_seq));
        self.next_seq += 1;
    }

    /// Live records of segment `seg`, as a range of indexes.
    pub fn live_range(seg: &Segment) -> std::ops::Range<usize> {
        seg.head..seg.len()
    }

    /// Heap bytes of the segments (for the bench's bytes-per-record figure).
    pub fn heap_bytes(&self) -> usize {
        self.segments.iter().map(Segment::heap_bytes).sum::<usize>() + self.interner.heap_bytes()
    }
}

/// The symbols a stored record holds references to: its severity text, and each attribute's
/// key with its value when interned.
fn record_syms(bytes: &[u8], ts: i64, out: &mut Vec<(Sym, Option<Sym>)>) {
    let decoded = Decoded::new(bytes, ts);
    if let Some(severity) = decoded.severity_text {
        out.push((severity, None));
    }
    for (key, value) in decoded.attrs() {
        let value = match value {
            codec::StoredValue::Sym(sym) => Some(sym),
            codec::StoredValue::Inline(_) => None,
        };
        out.push((key, value));
    }
}

/// Bytes a set of symbol pairs costs.
fn pairs_cost(pairs: &[(Sym, Sym)]) -> u64 {
    pairs.len() as u64 * PAIR_BYTES
}

#[cfg(test)]
mod tests;
