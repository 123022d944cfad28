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
//! standard `OTEL_*` variables, and bridges `tracing` spans and events into them. `instrument_lake`
//! wraps any `object_store::ObjectStore` (or a [`LakeClient`]) so every operation is a span with
//! duration and byte metrics.

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
pub use guard::{ExportFailure, ExportReport, ObsGuard};
pub use ids::{TraceIds, trace_ids};
pub use init::{Pipeline, init_otel, pipeline};
pub use lake::{InstrumentedStore, LakeClient, instrument_lake};
pub use settings::{ResolvedConfig, Signal};
pub use telemetry::layers::EXPORT_CRATES;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod testkit;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod unit_tests;
