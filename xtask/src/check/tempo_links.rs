//! Two facts linking Tempo to the rest of the stack that fail silently when wrong: Grafana's
//! exemplar links name the label Tempo's metrics-generator writes (`traceID`, not `trace_id`),
//! and Tempo's `query_frontend.query_end_cutoff` keeps new traces out of search no longer than
//! `obs-smoke` waits (Tempo 3's default of 30 s made the smoke check give up).

use obs_stack::{TEMPO_EXEMPLAR_TRACE_LABEL, TEMPO_MAX_QUERY_END_CUTOFF_SECS};
use serde_json::Value;

use super::files::Ops;
use super::finding::Finding;
use super::layout;

/// Findings for the exemplar label in every datasources file and the cutoff in tempo.yaml.
pub fn check(ops: &Ops) -> Vec<Finding> {
    let mut findings: Vec<Finding> = ops
        .in_dir(&layout::datasources_dir(), &[".yaml", ".yml"])
        .flat_map(|(file, value)| exemplar_labels(file, value))
        .collect();
    let tempo = layout::tempo();
    match ops.require(&tempo) {
        Ok(value) => findings.extend(cutoff(&tempo, value)),
        Err(finding) => findings.push(finding),
    }
    findings
}

fn exemplar_labels(file: &str, value: &Value) -> Vec<Finding> {
    let datasources = value.get("datasources").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (i, ds) in datasources.iter().enumerate() {
        let destinations = ds.pointer("/jsonData/exemplarTraceIdDestinations").and_then(Value::as_array);
        for (j, dest) in destinations.into_iter().flatten().enumerate() {
            let name = dest.get("name").and_then(Value::as_str).unwrap_or("");
            if name != TEMPO_EXEMPLAR_TRACE_LABEL {
                out.push(Finding::new(
                    file,
                    &format!("datasources[{i}].jsonData.exemplarTraceIdDestinations[{j}].name"),
                    format!("is {name:?}, but Tempo's metrics-generator writes exemplars with {TEMPO_EXEMPLAR_TRACE_LABEL:?}, so exemplar links never appear"),
                    format!("set it to {TEMPO_EXEMPLAR_TRACE_LABEL}"),
                ));
            }
        }
    }
    out
}

fn cutoff(file: &str, value: &Value) -> Option<Finding> {
    let key = "query_frontend.query_end_cutoff";
    let fix = format!("set {key} to at most {TEMPO_MAX_QUERY_END_CUTOFF_SECS}s");
    let raw = value.pointer("/query_frontend/query_end_cutoff").and_then(Value::as_str);
    let Some(raw) = raw else {
        return Some(Finding::new(file, key, "is unset: Tempo 3 then hides new traces from search for 30 s", fix));
    };
    match go_seconds(raw) {
        Some(secs) if secs <= TEMPO_MAX_QUERY_END_CUTOFF_SECS as f64 => None,
        Some(_) => Some(Finding::new(file, key, format!("is {raw}, longer than obs-smoke waits for search"), fix)),
        None => Some(Finding::new(file, key, format!("{raw:?} is not a duration such as 5s"), fix)),
    }
}

/// Seconds of a simple Go duration (`5s`, `500ms`, `1m`, `0s`).
fn go_seconds(raw: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = raw.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = raw.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = raw.strip_suffix('m') {
        (n, 60.0)
    } else {
        (raw, f64::NAN)
    };
    number.parse::<f64>().ok().map(|n| n * scale).filter(|s| s.is_finite())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// `trace_id` as the exemplar label is a finding naming `traceID`; `traceID` passes.
    #[test]
    fn exemplar_label_must_be_tempos() {
        let wrong = json!({"datasources": [{"jsonData": {"exemplarTraceIdDestinations": [{"name": "trace_id"}]}}]});
        let findings = exemplar_labels("ds.yaml", &wrong);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].to_string().contains("set it to traceID"), "{}", findings[0]);
        let right = json!({"datasources": [{"jsonData": {"exemplarTraceIdDestinations": [{"name": "traceID"}]}}]});
        assert!(exemplar_labels("ds.yaml", &right).is_empty());
    }

    /// A missing or 30 s cutoff is a finding; 5 s and 500 ms pass.
    #[test]
    fn cutoff_must_fit_the_smoke_deadline() {
        assert!(cutoff("t.yaml", &json!({})).is_some());
        assert!(cutoff("t.yaml", &json!({"query_frontend": {"query_end_cutoff": "30s"}})).is_some());
        assert!(cutoff("t.yaml", &json!({"query_frontend": {"query_end_cutoff": "soon"}})).is_some());
        assert!(cutoff("t.yaml", &json!({"query_frontend": {"query_end_cutoff": "5s"}})).is_none());
        assert!(cutoff("t.yaml", &json!({"query_frontend": {"query_end_cutoff": "500ms"}})).is_none());
    }
}
