//! Interned strings: label names and values, metadata keys and low-cardinality metadata values
//! are stored once and referred to by a `u32` symbol.

use std::sync::Arc;

use rustc_hash::FxHashMap as FastMap;

/// A symbol: the index of an interned string.
pub type Sym = u32;

/// Strings stored once, looked up both ways.
#[derive(Debug, Default)]
pub struct Interner {
    ids: FastMap<Arc<str>, Sym>,
    strings: Vec<Arc<str>>,
}

impl Interner {
    /// The symbol of `s`, interning it if new.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.ids.get(s) {
            return sym;
        }
        let sym = Sym::try_from(self.strings.len()).unwrap_or(Sym::MAX);
        let shared: Arc<str> = Arc::from(s);
        self.strings.push(shared.clone());
        self.ids.insert(shared, sym);
        sym
    }

    /// The symbol of `s` if it was interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }

    /// The string of a symbol (empty for an unknown one).
    pub fn resolve(&self, sym: Sym) -> &str {
        self.strings.get(sym as usize).map_or("", |s| s)
    }

    /// How many strings are interned.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.strings.iter().map(|s| s.len() + 16).sum::<usize>()
            + self.ids.capacity() * 24
            + self.strings.capacity() * 16
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
}
