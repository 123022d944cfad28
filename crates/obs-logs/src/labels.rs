//! How OTLP log records become Loki's model, as Loki 3.4's default OTLP mapping does: a few
//! resource attributes become index labels, everything else structured metadata with
//! sanitized names, and the body becomes the line.

use std::borrow::Cow;

use obs_contract::ItemLimits;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value};

/// Resource attributes Loki promotes to index labels by default (dots become `_`).
pub const DEFAULT_INDEX_ATTRIBUTES: [&str; 18] = [
    "service.name",
    "service.namespace",
    "service.instance.id",
    "deployment.environment",
    "deployment.environment.name",
    "cloud.region",
    "cloud.availability_zone",
    "k8s.cluster.name",
    "k8s.namespace.name",
    "k8s.pod.name",
    "k8s.container.name",
    "container.name",
    "k8s.replicaset.name",
    "k8s.deployment.name",
    "k8s.statefulset.name",
    "k8s.daemonset.name",
    "k8s.cronjob.name",
    "k8s.job.name",
];

/// The `service_name` of streams that do not name their service.
pub const UNKNOWN_SERVICE: &str = "unknown_service";

/// Push-API labels Loki derives `service_name` from, first present wins.
const SERVICE_NAME_SOURCES: [&str; 13] = [
    "service",
    "app",
    "application",
    "app_name",
    "name",
    "app_kubernetes_io_name",
    "container",
    "container_name",
    "k8s_container_name",
    "component",
    "workload",
    "job",
    "k8s_job_name",
];

/// Index labels and resource-level metadata of one OTLP resource.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ResourceMapping {
    /// Index labels, sorted by name.
    pub labels: Vec<(String, String)>,
    /// Resource attributes that are not index labels, as structured metadata.
    pub metadata: Vec<(String, String)>,
}

/// Splits resource attributes into index labels and structured metadata, under `limits`.
pub fn map_resource(attributes: &[KeyValue], limits: &ItemLimits) -> ResourceMapping {
    let mut labels = Vec::new();
    let mut metadata = Attrs::new(limits);
    for kv in attributes {
        let Some(value) = &kv.value else { continue };
        if DEFAULT_INDEX_ATTRIBUTES.contains(&kv.key.as_str()) {
            let text = clip_cow(value_text(value), limits.max_value_bytes);
            labels.push((sanitize(&kv.key).into_owned(), text.into_owned()));
        } else {
            metadata.push(&kv.key, Some(value));
        }
    }
    if !labels.iter().any(|(name, _)| name == "service_name") {
        labels.push(("service_name".to_owned(), UNKNOWN_SERVICE.to_owned()));
    }
    labels.sort();
    labels.dedup_by(|a, b| a.0 == b.0);
    ResourceMapping { labels, metadata: metadata.pairs }
}

/// A stream's labels as Loki writes them in messages: `{a="b", c="d"}`.
pub fn stream_text(labels: &[(String, String)]) -> String {
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", pairs.join(", "))
}

/// Adds `service_name` to push-API labels that lack it, as Loki does.
pub fn ensure_service_name(labels: &mut Vec<(String, String)>) {
    if labels.iter().any(|(name, _)| name == "service_name") {
        return;
    }
    let derived = SERVICE_NAME_SOURCES
        .iter()
        .find_map(|source| labels.iter().find(|(name, _)| name == source).map(|(_, value)| value.clone()));
    labels.push(("service_name".to_owned(), derived.unwrap_or_else(|| UNKNOWN_SERVICE.to_owned())));
    labels.sort();
}

/// Attributes turned into metadata pairs under the per-item limits: at most
/// `max_attributes` pairs (a flattened map's keys count each), at most `max_flattened_keys`
/// from one map, keys and values cut to `max_key_bytes` / `max_value_bytes`. What does not fit
/// is counted in `dropped`.
#[derive(Debug)]
pub struct Attrs<'l> {
    limits: &'l ItemLimits,
    /// Pairs made by [`Attrs::push`].
    pub pairs: Vec<(String, String)>,
    /// Attributes (or flattened keys) dropped.
    pub dropped: u64,
}

impl<'l> Attrs<'l> {
    /// No pairs yet.
    pub fn new(limits: &'l ItemLimits) -> Self {
        Attrs { limits, pairs: Vec::new(), dropped: 0 }
    }

    /// Appends one attribute to `pairs` (sanitized keys); maps are flattened, one pair per key.
    pub fn push(&mut self, key: &str, value: Option<&AnyValue>) {
        let Some(value) = value else { return };
        let mut out = std::mem::take(&mut self.pairs);
        let mut room = self.limits.max_flattened_keys;
        self.flatten(&mut out, key, value, &mut room, &|k, v| (sanitize(k).into_owned(), v.into_owned()));
        self.pairs = out;
    }

    /// Appends one record attribute to `out`, borrowing plain ones (the store sanitizes keys).
    pub fn push_borrowed<'r>(
        &mut self,
        out: &mut Vec<(Cow<'r, str>, Cow<'r, str>)>,
        key: &'r str,
        value: Option<&'r AnyValue>,
    ) {
        let Some(value) = value else { return };
        if matches!(value.value, Some(Value::KvlistValue(_))) {
            let mut room = self.limits.max_flattened_keys;
            self.flatten(out, key, value, &mut room, &|k, v| (Cow::Owned(k.to_owned()), Cow::Owned(v.into_owned())));
        } else if out.len() >= self.limits.max_attributes {
            self.dropped += 1;
        } else {
            let text = clip_cow(value_text(value), self.limits.max_value_bytes);
            out.push((Cow::Borrowed(clip(key, self.limits.max_key_bytes)), text));
        }
    }

    /// Pushes `key`/`value` through `make`, flattening maps into `{key}_{inner key}`.
    fn flatten<P>(
        &mut self,
        out: &mut Vec<P>,
        key: &str,
        value: &AnyValue,
        room: &mut usize,
        make: &dyn Fn(&str, Cow<'_, str>) -> P,
    ) {
        let Some(Value::KvlistValue(list)) = &value.value else {
            if out.len() >= self.limits.max_attributes || *room == 0 {
                self.dropped += 1;
                return;
            }
            *room -= 1;
            out.push(make(
                clip(key, self.limits.max_key_bytes),
                clip_cow(value_text(value), self.limits.max_value_bytes),
            ));
            return;
        };
        for kv in &list.values {
            let Some(inner) = &kv.value else { continue };
            if out.len() >= self.limits.max_attributes || *room == 0 {
                self.dropped += 1;
                continue;
            }
            let nested =
                format!("{}_{}", clip(key, self.limits.max_key_bytes), clip(&kv.key, self.limits.max_key_bytes));
            self.flatten(out, clip(&nested, self.limits.max_key_bytes), inner, room, make);
        }
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// [`clip`] for owned or borrowed text.
pub fn clip_cow(text: Cow<'_, str>, max: usize) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(clip(s, max)),
        Cow::Owned(mut s) => {
            let end = clip(&s, max).len();
            s.truncate(end);
            Cow::Owned(s)
        }
    }
}

/// A label name Loki accepts: `[a-zA-Z_][a-zA-Z0-9_]*`, other characters become `_`.
pub fn sanitize(key: &str) -> Cow<'_, str> {
    let valid = |(i, b): (usize, u8)| b == b'_' || b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit());
    if !key.is_empty() && key.bytes().enumerate().all(valid) {
        return Cow::Borrowed(key);
    }
    let mut out = String::with_capacity(key.len() + 4);
    if key.starts_with(|c: char| c.is_ascii_digit()) {
        out.push_str("key_");
    }
    for c in key.chars() {
        out.push(if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' });
    }
    Cow::Owned(out)
}

/// The text of an attribute value or body, as Loki stores it.
pub fn value_text(value: &AnyValue) -> Cow<'_, str> {
    match &value.value {
        Some(Value::StringValue(s)) => Cow::Borrowed(s),
        None => Cow::Borrowed(""),
        Some(other) => Cow::Owned(match to_json(other) {
            serde_json::Value::String(s) => s,
            json => json.to_string(),
        }),
    }
}

/// A value as JSON: scalars as themselves, maps with sorted keys, bytes as base64.
fn to_json(value: &Value) -> serde_json::Value {
    use base64::Engine as _;
    match value {
        Value::StringValue(s) => serde_json::Value::String(s.clone()),
        Value::BoolValue(b) => serde_json::Value::String(b.to_string()),
        Value::IntValue(i) => serde_json::Value::String(i.to_string()),
        Value::DoubleValue(d) => serde_json::Value::String(d.to_string()),
        Value::BytesValue(b) => serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::ArrayValue(array) => serde_json::Value::Array(array.values.iter().map(nested_json).collect()),
        Value::KvlistValue(list) => {
            let mut pairs: Vec<(String, serde_json::Value)> = list
                .values
                .iter()
                .map(|kv| (kv.key.clone(), kv.value.as_ref().map_or(serde_json::Value::Null, nested_json)))
                .collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(pairs.into_iter().collect())
        }
        #[allow(unreachable_patterns)]
        _ => serde_json::Value::Null,
    }
}

/// A value nested in an array or map keeps its JSON type.
fn nested_json(value: &AnyValue) -> serde_json::Value {
    match &value.value {
        Some(Value::BoolValue(b)) => serde_json::Value::Bool(*b),
        Some(Value::IntValue(i)) => serde_json::Value::from(*i),
        Some(Value::DoubleValue(d)) => serde_json::Number::from_f64(*d).map_or(serde_json::Value::Null, Into::into),
        Some(other) => to_json(other),
        None => serde_json::Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::common::v1::{ArrayValue, KeyValueList};

    fn kv(key: &str, value: Value) -> KeyValue {
        KeyValue { key: key.into(), value: Some(AnyValue { value: Some(value) }), ..KeyValue::default() }
    }

    /// service.name is an index label, service.version metadata, as in the fixture.
    #[test]
    fn resource_split() {
        let limits = ItemLimits::default();
        let mapping = map_resource(
            &[
                kv("service.name", Value::StringValue("svc".into())),
                kv("service.version", Value::StringValue("0.1.0".into())),
            ],
            &limits,
        );
        assert_eq!(mapping.labels, vec![("service_name".into(), "svc".into())]);
        assert_eq!(mapping.metadata, vec![("service_version".into(), "0.1.0".into())]);
        assert_eq!(map_resource(&[], &limits).labels, vec![("service_name".into(), UNKNOWN_SERVICE.into())]);
    }

    /// Values that are not strings become the text Loki shows.
    #[test]
    fn value_texts() {
        let limits = ItemLimits::default();
        let mut attrs = Attrs::new(&limits);
        attrs.push("order.qty", Some(&AnyValue { value: Some(Value::IntValue(10)) }));
        attrs.push("px", Some(&AnyValue { value: Some(Value::DoubleValue(637.704)) }));
        attrs.push("ok", Some(&AnyValue { value: Some(Value::BoolValue(true)) }));
        let array = ArrayValue {
            values: vec![
                AnyValue { value: Some(Value::StringValue("many".into())) },
                AnyValue { value: Some(Value::StringValue("values".into())) },
            ],
        };
        attrs.push("array.attribute", Some(&AnyValue { value: Some(Value::ArrayValue(array)) }));
        let map = KeyValueList { values: vec![kv("some.map.key", Value::StringValue("v".into()))] };
        attrs.push("map.attribute", Some(&AnyValue { value: Some(Value::KvlistValue(map)) }));
        let out = attrs.pairs;
        let expected: Vec<(String, String)> = [
            ("order_qty", "10"),
            ("px", "637.704"),
            ("ok", "true"),
            ("array_attribute", r#"["many","values"]"#),
            ("map_attribute_some_map_key", "v"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(out, expected);
    }

    /// A map body becomes compact JSON with sorted keys.
    #[test]
    fn map_body() {
        let map =
            KeyValueList { values: vec![kv("url", Value::StringValue("/x".into())), kv("type", Value::IntValue(0))] };
        let body = AnyValue { value: Some(Value::KvlistValue(map)) };
        assert_eq!(value_text(&body), r#"{"type":0,"url":"/x"}"#);
    }

    /// Push labels without service_name derive it like Loki.
    #[test]
    fn push_service_name() {
        let mut labels = vec![("app".to_owned(), "web".to_owned())];
        ensure_service_name(&mut labels);
        assert!(labels.contains(&("service_name".to_owned(), "web".to_owned())));
        assert_eq!(sanitize("9a.b"), "key_9a_b");
    }
}
