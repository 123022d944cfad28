//! Query answers written straight into the response body, in Prometheus' JSON envelope: no
//! `serde_json::Value` tree (a tree costs about 250 bytes per point, the text about 25).

use std::fmt::Write as _;

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use crate::format::api_value;
use crate::query::Value;
use crate::store::{Labels, SeriesData};

/// A JSON answer under way.
#[derive(Default)]
pub struct Body(String);

impl Body {
    /// `{"status":"success","data":` — close it with [`Body::finish`].
    pub fn success() -> Self {
        Self(String::from(r#"{"status":"success","data":"#))
    }

    /// Closes the envelope and makes the response.
    pub fn finish(mut self) -> Response {
        self.0.push('}');
        ([(CONTENT_TYPE, "application/json")], self.0).into_response()
    }

    fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    /// A JSON string.
    pub fn string(&mut self, s: &str) {
        self.0.push('"');
        for c in s.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                '\n' => self.0.push_str("\\n"),
                '\r' => self.0.push_str("\\r"),
                '\t' => self.0.push_str("\\t"),
                c if u32::from(c) < 0x20 => {
                    let _ = write!(self.0, "\\u{:04x}", u32::from(c));
                }
                c => self.0.push(c),
            }
        }
        self.0.push('"');
    }

    /// A unix-ms timestamp as Prometheus writes it: seconds as a JSON number.
    pub fn ts(&mut self, ms: i64) {
        if ms % 1000 == 0 {
            let _ = write!(self.0, "{}", ms / 1000);
        } else {
            let _ = write!(self.0, "{}", ms as f64 / 1000.0);
        }
    }

    /// `[t, "value"]`.
    fn point(&mut self, t: i64, v: f64) {
        self.0.push('[');
        self.ts(t);
        self.0.push_str(",\"");
        self.0.push_str(&api_value(v));
        self.0.push_str("\"]");
    }

    /// Labels as a JSON object.
    pub fn labels(&mut self, labels: &Labels) {
        self.0.push('{');
        for (i, (k, v)) in labels.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            self.string(k);
            self.0.push(':');
            self.string(v);
        }
        self.0.push('}');
    }

    /// A list of JSON strings.
    pub fn raw_list<'a>(&mut self, items: impl Iterator<Item = &'a str>) {
        self.0.push('[');
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            self.string(item);
        }
        self.0.push(']');
    }

    /// A list of label objects (the `series` endpoint).
    pub fn label_list<'a>(&mut self, list: impl Iterator<Item = &'a Labels>) {
        self.0.push('[');
        for (i, labels) in list.enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            self.labels(labels);
        }
        self.0.push(']');
    }

    /// `{"resultType":"matrix","result":[{"metric":{..},"values":[[t,"v"],..]},..]}`.
    pub fn matrix(&mut self, series: &[SeriesData]) {
        self.raw(r#"{"resultType":"matrix","result":"#);
        self.series_list(series);
        self.0.push('}');
    }

    fn series_list(&mut self, series: &[SeriesData]) {
        self.0.push('[');
        for (i, s) in series.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            self.raw(r#"{"metric":"#);
            self.labels(&s.labels);
            self.raw(r#","values":["#);
            for (j, (t, v)) in s.samples.iter().enumerate() {
                if j > 0 {
                    self.0.push(',');
                }
                self.point(*t, *v);
            }
            self.raw("]}");
        }
        self.0.push(']');
    }

    /// An instant query's result at `t` ms.
    pub fn instant(&mut self, value: &Value, t: i64) {
        match value {
            Value::Scalar(v) => {
                self.raw(r#"{"resultType":"scalar","result":"#);
                self.point(t, *v);
            }
            Value::String(s) => {
                self.raw(r#"{"resultType":"string","result":["#);
                self.ts(t);
                self.0.push(',');
                self.string(s);
                self.0.push(']');
            }
            Value::Vector(samples) => {
                self.raw(r#"{"resultType":"vector","result":["#);
                for (i, s) in samples.iter().enumerate() {
                    if i > 0 {
                        self.0.push(',');
                    }
                    self.raw(r#"{"metric":"#);
                    self.labels(&s.labels);
                    self.raw(r#","value":"#);
                    self.point(t, s.value);
                    self.0.push('}');
                }
                self.0.push(']');
            }
            Value::Matrix(series) => {
                self.raw(r#"{"resultType":"matrix","result":"#);
                self.series_list(series);
            }
        }
        self.0.push('}');
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::query::Sample;

    fn text(body: Body) -> String {
        body.0
    }

    /// The writer's output is the JSON Prometheus sends, escapes and fractional times included.
    #[test]
    fn writes_prometheus_json() {
        let labels: Labels = vec![("__name__".into(), "up".into()), ("q".into(), "a\"b\\\n\u{1}".into())];
        let mut body = Body::success();
        let sample = Sample { labels: Arc::new(labels), value: 0.5 };
        body.instant(&Value::Vector(vec![sample]), 1_700_000_000_500);
        let json: serde_json::Value = serde_json::from_str(&format!("{}}}", text(body))).unwrap_or_default();
        let want = serde_json::json!({"status": "success", "data": {"resultType": "vector", "result": [
            {"metric": {"__name__": "up", "q": "a\"b\\\n\u{1}"}, "value": [1_700_000_000.5, "0.5"]}
        ]}});
        assert_eq!(json, want);
    }
}
