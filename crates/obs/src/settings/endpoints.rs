//! Per-signal OTLP endpoint URLs with the specification's precedence rules, their checks, and the
//! warning for the commonest silent mistake: the gRPC port (4317) with OTLP/HTTP, or the reverse.

use anyhow::{Result, bail};

use crate::config::Protocol;
use crate::env::OTEL_EXPORTER_OTLP_ENDPOINT;
use crate::settings::Signal;
use crate::settings::problems::Problems;

/// Per-signal URLs: config base, else the signal's variable as is, else the general variable
/// (with `/v1/<signal>` for HTTP), else the local stack's default port. A bad URL is a problem:
/// a URL without a scheme gets `http://`; https (unsupported in this build) turns the signal off.
pub(crate) fn signal_endpoints(
    configured: Option<&str>,
    protocol: Protocol,
    get: &impl Fn(&str) -> Option<String>,
    stack: &obs_stack::Endpoints,
    problems: &mut Problems,
) -> Vec<(Signal, Option<String>)> {
    let default_base = stack.url(stack_port(protocol));
    Signal::ALL
        .into_iter()
        .map(|signal| {
            let url = match (configured, get(signal.endpoint_var())) {
                (Some(base), _) => with_signal_path(base, protocol, signal),
                (None, Some(exact)) => exact,
                (None, None) => match get(OTEL_EXPORTER_OTLP_ENDPOINT) {
                    Some(base) => with_signal_path(&base, protocol, signal),
                    None => with_signal_path(&default_base, protocol, signal),
                },
            };
            let checked = match check_url(&url, signal) {
                Ok(()) => Some(url),
                Err(err) if url.starts_with("https://") => {
                    problems.warn(format!("{err:#}; {} are not exported", signal.name()));
                    None
                }
                Err(err) => {
                    let fixed = format!("http://{}", url.split_once("://").map_or(url.as_str(), |(_, rest)| rest));
                    problems.or(Err(err), (), &fixed);
                    Some(fixed)
                }
            };
            (signal, checked)
        })
        .collect()
}

fn stack_port(protocol: Protocol) -> obs_stack::Port {
    match protocol {
        Protocol::Grpc => obs_stack::ports::OTLP_GRPC,
        Protocol::HttpProtobuf => obs_stack::ports::OTLP_HTTP,
    }
}

fn with_signal_path(base: &str, protocol: Protocol, signal: Signal) -> String {
    match protocol {
        Protocol::Grpc => base.to_string(),
        Protocol::HttpProtobuf => format!("{}/v1/{}", base.trim_end_matches('/'), signal.name()),
    }
}

fn check_url(url: &str, signal: Signal) -> Result<()> {
    match url.split_once("://") {
        Some(("http", rest)) if !rest.is_empty() => Ok(()),
        Some(("https", _)) => bail!(
            "{} endpoint {url:?} uses https, which this build does not support; use the local stack over http",
            signal.name()
        ),
        _ => bail!("{} endpoint {url:?} is not an http:// URL such as http://127.0.0.1:4318", signal.name()),
    }
}

/// `scheme://host:port` of a URL (without its path).
fn base_of(url: &str) -> &str {
    let start = url.find("://").map_or(0, |i| i + 3);
    url[start..].find('/').map_or(url, |end| &url[..start + end])
}

/// The port of an `http://host:port/...` URL.
fn port_of(url: &str) -> Option<u16> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    authority.rsplit_once(':')?.1.parse().ok()
}

/// Warns when an endpoint's port is the other protocol's: the well-known OTLP port (4317 gRPC,
/// 4318 HTTP) or the local stack's (`OBS_OTLP_GRPC_PORT`, `OBS_OTLP_HTTP_PORT`). One warning per
/// URL base, naming the signals that use it and both fixes.
pub(crate) fn warn_port_mismatch(
    endpoints: &[(Signal, Option<String>)],
    protocol: Protocol,
    stack: &obs_stack::Endpoints,
    problems: &mut Problems,
) {
    let (wrong, right, wrong_name, fix) = match protocol {
        Protocol::HttpProtobuf => (
            [4317, stack.port(obs_stack::ports::OTLP_GRPC)],
            stack.port(obs_stack::ports::OTLP_HTTP),
            "OTLP gRPC",
            "or set OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
        ),
        Protocol::Grpc => (
            [4318, stack.port(obs_stack::ports::OTLP_HTTP)],
            stack.port(obs_stack::ports::OTLP_GRPC),
            "OTLP/HTTP",
            "or set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
        ),
    };
    let protocol_name = match protocol {
        Protocol::HttpProtobuf => "http/protobuf",
        Protocol::Grpc => "grpc",
    };
    for url in endpoints.iter().filter_map(|(_, url)| url.as_deref()) {
        let Some(port) = port_of(url).filter(|p| wrong.contains(p)) else { continue };
        let base = base_of(url);
        let users: Vec<&str> =
            endpoints.iter().filter(|(_, u)| u.as_deref().map(base_of) == Some(base)).map(|(s, _)| s.name()).collect();
        problems.warn(format!(
            "{} go to {base}, the {wrong_name} port ({port}), but the protocol is {protocol_name}: those exports \
             will fail or be lost; use port {right} {fix}",
            users.join(", ")
        ));
    }
}
