//! One stored record seen through names: its index labels, structured metadata (built-in
//! fields, shared resource/scope metadata and its own attributes) and line.

use std::borrow::Cow;

use crate::level::Level;
use crate::store::codec::StoredValue;
use crate::store::{Decoded, Inner, Segment, Sym};

/// Built-in metadata fields, stored structurally rather than as attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `trace_id` (hex).
    TraceId,
    /// `span_id` (hex).
    SpanId,
    /// `severity_text`.
    SeverityText,
    /// `severity_number`.
    SeverityNumber,
    /// `flags`.
    Flags,
    /// `observed_timestamp` (ns).
    Observed,
    /// `detected_level`.
    Level,
}

impl Builtin {
    /// The built-in a metadata name refers to.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "trace_id" => Builtin::TraceId,
            "span_id" => Builtin::SpanId,
            "severity_text" => Builtin::SeverityText,
            "severity_number" => Builtin::SeverityNumber,
            "flags" => Builtin::Flags,
            "observed_timestamp" => Builtin::Observed,
            "detected_level" => Builtin::Level,
            _ => return None,
        })
    }

    /// All of them, in name order.
    pub const ALL: [(Builtin, &'static str); 7] = [
        (Builtin::Level, "detected_level"),
        (Builtin::Flags, "flags"),
        (Builtin::Observed, "observed_timestamp"),
        (Builtin::SeverityNumber, "severity_number"),
        (Builtin::SeverityText, "severity_text"),
        (Builtin::SpanId, "span_id"),
        (Builtin::TraceId, "trace_id"),
    ];
}

/// A label name resolved against the store once per query.
#[derive(Debug, Clone)]
pub struct Field {
    /// The name as written.
    pub name: String,
    /// The built-in it names, if any.
    pub builtin: Option<Builtin>,
    /// Its symbol, if the store has ever seen it.
    pub sym: Option<Sym>,
}

impl Field {
    /// Resolves a name.
    pub fn resolve(inner: &Inner, name: &str) -> Field {
        Field { name: name.to_owned(), builtin: Builtin::from_name(name), sym: inner.interner.get(name) }
    }
}

/// One record, decoded lazily.
pub struct View<'a> {
    /// The store.
    pub inner: &'a Inner,
    /// Its segment.
    pub seg: &'a Segment,
    /// Its index in the segment.
    pub i: usize,
    decoded: Option<Decoded<'a>>,
}

impl<'a> View<'a> {
    /// A view of record `i` of `seg`.
    pub fn new(inner: &'a Inner, seg: &'a Segment, i: usize) -> Self {
        View { inner, seg, i, decoded: None }
    }

    /// Timestamp, ns.
    pub fn ts(&self) -> i64 {
        self.seg.ts[self.i]
    }

    /// The line's bytes.
    pub fn line(&self) -> &'a [u8] {
        match &self.decoded {
            Some(d) => d.line,
            None => Decoded::line_of(self.seg.bytes_of(self.i)),
        }
    }

    /// The full decode.
    pub fn decoded(&mut self) -> Decoded<'a> {
        let (seg, i) = (self.seg, self.i);
        *self.decoded.get_or_insert_with(|| Decoded::new(seg.bytes_of(i), seg.ts[i]))
    }

    /// Index labels.
    pub fn stream_labels(&self) -> &'a [(Sym, Sym)] {
        let inner = self.inner;
        inner.streams.get(self.seg.stream[self.i] as usize).map_or(&[], |s| &s.labels)
    }

    /// Shared (resource and scope) metadata.
    pub fn context(&self) -> &'a [(Sym, Sym)] {
        let inner = self.inner;
        inner.contexts.get(self.seg.context[self.i] as usize).map_or(&[], |c| c)
    }

    /// A built-in field's value, if present.
    pub fn builtin(&mut self, b: Builtin) -> Option<Cow<'a, str>> {
        let inner = self.inner;
        match b {
            Builtin::Level => Some(Cow::Borrowed(Level::from_u8(self.seg.level[self.i]).as_str())),
            Builtin::SeverityNumber => {
                let n = self.seg.severity[self.i];
                (n != 0).then(|| Cow::Owned(n.to_string()))
            }
            Builtin::TraceId => self.decoded().trace_id.map(|t| Cow::Owned(hex::encode(t))),
            Builtin::SpanId => self.decoded().span_id.map(|s| Cow::Owned(hex::encode(s))),
            Builtin::SeverityText => self.decoded().severity_text.map(|s| Cow::Borrowed(inner.interner.resolve(s))),
            Builtin::Flags => self.decoded().flags.map(|f| Cow::Owned(f.to_string())),
            Builtin::Observed => self.decoded().observed.map(|o| Cow::Owned(o.to_string())),
        }
    }

    /// A stored value as text.
    pub fn text(&self, value: StoredValue<'a>) -> Cow<'a, str> {
        let inner = self.inner;
        match value {
            StoredValue::Sym(sym) => Cow::Borrowed(inner.interner.resolve(sym)),
            StoredValue::Inline(bytes) => String::from_utf8_lossy(bytes),
        }
    }

    /// The value of a label or metadata field (not parsed labels): index labels first, then
    /// built-ins, shared metadata and the record's attributes.
    pub fn get(&mut self, field: &Field) -> Option<Cow<'a, str>> {
        let inner = self.inner;
        if let Some(sym) = field.sym
            && let Some((_, v)) = self.stream_labels().iter().find(|(k, _)| *k == sym)
        {
            return Some(Cow::Borrowed(inner.interner.resolve(*v)));
        }
        if let Some(b) = field.builtin {
            return self.builtin(b);
        }
        let sym = field.sym?;
        if let Some((_, v)) = self.context().iter().find(|(k, _)| *k == sym) {
            return Some(Cow::Borrowed(inner.interner.resolve(*v)));
        }
        let found = self.decoded().attrs().find(|(k, _)| *k == sym).map(|(_, v)| v);
        found.map(|v| self.text(v))
    }

    /// Whether a name is an index label or metadata field of this record.
    pub fn has(&mut self, name: &str) -> bool {
        let field = Field::resolve(self.inner, name);
        self.get(&field).is_some()
    }

    /// Every structured-metadata field (built-ins, shared, own), unsorted.
    pub fn metadata(&mut self) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
        let inner = self.inner;
        let mut out = Vec::with_capacity(24);
        for (b, name) in Builtin::ALL {
            if let Some(v) = self.builtin(b) {
                out.push((Cow::Borrowed(name), v));
            }
        }
        for (k, v) in self.context() {
            out.push((Cow::Borrowed(inner.interner.resolve(*k)), Cow::Borrowed(inner.interner.resolve(*v))));
        }
        let decoded = self.decoded();
        for (k, v) in decoded.attrs() {
            out.push((Cow::Borrowed(inner.interner.resolve(k)), self.text(v)));
        }
        out
    }

    /// Index labels as text.
    pub fn labels(&self) -> Vec<(&'a str, &'a str)> {
        let inner = self.inner;
        self.stream_labels().iter().map(|(k, v)| (inner.interner.resolve(*k), inner.interner.resolve(*v))).collect()
    }
}
