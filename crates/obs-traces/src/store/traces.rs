//! The trace table: trace id to the trace's spans (ascending sequence numbers), its time span,
//! its root span and, once it is big, the set of its span ids (duplicate checks stay O(1) for
//! a trace of 160 k spans).

use hashbrown::HashTable;

use super::SpanRec;
use crate::hash::{FxSet, hash_of};
use crate::seqlist::SeqList;

/// Spans a trace holds before its span ids get a hash set (smaller traces are searched in place).
pub const INDEXED_FROM: usize = 32;

/// One stored trace.
pub struct TraceEntry {
    /// The 16-byte trace id.
    pub id: [u8; 16],
    /// Its spans, oldest first.
    pub spans: SeqList,
    /// Earliest span start (unix ns).
    pub start: u64,
    /// Latest span end (unix ns).
    pub end: u64,
    /// The first root span received, while it is stored.
    pub root: Option<u32>,
    /// Span ids of a trace of [`INDEXED_FROM`] spans or more.
    pub ids: Option<FxSet<[u8; 8]>>,
}

impl TraceEntry {
    /// Heap bytes of the id set.
    fn ids_bytes(&self) -> usize {
        self.ids.as_ref().map_or(0, |ids| ids.capacity() * 9 + 16)
    }

    /// Heap bytes of the entry's growing parts.
    fn heap_bytes(&self) -> usize {
        self.spans.heap_bytes() + self.ids_bytes()
    }
}

/// The part of a hash kept beside each slot in the table.
fn tag_of(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// Bytes one trace entry costs besides its span list (slot, table entry).
const TRACE_OVERHEAD: usize = 80;

/// Trace id to [`TraceEntry`].
#[derive(Default)]
pub struct Traces {
    /// `(slot, high half of the id's hash)`: probes compare the tag before touching a slot.
    table: HashTable<(u32, u32)>,
    slots: Vec<TraceEntry>,
    free: Vec<u32>,
    bytes: usize,
}

impl Traces {
    /// The slot of a trace id.
    pub fn find(&self, id: &[u8; 16]) -> Option<u32> {
        let slots = &self.slots;
        let hash = hash_of(id);
        self.table.find(hash, |&(s, tag)| tag == tag_of(hash) && &slots[s as usize].id == id).map(|&(s, _)| s)
    }

    /// Whether `slot` still holds the trace `id` (a remembered slot may have been freed and reused).
    pub fn holds(&self, slot: u32, id: &[u8; 16]) -> bool {
        self.slots.get(slot as usize).is_some_and(|e| &e.id == id && !e.spans.is_empty())
    }

    /// The slot of a trace id, creating an empty entry if needed.
    pub fn find_or_insert(&mut self, id: &[u8; 16]) -> u32 {
        if let Some(slot) = self.find(id) {
            return slot;
        }
        let entry = TraceEntry { id: *id, spans: SeqList::Empty, start: u64::MAX, end: 0, root: None, ids: None };
        self.bytes += TRACE_OVERHEAD;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = entry;
                slot
            }
            None => {
                self.slots.push(entry);
                (self.slots.len() - 1) as u32
            }
        };
        let slots = &self.slots;
        let hash = hash_of(id);
        self.table.insert_unique(hash, (slot, tag_of(hash)), |&(s, _)| hash_of(&slots[s as usize].id));
        slot
    }

    /// The entry in a slot.
    pub fn get(&self, slot: u32) -> Option<&TraceEntry> {
        self.slots.get(slot as usize).filter(|e| !e.spans.is_empty())
    }

    /// Adds a span to a trace.
    pub fn post(&mut self, slot: u32, seq: u32, rec: &SpanRec) {
        if let Some(entry) = self.slots.get_mut(slot as usize) {
            let before = entry.heap_bytes();
            entry.spans.push(seq);
            entry.start = entry.start.min(rec.start);
            entry.end = entry.end.max(rec.start + rec.duration);
            if rec.is_root() && entry.root.is_none() {
                entry.root = Some(seq);
            }
            if let Some(ids) = entry.ids.as_mut() {
                ids.insert(rec.span_id);
            }
            self.bytes += entry.heap_bytes().saturating_sub(before);
        }
    }

    /// Whether the trace in `slot` holds span `id`: `Some` when its id set answers, `None` when
    /// the trace is small and the caller must look at its spans.
    pub fn has_span(&self, slot: u32, id: &[u8; 8]) -> Option<bool> {
        Some(self.slots.get(slot as usize)?.ids.as_ref()?.contains(id))
    }

    /// Whether the trace has grown to [`INDEXED_FROM`] spans without an id set yet.
    pub fn wants_ids(&self, slot: u32) -> bool {
        self.slots.get(slot as usize).is_some_and(|e| e.ids.is_none() && e.spans.len() >= INDEXED_FROM)
    }

    /// Gives the trace its id set (the ids of all its stored spans).
    pub fn set_ids(&mut self, slot: u32, ids: FxSet<[u8; 8]>) {
        if let Some(entry) = self.slots.get_mut(slot as usize) {
            let before = entry.heap_bytes();
            entry.ids = Some(ids);
            self.bytes += entry.heap_bytes().saturating_sub(before);
        }
    }

    /// Removes an evicted span; drops the trace when it has none left.
    pub fn unpost(&mut self, slot: u32, seq: u32, span_id: &[u8; 8]) {
        let Some(entry) = self.slots.get_mut(slot as usize) else { return };
        let before = entry.heap_bytes();
        entry.spans.pop_front(seq);
        if entry.root == Some(seq) {
            entry.root = None;
        }
        if let Some(ids) = entry.ids.as_mut() {
            ids.remove(span_id);
        }
        if entry.spans.is_empty() {
            entry.ids = None;
        }
        self.bytes = self.bytes.saturating_sub(before.saturating_sub(entry.heap_bytes()));
        if !entry.spans.is_empty() {
            return;
        }
        let id = entry.id;
        if let Ok(found) = self.table.find_entry(hash_of(&id), |&(s, _)| s == slot) {
            found.remove();
        }
        self.bytes = self.bytes.saturating_sub(TRACE_OVERHEAD);
        self.free.push(slot);
    }

    /// Renumbers every span list by `offset`.
    pub fn rebase(&mut self, offset: u32) {
        for entry in &mut self.slots {
            entry.spans.rebase(offset);
            entry.root = entry.root.and_then(|r| r.checked_sub(offset));
        }
    }

    /// Number of stored traces.
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Whether no trace is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Approximate bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::Traces;
    use crate::store::SpanRec;

    fn rec(n: u32) -> SpanRec {
        SpanRec {
            start: 0,
            duration: 0,
            span_id: [1, 0, 0, 0, 0, 0, 0, n as u8],
            parent_id: [0; 8],
            trace: 0,
            name: 0,
            group: 0,
            status_msg: 0,
            blob_off: 0,
            blob_off_hi: 0,
            blob_len: 0,
            kind: 0,
            status: 0,
        }
    }

    /// Pins that every inserted id stays findable while the table grows.
    #[test]
    fn find_after_growth() {
        let mut traces = Traces::default();
        let id = |t: u32| {
            let mut id = (u128::from(t).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835) | 1).to_be_bytes();
            id[0] |= 0x80;
            id
        };
        for t in 0..200_000 {
            let slot = traces.find_or_insert(&id(t));
            traces.post(slot, t, &rec(t));
        }
        let missing = (0..200_000).filter(|&t| traces.find(&id(t)).is_none()).count();
        assert_eq!(missing, 0);
    }
}
