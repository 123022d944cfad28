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
