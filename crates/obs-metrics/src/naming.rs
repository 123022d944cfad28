//! OTLP names to Prometheus names, as the OpenTelemetry Collector's `prometheus` exporter
//! translates them by default (`UnderscoreEscapingWithSuffixes`): invalid characters split the
//! name into `_`-joined tokens, the unit becomes a suffix, monotonic sums get `_total`, gauges
//! with unit `1` get `_ratio`, and attribute keys are sanitised into label names.

use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};

use crate::format::go_g;

/// What kind of OTLP metric a name is built for (the suffix rules depend on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A gauge (gets `_ratio` for unit `1`).
    Gauge,
    /// A monotonic sum (gets `_total`).
    Counter,
    /// A non-monotonic sum, a histogram or a summary.
    Other,
}

/// The Prometheus metric name for an OTLP metric name, unit and shape.
pub fn metric_name(name: &str, unit: &str, shape: Shape) -> String {
    let mut tokens: Vec<String> =
        name.split(|c: char| !is_name_char(c) || c == '_').filter(|t| !t.is_empty()).map(String::from).collect();
    let (main, per) = match unit.split_once('/') {
        Some((main, per)) => (main.trim(), Some(per.trim())),
        None => (unit.trim(), None),
    };
    let mut main_prom = unit_word(main, main_unit).filter(|u| !tokens.contains(u));
    let per_prom = per.and_then(|p| unit_word(p, per_unit)).map(|p| format!("per_{p}")).filter(|p| !tokens.contains(p));
    if per_prom.is_some() {
        main_prom = main_prom.map(|m| m.trim_end_matches('_').to_string());
    }
    tokens.extend(main_prom.filter(|m| !m.is_empty()));
    tokens.extend(per_prom);
    if shape == Shape::Counter {
        tokens.retain(|t| t != "total");
        tokens.push("total".into());
    }
    if unit == "1" && shape == Shape::Gauge {
        tokens.retain(|t| t != "ratio");
        tokens.push("ratio".into());
    }
    let joined = tokens.join("_");
    if joined.starts_with(|c: char| c.is_ascii_digit()) { format!("_{joined}") } else { joined }
}

/// A label name from an attribute key: invalid characters become `_`; a leading digit gets
/// `key_`, a single leading `_` gets `key`.
pub fn label_name(key: &str) -> String {
    let clean: String = key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if clean.starts_with(|c: char| c.is_ascii_digit()) {
        format!("key_{clean}")
    } else if clean.starts_with('_') && !clean.starts_with("__") {
        format!("key{clean}")
    } else {
        clean
    }
}

/// An attribute value as the label value the collector writes (strings as they are, numbers
/// and booleans in Go's formatting, lists and maps as JSON, bytes as base64).
pub fn label_value(value: Option<&AnyValue>) -> String {
    match value.and_then(|v| v.value.as_ref()) {
        None => String::new(),
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => go_g(*d),
        Some(any_value::Value::BytesValue(b)) => bytes_b64(b),
        Some(other) => json_value(other).to_string(),
    }
}

fn json_value(value: &any_value::Value) -> serde_json::Value {
    use any_value::Value as V;
    match value {
        V::StringValue(s) => s.clone().into(),
        V::BoolValue(b) => (*b).into(),
        V::IntValue(i) => (*i).into(),
        V::DoubleValue(d) => serde_json::Number::from_f64(*d).map_or(serde_json::Value::Null, Into::into),
        V::ArrayValue(a) => a.values.iter().filter_map(|v| v.value.as_ref()).map(json_value).collect(),
        V::KvlistValue(kv) => kv
            .values
            .iter()
            .map(|kv| {
                (
                    kv.key.clone(),
                    kv.value.as_ref().and_then(|v| v.value.as_ref()).map_or(serde_json::Value::Null, json_value),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
        V::BytesValue(b) => bytes_b64(b).into(),
        _ => serde_json::Value::Null,
    }
}

fn bytes_b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == ':' || c == '_'
}

/// A unit turned into its word, cleaned into name characters; `None` when the unit adds nothing
/// (empty, or an annotation in braces).
fn unit_word(unit: &str, map: fn(&str) -> Option<&'static str>) -> Option<String> {
    if unit.is_empty() || unit.contains(['{', '}']) {
        return None;
    }
    let word = map(unit).unwrap_or(unit);
    let cleaned: String = word.chars().map(|c| if is_name_char(c) { c } else { '_' }).collect();
    let mut collapsed = String::new();
    for c in cleaned.chars() {
        if !(c == '_' && collapsed.ends_with('_')) {
            collapsed.push(c);
        }
    }
    let word = collapsed.trim_start_matches('_').to_string();
    Some(word)
}

fn main_unit(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "TiBy" => "tibibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "TBy" => "terabytes",
        "m" => "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        "Cel" => "celsius",
        "Hz" => "hertz",
        "1" => "",
        "%" => "percent",
        _ => return None,
    })
}

fn per_unit(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "s" => "second",
        "m" => "minute",
        "h" => "hour",
        "d" => "day",
        "w" => "week",
        "mo" => "month",
        "y" => "year",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins the collector's metric-name translation: dots, unit words, `_total`, `_ratio`.
    #[test]
    fn metric_names_follow_the_collector() {
        assert_eq!(
            metric_name("http.server.request.duration", "s", Shape::Other),
            "http_server_request_duration_seconds"
        );
        assert_eq!(metric_name("peak_trade_smoke", "", Shape::Counter), "peak_trade_smoke_total");
        assert_eq!(metric_name("requests.total", "1", Shape::Counter), "requests_total");
        assert_eq!(metric_name("cpu.utilization", "1", Shape::Gauge), "cpu_utilization_ratio");
        assert_eq!(metric_name("latency_ms", "ms", Shape::Other), "latency_ms_milliseconds");
        assert_eq!(metric_name("io_bytes", "By", Shape::Counter), "io_bytes_total");
        assert_eq!(metric_name("speed", "m/s", Shape::Gauge), "speed_meters_per_second");
        assert_eq!(metric_name("queue.items", "{items}", Shape::Gauge), "queue_items");
        assert_eq!(metric_name("foo--bar__baz.", "", Shape::Gauge), "foo_bar_baz");
        assert_eq!(metric_name("2xx.count", "", Shape::Gauge), "_2xx_count");
        assert_eq!(metric_name("mem", "KiBy", Shape::Gauge), "mem_kibibytes");
        assert_eq!(metric_name("ratio.thing", "%", Shape::Gauge), "ratio_thing_percent");
    }

    /// Pins attribute-key sanitising into label names.
    #[test]
    fn label_names_are_sanitised() {
        assert_eq!(label_name("service.name"), "service_name");
        assert_eq!(label_name("smoke.run_id"), "smoke_run_id");
        assert_eq!(label_name("1st"), "key_1st");
        assert_eq!(label_name("_private"), "key_private");
        assert_eq!(label_name("__meta"), "__meta");
        assert_eq!(label_name("a-b/c"), "a_b_c");
    }

    /// Pins how attribute values of each type become label values.
    #[test]
    fn label_values_by_type() {
        let v = |value| Some(AnyValue { value: Some(value) });
        assert_eq!(label_value(v(any_value::Value::IntValue(42)).as_ref()), "42");
        assert_eq!(label_value(v(any_value::Value::BoolValue(true)).as_ref()), "true");
        assert_eq!(label_value(v(any_value::Value::DoubleValue(0.5)).as_ref()), "0.5");
        assert_eq!(label_value(v(any_value::Value::BytesValue(b"hi!".to_vec())).as_ref()), "aGkh");
        assert_eq!(label_value(None), "");
    }
}
