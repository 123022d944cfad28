//! Property tests of the OTLP/HTTP decoders: arbitrary bytes in every content type and
//! encoding never panic, and any error is a 400/413/415 naming the problem.
#![allow(clippy::unwrap_used)]

use axum::http::{HeaderMap, HeaderValue, header};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use proptest::prelude::*;

use super::{Format, HttpError, decode, inflate};

const LIMIT: usize = 64 * 1024;

fn headers(encoding: &'static str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    h
}

fn bounded(err: &HttpError) -> bool {
    matches!(err, HttpError::BadRequest(m) | HttpError::PayloadTooLarge(m) if !m.is_empty())
}

/// Deeply nested JSON (arrays and `kvlistValue` objects) of a given depth.
fn nested_json(depth: usize) -> String {
    let inner = "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":".repeat(depth);
    format!(
        "{{\"resourceSpans\":[{{\"resource\":{{\"attributes\":[{{\"key\":\"a\",\"value\":{inner}{{}}{}}}]}}}}]}}",
        "}]}}".repeat(depth)
    )
}

/// 256 cases in a normal test run; `PROPTEST_CASES` (set by `cargo xtask fuzz`) for long runs.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Arbitrary bytes as protobuf or JSON of each signal: a request or a 400, never a panic.
    #[test]
    fn prop_decode_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..2048), json in any::<bool>()) {
        let format = if json { Format::Json } else { Format::Protobuf };
        for result in [
            decode::<ExportTraceServiceRequest>(format, &body).err(),
            decode::<ExportLogsServiceRequest>(format, &body).err(),
            decode::<ExportMetricsServiceRequest>(format, &body).err(),
        ] {
            prop_assert!(result.as_ref().is_none_or(bounded), "{result:?}");
        }
    }

    /// Arbitrary bytes claimed to be gzip or deflate: inflated within the limit or refused.
    #[test]
    fn prop_inflate_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..2048), gzip in any::<bool>()) {
        let encoding = if gzip { "gzip" } else { "deflate" };
        match inflate(&headers(encoding), bytes::Bytes::from(body), LIMIT) {
            Ok(out) => prop_assert!(out.len() <= LIMIT),
            Err(err) => prop_assert!(bounded(&err), "{err:?}"),
        }
    }

    /// JSON nested far deeper than any real request is refused with a 400, not a stack overflow.
    #[test]
    fn prop_deep_json_is_refused(depth in 1usize..2_000) {
        let body = nested_json(depth);
        let result = decode::<ExportTraceServiceRequest>(Format::Json, body.as_bytes());
        prop_assert!(result.as_ref().err().is_none_or(bounded));
    }

    /// Query text of any shape gets a verdict from the lexical bound without panicking, and
    /// an accepted text is within every limit.
    #[test]
    fn prop_scan_is_total(text in "[-+*/^(){}\\[\\]a-z0-9\"'` =!~<>|&]{0,4000}") {
        let limits = crate::query::QueryLimits::default();
        if let Ok(shape) = crate::query::scan::check(&text, &limits) {
            prop_assert!(shape.depth <= limits.max_depth && shape.operators <= limits.max_terms);
        }
    }
}
