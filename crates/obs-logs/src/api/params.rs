//! Request parameters the way Loki reads them: query string and POST form merged, times as
//! seconds, nanoseconds or RFC 3339, durations, and Loki's defaults and limits.

use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use obs_contract::time::{Instant, parse_rfc3339};

use crate::Error;
use crate::query::lexer::parse_duration;

/// Loki's `max_entries_limit_per_query`.
pub const MAX_LIMIT: usize = 5000;
/// Most steps per series (as Loki and Prometheus).
pub const MAX_POINTS: i64 = 11_000;

/// Parameters of one request.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Query string pairs, plus form-body pairs for a form POST.
    pub fn new(raw_query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Result<Params, Error> {
        let mut pairs: Vec<(String, String)> = match raw_query {
            Some(q) => serde_urlencoded::from_str(q).map_err(|e| bad(format!("invalid query string: {e}")))?,
            None => Vec::new(),
        };
        let is_form = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if is_form && !body.is_empty() {
            let form: Vec<(String, String)> =
                serde_urlencoded::from_bytes(body).map_err(|e| bad(format!("invalid form body: {e}")))?;
            pairs.extend(form);
        }
        Ok(Params(pairs))
    }

    /// The first non-empty value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated parameter.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.as_str()).collect()
    }

    /// A time parameter in ns, or `default`.
    pub fn time(&self, name: &str, default: i64) -> Result<i64, Error> {
        match self.get(name) {
            Some(raw) => parse_time(raw).map_err(|e| bad(format!("invalid {name} parameter {raw:?}: {e}"))),
            None => Ok(default),
        }
    }

    /// `start` and `end` in ns (`since` before `end` when `start` is absent).
    pub fn range(&self, now: i64, default_since: i64) -> Result<(i64, i64), Error> {
        let end = self.time("end", now)?;
        let since = match self.get("since") {
            Some(raw) => parse_step(raw).map_err(|e| bad(format!("invalid since parameter {raw:?}: {e}")))?,
            None => default_since,
        };
        let start = self.time("start", end.saturating_sub(since))?;
        if end < start {
            return Err(bad("end timestamp must not be before or equal to start time".into()));
        }
        Ok((start, end))
    }

    /// `limit`, default 100, at most [`MAX_LIMIT`].
    pub fn limit(&self) -> Result<usize, Error> {
        let Some(raw) = self.get("limit") else { return Ok(100) };
        let limit: usize =
            raw.parse().map_err(|_| bad(format!("invalid limit parameter {raw:?}: not a whole number")))?;
        if limit > MAX_LIMIT {
            return Err(bad(format!(
                "max entries limit per query exceeded, limit > max_entries_limit_per_query ({limit} > {MAX_LIMIT})"
            )));
        }
        Ok(limit)
    }

    /// `direction`: true for forward; backward by default.
    pub fn forward(&self) -> Result<bool, Error> {
        match self.get("direction").map(str::to_ascii_lowercase).as_deref() {
            None | Some("backward") => Ok(false),
            Some("forward") => Ok(true),
            Some(other) => Err(bad(format!("invalid direction {other:?}: use forward or backward"))),
        }
    }

    /// `step` in ns, defaulting like Loki to max(range / 250, 1 s), and bounded to 11,000 points.
    pub fn step(&self, start: i64, end: i64) -> Result<i64, Error> {
        let step = match self.get("step") {
            Some(raw) => parse_step(raw).map_err(|e| bad(format!("invalid step parameter {raw:?}: {e}")))?,
            None => ((end.saturating_sub(start) / 1_000_000_000) / 250).max(1).saturating_mul(1_000_000_000),
        };
        if step <= 0 {
            return Err(bad(
                "zero or negative query resolution step widths are not accepted. Try a positive integer".into()
            ));
        }
        if end.saturating_sub(start) / step > MAX_POINTS {
            return Err(bad(
                "exceeded maximum resolution of 11,000 points per timeseries. Try increasing the value of \
                            the step parameter"
                    .into(),
            ));
        }
        Ok(step)
    }
}

/// A 400 with `msg`.
fn bad(msg: String) -> Error {
    Error::BadRequest(msg)
}

/// Why a time or duration text does not parse (completed by the caller with the parameter).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotATime(&'static str);

/// A duration parameter: `15s`, `1m30s` or float seconds, in ns.
pub fn parse_step(raw: &str) -> Result<i64, NotATime> {
    if let Ok(seconds) = raw.parse::<f64>() {
        return Ok((seconds * 1e9).round() as i64);
    }
    parse_duration(raw).ok_or(NotATime("not a duration (like 15s) or a number of seconds"))
}

/// A time: float seconds (with a `.`), an integer (seconds up to 10 digits, else ns), or RFC 3339.
pub fn parse_time(raw: &str) -> Result<i64, NotATime> {
    if raw.contains('.') && !raw.contains('-') {
        let seconds: f64 = raw.parse().map_err(|_| NotATime("not a number"))?;
        return Ok((seconds * 1e9).round() as i64);
    }
    if let Ok(n) = raw.parse::<i64>() {
        let digits = raw.trim_start_matches('-').len();
        return Ok(if digits <= 10 { n.saturating_mul(1_000_000_000) } else { n });
    }
    parse_rfc3339(raw)
        .and_then(Instant::as_nanos)
        .ok_or(NotATime("not a Unix time in seconds or nanoseconds, nor RFC 3339"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Times parse like Loki: seconds, ns, float seconds and RFC 3339.
    #[test]
    fn times() {
        assert_eq!(parse_time("4000000000"), Ok(4_000_000_000_000_000_000));
        assert_eq!(parse_time("1795554716272863279"), Ok(1_795_554_716_272_863_279));
        assert_eq!(parse_time("1795554719.232"), Ok(1_795_554_719_232_000_000));
        assert_eq!(parse_time("2026-11-24T21:12:00Z"), Ok(1_795_554_720_000_000_000));
        assert_eq!(parse_time("2026-11-24T22:12:00.5+01:00"), Ok(1_795_554_720_500_000_000));
        assert!(parse_time("yesterday").is_err());
    }

    /// Steps accept durations and seconds; defaults follow the range.
    #[test]
    fn steps() {
        assert_eq!(parse_step("15s"), Ok(15_000_000_000));
        assert_eq!(parse_step("15000ms"), Ok(15_000_000_000));
        assert_eq!(parse_step("2.5"), Ok(2_500_000_000));
        let p = Params::default();
        assert_eq!(p.step(0, 3600 * 1_000_000_000), Ok(14_000_000_000));
        assert_eq!(p.step(0, 10 * 1_000_000_000), Ok(1_000_000_000));
        assert!(p.step(0, 20_000 * 1_000_000_000).is_ok_and(|s| s >= 2 * 1_000_000_000));
    }
}
