//! Request parameters of the Prometheus API: form/query-string decoding (repeated keys such as
//! `match[]`), timestamps (unix seconds or RFC 3339) and durations (`15s` or float seconds).

use obs_contract::time::{Instant, parse_rfc3339};

use crate::error::QueryError;

/// Decoded `key=value` pairs from a query string and/or a form body, in order.
#[derive(Debug, Default, Clone)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// Decodes `application/x-www-form-urlencoded` text and appends it.
    pub fn extend_from(&mut self, encoded: &str) {
        for pair in encoded.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            self.0.push((decode(k), decode(v)));
        }
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Every value of `key`.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

/// Largest timestamp magnitude accepted, in seconds (about 31 million years either side of
/// 1970), so millisecond arithmetic can never overflow.
const MAX_ABS_SECS: f64 = 1e12;

/// A timestamp parameter in unix ms: unix seconds (float) or RFC 3339.
pub fn parse_time(raw: &str) -> Option<i64> {
    if let Ok(secs) = raw.parse::<f64>() {
        return (secs.is_finite() && secs.abs() <= MAX_ABS_SECS).then(|| (secs * 1000.0).round() as i64);
    }
    parse_rfc3339(raw).map(Instant::as_millis)
}

/// A required timestamp parameter, with Prometheus' message when it is bad.
pub fn time_param(params: &Params, name: &str) -> Result<i64, QueryError> {
    let raw = params.get(name).unwrap_or("");
    parse_time(raw).ok_or_else(|| {
        QueryError::BadData(format!("invalid parameter {name:?}: cannot parse {raw:?} to a valid timestamp"))
    })
}

/// A duration parameter in ms: float seconds or a PromQL duration (`1m30s`).
pub fn parse_duration_ms(raw: &str) -> Option<i64> {
    if let Ok(secs) = raw.parse::<f64>() {
        return secs.is_finite().then(|| (secs * 1000.0).round() as i64);
    }
    promql_parser::util::parse_duration(raw).ok().map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins the timestamp forms Prometheus accepts.
    #[test]
    fn times() {
        assert_eq!(parse_time("1700000000"), Some(1_700_000_000_000));
        assert_eq!(parse_time("1700000000.5"), Some(1_700_000_000_500));
        assert_eq!(parse_time("2023-11-14T22:13:20Z"), Some(1_700_000_000_000));
        assert_eq!(parse_time("2023-11-14T23:13:20.25+01:00"), Some(1_700_000_000_250));
        assert_eq!(parse_time("abc"), None);
        assert_eq!(parse_time(""), None);
        assert_eq!(parse_time("1e300"), None);
        assert_eq!(parse_time("2023-11-14T22:13:20+1é:0"), None);
    }

    /// Pins durations as float seconds or PromQL durations.
    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("15s"), Some(15_000));
        assert_eq!(parse_duration_ms("1m30s"), Some(90_000));
        assert_eq!(parse_duration_ms("0.5"), Some(500));
        assert_eq!(parse_duration_ms("x"), None);
    }

    /// Pins form decoding with repeated keys and escapes.
    #[test]
    fn form_decoding() {
        let mut p = Params::default();
        p.extend_from("match%5B%5D=up&match[]=a%7Bb%3D%22c%22%7D&query=1+%2B+1");
        assert_eq!(p.all("match[]"), vec!["up", "a{b=\"c\"}"]);
        assert_eq!(p.get("query"), Some("1 + 1"));
    }
}
