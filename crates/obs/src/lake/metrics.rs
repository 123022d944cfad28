//! The lake's two instruments: operation duration and bytes moved, by operation and outcome.

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, Meter};

/// Histogram of operation durations in seconds (`lake_operation_duration_seconds` in Prometheus).
pub const METRIC_DURATION: &str = "lake.operation.duration";
/// Counter of bytes read or written (`lake_io_bytes_total` in Prometheus).
pub const METRIC_BYTES: &str = "lake.io";

/// Instruments shared by every wrapped store.
#[derive(Debug, Clone)]
pub struct LakeMetrics {
    duration: Histogram<f64>,
    bytes: Counter<u64>,
}

impl LakeMetrics {
    /// Instruments on `meter`.
    pub fn new(meter: &Meter) -> Self {
        Self {
            duration: meter
                .f64_histogram(METRIC_DURATION)
                .with_unit("s")
                .with_description("Duration of data-lake operations")
                .with_boundaries(vec![0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0])
                .build(),
            bytes: meter
                .u64_counter(METRIC_BYTES)
                .with_unit("By")
                .with_description("Bytes read from or written to the data lake")
                .build(),
        }
    }

    /// Instruments on the global meter provider (a no-op until `init_otel` runs).
    pub fn global() -> Self {
        Self::new(&opentelemetry::global::meter("obs.lake"))
    }

    pub(crate) fn record(&self, seconds: f64, bytes: u64, attrs: &[KeyValue]) {
        self.duration.record(seconds, attrs);
        if bytes > 0 {
            self.bytes.add(bytes, attrs);
        }
    }
}
