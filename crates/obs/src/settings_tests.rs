//! Unit tests of configuration resolution against a fake environment.

use std::collections::HashMap;
use std::time::Duration;

use super::*;
use crate::config::ParentRoot;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |name| map.get(name).cloned()
}

fn named() -> crate::config::ObsConfigBuilder {
    ObsConfig::builder().service_name("svc")
}

/// HTTP appends `/v1/<signal>` to the general variable; per-signal variables are used as is.
#[test]
fn http_endpoint_rules_follow_the_spec() {
    let resolved = named()
        .exporter(Exporter::Otlp(Protocol::HttpProtobuf))
        .build()
        .resolve_with(env(&[
            (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318/"),
            (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, "http://logs:9999/custom"),
        ]))
        .unwrap();
    assert_eq!(resolved.endpoint(Signal::Traces), "http://collector:4318/v1/traces");
    assert_eq!(resolved.endpoint(Signal::Metrics), "http://collector:4318/v1/metrics");
    assert_eq!(resolved.endpoint(Signal::Logs), "http://logs:9999/custom");
}

/// gRPC uses the base endpoint unchanged, and an explicit config endpoint wins over variables.
#[test]
fn grpc_endpoint_is_used_as_is_and_config_wins() {
    let from_env = named()
        .exporter(Exporter::Otlp(Protocol::Grpc))
        .build()
        .resolve_with(env(&[(OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4317")]))
        .unwrap();
    assert_eq!(from_env.endpoint(Signal::Traces), "http://collector:4317");
    let configured = named()
        .exporter(Exporter::Otlp(Protocol::Grpc))
        .endpoint("http://127.0.0.1:5555")
        .build()
        .resolve_with(env(&[(OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, "http://other:1")]))
        .unwrap();
    assert_eq!(configured.endpoint(Signal::Traces), "http://127.0.0.1:5555");
}

/// With nothing set, the protocol is http/protobuf and the endpoint is the local stack's port,
/// which the stack's own port variable moves.
#[test]
fn defaults_point_at_the_local_stack() {
    let resolved = named().build().resolve_with(env(&[("OBS_OTLP_HTTP_PORT", "14318")])).unwrap();
    assert_eq!(resolved.exporter, Exporter::Otlp(Protocol::HttpProtobuf));
    assert_eq!(resolved.endpoint(Signal::Traces), "http://127.0.0.1:14318/v1/traces");
    assert_eq!(resolved.export_timeout, Duration::from_secs(10));
    assert_eq!(resolved.sampler, SamplerChoice::ParentBased(ParentRoot::AlwaysOn));
}

/// The service name falls back to OTEL_SERVICE_NAME, and its absence is an error saying what to do.
#[test]
fn service_name_falls_back_and_is_required() {
    let resolved = ObsConfig::builder().build().resolve_with(env(&[(OTEL_SERVICE_NAME, "from_env")])).unwrap();
    assert_eq!(resolved.service_name, "from_env");
    let err = ObsConfig::builder().build().resolve_with(env(&[])).unwrap_err().to_string();
    assert!(err.contains("OTEL_SERVICE_NAME") && err.contains("service_name"), "{err}");
}

/// OTEL_SDK_DISABLED=true turns every exporter off, even one chosen in code.
#[test]
fn sdk_disabled_means_none() {
    let resolved = named()
        .exporter(Exporter::Otlp(Protocol::Grpc))
        .build()
        .resolve_with(env(&[(OTEL_SDK_DISABLED, "TRUE")]))
        .unwrap();
    assert_eq!(resolved.exporter, Exporter::None);
    assert!(resolved.endpoints.is_empty());
}

/// Resource attributes are parsed and percent-decoded; config entries win; bad entries are named.
#[test]
fn resource_attributes_parse_and_errors() {
    let resolved = named()
        .resource_attribute("team", "research")
        .build()
        .resolve_with(env(&[(OTEL_RESOURCE_ATTRIBUTES, "team=ops, desk=fx%20spot")]))
        .unwrap();
    assert_eq!(
        resolved.resource_attributes,
        vec![("desk".to_string(), "fx spot".to_string()), ("team".to_string(), "research".to_string())]
    );
    let err = named().build().resolve_with(env(&[(OTEL_RESOURCE_ATTRIBUTES, "oops")])).unwrap_err();
    assert!(err.to_string().contains("\"oops\" is not key=value"), "{err}");
}

/// Bad protocol, timeout, sampler and https endpoint values give errors naming the variable.
#[test]
fn bad_values_name_the_variable() {
    let cases = [
        (OTEL_EXPORTER_OTLP_PROTOCOL, "http/json", "use grpc or http/protobuf"),
        (OTEL_EXPORTER_OTLP_TIMEOUT, "soon", "OTEL_EXPORTER_OTLP_TIMEOUT=\"soon\""),
        (OTEL_TRACES_SAMPLER, "sometimes", "OTEL_TRACES_SAMPLER=\"sometimes\""),
        (OTEL_EXPORTER_OTLP_ENDPOINT, "https://x:4318", "uses https"),
        (OTEL_EXPORTER_OTLP_ENDPOINT, "collector:4318", "is not an http:// URL"),
    ];
    for (name, value, expected) in cases {
        let err = named().build().resolve_with(env(&[(name, value)])).unwrap_err();
        assert!(format!("{err:#}").contains(expected), "{name}={value}: {err:#}");
    }
}

/// The sampler variables map to the specification's samplers, with the ratio checked.
#[test]
fn sampler_variables() {
    let ratio = named()
        .build()
        .resolve_with(env(&[(OTEL_TRACES_SAMPLER, "parentbased_traceidratio"), (OTEL_TRACES_SAMPLER_ARG, "0.25")]))
        .unwrap();
    assert_eq!(ratio.sampler, SamplerChoice::ParentBased(ParentRoot::TraceIdRatio(0.25)));
    let off = named().build().resolve_with(env(&[(OTEL_TRACES_SAMPLER, "always_off")])).unwrap();
    assert_eq!(off.sampler, SamplerChoice::AlwaysOff);
    let err = named()
        .build()
        .resolve_with(env(&[(OTEL_TRACES_SAMPLER, "traceidratio"), (OTEL_TRACES_SAMPLER_ARG, "2")]))
        .unwrap_err();
    assert!(err.to_string().contains("outside 0.0 to 1.0"), "{err}");
}

/// The export timeout comes from OTEL_EXPORTER_OTLP_TIMEOUT in milliseconds; shutdown adds a second.
#[test]
fn timeouts_from_env() {
    let resolved = named().build().resolve_with(env(&[(OTEL_EXPORTER_OTLP_TIMEOUT, "2500")])).unwrap();
    assert_eq!(resolved.export_timeout, Duration::from_millis(2500));
    assert_eq!(resolved.shutdown_timeout, Duration::from_millis(3500));
}

/// OTEL_TRACES_EXPORTER picks console or none when the code does not choose; unknown values are named.
#[test]
fn exporter_variable() {
    let console = named().build().resolve_with(env(&[(OTEL_TRACES_EXPORTER, "console")])).unwrap();
    assert_eq!(console.exporter, Exporter::Console);
    let none = named().build().resolve_with(env(&[(OTEL_TRACES_EXPORTER, "none")])).unwrap();
    assert_eq!(none.exporter, Exporter::None);
    let err = named().build().resolve_with(env(&[(OTEL_TRACES_EXPORTER, "zipkin")])).unwrap_err();
    assert!(err.to_string().contains("use otlp, console or none"), "{err}");
}
