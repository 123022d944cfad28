//! OTLP over HTTP, shared by :4318 and Loki's `/otlp/v1/logs`: content types (protobuf and
//! JSON), gzip with a bomb guard, the size limit, `google.rpc.Status` error bodies and
//! partial-success answers in the request's own content type. OWNER: core helper.
