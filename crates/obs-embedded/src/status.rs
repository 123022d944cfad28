//! `GET /obs-embedded/status` (on every listener: what this process is, where it listens and
//! how full its stores are) and the collector-style health answer on the health port.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::state::SharedState;

/// Path of the status endpoint.
pub const STATUS_PATH: &str = "/obs-embedded/status";

/// The status document `obs-status` and the tests read.
pub async fn status(State(state): State<SharedState>) -> Json<Value> {
    let listen: Map<String, Value> = state
        .listen
        .get()
        .into_iter()
        .flatten()
        .map(|(key, addr)| ((*key).to_string(), Value::String(addr.to_string())))
        .collect();
    Json(json!({
        "backend": "embedded",
        "version": env!("CARGO_PKG_VERSION"),
        "pid": std::process::id(),
        "uptime_seconds": state.started.elapsed().as_secs_f64(),
        "listen": listen,
        "stores": {
            "traces": state.traces.stats(),
            "logs": state.logs.stats(),
            "metrics": state.metrics.stats(),
        },
    }))
}

/// The collector health_check extension's answer: 200 while serving, 503 once stopping.
pub async fn health(State(state): State<SharedState>) -> Response {
    if state.is_shutting_down() {
        let body = json!({"status": "Server not available", "upSince": "0001-01-01T00:00:00Z", "uptime": ""});
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    }
    let uptime = format!("{}s", state.started.elapsed().as_secs_f64());
    Json(json!({"status": "Server available", "upSince": rfc3339(state.started_at), "uptime": uptime})).into_response()
}

/// `time` as RFC 3339 UTC with nanoseconds, such as `2026-11-25T13:02:14.123456789Z`.
pub fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{:09}Z", since.subsec_nanos())
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Known instants format as RFC 3339 UTC (epoch, a leap day, a late date).
    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)), "2000-02-29T00:00:00.000000000Z");
        let t = UNIX_EPOCH + Duration::new(1_795_611_734, 5);
        assert_eq!(rfc3339(t), "2026-11-25T13:02:14.000000005Z");
    }
}
