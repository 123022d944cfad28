//! The `Resource` of the signals: service name and version, the user's attributes, and the host
//! and process this program runs as. Metrics get it without the attributes that change on every
//! run: backends turn resource attributes into labels, and a new `process.pid` label per run of a
//! short backtest would start new series each time.

use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;

use crate::settings::ResolvedConfig;
use crate::telemetry::providers::Resources;

/// Resource attributes that differ on every run of the same program.
pub const PER_PROCESS: [&str; 3] = ["process.pid", "process.executable.path", "process.command_line"];

/// Builds both resources; explicit attributes win over detected ones.
pub(crate) fn build_resources(settings: &ResolvedConfig) -> Resources {
    let full = build_resource(settings);
    let stable = full.iter().filter(|(key, _)| !PER_PROCESS.contains(&key.as_str()));
    let attrs: Vec<KeyValue> = stable.map(|(k, v)| KeyValue::new(k.clone(), v.clone())).collect();
    let metrics = Resource::builder_empty().with_attributes(attrs).build();
    Resources { full, metrics }
}

/// Builds the full resource.
fn build_resource(settings: &ResolvedConfig) -> Resource {
    let mut attrs = detected_attributes();
    if let Some(version) = &settings.service_version {
        attrs.push(KeyValue::new("service.version", version.clone()));
    }
    for (key, value) in &settings.resource_attributes {
        attrs.retain(|kv| kv.key.as_str() != key);
        attrs.push(KeyValue::new(key.clone(), value.clone()));
    }
    attrs.push(KeyValue::new("telemetry.sdk.name", "opentelemetry"));
    attrs.push(KeyValue::new("telemetry.sdk.language", "rust"));
    Resource::builder_empty().with_attributes(attrs).with_service_name(settings.service_name.clone()).build()
}

/// `host.*`, `os.type` and `process.*` attributes that need no extra crate.
fn detected_attributes() -> Vec<KeyValue> {
    let mut attrs = vec![
        KeyValue::new("host.arch", std::env::consts::ARCH),
        KeyValue::new("os.type", std::env::consts::OS),
        KeyValue::new("process.pid", i64::from(std::process::id())),
        KeyValue::new("process.runtime.name", "rust"),
    ];
    if let Some(host) = host_name() {
        attrs.push(KeyValue::new("host.name", host));
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(name) = exe.file_name().and_then(|n| n.to_str()) {
            attrs.push(KeyValue::new("process.executable.name", name.to_string()));
        }
        attrs.push(KeyValue::new("process.executable.path", exe.display().to_string()));
    }
    attrs
}

fn host_name() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}
