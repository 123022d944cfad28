//! A bind mount whose source is missing makes Docker create an empty directory in its place, and
//! the service then fails on a confusing "is a directory" error; this check names the file instead.

use serde_json::Value;

use super::finding::Finding;

/// The host side of a short-form volume entry when it is a relative bind mount (`./x:/y[:ro]`).
fn bind_source(spec: &str) -> Option<&str> {
    let source = spec.split(':').next()?;
    (source.starts_with("./") || source.starts_with("../")).then_some(source)
}

/// Findings for bind-mount sources of `compose` (read from `file`) that `exists` says are absent;
/// `exists` gets the source path relative to the compose file's folder.
pub fn check(file: &str, compose: &Value, exists: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let services = compose.get("services").and_then(Value::as_object).into_iter().flatten();
    for (name, body) in services {
        let volumes = body.get("volumes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for (i, spec) in volumes.iter().enumerate() {
            let Some(source) = spec.as_str().and_then(bind_source) else { continue };
            if !exists(source) {
                out.push(Finding::new(
                    file,
                    &format!("services.{name}.volumes[{i}]"),
                    format!("mounts {source}, which does not exist next to the compose file"),
                    format!("restore {source} or correct the path"),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative bind mounts are checked; named volumes are not.
    #[test]
    fn missing_bind_source_is_named() {
        let doc = serde_json::json!({"services": {"tempo": {"volumes": ["./tempo.yaml:/etc/t.yaml:ro", "tempo-data:/var/tempo"]},
                                                  "loki": {"volumes": ["./loki.yaml:/etc/l.yaml:ro"]}}});
        let found = check("c.yml", &doc, &|p| p == "./tempo.yaml");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].to_string(),
            "c.yml: services.loki.volumes[0]: mounts ./loki.yaml, which does not exist next to the compose file; \
             fix: restore ./loki.yaml or correct the path"
        );
        assert_eq!(bind_source("named:/x"), None);
    }
}
