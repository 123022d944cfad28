//! OTLP ingest: gRPC services on :4317 and HTTP on :4318, with the spec's content types,
//! gzip, size limits, error bodies and partial success. OWNER: core helper.
