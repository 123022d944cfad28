//! Memoized series slots for `sum by (...)` over range aggregations: when every grouping label
//! is fixed by a record's stream, shared metadata, level, severity number and at most two
//! interned attribute values, the slot is found by a small integer key instead of building the
//! label text of every record.

use super::view::{Builtin, Field, View};
use crate::store::codec::StoredValue;
use crate::store::{Inner, Sym};
use rustc_hash::FxHashMap as FastMap;

/// Most attribute-valued grouping labels a memo key holds.
const MAX_ATTRS: usize = 2;

/// A memo key: stream and context, level and severity, attribute value symbols (+1, 0 = none).
pub type Key = (u64, u16, [u32; MAX_ATTRS]);

/// The memo of one query.
pub struct Memo {
    enabled: bool,
    attrs: Vec<Sym>,
    slots: FastMap<Key, usize>,
}

impl Memo {
    /// A memo for these `by` fields (disabled when a field or a parser makes it unsafe).
    pub fn new(inner: &Inner, by_fields: Option<&[Field]>, has_parser: bool) -> Memo {
        let mut attrs = Vec::new();
        let mut enabled = !has_parser && by_fields.is_some();
        for field in by_fields.unwrap_or(&[]) {
            match (field.builtin, field.sym) {
                (Some(Builtin::Level | Builtin::SeverityNumber), _) | (None, None) => {}
                (None, Some(sym)) if !inner.is_attr_key(sym) => {}
                (None, Some(sym)) => attrs.push(sym),
                (Some(_), _) => enabled = false,
            }
        }
        Memo { enabled: enabled && attrs.len() <= MAX_ATTRS, attrs, slots: FastMap::default() }
    }

    /// The key of a record, or None when it cannot be memoized.
    pub fn key(&self, view: &mut View<'_>) -> Option<Key> {
        if !self.enabled {
            return None;
        }
        let (seg, i) = (view.seg, view.i);
        let mut tokens = [0u32; MAX_ATTRS];
        for (token, sym) in tokens.iter_mut().zip(&self.attrs) {
            let shared = view.stream_labels().iter().chain(view.context()).any(|(k, _)| k == sym);
            if shared {
                continue;
            }
            match view.decoded().attrs().find(|(k, _)| k == sym).map(|(_, v)| v) {
                Some(StoredValue::Sym(s)) => *token = s.checked_add(1)?,
                Some(StoredValue::Inline(_)) => return None,
                None => {}
            }
        }
        Some((
            (u64::from(seg.stream[i]) << 32) | u64::from(seg.context[i]),
            (u16::from(seg.level[i]) << 8) | u16::from(seg.severity[i]),
            tokens,
        ))
    }

    /// The slot remembered for a key.
    pub fn get(&self, key: &Key) -> Option<usize> {
        self.slots.get(key).copied()
    }

    /// Remembers a slot.
    pub fn insert(&mut self, key: Key, slot: usize) {
        self.slots.insert(key, slot);
    }
}
