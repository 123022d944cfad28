//! The compose file must publish exactly the ports of the obs-stack table, each on
//! `${OBS_BIND:-127.0.0.1}` and moved by its own variable, so `obs-up`, the embedded backend
//! and the README agree on where everything listens.

use obs_stack::{DEFAULT_BIND, PORTS, Port, env::OBS_BIND};
use serde_json::Value;

use super::finding::Finding;

/// The one spelling a published port may have, e.g. `${OBS_BIND:-127.0.0.1}:${OBS_LOKI_PORT:-3100}:3100`.
pub fn expected(port: &Port) -> String {
    format!("${{{OBS_BIND}:-{DEFAULT_BIND}}}:${{{}:-{}}}:{}", port.env, port.default, port.container_port)
}

/// Splits a short-form port entry on the colons that are not inside `${...}`.
fn split_top_level(spec: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0usize, 0usize);
    let bytes = spec.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&spec[start..]);
    parts
}

/// The container port of a short-form entry (`...:3000` or `...:3000/tcp`).
fn container_port(spec: &str) -> Option<u16> {
    split_top_level(spec).last()?.split('/').next()?.parse().ok()
}

/// What is wrong with `spec`, which publishes `port`'s container port.
fn describe(spec: &str, port: &Port) -> String {
    let parts = split_top_level(spec);
    let bind = format!("${{{OBS_BIND}:-{DEFAULT_BIND}}}");
    let host = format!("${{{}:-{}}}", port.env, port.default);
    match parts.as_slice() {
        [b, _, _] if *b != bind => format!("\"{spec}\" does not bind {bind} (the LAN could reach it)"),
        [_, h, _] if *h != host => format!("\"{spec}\" does not publish the host port as {host}"),
        [_, _] | [_] => format!("\"{spec}\" does not bind {bind} (the LAN could reach it)"),
        _ => format!("\"{spec}\" is not spelled as expected"),
    }
}

/// Port entries of a compose service as strings (long-form entries become findings).
fn entries<'a>(file: &str, service: &str, body: &'a Value, out: &mut Vec<Finding>) -> Vec<(String, &'a str)> {
    let list = body.get("ports").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut specs = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let key = format!("services.{service}.ports[{i}]");
        match item.as_str() {
            Some(spec) => specs.push((key, spec)),
            None => out.push(Finding::new(
                file,
                &key,
                "long-form port entry",
                "use the short form \"${OBS_BIND:-127.0.0.1}:${VAR:-port}:port\"",
            )),
        }
    }
    specs
}

/// Every disagreement between the compose file `compose` (read from `file`) and the obs-stack table.
pub fn check(file: &str, compose: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(services) = compose.get("services").and_then(Value::as_object) else {
        return vec![Finding::new(file, "services", "no services are defined", "restore the compose file from git")];
    };
    for (name, body) in services {
        for (key, spec) in entries(file, name, body, &mut out) {
            let row =
                PORTS.iter().find(|p| p.compose_service == name && Some(p.container_port) == container_port(spec));
            match row {
                Some(port) if spec == expected(port) => {}
                Some(port) => {
                    out.push(Finding::new(file, &key, describe(spec, port), format!("write \"{}\"", expected(port))))
                }
                None => out.push(Finding::new(
                    file,
                    &key,
                    format!("\"{spec}\" is not in the port table of crates/obs-stack/src/ports.rs"),
                    "add the port to obs_stack::PORTS (then `cargo xtask obs-check --fix` for the README) or remove it",
                )),
            }
        }
    }
    for port in PORTS.iter().filter(|p| !published(services, p)) {
        let key = format!("services.{}.ports", port.compose_service);
        let problem = format!("{} (container port {}) is not published", port.label, port.container_port);
        out.push(Finding::new(file, &key, problem, format!("add \"{}\"", expected(port))));
    }
    out
}

/// Whether `port`'s service publishes its container port at all.
fn published(services: &serde_json::Map<String, Value>, port: &Port) -> bool {
    let list = services.get(port.compose_service).and_then(|s| s.get("ports")).and_then(Value::as_array);
    list.into_iter().flatten().filter_map(Value::as_str).any(|s| container_port(s) == Some(port.container_port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use obs_stack::ports::{GRAFANA, LOKI};

    /// A compose document publishing every row of the table exactly as expected.
    fn good() -> Value {
        let mut services = serde_json::Map::new();
        for port in PORTS {
            let entry = services.entry(port.compose_service).or_insert_with(|| serde_json::json!({"ports": []}));
            entry["ports"].as_array_mut().into_iter().for_each(|a| a.push(Value::String(expected(&port))));
        }
        serde_json::json!({ "services": services })
    }

    /// The expected spelling uses OBS_BIND with the loopback default and the port's own variable.
    #[test]
    fn expected_spelling() {
        assert_eq!(expected(&GRAFANA), "${OBS_BIND:-127.0.0.1}:${OBS_GRAFANA_PORT:-3000}:3000");
    }

    /// Colons inside `${VAR:-default}` do not split the entry.
    #[test]
    fn splits_outside_interpolation() {
        assert_eq!(split_top_level(&expected(&LOKI)), vec!["${OBS_BIND:-127.0.0.1}", "${OBS_LOKI_PORT:-3100}", "3100"]);
        assert_eq!(container_port("3000:3000/tcp"), Some(3000));
    }

    /// The table's own compose document passes.
    #[test]
    fn table_document_passes() {
        assert_eq!(check("c.yml", &good()), vec![]);
    }

    /// A port published on every interface, a hard-coded host port, a missing and an extra port
    /// are each reported with the exact line to write.
    #[test]
    fn drift_is_reported() {
        let mut doc = good();
        doc["services"]["grafana"]["ports"][0] = "3000:3000".into();
        doc["services"]["loki"]["ports"][0] = "${OBS_BIND:-127.0.0.1}:3100:3100".into();
        doc["services"]["prometheus"]["ports"] = serde_json::json!(["${OBS_BIND:-127.0.0.1}:9091:9091"]);
        let lines: Vec<_> = check("c.yml", &doc).iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 4, "{lines:#?}");
        assert!(
            lines[0]
                .starts_with("c.yml: services.grafana.ports[0]: \"3000:3000\" does not bind ${OBS_BIND:-127.0.0.1}")
        );
        assert!(lines[1].contains("does not publish the host port as ${OBS_LOKI_PORT:-3100}"), "{}", lines[1]);
        assert!(lines[2].contains("is not in the port table"), "{}", lines[2]);
        assert!(lines[3].contains("Prometheus (container port 9090) is not published"), "{}", lines[3]);
        assert!(lines[3].ends_with("fix: add \"${OBS_BIND:-127.0.0.1}:${OBS_PROMETHEUS_PORT:-9090}:9090\""));
    }
}
