//! Label sets shared across evaluation steps: a derived set (metric name dropped, grouping
//! labels, a match signature) is computed once per input series and operation, and interned so
//! that equal sets are one allocation — grouping and matching then compare pointers.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::store::Labels;

/// Operation key for "drop the metric name".
pub const DROP_NAME: usize = 0;
/// Operation key for `histogram_quantile`'s grouping (labels without `le` and the name).
pub const WITHOUT_LE: usize = 1;

/// An operation key unique to one expression node (`salt` tells several operations of the same
/// node apart; it stays below the node's size, so keys of different nodes never meet).
pub fn node_key<T>(node: &T, salt: usize) -> usize {
    std::ptr::from_ref(node) as usize + salt
}

/// A hasher for pointer and integer keys (SipHash costs more than the lookups it guards).
#[derive(Default)]
pub struct PtrHasher(u64);

impl Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.write_usize(u64::from_le_bytes(word) as usize);
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.write_usize(u64::from_le_bytes(tail) as usize ^ (bytes.len() << 56));
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(5) ^ n as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// A map keyed by pointers or other integers.
pub type PtrMap<K, V> = HashMap<K, V, BuildHasherDefault<PtrHasher>>;

/// A derived set with the source it came from (kept alive so its address stays unique).
type Derived = (Arc<Labels>, Arc<Labels>);

/// The cache of derived and interned label sets for one query.
#[derive(Default)]
pub struct LabelCache {
    derived: RefCell<PtrMap<(usize, usize), Derived>>,
    interned: RefCell<HashSet<Arc<Labels>, BuildHasherDefault<PtrHasher>>>,
}

impl LabelCache {
    /// `f(src)` for operation `op`, computed once per source set and interned. The source is
    /// kept alive with the entry so its address cannot be reused by another set.
    pub fn derive(&self, src: &Arc<Labels>, op: usize, f: impl FnOnce(&Labels) -> Labels) -> Arc<Labels> {
        let key = (Arc::as_ptr(src) as usize, op);
        if let Some((_, out)) = self.derived.borrow().get(&key) {
            return out.clone();
        }
        let out = self.intern(f(src));
        self.derived.borrow_mut().insert(key, (src.clone(), out.clone()));
        out
    }

    /// The shared allocation for this label set.
    pub fn intern(&self, labels: Labels) -> Arc<Labels> {
        if let Some(hit) = self.interned.borrow().get(&labels) {
            return hit.clone();
        }
        let arc = Arc::new(labels);
        self.interned.borrow_mut().insert(arc.clone());
        arc
    }

    /// The shared allocation for this label set, adopting `labels` when it is the first.
    pub fn intern_arc(&self, labels: Arc<Labels>) -> Arc<Labels> {
        if let Some(hit) = self.interned.borrow().get(labels.as_ref()) {
            return hit.clone();
        }
        self.interned.borrow_mut().insert(labels.clone());
        labels
    }

    /// The source without its metric name.
    pub fn drop_name(&self, src: &Arc<Labels>) -> Arc<Labels> {
        if !src.iter().any(|(k, _)| k == "__name__") {
            return src.clone();
        }
        self.derive(src, DROP_NAME, |l| l.iter().filter(|(k, _)| k != "__name__").cloned().collect())
    }
}

/// A pointer identity for an interned set (equal interned sets have equal keys).
pub fn ptr(labels: &Arc<Labels>) -> usize {
    Arc::as_ptr(labels) as usize
}
