//! The lake's two instruments: operation duration and bytes moved, by operation and outcome.
//! Stores wrapped by `instrument_lake` resolve them lazily, at each operation, from the
//! instruments `init_otel` installs: wrapping a store before `init_otel` loses nothing.

use std::sync::OnceLock;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, Meter};

/// Histogram of operation durations in seconds (`lake_operation_duration_seconds` in Prometheus).
pub const METRIC_DURATION: &str = "lake.operation.duration";
/// Counter of bytes read or written (`lake_io_bytes_total` in Prometheus).
pub const METRIC_BYTES: &str = "lake.io";
/// Instrumentation scope of the lake's instruments.
const SCOPE: &str = "obs.lake";

/// The instruments of the process-wide pipeline, set once by `init_otel` (or `init_layer`).
static GLOBAL: OnceLock<Instruments> = OnceLock::new();

#[derive(Debug, Clone)]
struct Instruments {
    duration: Histogram<f64>,
    bytes: Counter<u64>,
}

impl Instruments {
    fn new(meter: &Meter) -> Self {
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
}

/// Instruments shared by every wrapped store: fixed ones on a meter, or the global pipeline's.
#[derive(Debug, Clone)]
pub struct LakeMetrics {
    fixed: Option<Instruments>,
}

impl LakeMetrics {
    /// Instruments on `meter`.
    pub fn new(meter: &Meter) -> Self {
        Self { fixed: Some(Instruments::new(meter)) }
    }

    /// The instruments of the pipeline `init_otel` installs, looked up at each operation (so
    /// the order of `instrument_lake` and `init_otel` does not matter; nothing is recorded
    /// while no pipeline is installed).
    pub fn global() -> Self {
        Self { fixed: None }
    }

    pub(crate) fn record(&self, seconds: f64, bytes: u64, attrs: &[KeyValue]) {
        let Some(instruments) = self.fixed.as_ref().or_else(|| GLOBAL.get()) else { return };
        instruments.duration.record(seconds, attrs);
        if bytes > 0 {
            instruments.bytes.add(bytes, attrs);
        }
    }
}

/// Makes `provider` the home of every [`LakeMetrics::global`] (first call wins: once per process).
pub(crate) fn install_global(provider: &impl opentelemetry::metrics::MeterProvider) {
    let _ = GLOBAL.set(Instruments::new(&provider.meter(SCOPE)));
}
