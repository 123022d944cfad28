//! Posting lists of span sequence numbers, ascending, trimmed from the front as the oldest
//! spans are evicted; a single entry is kept inline (most high-cardinality values have one).

/// An ascending list of span sequence numbers.
#[derive(Debug, Default, Clone)]
pub enum SeqList {
    /// No entries.
    #[default]
    Empty,
    /// Exactly one entry, without a heap allocation.
    One(u32),
    /// Several entries; `items[head..]` are live, the prefix awaits compaction.
    Many {
        /// The entries, ascending.
        items: Vec<u32>,
        /// How many leading entries were removed.
        head: u32,
    },
}

impl SeqList {
    /// Appends a sequence number (callers append in ascending order).
    pub fn push(&mut self, seq: u32) {
        match self {
            SeqList::Empty => *self = SeqList::One(seq),
            SeqList::One(first) => {
                let first = *first;
                *self = SeqList::Many { items: vec![first, seq], head: 0 };
            }
            SeqList::Many { items, .. } => items.push(seq),
        }
    }

    /// The live entries, ascending.
    pub fn as_slice(&self) -> &[u32] {
        match self {
            SeqList::Empty => &[],
            SeqList::One(v) => std::slice::from_ref(v),
            SeqList::Many { items, head } => items.get(*head as usize..).unwrap_or(&[]),
        }
    }

    /// Number of live entries.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether no entry is live.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Removes the first entry if it is `seq` (evictions remove the oldest, so it is first).
    pub fn pop_front(&mut self, seq: u32) {
        match self {
            SeqList::Empty => {}
            SeqList::One(v) => {
                if *v == seq {
                    *self = SeqList::Empty;
                }
            }
            SeqList::Many { items, head } => {
                if items.get(*head as usize) != Some(&seq) {
                    return;
                }
                *head += 1;
                let live = items.len() - *head as usize;
                if live == 0 {
                    *self = SeqList::Empty;
                } else if live == 1 {
                    *self = SeqList::One(items[items.len() - 1]);
                } else if (*head as usize) * 2 >= items.len() {
                    items.drain(..*head as usize);
                    items.shrink_to(items.len() * 2);
                    *head = 0;
                }
            }
        }
    }

    /// Subtracts `offset` from every entry (sequence numbers are renumbered near `u32::MAX`).
    pub fn rebase(&mut self, offset: u32) {
        match self {
            SeqList::Empty => {}
            SeqList::One(v) => *v -= offset,
            SeqList::Many { items, head } => {
                items.drain(..*head as usize);
                *head = 0;
                for v in items.iter_mut() {
                    *v -= offset;
                }
            }
        }
    }

    /// Heap bytes held by this list.
    pub fn heap_bytes(&self) -> usize {
        match self {
            SeqList::Many { items, .. } => items.capacity() * 4,
            _ => 0,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test
mod tests {
    use super::SeqList;

    /// Pins push/pop_front order and the compaction of the evicted prefix.
    #[test]
    fn push_pop_compacts() {
        let mut list = SeqList::default();
        for seq in 0..10 {
            list.push(seq);
        }
        for seq in 0..7 {
            list.pop_front(seq);
        }
        assert_eq!(list.as_slice(), &[7, 8, 9]);
        list.pop_front(99);
        assert_eq!(list.len(), 3);
        list.pop_front(7);
        list.pop_front(8);
        assert!(matches!(list, SeqList::One(9)));
        list.pop_front(9);
        assert!(list.is_empty());
    }

    /// Pins renumbering of entries.
    #[test]
    fn rebase_subtracts() {
        let mut list = SeqList::default();
        list.push(100);
        list.push(105);
        list.pop_front(100);
        list.push(110);
        list.rebase(100);
        assert_eq!(list.as_slice(), &[5, 10]);
    }
}
