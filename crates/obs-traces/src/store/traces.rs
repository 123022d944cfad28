//! The trace table: trace id to the trace's spans (ascending sequence numbers) and its time span.

use hashbrown::HashTable;

use crate::hash::hash_of;
use crate::seqlist::SeqList;

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
        let entry = TraceEntry { id: *id, spans: SeqList::Empty, start: u64::MAX, end: 0 };
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
    pub fn post(&mut self, slot: u32, seq: u32, start: u64, end: u64) {
        if let Some(entry) = self.slots.get_mut(slot as usize) {
            let before = entry.spans.heap_bytes();
            entry.spans.push(seq);
            entry.start = entry.start.min(start);
            entry.end = entry.end.max(end);
            self.bytes += entry.spans.heap_bytes().saturating_sub(before);
        }
    }

    /// Removes an evicted span; drops the trace when it has none left.
    pub fn unpost(&mut self, slot: u32, seq: u32) {
        let Some(entry) = self.slots.get_mut(slot as usize) else { return };
        let before = entry.spans.heap_bytes();
        entry.spans.pop_front(seq);
        self.bytes = self.bytes.saturating_sub(before.saturating_sub(entry.spans.heap_bytes()));
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
            traces.post(slot, t, 0, 0);
        }
        let missing = (0..200_000).filter(|&t| traces.find(&id(t)).is_none()).count();
        assert_eq!(missing, 0);
    }
}
