//! Command line of smoke-sender: flags with the standard OpenTelemetry variables as fallbacks.

use std::time::Duration;

use clap::{Parser, ValueEnum};
use obs::{Exporter, ObsConfig, Protocol};
use obs_stack::env::{OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME};

/// Sends one span, one log record and one counter over OTLP, then prints the trace id.
#[derive(Debug, Parser)]
#[command(version)]
pub struct Cli {
    /// OTLP endpoint (base URL; for HTTP `/v1/<signal>` is appended). Default: $OTEL_EXPORTER_OTLP_ENDPOINT,
    /// the per-signal OTEL_EXPORTER_OTLP_*_ENDPOINT variables, else the local stack's OTLP port.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Wire protocol.
    #[arg(long, env = OTEL_EXPORTER_OTLP_PROTOCOL, value_enum, default_value_t = WireProtocol::Grpc)]
    pub protocol: WireProtocol,
    /// `service.name` of the signals.
    #[arg(long, env = OTEL_SERVICE_NAME, default_value = obs_stack::SMOKE_SERVICE_NAME)]
    pub service_name: String,
    /// Seconds to wait for the export before failing.
    #[arg(long, default_value_t = 5.0, value_parser = positive_seconds)]
    pub timeout: f64,
    /// Print one JSON line `{"trace_id":..,"span_id":..}` instead of a sentence.
    #[arg(long)]
    pub json: bool,
}

/// OTLP transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WireProtocol {
    /// OTLP over gRPC.
    Grpc,
    /// OTLP over HTTP with protobuf bodies (`http/protobuf` is accepted too).
    #[value(alias = "http/protobuf")]
    Http,
}

fn positive_seconds(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs.is_finite() => Ok(secs),
        _ => Err(format!("{raw:?} is not a positive number of seconds")),
    }
}

impl Cli {
    /// The whole budget.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout)
    }

    /// The `obs` configuration: three signals share the budget, so each export gets a third.
    pub fn obs_config(&self) -> ObsConfig {
        let protocol = match self.protocol {
            WireProtocol::Grpc => Protocol::Grpc,
            WireProtocol::Http => Protocol::HttpProtobuf,
        };
        let mut builder = ObsConfig::builder()
            .service_name(&self.service_name)
            .service_version(env!("CARGO_PKG_VERSION"))
            .exporter(Exporter::Otlp(protocol))
            .export_timeout(self.timeout() / 3)
            .shutdown_timeout(self.timeout())
            // A tool with one line of output: its own log record goes to the backend, not stderr.
            .console_logs(false)
            // Misconfiguration must fail the smoke check, not be smoothed over by a fallback.
            .strict(true);
        if let Some(endpoint) = &self.endpoint {
            builder = builder.endpoint(endpoint);
        }
        builder.build()
    }
}
