//! The in-memory log store: streams keyed by index labels, records in a queue of segments
//! (oldest evicted first, under caps on records and bytes), strings interned.

pub mod codec;
pub mod intern;
pub mod segment;
mod write;

use std::collections::VecDeque;

use obs_contract::{StoreLimits, StoreStats};

use rustc_hash::FxHashMap as FastMap;

pub use intern::{Interner, Sym};
pub use segment::{Decoded, Segment};
pub use write::{NewEntry, trace_prefix};

/// Distinct values per metadata key that are interned; beyond it values are stored inline.
const VALUES_INTERNED_PER_KEY: u32 = 4096;

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
    /// Metadata shared by many records (resource and scope), by id.
    pub contexts: Vec<Vec<(Sym, Sym)>>,
    context_ids: FastMap<Vec<(Sym, Sym)>, u32>,
    /// Values interned so far, per key symbol.
    values_per_key: Vec<u32>,
    /// Raw attribute keys to their sanitized symbols.
    key_syms: FastMap<Box<str>, Sym>,
    /// Which symbols were ever a record attribute's key.
    attr_keys: Vec<bool>,
    /// Segments, oldest first.
    pub segments: VecDeque<Segment>,
    limits: StoreLimits,
    items: u64,
    bytes: u64,
    ingested: u64,
    evicted: u64,
    refused: u64,
    scratch: Vec<u8>,
}

impl Inner {
    /// An empty store.
    pub fn new(limits: StoreLimits) -> Self {
        Inner {
            interner: Interner::default(),
            streams: Vec::new(),
            stream_ids: FastMap::default(),
            contexts: Vec::new(),
            context_ids: FastMap::default(),
            values_per_key: Vec::new(),
            key_syms: FastMap::default(),
            attr_keys: Vec::new(),
            segments: VecDeque::new(),
            limits,
            items: 0,
            bytes: 0,
            ingested: 0,
            evicted: 0,
            refused: 0,
            scratch: Vec::with_capacity(512),
        }
    }

    /// The id of the stream with these index labels (sorted by name), creating it if new.
    pub fn stream_id(&mut self, labels: &[(String, String)]) -> u32 {
        let key: Vec<(Sym, Sym)> =
            labels.iter().map(|(n, v)| (self.interner.intern(n), self.interner.intern(v))).collect();
        if let Some(&id) = self.stream_ids.get(&key) {
            return id;
        }
        let id = u32::try_from(self.streams.len()).unwrap_or(u32::MAX);
        self.streams.push(Stream { labels: key.clone(), live: 0, max_ts: i64::MIN, min_ts: i64::MAX });
        self.stream_ids.insert(key, id);
        id
    }

    /// The id of a shared metadata set, creating it if new.
    pub fn context_id(&mut self, metadata: &[(String, String)]) -> u32 {
        let key: Vec<(Sym, Sym)> =
            metadata.iter().map(|(n, v)| (self.interner.intern(n), self.interner.intern(v))).collect();
        if let Some(&id) = self.context_ids.get(&key) {
            return id;
        }
        let id = u32::try_from(self.contexts.len()).unwrap_or(u32::MAX);
        self.contexts.push(key.clone());
        self.context_ids.insert(key, id);
        id
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

    /// Counts refused records.
    pub fn refuse(&mut self, count: u64) {
        self.refused += count;
    }

    /// Evicts oldest records until both caps hold.
    pub fn enforce_caps(&mut self) {
        while self.items > self.limits.max_items || self.bytes > self.limits.max_bytes {
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
        let stream = front.stream[i] as usize;
        front.head += 1;
        if front.head >= front.len() && front.is_full() {
            self.segments.pop_front();
        }
        if let Some(s) = self.streams.get_mut(stream) {
            s.live = s.live.saturating_sub(1);
        }
        self.items = self.items.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(cost);
        self.evicted += 1;
        true
    }

    /// Sizes and counters.
    pub fn stats(&self) -> StoreStats {
        StoreStats {
            items: self.items,
            bytes: self.bytes,
            max_items: self.limits.max_items,
            max_bytes: self.limits.max_bytes,
            ingested: self.ingested,
            evicted: self.evicted,
            refused: self.refused,
        }
    }

    /// The caps in force.
    pub fn limits(&self) -> StoreLimits {
        self.limits
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

#[cfg(test)]
mod tests;
