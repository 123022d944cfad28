//! The collector only starts when every pipeline names receivers, processors, exporters and
//! extensions it defines; this check finds a dangling name (or a removed exporter type) offline.

use serde_json::Value;

use super::finding::Finding;

/// Component sections a pipeline refers to, with the singular used in messages.
const SECTIONS: [(&str, &str); 3] = [("receivers", "receiver"), ("processors", "processor"), ("exporters", "exporter")];

/// Names defined at the top level of `section` (`exporters`, ...).
fn defined(config: &Value, section: &str) -> Vec<String> {
    config.get(section).and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

/// The strings of a YAML list (non-strings are reported by `list_findings`).
fn names(list: Option<&Value>) -> Vec<&Value> {
    list.and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default()
}

/// Findings for one reference list (`service.pipelines.traces.exporters`, `service.extensions`).
fn list_findings(
    file: &str,
    key: &str,
    list: Option<&Value>,
    section: &str,
    singular: &str,
    config: &Value,
) -> Vec<Finding> {
    let known = defined(config, section);
    let mut out = Vec::new();
    for item in names(list) {
        let Some(name) = item.as_str() else {
            out.push(Finding::new(file, key, format!("{item} is not a component name"), "list names as strings"));
            continue;
        };
        if !known.iter().any(|k| k == name) {
            let have = if known.is_empty() { "none".to_string() } else { known.join(", ") };
            out.push(Finding::new(
                file,
                key,
                format!("{singular} \"{name}\" is not defined under {section} (defined: {have})"),
                format!("define {section}.{name} or remove \"{name}\" from {key}"),
            ));
        }
    }
    out
}

/// Exporter types that no longer exist or are deprecated aliases in collector 0.159.
fn exporter_type_findings(file: &str, config: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    for name in defined(config, "exporters") {
        let ty = name.split('/').next().unwrap_or(&name);
        let key = format!("exporters.{name}");
        let (problem, fix) = match ty {
            "loki" => (
                "the loki exporter was removed from the contrib distribution in v0.131.0",
                "send logs with otlp_http to Loki's native endpoint http://loki:3100/otlp",
            ),
            "otlp" => ("\"otlp\" is a deprecated alias since v0.144.0", "rename the exporter type to otlp_grpc"),
            "otlphttp" => {
                ("\"otlphttp\" is a deprecated alias since v0.144.0", "rename the exporter type to otlp_http")
            }
            "logging" => ("the logging exporter was removed", "use the debug exporter"),
            _ => continue,
        };
        out.push(Finding::new(file, &key, problem, fix));
    }
    out
}

/// Every dangling reference in the collector config `config` read from `file`.
pub fn check(file: &str, config: &Value) -> Vec<Finding> {
    let mut out = exporter_type_findings(file, config);
    let service = config.get("service");
    let ext = service.and_then(|s| s.get("extensions"));
    out.extend(list_findings(file, "service.extensions", ext, "extensions", "extension", config));
    let Some(pipelines) = service.and_then(|s| s.get("pipelines")).and_then(Value::as_object) else {
        out.push(Finding::new(
            file,
            "service.pipelines",
            "no pipelines are defined",
            "add traces, logs and metrics pipelines",
        ));
        return out;
    };
    for (pipeline, body) in pipelines {
        for (section, singular) in SECTIONS {
            let key = format!("service.pipelines.{pipeline}.{section}");
            let list = body.get(section);
            if section != "processors" && names(list).is_empty() {
                let fix = format!("list at least one {singular} defined under {section}");
                out.push(Finding::new(file, &key, format!("the pipeline has no {section}"), fix));
            }
            out.extend(list_findings(file, &key, list, section, singular, config));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("test YAML does not parse: {e}"))
    }

    const GOOD: &str = "
receivers: {otlp: {}}
processors: {batch: {}}
exporters: {otlp_grpc/tempo: {}, debug: {}}
extensions: {health_check: {}}
service:
  extensions: [health_check]
  pipelines:
    traces: {receivers: [otlp], processors: [batch], exporters: [otlp_grpc/tempo]}
";

    /// A config whose every reference is defined has no findings.
    #[test]
    fn consistent_config_passes() {
        assert_eq!(check("c.yaml", &yaml(GOOD)), vec![]);
    }

    /// An exporter used in a pipeline but not defined is named with the defined ones and the fix.
    #[test]
    fn undefined_exporter_is_named() {
        let bad = GOOD.replace("exporters: [otlp_grpc/tempo]", "exporters: [otlp_grpc/tempo, otlp_http/loki]");
        let found = check("c.yaml", &yaml(&bad));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].to_string(),
            "c.yaml: service.pipelines.traces.exporters: exporter \"otlp_http/loki\" is not defined under exporters \
             (defined: debug, otlp_grpc/tempo); fix: define exporters.otlp_http/loki or remove \"otlp_http/loki\" \
             from service.pipelines.traces.exporters"
        );
    }

    /// Undefined extensions and receivers, and a pipeline without exporters, are each reported.
    #[test]
    fn extensions_receivers_and_empty_lists() {
        let bad = GOOD
            .replace("extensions: [health_check]", "extensions: [health_check, pprof]")
            .replace("receivers: [otlp]", "receivers: [jaeger]")
            .replace("exporters: [otlp_grpc/tempo]", "exporters: []");
        let keys: Vec<_> = check("c.yaml", &yaml(&bad)).into_iter().map(|f| f.key).collect();
        assert_eq!(
            keys,
            vec!["service.extensions", "service.pipelines.traces.receivers", "service.pipelines.traces.exporters"]
        );
    }

    /// The removed loki exporter and the deprecated otlp alias are flagged with their replacements.
    #[test]
    fn removed_and_deprecated_exporter_types() {
        let bad = "exporters: {loki: {}, otlp/tempo: {}}\nservice: {pipelines: {}}";
        let found = check("c.yaml", &yaml(bad));
        assert!(found[0].to_string().contains("removed from the contrib distribution in v0.131.0"), "{found:?}");
        assert!(found[1].fix.contains("otlp_grpc"), "{found:?}");
    }

    /// A config without pipelines says so.
    #[test]
    fn missing_pipelines() {
        let found = check("c.yaml", &yaml("receivers: {}"));
        assert_eq!(found[0].key, "service.pipelines");
    }
}
