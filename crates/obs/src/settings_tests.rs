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

fn strict() -> crate::config::ObsConfigBuilder {
    named().strict(true)
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

/// The service name falls back to OTEL_SERVICE_NAME, then to the specification's
/// `unknown_service:<executable>` with a warning saying what to do; strict mode makes it an error.
#[test]
fn service_name_falls_back_and_is_required_when_strict() {
    let resolved = ObsConfig::builder().build().resolve_with(env(&[(OTEL_SERVICE_NAME, "from_env")])).unwrap();
    assert_eq!(resolved.service_name, "from_env");
    assert!(resolved.warnings.is_empty(), "{:?}", resolved.warnings);
    let lenient = ObsConfig::builder().build().resolve_with(env(&[])).unwrap();
    assert!(lenient.service_name.starts_with("unknown_service:"), "{}", lenient.service_name);
    assert_eq!(lenient.warnings.len(), 1, "{:?}", lenient.warnings);
    assert!(
        lenient.warnings[0].contains("OTEL_SERVICE_NAME") && lenient.warnings[0].contains("using unknown_service:")
    );
    let err = ObsConfig::builder().strict(true).build().resolve_with(env(&[])).unwrap_err().to_string();
    assert!(err.contains("OTEL_SERVICE_NAME") && err.contains("service_name") && err.contains("strict"), "{err}");
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
    let err = strict().build().resolve_with(env(&[(OTEL_RESOURCE_ATTRIBUTES, "oops")])).unwrap_err();
    assert!(err.to_string().contains("\"oops\" is not key=value"), "{err}");
}

/// In strict mode, bad protocol, timeout, sampler and endpoint values give errors naming the variable.
#[test]
fn bad_values_name_the_variable_when_strict() {
    let cases = [
        (OTEL_EXPORTER_OTLP_PROTOCOL, "http/json", "use grpc or http/protobuf"),
        (OTEL_EXPORTER_OTLP_TIMEOUT, "soon", "OTEL_EXPORTER_OTLP_TIMEOUT=\"soon\""),
        (OTEL_TRACES_SAMPLER, "sometimes", "OTEL_TRACES_SAMPLER=\"sometimes\""),
        (OTEL_EXPORTER_OTLP_ENDPOINT, "https://x:4318", "uses https"),
        (OTEL_EXPORTER_OTLP_ENDPOINT, "collector:4318", "is not an http:// URL"),
    ];
    for (name, value, expected) in cases {
        let err = strict().build().resolve_with(env(&[(name, value)])).unwrap_err();
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
    let err = strict()
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
    let err = strict().build().resolve_with(env(&[(OTEL_TRACES_EXPORTER, "zipkin")])).unwrap_err();
    assert!(err.to_string().contains("use otlp, console or none"), "{err}");
}

/// Every invalid value the newcomer met is a warning with the fallback used, not a failure:
/// the program keeps its telemetry on the defaults, and each warning names variable and fix.
#[test]
fn invalid_values_warn_and_fall_back() {
    let cases: [(&str, &str, &str); 9] = [
        (OTEL_RESOURCE_ATTRIBUTES, "team", "\"team\" is not key=value"),
        (OTEL_EXPORTER_OTLP_TIMEOUT, "5s", "using 10000 (10 s)"),
        (
            OTEL_TRACES_EXPORTER,
            "stdout",
            "OTEL_TRACES_EXPORTER=\"stdout\" is not supported; use otlp, console or none; using otlp",
        ),
        (OTEL_TRACES_EXPORTER, "otlp,console", "names several exporters"),
        (OTEL_METRIC_EXPORT_INTERVAL, "abc", "using 60000 (60 s)"),
        (OTEL_TRACES_SAMPLER, "bogus", "using parentbased_always_on"),
        (OTEL_EXPORTER_OTLP_PROTOCOL, "http/json", "using http/protobuf"),
        (OTEL_EXPORTER_OTLP_ENDPOINT, "127.0.0.1:23318", "using http://127.0.0.1:23318/v1/traces"),
        (OTEL_BSP_MAX_QUEUE_SIZE, "lots", "OTEL_BSP_MAX_QUEUE_SIZE=\"lots\" is not a positive whole number"),
    ];
    for (name, value, expected) in cases {
        let resolved = named().build().resolve_with(env(&[(name, value)])).unwrap();
        assert!(resolved.warnings.iter().any(|w| w.contains(expected)), "{name}={value}: {:?}", resolved.warnings);
        assert_eq!(resolved.exporter, Exporter::Otlp(Protocol::HttpProtobuf), "{name}={value}");
        assert_eq!(resolved.export_timeout, Duration::from_secs(10));
        assert_eq!(resolved.span_queue_size, DEFAULT_QUEUE_SIZE);
    }
    let upper = named().build().resolve_with(env(&[(OTEL_EXPORTER_OTLP_PROTOCOL, "GRPC")])).unwrap();
    assert_eq!((upper.exporter, upper.warnings.len()), (Exporter::Otlp(Protocol::Grpc), 0), "case-insensitive");
    let env_strict = named().build().resolve_with(env(&[(OBS_STRICT_CONFIG, "true"), (OTEL_TRACES_SAMPLER, "bogus")]));
    assert!(env_strict.unwrap_err().to_string().contains("OTEL_TRACES_SAMPLER=\"bogus\""));
}

/// An https endpoint (unsupported in this build) turns that signal off with a warning instead
/// of sending it somewhere else; the other signals keep their endpoints.
#[test]
fn https_endpoint_turns_its_signal_off() {
    let resolved = named()
        .build()
        .resolve_with(env(&[(OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, "https://collector.example:4318/v1/logs")]))
        .unwrap();
    assert_eq!(resolved.exporter_of(Signal::Logs), Exporter::None);
    assert_eq!(resolved.endpoint(Signal::Logs), "");
    assert_eq!(resolved.endpoint(Signal::Traces), "http://127.0.0.1:4318/v1/traces");
    assert!(resolved.warnings[0].contains("uses https") && resolved.warnings[0].contains("logs are not exported"));
}

/// OTEL_TRACES_EXPORTER, OTEL_LOGS_EXPORTER and OTEL_METRICS_EXPORTER each govern their own
/// signal; an exporter chosen in code covers all three.
#[test]
fn per_signal_exporter_variables() {
    let mixed =
        named().build().resolve_with(env(&[(OTEL_LOGS_EXPORTER, "console"), (OTEL_METRICS_EXPORTER, "none")])).unwrap();
    assert_eq!(mixed.exporter_of(Signal::Traces), Exporter::Otlp(Protocol::HttpProtobuf));
    assert_eq!(mixed.exporter_of(Signal::Logs), Exporter::Console);
    assert_eq!(mixed.exporter_of(Signal::Metrics), Exporter::None);
    assert_eq!(mixed.endpoints.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [Signal::Traces]);
    let coded = named().exporter(Exporter::Console).build().resolve_with(env(&[(OTEL_LOGS_EXPORTER, "none")])).unwrap();
    assert!(Signal::ALL.into_iter().all(|s| coded.exporter_of(s) == Exporter::Console));
}

/// The gRPC port with http/protobuf (or the HTTP port with grpc) is warned about once, naming
/// every signal that goes there and both fixes; the stack's moved ports count too.
#[test]
fn port_protocol_mismatch_warns_once() {
    let http_on_grpc =
        named().build().resolve_with(env(&[(OTEL_EXPORTER_OTLP_ENDPOINT, "http://127.0.0.1:4317")])).unwrap();
    assert_eq!(
        http_on_grpc.warnings,
        ["traces, logs, metrics go to http://127.0.0.1:4317, the OTLP gRPC port (4317), but the protocol is \
          http/protobuf: those exports will fail or be lost; use port 4318 or set OTEL_EXPORTER_OTLP_PROTOCOL=grpc"]
    );
    let grpc_on_http = named()
        .build()
        .resolve_with(env(&[
            (OTEL_EXPORTER_OTLP_PROTOCOL, "grpc"),
            ("OBS_OTLP_HTTP_PORT", "23318"),
            (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, "http://127.0.0.1:23318"),
        ]))
        .unwrap();
    assert_eq!(grpc_on_http.warnings.len(), 1, "{:?}", grpc_on_http.warnings);
    assert!(grpc_on_http.warnings[0].starts_with("traces go to http://127.0.0.1:23318, the OTLP/HTTP port (23318)"));
    let fine = named().build().resolve_with(env(&[(OTEL_EXPORTER_OTLP_ENDPOINT, "http://127.0.0.1:4318")])).unwrap();
    assert!(fine.warnings.is_empty(), "{:?}", fine.warnings);
    let err = strict().build().resolve_with(env(&[(OTEL_EXPORTER_OTLP_ENDPOINT, "http://127.0.0.1:4317")]));
    assert!(err.unwrap_err().to_string().contains("the OTLP gRPC port (4317)"));
}

/// Queue sizes: the builder wins, else OTEL_BSP_MAX_QUEUE_SIZE / OTEL_BLRP_MAX_QUEUE_SIZE, else
/// the backtest-sized default; RUST_LOG becomes the console filter, and a bad one warns.
#[test]
fn queue_sizes_and_console_filter() {
    let from_env = named()
        .build()
        .resolve_with(env(&[
            (OTEL_BSP_MAX_QUEUE_SIZE, "64"),
            (OTEL_BLRP_MAX_QUEUE_SIZE, "16"),
            (RUST_LOG, "my_app=debug"),
        ]))
        .unwrap();
    assert_eq!((from_env.span_queue_size, from_env.log_queue_size), (64, 16));
    assert_eq!(from_env.console_filter, "my_app=debug");
    let coded = named().span_queue_size(8).build().resolve_with(env(&[(OTEL_BSP_MAX_QUEUE_SIZE, "64")])).unwrap();
    assert_eq!((coded.span_queue_size, coded.log_queue_size), (8, DEFAULT_QUEUE_SIZE));
    assert_eq!(coded.console_filter, "info");
    let bad = named().build().resolve_with(env(&[(RUST_LOG, "=[")])).unwrap();
    assert_eq!(bad.console_filter, "info");
    assert!(bad.warnings[0].starts_with("RUST_LOG=\"=[\" is not a valid filter"), "{:?}", bad.warnings);
}
