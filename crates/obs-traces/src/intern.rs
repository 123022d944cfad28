//! The string dictionary: service and span names, attribute keys and string values are stored
//! once and referred to by a `u32` id. Entries are reference counted and freed (their id reused)
//! when the last span using them is evicted. Each entry also carries the posting list of the
//! spans that use it as a span name or string attribute value: the store's inverted index.

use hashbrown::HashTable;

use crate::hash::hash_of;
use crate::seqlist::SeqList;

/// The id of the empty string, always present.
pub const EMPTY: u32 = 0;

/// Marks an entry seen as a span attribute key.
pub const KEY_SPAN: u8 = 1;

struct Entry {
    text: Box<str>,
    refs: u32,
    flags: u8,
    postings: SeqList,
}

/// Reference-counted string dictionary with per-string posting lists.
pub struct Interner {
    table: HashTable<u32>,
    entries: Vec<Entry>,
    free: Vec<u32>,
    bytes: usize,
}

impl Default for Interner {
    fn default() -> Self {
        let mut interner = Self { table: HashTable::new(), entries: Vec::new(), free: Vec::new(), bytes: 0 };
        interner.intern("");
        interner
    }
}

/// Approximate bytes one entry costs besides its text (entry, table slot, allocator).
const ENTRY_OVERHEAD: usize = 72;

impl Interner {
    /// The id of `text`, if it is stored.
    pub fn lookup(&self, text: &str) -> Option<u32> {
        let entries = &self.entries;
        self.table.find(hash_of(text), |&id| &*entries[id as usize].text == text).copied()
    }

    /// The id of `text`, adding it if needed; takes one reference.
    pub fn intern(&mut self, text: &str) -> u32 {
        let hash = hash_of(text);
        let entries = &self.entries;
        if let Some(&id) = self.table.find(hash, |&id| &*entries[id as usize].text == text) {
            self.entries[id as usize].refs += 1;
            return id;
        }
        let entry = Entry { text: text.into(), refs: 1, flags: 0, postings: SeqList::Empty };
        self.bytes += text.len() + ENTRY_OVERHEAD;
        let id = match self.free.pop() {
            Some(id) => {
                self.entries[id as usize] = entry;
                id
            }
            None => {
                self.entries.push(entry);
                (self.entries.len() - 1) as u32
            }
        };
        let entries = &self.entries;
        self.table.insert_unique(hash, id, |&i| hash_of(&*entries[i as usize].text));
        id
    }

    /// Takes one more reference on a stored id.
    pub fn add_ref(&mut self, id: u32) {
        if let Some(entry) = self.entries.get_mut(id as usize) {
            entry.refs += 1;
        }
    }

    /// Drops one reference; the entry is freed when none is left (the empty string never is).
    pub fn release(&mut self, id: u32) {
        let Some(entry) = self.entries.get_mut(id as usize) else { return };
        entry.refs = entry.refs.saturating_sub(1);
        if entry.refs > 0 || id == EMPTY {
            return;
        }
        let text = std::mem::take(&mut entry.text);
        entry.postings = SeqList::Empty;
        entry.flags = 0;
        self.bytes = self.bytes.saturating_sub(text.len() + ENTRY_OVERHEAD);
        if let Ok(slot) = self.table.find_entry(hash_of(&*text), |&i| i == id) {
            slot.remove();
        }
        self.free.push(id);
    }

    /// The text of an id ("" for an unknown id).
    pub fn text(&self, id: u32) -> &str {
        self.entries.get(id as usize).map_or("", |e| &e.text)
    }

    /// Sets flag bits on an entry.
    pub fn mark(&mut self, id: u32, flags: u8) {
        if let Some(entry) = self.entries.get_mut(id as usize) {
            entry.flags |= flags;
        }
    }

    /// Live strings carrying any of `flags`.
    pub fn flagged(&self, flags: u8) -> impl Iterator<Item = &str> {
        self.entries.iter().filter(move |e| e.refs > 0 && e.flags & flags != 0).map(|e| &*e.text)
    }

    /// Posting list of the spans using this id as a name or string value.
    pub fn postings(&self, id: u32) -> &[u32] {
        self.entries.get(id as usize).map_or(&[], |e| e.postings.as_slice())
    }

    /// Appends a span to an id's posting list.
    pub fn post(&mut self, id: u32, seq: u32) {
        if let Some(entry) = self.entries.get_mut(id as usize) {
            let before = entry.postings.heap_bytes();
            entry.postings.push(seq);
            self.bytes += entry.postings.heap_bytes().saturating_sub(before);
        }
    }

    /// Removes an evicted span from the front of an id's posting list.
    pub fn unpost(&mut self, id: u32, seq: u32) {
        if let Some(entry) = self.entries.get_mut(id as usize) {
            let before = entry.postings.heap_bytes();
            entry.postings.pop_front(seq);
            self.bytes = self.bytes.saturating_sub(before.saturating_sub(entry.postings.heap_bytes()));
        }
    }

    /// Renumbers every posting list by `offset`.
    pub fn rebase(&mut self, offset: u32) {
        for entry in &mut self.entries {
            entry.postings.rebase(offset);
        }
    }

    /// Number of live strings.
    pub fn len(&self) -> usize {
        self.entries.len() - self.free.len()
    }

    /// Whether only the empty string is stored.
    pub fn is_empty(&self) -> bool {
        self.len() <= 1
    }

    /// Approximate bytes held (texts, entries, table, posting lists).
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test
mod tests {
    use super::Interner;

    /// Pins that equal strings share an id, and that an id is freed and reused after its last release.
    #[test]
    fn intern_release_reuse() {
        let mut strings = Interner::default();
        let a = strings.intern("svc");
        assert_eq!(strings.intern("svc"), a);
        assert_eq!(strings.text(a), "svc");
        strings.release(a);
        assert_eq!(strings.lookup("svc"), Some(a));
        strings.release(a);
        assert_eq!(strings.lookup("svc"), None);
        let b = strings.intern("other");
        assert_eq!(b, a, "freed id is reused");
        assert_eq!(strings.lookup("other"), Some(b));
        assert_eq!(strings.lookup(""), Some(super::EMPTY));
    }
}
