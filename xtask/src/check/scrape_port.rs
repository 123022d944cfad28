//! Prometheus only sees application metrics if it scrapes the port the collector's prometheus
//! exporter listens on; this check compares the two (and the container port in obs-stack).

use obs_stack::ports::COLLECTOR_METRICS;
use serde_json::Value;

use super::finding::Finding;

/// The port at the end of `host:port`.
fn port_of(endpoint: &str) -> Option<u16> {
    endpoint.rsplit_once(':').and_then(|(_, p)| p.parse().ok())
}

/// `(key, endpoint)` of the collector's prometheus exporter.
fn exporter_endpoint(config: &Value) -> Option<(String, String)> {
    let exporters = config.get("exporters")?.as_object()?;
    exporters.iter().find(|(name, _)| name.split('/').next() == Some("prometheus")).map(|(name, body)| {
        let endpoint = body.get("endpoint").and_then(Value::as_str).unwrap_or_default().to_string();
        (format!("exporters.{name}.endpoint"), endpoint)
    })
}

/// `(key, target)` of every static scrape target on the collector's host.
fn collector_targets(prometheus: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let jobs = prometheus.get("scrape_configs").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for (j, job) in jobs.iter().enumerate() {
        let statics = job.get("static_configs").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for (s, sc) in statics.iter().enumerate() {
            let targets = sc.get("targets").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            for (t, target) in targets.iter().enumerate() {
                let Some(target) = target.as_str() else { continue };
                if target.rsplit_once(':').map(|(h, _)| h) == Some(COLLECTOR_METRICS.compose_service) {
                    out.push((format!("scrape_configs[{j}].static_configs[{s}].targets[{t}]"), target.to_string()));
                }
            }
        }
    }
    out
}

/// Findings when Prometheus (`prom_file`) does not scrape the collector (`collector_file`) exporter port.
pub fn check(collector_file: &str, collector: &Value, prom_file: &str, prometheus: &Value) -> Vec<Finding> {
    let want = COLLECTOR_METRICS.container_port;
    let Some((key, endpoint)) = exporter_endpoint(collector) else {
        let fix = format!("add exporters.prometheus with endpoint: 0.0.0.0:{want}");
        return vec![Finding::new(collector_file, "exporters.prometheus", "no prometheus exporter is defined", fix)];
    };
    let mut out = Vec::new();
    let Some(port) = port_of(&endpoint) else {
        let fix = format!("set it to 0.0.0.0:{want}");
        return vec![Finding::new(collector_file, &key, format!("\"{endpoint}\" has no port"), fix)];
    };
    if port != want {
        let problem = format!("the exporter listens on {port} but the compose file and obs-stack publish {want}");
        out.push(Finding::new(collector_file, &key, problem, format!("set it to 0.0.0.0:{want}")));
    }
    let targets = collector_targets(prometheus);
    if targets.is_empty() {
        let problem = format!("no scrape job targets {}:{port}", COLLECTOR_METRICS.compose_service);
        let fix = format!("add a job with static_configs targets [\"{}:{port}\"]", COLLECTOR_METRICS.compose_service);
        out.push(Finding::new(prom_file, "scrape_configs", problem, fix));
    }
    for (tkey, target) in targets.into_iter().filter(|(_, t)| port_of(t) != Some(port)) {
        let problem = format!("scrapes \"{target}\" but the collector's prometheus exporter ({key}) listens on {port}");
        let fix = format!("scrape {}:{port}", COLLECTOR_METRICS.compose_service);
        out.push(Finding::new(prom_file, &tkey, problem, fix));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("test YAML does not parse: {e}"))
    }

    const COLLECTOR: &str = "exporters: {prometheus: {endpoint: 0.0.0.0:8889}, debug: {}}";
    const PROM: &str = "scrape_configs:\n  - job_name: c\n    static_configs: [{targets: [otel-collector:8889]}]\n  \
                        - job_name: self\n    static_configs: [{targets: [localhost:9090]}]";

    /// Matching ports pass.
    #[test]
    fn matching_ports_pass() {
        assert_eq!(check("c.yaml", &yaml(COLLECTOR), "p.yml", &yaml(PROM)), vec![]);
    }

    /// A scrape target on the wrong port names the target key and the exporter's port.
    #[test]
    fn wrong_scrape_port() {
        let found = check("c.yaml", &yaml(COLLECTOR), "p.yml", &yaml(&PROM.replace("8889", "9999")));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].to_string(),
            "p.yml: scrape_configs[0].static_configs[0].targets[0]: scrapes \"otel-collector:9999\" but the \
             collector's prometheus exporter (exporters.prometheus.endpoint) listens on 8889; fix: scrape \
             otel-collector:8889"
        );
    }

    /// An exporter moved off the published port is reported against the collector file.
    #[test]
    fn exporter_off_the_published_port() {
        let found = check("c.yaml", &yaml(&COLLECTOR.replace("8889", "9464")), "p.yml", &yaml(PROM));
        assert_eq!(found[0].file, "c.yaml");
        assert!(found[0].problem.contains("listens on 9464"), "{found:?}");
        assert_eq!(found[1].file, "p.yml");
    }

    /// No exporter, or no scrape job for the collector, each say what to add.
    #[test]
    fn missing_exporter_or_job() {
        let found = check("c.yaml", &yaml("exporters: {debug: {}}"), "p.yml", &yaml(PROM));
        assert_eq!(found[0].key, "exporters.prometheus");
        let found = check("c.yaml", &yaml(COLLECTOR), "p.yml", &yaml("scrape_configs: []"));
        assert_eq!(found[0].key, "scrape_configs");
    }
}
