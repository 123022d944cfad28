//! Interned strings: label names and values, metadata keys and low-cardinality metadata values
//! are stored once and referred to by a `u32` symbol. Each symbol is reference counted (by the
//! streams, metadata sets and records that use it) and freed with its last user, so interned
//! strings never outlive the data that brought them; its bytes count in the store's byte cap.

use std::sync::Arc;

use rustc_hash::FxHashMap as FastMap;

/// A symbol: the index of an interned string.
pub type Sym = u32;

/// Bytes one interned string costs beyond its text: the shared allocation's header, the map
/// entry, the slot, its count and generation.
pub const STRING_BYTES: u64 = 64;

/// Strings stored once, looked up both ways, freed with their last reference.
#[derive(Debug, Default)]
pub struct Interner {
    ids: FastMap<Arc<str>, Sym>,
    strings: Vec<Arc<str>>,
    refs: Vec<u32>,
    /// Bumped each time a symbol is freed, so caches can tell a reused symbol from the old one.
    generations: Vec<u32>,
    free: Vec<Sym>,
    bytes: u64,
}

impl Interner {
    /// The symbol of `s`, interning it if new; takes one reference.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.ids.get(s) {
            self.retain(sym);
            return sym;
        }
        let shared: Arc<str> = Arc::from(s);
        let sym = match self.free.pop() {
            Some(sym) => {
                self.strings[sym as usize] = shared.clone();
                self.refs[sym as usize] = 1;
                sym
            }
            None => {
                self.strings.push(shared.clone());
                self.refs.push(1);
                self.generations.push(0);
                Sym::try_from(self.strings.len() - 1).unwrap_or(Sym::MAX)
            }
        };
        self.ids.insert(shared, sym);
        self.bytes += s.len() as u64 + STRING_BYTES;
        sym
    }

    /// Takes one more reference to a live symbol.
    pub fn retain(&mut self, sym: Sym) {
        if let Some(count) = self.refs.get_mut(sym as usize) {
            *count = count.saturating_add(1);
        }
    }

    /// Gives back one reference; true when that freed the symbol (it may be reused later).
    pub fn release(&mut self, sym: Sym) -> bool {
        let Some(count) = self.refs.get_mut(sym as usize) else { return false };
        if *count == 0 {
            return false;
        }
        *count -= 1;
        if *count > 0 {
            return false;
        }
        let text = std::mem::replace(&mut self.strings[sym as usize], Arc::from(""));
        self.ids.remove(&text);
        self.bytes = self.bytes.saturating_sub(text.len() as u64 + STRING_BYTES);
        self.generations[sym as usize] = self.generations[sym as usize].wrapping_add(1);
        self.free.push(sym);
        true
    }

    /// The symbol of `s` if it is interned (takes no reference).
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }

    /// How often `sym` was freed so far.
    pub fn generation(&self, sym: Sym) -> u32 {
        self.generations.get(sym as usize).copied().unwrap_or(0)
    }

    /// The string of a symbol (empty for an unknown or freed one).
    pub fn resolve(&self, sym: Sym) -> &str {
        self.strings.get(sym as usize).map_or("", |s| s)
    }

    /// How many strings are interned now.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Bytes counted against the store's byte cap.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.strings.iter().map(|s| s.len() + 16).sum::<usize>()
            + self.ids.capacity() * 24
            + self.strings.capacity() * 16
            + self.refs.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Interning twice gives the same symbol and resolves back.
    #[test]
    fn round_trip() {
        let mut interner = Interner::default();
        let a = interner.intern("service_name");
        assert_eq!(interner.intern("service_name"), a);
        assert_eq!(interner.resolve(a), "service_name");
        assert_eq!(interner.get("nope"), None);
        assert_eq!(interner.len(), 1);
    }

    /// A symbol is freed with its last reference, its bytes leave the count, and its slot is
    /// reused under a new generation.
    #[test]
    fn freed_with_the_last_reference() {
        let mut interner = Interner::default();
        let a = interner.intern("order_id");
        interner.intern("order_id");
        assert!(!interner.release(a));
        assert!(interner.release(a));
        assert_eq!((interner.get("order_id"), interner.bytes(), interner.len()), (None, 0, 0));
        let b = interner.intern("other");
        assert_eq!((b, interner.generation(b)), (a, 1));
        assert!(!interner.release(a + 1), "an unknown symbol is ignored");
    }
}
