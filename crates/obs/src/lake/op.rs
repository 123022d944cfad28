//! One lake operation in flight: its span and start time, finished exactly once with an outcome
//! that sets the span status and records the metrics.

use std::time::Instant;

use opentelemetry::Value;
use tracing::Span;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use crate::lake::labels::OpLabels;
use crate::lake::metrics::LakeMetrics;

/// Attribute keys (our `lake.*` namespace plus the semantic conventions' `error.type`).
pub(crate) mod keys {
    pub const OPERATION: &str = "lake.operation.name";
    pub const STORE: &str = "lake.store";
    pub const OUTCOME: &str = "lake.outcome";
    pub const ERROR_TYPE: &str = "error.type";
}

/// Makes a span with every field an operation may fill in later. The store (its type and URL)
/// and the path (or the prefix) are set when the span is made: one call into the subscriber
/// instead of one per field.
macro_rules! lake_span {
    ($name:literal, $store:expr) => {
        $crate::lake::op::lake_span!($name, $store, tracing::field::Empty, tracing::field::Empty)
    };
    ($name:literal, $store:expr, path = $path:expr) => {
        $crate::lake::op::lake_span!($name, $store, $path, tracing::field::Empty)
    };
    ($name:literal, $store:expr, prefix = $prefix:expr) => {
        $crate::lake::op::lake_span!($name, $store, tracing::field::Empty, $prefix)
    };
    ($name:literal, $store:expr, $path:expr, $prefix:expr) => {
        tracing::info_span!(
            $name,
            otel.kind = "client",
            lake.operation.name = &$name[5..],
            lake.store = &*$store.name,
            lake.url = &*$store.url,
            lake.found = tracing::field::Empty,
            lake.path = $path,
            lake.prefix = $prefix,
            lake.destination = tracing::field::Empty,
            lake.bytes = tracing::field::Empty,
            lake.object_count = tracing::field::Empty,
            lake.range_count = tracing::field::Empty,
            lake.object_size = tracing::field::Empty,
            lake.part_count = tracing::field::Empty,
            error.type = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            otel.status_description = tracing::field::Empty,
        )
    };
}
pub(crate) use lake_span;

/// An operation waiting for its outcome.
#[derive(Debug)]
pub(crate) struct Op {
    pub(crate) span: Span,
    started: Instant,
    labels: OpLabels,
    metrics: LakeMetrics,
}

impl Op {
    pub(crate) fn new(span: Span, labels: OpLabels, metrics: LakeMetrics) -> Self {
        Self { span, started: Instant::now(), labels, metrics }
    }

    /// Sets a count attribute known only once the operation ran (object size, bytes, objects).
    /// It goes straight to the OTel span: a `tracing` record of a declared field would run a field
    /// visitor and allocate on every call, and only the OTel layer reads these fields.
    pub(crate) fn set_count(&self, key: &'static str, count: u64) {
        set_count(&self.span, key, count);
    }

    /// Success: records bytes on the span and metrics.
    pub(crate) fn ok(self, bytes: u64) {
        if bytes > 0 {
            self.set_count("lake.bytes", bytes);
        }
        self.metrics.record(self.started.elapsed().as_secs_f64(), bytes, self.labels.ok());
    }

    /// A `head` that found nothing: an existence probe's answer, not a failure. The span says
    /// `lake.found=false` and keeps an unset status; the metrics count it as a success.
    pub(crate) fn absent(self) {
        self.span.record("lake.found", false);
        self.metrics.record(self.started.elapsed().as_secs_f64(), 0, self.labels.ok());
    }

    /// Failure: error status and message on the span, `error.type` on both.
    pub(crate) fn fail(self, err: &object_store::Error, bytes: u64) {
        self.fail_with(error_type(err), &err.to_string(), bytes);
    }

    pub(crate) fn fail_with(self, kind: &'static str, message: &str, bytes: u64) {
        if bytes > 0 {
            self.set_count("lake.bytes", bytes);
        }
        self.span.record("error.type", kind);
        self.span.record("otel.status_code", "ERROR");
        self.span.record("otel.status_description", message);
        self.metrics.record(self.started.elapsed().as_secs_f64(), bytes, &self.labels.error(kind));
    }
}

/// Sets `key` to `count` on the OTel span behind `span` (an integer, as `tracing` records it).
pub(crate) fn set_count(span: &Span, key: &'static str, count: u64) {
    let value = i64::try_from(count).map_or_else(|_| Value::from(count.to_string()), Value::I64);
    span.set_attribute(key, value);
}

/// Low-cardinality name of an `object_store` error for `error.type`.
pub(crate) fn error_type(err: &object_store::Error) -> &'static str {
    use object_store::Error as E;
    match err {
        E::NotFound { .. } => "not_found",
        E::AlreadyExists { .. } => "already_exists",
        E::Precondition { .. } => "precondition",
        E::NotModified { .. } => "not_modified",
        E::NotImplemented { .. } => "not_implemented",
        E::NotSupported { .. } => "not_supported",
        E::InvalidPath { .. } => "invalid_path",
        E::PermissionDenied { .. } => "permission_denied",
        E::Unauthenticated { .. } => "unauthenticated",
        E::Generic { .. } => "generic",
        _ => "other",
    }
}
