//! Per-request cache of attribute-key ids by attribute position: spans from one SDK list their
//! attributes in the same order, so most keys are found by one string compare instead of a
//! dictionary lookup. The cache holds its own reference on each id, so evictions during the
//! request cannot free (and reuse) a cached id.

use crate::intern::{Interner, KEY_SPAN};

/// Attribute positions cached (later positions go to the dictionary directly).
const POSITIONS: usize = 64;

/// Key ids of the previous span, by attribute position.
#[derive(Default)]
pub struct KeyCache<'r> {
    slots: Vec<Option<(&'r str, u32)>>,
}

impl<'r> KeyCache<'r> {
    /// The id of attribute key `key` at position `i`, with one reference taken for the caller.
    pub fn key(&mut self, strings: &mut Interner, i: usize, key: &'r str) -> u32 {
        if let Some(Some((text, id))) = self.slots.get(i)
            && *text == key
        {
            strings.add_ref(*id);
            return *id;
        }
        let id = strings.intern(key);
        strings.mark(id, KEY_SPAN);
        if i < POSITIONS {
            strings.add_ref(id);
            if self.slots.len() <= i {
                self.slots.resize(i + 1, None);
            }
            if let Some((_, old)) = self.slots[i].replace((key, id)) {
                strings.release(old);
            }
        }
        id
    }

    /// Drops the cache's references.
    pub fn finish(self, strings: &mut Interner) {
        for (_, id) in self.slots.into_iter().flatten() {
            strings.release(id);
        }
    }
}
