//! What application code asks for: a builder-style [`ObsConfig`]. Anything left unset falls back
//! to the standard `OTEL_*` environment variables when [`crate::init_otel`] resolves it.

use std::time::Duration;

/// Wire protocol of the OTLP exporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// OTLP over gRPC (port 4317 by default).
    Grpc,
    /// OTLP over HTTP with protobuf bodies (port 4318 by default, paths `/v1/<signal>`).
    HttpProtobuf,
}

/// Where telemetry goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exporter {
    /// OTLP to a collector or the local stack.
    Otlp(Protocol),
    /// One readable line per span, log record and metric point on stderr, as they happen.
    Console,
    /// Nothing exported (the console `fmt` layer still prints the application's events).
    None,
}

/// Trace sampling policy (mirrors the values of `OTEL_TRACES_SAMPLER`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SamplerChoice {
    /// Record every trace.
    AlwaysOn,
    /// Record no trace.
    AlwaysOff,
    /// Record this fraction (0.0 to 1.0) of traces, chosen by trace id.
    TraceIdRatio(f64),
    /// Follow the parent's decision; root spans use the inner choice.
    ParentBased(ParentRoot),
}

/// Root-span policy of [`SamplerChoice::ParentBased`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParentRoot {
    /// Roots are always sampled (the OpenTelemetry default).
    AlwaysOn,
    /// Roots are never sampled.
    AlwaysOff,
    /// Roots are sampled at this ratio.
    TraceIdRatio(f64),
}

/// Settings for [`crate::init_otel`]; build it with [`ObsConfig::builder`].
#[derive(Debug, Clone, Default)]
pub struct ObsConfig {
    pub(crate) service_name: Option<String>,
    pub(crate) service_version: Option<String>,
    pub(crate) exporter: Option<Exporter>,
    pub(crate) endpoint: Option<String>,
    pub(crate) export_timeout: Option<Duration>,
    pub(crate) shutdown_timeout: Option<Duration>,
    pub(crate) metric_interval: Option<Duration>,
    pub(crate) sampler: Option<SamplerChoice>,
    pub(crate) resource_attributes: Vec<(String, String)>,
    pub(crate) level: Option<tracing::Level>,
    pub(crate) strict: Option<bool>,
    pub(crate) console_logs: Option<bool>,
    pub(crate) span_queue_size: Option<usize>,
    pub(crate) log_queue_size: Option<usize>,
}

/// Builder of [`ObsConfig`]; every setting is optional except a service name, which may also
/// come from `OTEL_SERVICE_NAME`.
#[derive(Debug, Clone, Default)]
pub struct ObsConfigBuilder {
    config: ObsConfig,
}

impl ObsConfig {
    /// Starts an empty configuration.
    pub fn builder() -> ObsConfigBuilder {
        ObsConfigBuilder::default()
    }
}

impl ObsConfigBuilder {
    /// `service.name` of every signal (else `OTEL_SERVICE_NAME`).
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.config.service_name = Some(name.into());
        self
    }

    /// `service.version` (else the `obs` crate's caller should pass `env!("CARGO_PKG_VERSION")`).
    pub fn service_version(mut self, version: impl Into<String>) -> Self {
        self.config.service_version = Some(version.into());
        self
    }

    /// Exporter of all three signals (else, per signal, `OTEL_TRACES_EXPORTER`, `OTEL_LOGS_EXPORTER`
    /// and `OTEL_METRICS_EXPORTER`: `otlp` (default, with `OTEL_EXPORTER_OTLP_PROTOCOL`, default
    /// `http/protobuf`), `console` or `none`).
    pub fn exporter(mut self, exporter: Exporter) -> Self {
        self.config.exporter = Some(exporter);
        self
    }

    /// OTLP base endpoint such as `http://127.0.0.1:4318` (else `OTEL_EXPORTER_OTLP_*ENDPOINT`).
    /// For HTTP, `/v1/traces`, `/v1/logs` and `/v1/metrics` are appended.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.config.endpoint = Some(endpoint.into());
        self
    }

    /// Budget of one export including retries (else `OTEL_EXPORTER_OTLP_TIMEOUT`, default 10 s).
    pub fn export_timeout(mut self, timeout: Duration) -> Self {
        self.config.export_timeout = Some(timeout);
        self
    }

    /// Total budget of the guard's flush and shutdown (default: export timeout plus one second).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.config.shutdown_timeout = Some(timeout);
        self
    }

    /// How often metrics are pushed (else `OTEL_METRIC_EXPORT_INTERVAL` in ms, default 60 s).
    pub fn metric_interval(mut self, interval: Duration) -> Self {
        self.config.metric_interval = Some(interval);
        self
    }

    /// Trace sampler (else `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`).
    pub fn sampler(mut self, sampler: SamplerChoice) -> Self {
        self.config.sampler = Some(sampler);
        self
    }

    /// An extra resource attribute; it wins over `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn resource_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.config.resource_attributes.push((key.into(), value.into()));
        self
    }

    /// Most verbose `tracing` level bridged to OpenTelemetry (default `INFO`). The console `fmt`
    /// layer follows `RUST_LOG` when it is set, else this level.
    pub fn level(mut self, level: tracing::Level) -> Self {
        self.config.level = Some(level);
        self
    }

    /// Strict mode (else `OBS_STRICT_CONFIG=true`): an invalid `OTEL_*` value, a missing service
    /// name or a port/protocol mismatch makes `init_otel` fail instead of warning and falling back.
    /// Meant for CI.
    pub fn strict(mut self, strict: bool) -> Self {
        self.config.strict = Some(strict);
        self
    }

    /// Whether `tracing` events are also printed on stderr by a `fmt` layer (default: on, with
    /// `RUST_LOG` as its filter). Turn it off when the application composes its own output with
    /// [`crate::init_layer`], or wants nothing on stderr.
    pub fn console_logs(mut self, on: bool) -> Self {
        self.config.console_logs = Some(on);
        self
    }

    /// Spans the batch processor may hold before it drops new ones (else `OTEL_BSP_MAX_QUEUE_SIZE`,
    /// default [`crate::DEFAULT_QUEUE_SIZE`]). Dropped spans are counted in the [`crate::ExportReport`].
    pub fn span_queue_size(mut self, size: usize) -> Self {
        self.config.span_queue_size = Some(size);
        self
    }

    /// Log records the batch processor may hold (else `OTEL_BLRP_MAX_QUEUE_SIZE`, default
    /// [`crate::DEFAULT_QUEUE_SIZE`]).
    pub fn log_queue_size(mut self, size: usize) -> Self {
        self.config.log_queue_size = Some(size);
        self
    }

    /// Finishes the configuration.
    pub fn build(self) -> ObsConfig {
        self.config
    }
}

impl From<ObsConfigBuilder> for ObsConfig {
    fn from(builder: ObsConfigBuilder) -> Self {
        builder.build()
    }
}
