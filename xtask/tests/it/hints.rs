//! The embedded UI's "send telemetry here" hint must match the `obs` library's default protocol
//! (http/protobuf): a user who copies it must not send OTLP/HTTP to the gRPC port.

use anyhow::{Context, Result};

/// The hint's bare `OTEL_EXPORTER_OTLP_ENDPOINT` is the HTTP port; the gRPC port only comes with
/// `OTEL_EXPORTER_OTLP_PROTOCOL=grpc` on the same line.
#[test]
fn ui_endpoint_hint_pairs_ports_with_protocols() -> Result<()> {
    let path = test_support::workspace_root().join("crates/obs-ui/assets/js/home.js");
    let js = std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
    let hints: Vec<&str> = js.lines().filter(|l| l.contains("OTEL_EXPORTER_OTLP_ENDPOINT=")).collect();
    assert_eq!(hints.len(), 2, "{hints:?}");
    for hint in hints {
        let grpc = hint.contains("urls.otlp_grpc");
        assert_eq!(grpc, hint.contains("OTEL_EXPORTER_OTLP_PROTOCOL=grpc"), "{hint}");
        assert!(grpc || hint.contains("OTEL_EXPORTER_OTLP_ENDPOINT=${urls.otlp_http}"), "{hint}");
    }
    Ok(())
}
