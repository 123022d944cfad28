//! The standard OpenTelemetry environment variables the library honours, each a documented
//! constant (the three the whole stack shares come from `obs-stack`).

pub use obs_stack::env::{OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME};

/// Endpoint for traces only, used exactly as given.
pub const OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
/// Endpoint for logs only, used exactly as given.
pub const OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT";
/// Endpoint for metrics only, used exactly as given.
pub const OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
/// Export timeout in milliseconds (default 10000).
pub const OTEL_EXPORTER_OTLP_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_TIMEOUT";
/// `k=v,k2=v2` resource attributes (values percent-encoded).
pub const OTEL_RESOURCE_ATTRIBUTES: &str = "OTEL_RESOURCE_ATTRIBUTES";
/// `true` turns every signal off.
pub const OTEL_SDK_DISABLED: &str = "OTEL_SDK_DISABLED";
/// `always_on`, `always_off`, `traceidratio`, `parentbased_always_on` (default),
/// `parentbased_always_off`, `parentbased_traceidratio`.
pub const OTEL_TRACES_SAMPLER: &str = "OTEL_TRACES_SAMPLER";
/// Ratio (0.0 to 1.0) for the ratio samplers (default 1.0).
pub const OTEL_TRACES_SAMPLER_ARG: &str = "OTEL_TRACES_SAMPLER_ARG";
/// Interval between metric pushes in milliseconds (default 60000).
pub const OTEL_METRIC_EXPORT_INTERVAL: &str = "OTEL_METRIC_EXPORT_INTERVAL";
/// `otlp` (default), `console` or `none`: the traces exporter when the code does not choose one.
pub const OTEL_TRACES_EXPORTER: &str = "OTEL_TRACES_EXPORTER";
/// `otlp` (default), `console` or `none`: the logs exporter when the code does not choose one.
pub const OTEL_LOGS_EXPORTER: &str = "OTEL_LOGS_EXPORTER";
/// `otlp` (default), `console` or `none`: the metrics exporter when the code does not choose one.
pub const OTEL_METRICS_EXPORTER: &str = "OTEL_METRICS_EXPORTER";
/// Spans the batch span processor holds before dropping (default [`crate::DEFAULT_QUEUE_SIZE`]).
pub const OTEL_BSP_MAX_QUEUE_SIZE: &str = "OTEL_BSP_MAX_QUEUE_SIZE";
/// Log records the batch log processor holds before dropping (default [`crate::DEFAULT_QUEUE_SIZE`]).
pub const OTEL_BLRP_MAX_QUEUE_SIZE: &str = "OTEL_BLRP_MAX_QUEUE_SIZE";
/// The console `fmt` layer's filter (`info`, `my_app=debug,warn`, ...).
pub const RUST_LOG: &str = "RUST_LOG";
/// `true`: invalid `OTEL_*` values make `init_otel` fail instead of warning (for CI).
pub const OBS_STRICT_CONFIG: &str = "OBS_STRICT_CONFIG";
