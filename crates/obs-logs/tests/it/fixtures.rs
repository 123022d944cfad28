//! The captured fixtures, with every timestamp shifted to just before now.

use serde_json::Value;

/// The newest timestamp in the captured requests (the push line).
const NEWEST: i64 = 1_795_554_716_272_863_279;

/// A fixture file from `tests/fixtures/`.
pub fn load(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("fixture JSON")
}

/// The offset that moves the fixtures' newest entry to one second ago.
pub fn offset() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_nanos();
    i64::try_from(now).expect("ns fit i64") - 1_000_000_000 - NEWEST
}

/// Adds `offset` to a nanosecond string.
fn shift(value: &mut Value, offset: i64) {
    if let Some(ns) = value.as_str().and_then(|s| s.parse::<i64>().ok()) {
        *value = Value::String((ns + offset).to_string());
    }
}

/// Shifts every timestamp-like field: OTLP times, push and stream values, observed_timestamp.
pub fn shift_all(value: &mut Value, offset: i64) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if matches!(key.as_str(), "timeUnixNano" | "observedTimeUnixNano" | "observed_timestamp") {
                    shift(v, offset);
                } else if key == "values" {
                    for entry in v.as_array_mut().into_iter().flatten() {
                        if let Some(first) = entry.get_mut(0) {
                            shift(first, offset);
                        }
                        shift_all(entry, offset);
                    }
                } else {
                    shift_all(v, offset);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| shift_all(v, offset)),
        _ => {}
    }
}

/// A server holding the OTLP fixture (sent to `/otlp/v1/logs`) and the push fixture, and the
/// offset their timestamps were moved by.
pub fn loaded_server() -> (super::server::Server, i64) {
    let server = super::server::Server::start();
    let offset = offset();
    let mut otlp = load("otlp-request-logs.json");
    shift_all(&mut otlp, offset);
    let (status, _, body) = server.post("/otlp/v1/logs", "application/json", otlp.to_string().as_bytes());
    assert_eq!((status, body.as_str()), (204, ""), "OTLP logs answer");
    let mut push = load("loki-push-request.json");
    shift_all(&mut push, offset);
    let (status, _, body) = server.post("/loki/api/v1/push", "application/json", push.to_string().as_bytes());
    assert_eq!((status, body.as_str()), (204, ""), "push answer");
    (server, offset)
}

/// The set of key paths of a JSON value (arrays merged), to compare shapes.
pub fn key_paths(value: &Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = format!("{prefix}.{k}");
                out.insert(path.clone());
                key_paths(v, &path, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| key_paths(v, &format!("{prefix}[]"), out)),
        _ => {}
    }
}
