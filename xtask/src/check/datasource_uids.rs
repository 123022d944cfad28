//! Grafana links datasources and dashboard panels by uid; a uid that no datasource defines
//! breaks a link silently in the UI, so this check proves every referenced uid exists.

use obs_stack::datasource_uid;
use serde_json::Value;

use super::files::Ops;
use super::finding::Finding;
use super::layout;

/// A uid referenced at `key` in `file`.
#[derive(Debug, PartialEq)]
struct Reference {
    file: String,
    key: String,
    uid: String,
}

/// Calls `visit` with every `(key path, value)` in `value`, depth first.
fn walk(value: &Value, path: &str, visit: &mut dyn FnMut(&str, &Value)) {
    visit(path, value);
    let join = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| walk(v, &join(k), visit)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| walk(v, &format!("{path}[{i}]"), visit)),
        _ => {}
    }
}

/// Grafana's built-in pseudo datasources and template variables are not provisioned uids.
fn is_concrete(uid: &str) -> bool {
    !(uid.is_empty() || uid.starts_with('$') || uid.starts_with("--") || uid == "grafana")
}

/// `datasourceUid` values anywhere in a datasources file.
fn datasource_refs(file: &str, value: &Value) -> Vec<Reference> {
    let mut out = Vec::new();
    walk(value, "", &mut |key, v| {
        if let (true, Some(uid)) = (key.ends_with(".datasourceUid"), v.as_str()) {
            out.push(Reference { file: file.to_string(), key: key.to_string(), uid: uid.to_string() });
        }
    });
    out
}

/// `datasource.uid` values anywhere in a dashboard.
fn dashboard_refs(file: &str, value: &Value) -> Vec<Reference> {
    let mut out = Vec::new();
    walk(value, "", &mut |key, v| {
        let is_datasource = key == "datasource" || key.ends_with(".datasource");
        if let (true, Some(uid)) = (is_datasource, v.get("uid").and_then(Value::as_str)) {
            out.push(Reference { file: file.to_string(), key: format!("{key}.uid"), uid: uid.to_string() });
        }
    });
    out
}

/// Uids the datasources file defines, with a finding for each datasource lacking one.
fn defined(file: &str, value: &Value, findings: &mut Vec<Finding>) -> Vec<String> {
    let list = value.get("datasources").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut out = Vec::new();
    for (i, ds) in list.iter().enumerate() {
        match ds.get("uid").and_then(Value::as_str) {
            Some(uid) => out.push(uid.to_string()),
            None => findings.push(Finding::new(
                file,
                &format!("datasources[{i}].uid"),
                "the datasource has no fixed uid",
                "set uid (tempo, loki or prometheus, as in obs_stack::datasource_uid)",
            )),
        }
    }
    out
}

/// Every datasource uid problem across the datasource and dashboard provisioning files.
pub fn check(ops: &Ops) -> Vec<Finding> {
    let mut findings = Vec::new();
    let (ds_dir, dash_dir) = (layout::datasources_dir(), layout::dashboards_dir());
    let mut uids = Vec::new();
    let mut refs = Vec::new();
    for (file, value) in ops.in_dir(&ds_dir, &[".yaml", ".yml"]) {
        uids.extend(defined(file, value, &mut findings));
        refs.extend(datasource_refs(file, value));
    }
    for (file, value) in ops.in_dir(&dash_dir, &[".json"]) {
        refs.extend(dashboard_refs(file, value));
    }
    for required in [datasource_uid::TEMPO, datasource_uid::LOKI, datasource_uid::PROMETHEUS] {
        if !uids.iter().any(|u| u == required) {
            let fix = format!("add a datasource with uid: {required} (obs_stack::datasource_uid)");
            findings.push(Finding::new(
                &ds_dir,
                "datasources[].uid",
                format!("no datasource has uid \"{required}\""),
                fix,
            ));
        }
    }
    for r in refs.into_iter().filter(|r| is_concrete(&r.uid) && !uids.contains(&r.uid)) {
        let fix =
            format!("use one of the defined uids ({}) or define a datasource with uid {}", uids.join(", "), r.uid);
        findings.push(Finding::new(&r.file, &r.key, format!("datasource uid \"{}\" is not defined", r.uid), fix));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::files::parse_all;

    const DATASOURCES: &str = "
datasources:
  - {name: Tempo, uid: tempo, jsonData: {tracesToLogsV2: {datasourceUid: loki}, serviceMap: {datasourceUid: prometheus}}}
  - {name: Loki, uid: loki, jsonData: {derivedFields: [{name: t, datasourceUid: tempo}]}}
  - {name: Prometheus, uid: prometheus}
";
    const DASHBOARD: &str = r#"{"panels": [{"datasource": {"uid": "prometheus"},
        "targets": [{"datasource": {"type": "loki", "uid": "loki"}}, {"datasource": {"uid": "${ds}"}}]}]}"#;

    fn ops(datasources: &str, dashboard: &str) -> Ops {
        let files = vec![
            (format!("{}/ds.yaml", layout::datasources_dir()), datasources.to_string()),
            (format!("{}/d.json", layout::dashboards_dir()), dashboard.to_string()),
        ];
        parse_all(files).0
    }

    /// Consistent provisioning passes; template variables are not taken for uids.
    #[test]
    fn consistent_uids_pass() {
        assert_eq!(check(&ops(DATASOURCES, DASHBOARD)), vec![]);
    }

    /// A dashboard panel naming an unknown uid is reported with its key path.
    #[test]
    fn missing_uid_in_dashboard() {
        let found = check(&ops(DATASOURCES, &DASHBOARD.replace("\"loki\"}", "\"elastic\"}")));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].key, "panels[0].targets[0].datasource.uid");
        assert_eq!(found[0].problem, "datasource uid \"elastic\" is not defined");
    }

    /// A datasource link to a missing uid and a required uid that is absent are both reported.
    #[test]
    fn missing_uid_in_datasources() {
        let found = check(&ops(&DATASOURCES.replace("uid: loki,", "uid: logs,"), DASHBOARD));
        let lines: Vec<_> = found.iter().map(ToString::to_string).collect();
        assert!(lines[0].contains("no datasource has uid \"loki\""), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("datasources[0].jsonData.tracesToLogsV2.datasourceUid")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("panels[0].targets[0].datasource.uid")), "{lines:?}");
    }

    /// A datasource without a uid is a finding of its own.
    #[test]
    fn datasource_without_uid() {
        let found = check(&ops("datasources: [{name: X}]", "{}"));
        assert_eq!(found[0].key, "datasources[0].uid");
    }
}
