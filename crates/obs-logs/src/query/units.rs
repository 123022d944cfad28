//! Durations (`5m`, `1h30m`) and byte sizes (`10KB`, `1MiB`) as LogQL and Loki's parameters
//! write them.

use obs_contract::time::{compound_duration_ns, long_unit_ns};

/// A Go-style duration (`5m`, `1h30m`, `250ms`, `1.5s`, also `d`, `w`, `y`, optionally negative) in ns.
pub fn parse_duration(text: &str) -> Option<i64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let ns = compound_duration_ns(rest, long_unit_ns)?.round() as i64;
    Some(if negative { -ns } else { ns })
}

/// A byte size (`10KB`, `1.5MiB`, `20b`) in bytes.
pub fn parse_bytes(text: &str) -> Option<f64> {
    let digits = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let value: f64 = text[..digits].parse().ok()?;
    let scale = match text[digits..].to_ascii_lowercase().as_str() {
        "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024f64.powi(4),
        _ => return None,
    };
    Some(value * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Durations and byte sizes parse like Loki's.
    #[test]
    fn durations_and_bytes() {
        assert_eq!(parse_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(parse_duration("250ms"), Some(250_000_000));
        assert_eq!(parse_duration("x"), None);
        assert_eq!(parse_bytes("10KB"), Some(10_000.0));
        assert_eq!(parse_bytes("1KiB"), Some(1024.0));
    }
}
