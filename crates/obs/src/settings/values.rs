//! Parsers of single `OTEL_*` values. Each returns an error naming the variable, the bad value and
//! the fix; the caller decides whether that is fatal (strict mode) or a warning with a fallback.
//! Enumerated values are case-insensitive, as the specification asks.

use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::config::{Exporter, Protocol};
use crate::env::*;
use crate::settings::problems::Problems;

/// One `OTEL_{TRACES,LOGS,METRICS}_EXPORTER` value (`protocol` is the OTLP protocol in force).
pub(crate) fn exporter(var: &str, value: &str, protocol: Protocol) -> Result<Exporter> {
    let names: Vec<String> =
        value.split(',').map(|n| n.trim().to_ascii_lowercase()).filter(|n| !n.is_empty()).collect();
    let one = |name: &str| -> Result<Exporter> {
        match name {
            "otlp" => Ok(Exporter::Otlp(protocol)),
            "console" => Ok(Exporter::Console),
            "none" => Ok(Exporter::None),
            other => bail!("{var}={other:?} is not supported; use otlp, console or none"),
        }
    };
    match names.as_slice() {
        [] => Ok(Exporter::Otlp(protocol)),
        [name] => one(name),
        _ => bail!("{var}={value:?} names several exporters, but obs sends each signal to one; name one of them"),
    }
}

/// `OTEL_EXPORTER_OTLP_PROTOCOL`.
pub(crate) fn protocol(value: Option<&str>) -> Result<Protocol> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("http/protobuf") => Ok(Protocol::HttpProtobuf),
        Some("grpc") => Ok(Protocol::Grpc),
        Some(other) => bail!("{OTEL_EXPORTER_OTLP_PROTOCOL}={other:?} is not supported; use grpc or http/protobuf"),
    }
}

/// A duration variable in milliseconds.
pub(crate) fn millis(name: &str, value: Option<String>) -> Result<Option<Duration>> {
    value
        .map(|raw| {
            raw.parse::<u64>()
                .map(Duration::from_millis)
                .with_context(|| format!("{name}={raw:?} is not a number of milliseconds (write 5000, not 5s)"))
        })
        .transpose()
}

/// A positive count variable such as a queue size.
pub(crate) fn count(name: &str, value: Option<String>) -> Result<Option<usize>> {
    value
        .map(|raw| match raw.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => bail!("{name}={raw:?} is not a positive whole number"),
        })
        .transpose()
}

/// `k=v,k2=v2` entries of `OTEL_RESOURCE_ATTRIBUTES` (values percent-decoded); a bad entry is an
/// error naming it, and the good entries are kept.
pub(crate) fn resource_attributes(env: Option<&str>) -> (Vec<(String, String)>, Result<()>) {
    let mut attrs = Vec::new();
    let mut bad = Vec::new();
    for entry in env.unwrap_or("").split(',').map(str::trim).filter(|e| !e.is_empty()) {
        match entry.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                attrs.push((key.trim().to_string(), percent_decode(value.trim())))
            }
            _ => bad.push(entry),
        }
    }
    let result = match bad.as_slice() {
        [] => Ok(()),
        [entry, ..] => Err(anyhow::anyhow!(
            "{OTEL_RESOURCE_ATTRIBUTES} entry {entry:?} is not key=value; write it like team=research,region=eu"
        )),
    };
    (attrs, result)
}

fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The local stack's default ports (when its own variables are invalid).
pub(crate) fn default_stack() -> obs_stack::Endpoints {
    obs_stack::Endpoints {
        bind: obs_stack::DEFAULT_BIND.to_string(),
        ports: obs_stack::PORTS.iter().map(|p| (*p, p.default)).collect(),
    }
}

/// `OTEL_RESOURCE_ATTRIBUTES` with the config's attributes winning.
pub(crate) fn with_config_attributes(
    config: &[(String, String)],
    env: Option<&str>,
) -> (Vec<(String, String)>, Result<()>) {
    let (mut attrs, bad) = resource_attributes(env);
    for (key, value) in config {
        attrs.retain(|(k, _)| k != key);
        attrs.push((key.clone(), value.clone()));
    }
    (attrs, bad)
}

/// `RUST_LOG` when it parses as an `EnvFilter`, else the bridged level.
pub(crate) fn console_filter(rust_log: Option<String>, level: tracing::Level, problems: &mut Problems) -> String {
    let fallback = level.as_str().to_ascii_lowercase();
    match rust_log {
        None => fallback,
        Some(raw) => match tracing_subscriber::EnvFilter::try_new(&raw) {
            Ok(_) => raw,
            Err(err) => {
                let shown = fallback.clone();
                problems.or(Err(anyhow::anyhow!("{RUST_LOG}={raw:?} is not a valid filter ({err})")), fallback, &shown)
            }
        },
    }
}
