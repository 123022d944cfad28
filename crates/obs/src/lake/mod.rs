//! `instrument_lake`: makes data-lake access visible. The lake is object storage behind the
//! `object_store` crate's `ObjectStore` trait; the wrapper is itself an `ObjectStore`.

mod client;
mod labels;
mod metrics;
mod op;
mod store;
mod stream;
mod upload;

pub use client::LakeClient;
pub(crate) use metrics::install_global;
pub use metrics::{LakeMetrics, METRIC_BYTES, METRIC_DURATION};
pub use store::InstrumentedStore;

/// Something `instrument_lake` can wrap: any `ObjectStore`, or a [`LakeClient`] (not named
/// `Instrument`, which `tracing` already uses).
pub trait Instrumentable {
    /// What the wrapping returns.
    type Instrumented;
    /// Wraps `self`, recording metrics with `metrics`.
    fn instrument(self, metrics: LakeMetrics) -> Self::Instrumented;
}

impl<S: object_store::ObjectStore> Instrumentable for S {
    type Instrumented = InstrumentedStore<S>;
    fn instrument(self, metrics: LakeMetrics) -> InstrumentedStore<S> {
        InstrumentedStore::new(self, metrics)
    }
}

impl Instrumentable for LakeClient {
    type Instrumented = LakeClient;
    fn instrument(self, metrics: LakeMetrics) -> LakeClient {
        self.instrumented(metrics)
    }
}

/// Wraps a store (or a [`LakeClient`]) so every operation emits a span and metrics through the
/// global providers that [`crate::init_otel`] installed.
pub fn instrument_lake<L: Instrumentable>(lake: L) -> L::Instrumented {
    lake.instrument(LakeMetrics::global())
}
