//! Every environment variable the stack reads, as a documented constant.

/// Address every published port binds to (default `127.0.0.1`).
pub const OBS_BIND: &str = "OBS_BIND";
/// Which backend `obs-up` starts: `auto`, `docker` or `embedded`.
pub const OBS_BACKEND: &str = "OBS_BACKEND";
/// Standard OpenTelemetry variables honoured by smoke-sender and the `obs` library.
pub const OTEL_EXPORTER_OTLP_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
/// `grpc`, `http/protobuf` or `http/json`.
pub const OTEL_EXPORTER_OTLP_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_PROTOCOL";
/// Service name reported in the `service.name` resource attribute.
pub const OTEL_SERVICE_NAME: &str = "OTEL_SERVICE_NAME";
/// Most spans the embedded trace store holds before evicting the oldest.
pub const OBS_MAX_SPANS: &str = "OBS_MAX_SPANS";
/// Most bytes the embedded trace store holds before evicting the oldest.
pub const OBS_MAX_TRACE_BYTES: &str = "OBS_MAX_TRACE_BYTES";
/// Most log records the embedded log store holds before evicting the oldest.
pub const OBS_MAX_LOG_RECORDS: &str = "OBS_MAX_LOG_RECORDS";
/// Most bytes the embedded log store holds before evicting the oldest.
pub const OBS_MAX_LOG_BYTES: &str = "OBS_MAX_LOG_BYTES";
/// Most metric series the embedded metric store holds before evicting the oldest.
pub const OBS_MAX_SERIES: &str = "OBS_MAX_SERIES";
/// How long the embedded metric store keeps samples, in seconds.
pub const OBS_METRICS_HISTORY: &str = "OBS_METRICS_HISTORY";
/// Largest OTLP request body the embedded backend accepts, in bytes after decompression.
pub const OBS_MAX_REQUEST_BYTES: &str = "OBS_MAX_REQUEST_BYTES";
/// Path of a prebuilt `obs-embedded` binary; when unset, `obs-up` builds it with cargo.
pub const OBS_EMBEDDED_BIN: &str = "OBS_EMBEDDED_BIN";
/// Path of a prebuilt `smoke-sender` binary; when unset, `obs-smoke` runs it with `cargo run`.
pub const SMOKE_SENDER_BIN: &str = "SMOKE_SENDER_BIN";
/// Directory for the embedded backend's pid file, log and state (default `target/obs`).
pub const OBS_STATE_DIR: &str = "OBS_STATE_DIR";
/// Longest a query may run in the embedded backend, in seconds (Prometheus' default 120).
pub const OBS_QUERY_TIMEOUT: &str = "OBS_QUERY_TIMEOUT";
/// Queries the embedded backend evaluates at once; more wait for a slot.
pub const OBS_MAX_CONCURRENT_QUERIES: &str = "OBS_MAX_CONCURRENT_QUERIES";
/// Most samples one PromQL or LogQL query may hold (Prometheus' `query.max-samples`, 50 M).
pub const OBS_QUERY_MAX_SAMPLES: &str = "OBS_QUERY_MAX_SAMPLES";
/// Connections each embedded listener keeps open at once; more get a 503.
pub const OBS_MAX_CONNECTIONS: &str = "OBS_MAX_CONNECTIONS";
/// Request body bytes the embedded backend reads and decodes at once, over all ingest ports.
pub const OBS_MAX_INFLIGHT_BYTES: &str = "OBS_MAX_INFLIGHT_BYTES";
/// Extra `Host` names the embedded backend answers (comma-separated), for a reverse proxy.
pub const OBS_ALLOWED_HOSTS: &str = "OBS_ALLOWED_HOSTS";
/// Browser origins allowed to call the embedded backend's APIs (comma-separated; `*` for any),
/// like the collector's `cors.allowed_origins`.
pub const OBS_ALLOWED_ORIGINS: &str = "OBS_ALLOWED_ORIGINS";
/// Seconds an embedded-backend connection may take to send a request's headers, or idle
/// between requests, before it is closed (default 10).
pub const OBS_IDLE_TIMEOUT: &str = "OBS_IDLE_TIMEOUT";
