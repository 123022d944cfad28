//! Eviction: the oldest spans (in arrival order) leave first, one span at a time, until the store
//! is under both caps; their index entries go with them and a segment's memory is released once
//! all of its spans are gone. A trace whose oldest spans were evicted keeps its newer ones.
//! Only spans older than the request being stored leave (`floor`): a request that was admitted
//! is never evicted by its own ingest.

use obs_contract::StoreLimits;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;

use super::ingest::SPAN_FIXED;
use super::{Inner, SEGMENT};
use crate::codec::ValRef;

/// Bytes one event-key entry costs besides its text (map slot, string header, count).
const EVENT_KEY_OVERHEAD: usize = 48;

impl Inner {
    /// Evicts oldest spans, older than the request being stored, until `extra` more spans fit
    /// under the caps.
    pub fn make_room(&mut self, limits: &StoreLimits, extra: u64) {
        while self.live_from < self.floor
            && (self.items() + extra > limits.max_items || self.bytes() > limits.max_bytes)
        {
            self.evict_oldest();
        }
    }

    /// Counts one use of an event attribute key (for tag listings), with its bytes.
    pub(super) fn count_event_key(&mut self, key: &str) {
        match self.event_keys.get_mut(key) {
            Some(count) => *count += 1,
            None => {
                self.event_keys.insert(key.to_owned(), 1);
                self.event_key_bytes += (key.len() + EVENT_KEY_OVERHEAD) as u64;
            }
        }
    }

    /// Removes the oldest span and its index entries.
    fn evict_oldest(&mut self) {
        let seq = self.live_from;
        let mut ids = std::mem::take(&mut self.evict_ids);
        let Some((rec, record)) = self.span(seq) else {
            self.evict_ids = ids;
            self.live_from = self.live_from.saturating_add(1).min(self.next_seq);
            return;
        };
        let rec = *rec;
        let mut postings = 3u64;
        let mut event_keys = Vec::new();
        // Collect first (into a buffer reused across evictions): the record borrows the segment
        // while the dictionary is updated.
        ids.clear();
        ids.extend(record.attrs().map(|(k, v)| (k, if let ValRef::Str(id) = v { Some(id) } else { None })));
        if !record.extras.is_empty()
            && let Ok(extras) = Span::decode(record.extras)
        {
            event_keys.extend(extras.events.into_iter().flat_map(|e| e.attributes).map(|kv| kv.key));
        }
        for &(key, value) in &ids {
            self.strings.release(key);
            if let Some(id) = value {
                self.strings.unpost(id, seq);
                self.strings.release(id);
                postings += 1;
            }
        }
        for key in event_keys {
            if let Some(count) = self.event_keys.get_mut(&key) {
                *count -= 1;
                if *count == 0 {
                    self.event_keys.remove(&key);
                    self.event_key_bytes = self.event_key_bytes.saturating_sub((key.len() + EVENT_KEY_OVERHEAD) as u64);
                }
            }
        }
        self.evict_ids = ids;
        self.strings.unpost(rec.name, seq);
        self.strings.release(rec.name);
        self.strings.release(rec.status_msg);
        self.groups.unpost(rec.group, seq);
        self.traces.unpost(rec.trace, seq, &rec.span_id);
        self.span_bytes = self.span_bytes.saturating_sub(SPAN_FIXED + u64::from(rec.blob_len) + 4 * postings);
        self.counters.evicted += 1;
        self.live_from += 1;
        if self.live_from - self.first_seq >= SEGMENT {
            self.segments.pop_front();
            self.first_seq += SEGMENT;
        }
    }

    /// Renumbers sequence numbers so the oldest segment starts at 0 (needed after ~4 billion spans).
    pub(super) fn rebase(&mut self) {
        let offset = self.first_seq;
        self.strings.rebase(offset);
        self.groups.rebase(offset);
        self.traces.rebase(offset);
        self.first_seq = 0;
        self.floor = self.floor.saturating_sub(offset);
        self.live_from -= offset;
        self.next_seq -= offset;
    }
}
