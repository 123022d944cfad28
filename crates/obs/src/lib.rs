//! Telemetry for Peak_Trade application code, in two calls:
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let _guard = obs::init_otel(obs::ObsConfig::builder().service_name("peak_trade_backtest"))?;
//! let lake = obs::instrument_lake(obs::LakeClient::open("memory://")?);
//! lake.write("bars/BTC.csv", "ts,close\n").await?;
//! # Ok(()) }
//! ```
//!
//! `init_otel` starts traces, logs and metrics (OTLP gRPC or HTTP, console, or off), honours the
//! standard `OTEL_*` variables, bridges `tracing` spans and events into them, and keeps printing
//! the application's events on stderr (`RUST_LOG`). `instrument_lake` wraps any
//! `object_store::ObjectStore` (or a [`LakeClient`]) so every operation is a span with duration
//! and byte metrics.
//!
//! Application metrics use the re-exported [`opentelemetry`] (no version to guess):
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! let _guard = obs::init_otel(obs::ObsConfig::builder().service_name("backtest"))?;
//! let orders = obs::meter("backtest").u64_counter("backtest.orders").build();
//! orders.add(1, &[obs::KeyValue::new("side", "buy")]);
//! # Ok(()) }
//! ```

pub mod config;
pub mod env;
mod guard;
mod ids;
mod init;
pub mod lake;
mod resource;
mod sampler;
mod settings;
mod telemetry;

pub use config::{Exporter, ObsConfig, ObsConfigBuilder, ParentRoot, Protocol, SamplerChoice};
pub use guard::{ExportFailure, ExportReport, ObsGuard, SignalFailure};
pub use ids::{TraceIds, trace_ids};
pub use init::{Pipeline, init_layer, init_otel, pipeline};
pub use lake::{InstrumentedStore, LakeClient, instrument_lake};
pub use resource::PER_PROCESS;
pub use settings::{DEFAULT_QUEUE_SIZE, ResolvedConfig, Signal};
pub use telemetry::layers::EXPORT_CRATES;

/// The OpenTelemetry API this crate is built on, for application metrics and attributes.
pub use opentelemetry;
/// An attribute key and value (`obs::KeyValue::new("side", "buy")`).
pub use opentelemetry::KeyValue;
/// `tracing-subscriber`, to compose the layer of [`init_layer`] with the application's own.
pub use tracing_subscriber;

/// A meter of the global pipeline [`init_otel`] installed (no-op before it runs, or when metrics are off).
pub fn meter(name: &'static str) -> opentelemetry::metrics::Meter {
    opentelemetry::global::meter(name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod testkit;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod unit_tests;
