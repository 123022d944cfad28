//! Metric attributes of every operation of one store, built once when the store is wrapped, so
//! finishing an operation records its metrics without building or allocating attribute lists.

use std::sync::Arc;

use opentelemetry::KeyValue;

use crate::lake::op::keys;

/// Every operation name the wrapper records.
pub(crate) const OPERATIONS: [&str; 11] = [
    "put",
    "put_multipart",
    "get",
    "get_range",
    "head",
    "get_ranges",
    "delete",
    "list",
    "list_with_delimiter",
    "copy",
    "rename",
];

/// The attributes of one operation on one store.
#[derive(Debug, Clone)]
pub(crate) struct OpLabels {
    /// `[operation, store, outcome=ok]`, shared by every successful call.
    ok: Arc<[KeyValue]>,
}

impl OpLabels {
    fn new(operation: &'static str, store: &Arc<str>) -> Self {
        let ok = [
            KeyValue::new(keys::OPERATION, operation),
            KeyValue::new(keys::STORE, store.clone()),
            KeyValue::new(keys::OUTCOME, "ok"),
        ];
        Self { ok: Arc::new(ok) }
    }

    /// Attributes of a success.
    pub(crate) fn ok(&self) -> &[KeyValue] {
        &self.ok
    }

    /// Attributes of a failure of `kind` (the rare path: built on demand).
    pub(crate) fn error(&self, kind: &'static str) -> Vec<KeyValue> {
        let mut attrs: Vec<KeyValue> = self.ok.iter().filter(|kv| kv.key.as_str() != keys::OUTCOME).cloned().collect();
        attrs.push(KeyValue::new(keys::OUTCOME, "error"));
        attrs.push(KeyValue::new(keys::ERROR_TYPE, kind));
        attrs
    }
}

/// The labels of every operation of one store.
#[derive(Debug, Clone)]
pub(crate) struct StoreLabels {
    by_operation: Arc<[(&'static str, OpLabels)]>,
}

impl StoreLabels {
    pub(crate) fn new(store: &Arc<str>) -> Self {
        Self { by_operation: OPERATIONS.iter().map(|op| (*op, OpLabels::new(op, store))).collect() }
    }

    /// The labels of `operation` (one of [`OPERATIONS`]; any other name gets its own, built now).
    pub(crate) fn of(&self, operation: &'static str, store: &Arc<str>) -> OpLabels {
        match self.by_operation.iter().find(|(name, _)| *name == operation) {
            Some((_, labels)) => labels.clone(),
            None => OpLabels::new(operation, store),
        }
    }
}
