//! A Prometheus HTTP API client as the suite's Go client uses it: form-encoded POSTs to
//! `/api/v1/query_range` and `/api/v1/query`, answers parsed into sorted series.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::Value as Json;

/// Longest one query may take (the suite gives 10 s; a debug obs-embedded on a busy machine needs more).
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(60);

/// Largest answer read (the raw-sample probes of `verify` are a few MB).
const MAX_ANSWER_BYTES: u64 = 256 << 20;

/// Label set of a series, `__name__` included when present.
pub type Labels = BTreeMap<String, String>;

/// One series of an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its labels.
    pub labels: Labels,
    /// `(unix ms, value)`.
    pub values: Vec<(i64, f64)>,
}

/// A successful answer, normalised: a matrix, or a vector or scalar as one-point series.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// `matrix`, `vector`, `scalar` or `string`.
    pub result_type: String,
    /// Series sorted by labels.
    pub series: Vec<Series>,
}

/// What a backend answered: an answer or the error text (status and message).
pub type Outcome = std::result::Result<Answer, String>;

/// One backend's query API.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
}

fn secs(ms: i64) -> String {
    if ms % 1000 == 0 { (ms / 1000).to_string() } else { format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000)) }
}

impl Client {
    /// A client of the API at `base` (`http://host:port`, without `/api/v1`).
    pub fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(QUERY_TIMEOUT))
            .http_status_as_error(false)
            .build()
            .new_agent();
        Self { base: base.trim_end_matches('/').to_string(), agent }
    }

    /// A range query; transport failures are errors, answers with an error status are `Err` outcomes.
    pub fn range(&self, query: &str, start_ms: i64, end_ms: i64, step_ms: i64) -> Result<Outcome> {
        let (start, end, step) = (secs(start_ms), secs(end_ms), secs(step_ms));
        self.post("query_range", &[("query", query), ("start", &start), ("end", &end), ("step", &step)])
    }

    /// An instant query at `time_ms`.
    pub fn instant(&self, query: &str, time_ms: i64) -> Result<Outcome> {
        let time = secs(time_ms);
        self.post("query", &[("query", query), ("time", &time)])
    }

    fn post(&self, endpoint: &str, form: &[(&str, &str)]) -> Result<Outcome> {
        let url = format!("{}/api/v1/{endpoint}", self.base);
        let mut resp =
            self.agent.post(&url).send_form(form.iter().copied()).with_context(|| format!("POST {url} {form:?}"))?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_string()
            .with_context(|| format!("read the answer of {url}"))?;
        Ok(parse(status, &body))
    }
}

/// Parses an API answer the way client_golang does: non-success envelopes are errors.
pub fn parse(status: u16, body: &str) -> Outcome {
    let json: Json = serde_json::from_str(body).map_err(|_| format!("{status}: {}", body.trim()))?;
    if json["status"] != "success" || !(200..300).contains(&status) {
        let error = json["error"].as_str().unwrap_or(body.trim());
        return Err(format!("{status} {}: {error}", json["errorType"].as_str().unwrap_or("")));
    }
    let data = &json["data"];
    let result_type = data["resultType"].as_str().unwrap_or("").to_string();
    let result = &data["result"];
    let mut series = match result_type.as_str() {
        "matrix" => {
            result.as_array().into_iter().flatten().map(|s| series(s, &s["values"])).collect::<Result<_, _>>()?
        }
        "vector" => result
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| series(s, &Json::Array(vec![s["value"].clone()])))
            .collect::<Result<_, _>>()?,
        "scalar" => vec![Series { labels: Labels::new(), values: vec![point(result)?] }],
        other => return Err(format!("{status}: unexpected resultType {other:?}")),
    };
    series.sort_by(|a: &Series, b: &Series| a.labels.cmp(&b.labels));
    Ok(Answer { result_type, series })
}

fn series(item: &Json, values: &Json) -> Result<Series, String> {
    let labels = item["metric"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default();
    let values = values.as_array().into_iter().flatten().map(point).collect::<Result<_, _>>()?;
    Ok(Series { labels, values })
}

fn point(pair: &Json) -> Result<(i64, f64), String> {
    let t = pair[0].as_f64().ok_or_else(|| format!("bad sample {pair}"))?;
    let v = pair[1].as_str().ok_or_else(|| format!("bad sample {pair}"))?;
    Ok(((t * 1000.0).round() as i64, value(v).ok_or_else(|| format!("bad value {v:?}"))?))
}

/// A sample value string (`"1.5"`, `"NaN"`, `"+Inf"`, `"-Inf"`).
pub fn value(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A matrix answer becomes series sorted by labels with ms timestamps and float values.
    #[test]
    fn parses_and_sorts_a_matrix() {
        let body = r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"a":"2"},"values":[[1.5,"+Inf"]]},{"metric":{"a":"1"},"values":[[2,"NaN"],[3,"0.25"]]}]}}"#;
        let a = parse(200, body).unwrap();
        assert_eq!(a.series[0].labels["a"], "1");
        assert_eq!(a.series[0].values[1], (3000, 0.25));
        assert!(a.series[0].values[0].1.is_nan());
        assert_eq!(a.series[1].values, vec![(1500, f64::INFINITY)]);
    }

    /// An error envelope becomes an error naming the status, type and message.
    #[test]
    fn error_envelope_is_an_error() {
        let body = r#"{"status":"error","errorType":"bad_data","error":"1:3: parse error: unexpected end of input"}"#;
        assert_eq!(parse(400, body).unwrap_err(), "400 bad_data: 1:3: parse error: unexpected end of input");
    }
}
