//! Tag names and values for Tempo's tag endpoints (v1 flat, v2 scoped and typed).

use std::collections::BTreeSet;

use opentelemetry_proto::tonic::common::v1::any_value::Value;

use obs_contract::query::{Budget, LimitError};

use crate::TraceStore;
use crate::codec::ValRef;
use crate::intern::KEY_SPAN;
use crate::query::chunks::scan_newest;
use crate::query::traceql::ast::{Attr, Scope, kind_name, status_name};
use crate::store::Inner;

/// The intrinsic tag names Tempo 2.7 lists in `/api/v2/search/tags`.
pub const INTRINSICS: [&str; 20] = [
    "duration",
    "event:name",
    "event:timeSinceStart",
    "instrumentation:name",
    "instrumentation:version",
    "kind",
    "name",
    "rootName",
    "rootServiceName",
    "span:duration",
    "span:kind",
    "span:name",
    "span:status",
    "span:statusMessage",
    "status",
    "statusMessage",
    "trace:duration",
    "trace:rootName",
    "trace:rootService",
    "traceDuration",
];

/// Attribute keys seen on spans, sorted.
pub fn span_keys(inner: &Inner) -> BTreeSet<String> {
    inner.strings.flagged(KEY_SPAN).map(str::to_owned).collect()
}

/// Attribute keys seen on resources, sorted.
pub fn resource_keys(inner: &Inner) -> BTreeSet<String> {
    inner.groups.iter().flat_map(|(_, g)| g.resource.attributes.iter().map(|kv| kv.key.clone())).collect()
}

/// Attribute keys seen on span events, sorted.
pub fn event_keys(inner: &Inner) -> BTreeSet<String> {
    inner.event_keys.keys().cloned().collect()
}

/// A typed tag value (v2 `{"type":..,"value":..}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TypedValue {
    /// `string`, `int`, `float`, `bool` or `keyword`.
    pub kind: &'static str,
    /// The value as text.
    pub value: String,
}

fn typed_otlp(value: Option<&Value>) -> Option<TypedValue> {
    let (kind, value) = match value? {
        Value::StringValue(s) => ("string", s.clone()),
        Value::IntValue(i) => ("int", i.to_string()),
        Value::DoubleValue(f) => ("float", f.to_string()),
        Value::BoolValue(b) => ("bool", b.to_string()),
        _ => return None,
    };
    Some(TypedValue { kind, value })
}

fn typed_span(inner: &Inner, value: ValRef<'_>) -> Option<TypedValue> {
    let (kind, value) = match value {
        ValRef::Str(id) => ("string", inner.strings.text(id).to_owned()),
        ValRef::Int(i) => ("int", i.to_string()),
        ValRef::Float(f) => ("float", f.to_string()),
        ValRef::Bool(b) => ("bool", b.to_string()),
        ValRef::Raw(_) | ValRef::Empty => return None,
    };
    Some(TypedValue { kind, value })
}

/// Distinct values of an attribute or intrinsic, at most `limit`; span values are found by a
/// scan in chunks (see [`scan_newest`]).
pub fn values(
    store: &TraceStore,
    attr: &Attr,
    limit: usize,
    budget: &Budget,
) -> Result<BTreeSet<TypedValue>, LimitError> {
    let mut out = BTreeSet::new();
    let keyword = |s: &str| TypedValue { kind: "keyword", value: s.to_owned() };
    match attr {
        Attr::Status => out.extend((0..=2).map(|c| keyword(status_name(c)))),
        Attr::Kind => out.extend((0..=5).map(|k| keyword(kind_name(k)))),
        Attr::Name | Attr::RootName => {
            let roots_only = attr == &Attr::RootName;
            scan_newest(store, budget, |inner, rec, _| {
                if !roots_only || rec.is_root() {
                    out.insert(TypedValue { kind: "string", value: inner.strings.text(rec.name).to_owned() });
                }
                out.len() < limit
            })?;
        }
        Attr::RootService => store.read(|inner| {
            out.extend(inner.groups.iter().map(|(_, g)| TypedValue { kind: "string", value: g.service.clone() }));
        }),
        Attr::Named { scope, key } => {
            if *scope != Scope::Span {
                store.read(|inner| out.extend(resource_values(inner, key)));
            }
            if *scope != Scope::Resource {
                scan_newest(store, budget, |inner, _, record| {
                    let value = inner.strings.lookup(key).and_then(|id| record.attr(id));
                    if let Some(v) = value.and_then(|v| typed_span(inner, v)) {
                        out.insert(v);
                    }
                    out.len() < limit
                })?;
            }
        }
        Attr::Duration | Attr::TraceDuration | Attr::StatusMessage => {}
    }
    while out.len() > limit {
        out.pop_last();
    }
    Ok(out)
}

/// Values of a resource attribute across the resource groups.
fn resource_values<'a>(inner: &'a Inner, key: &'a str) -> impl Iterator<Item = TypedValue> + 'a {
    inner.groups.iter().flat_map(move |(_, g)| {
        let kv = g.resource.attributes.iter().filter(move |kv| kv.key == key);
        kv.filter_map(|kv| typed_otlp(kv.value.as_ref()?.value.as_ref()))
    })
}
