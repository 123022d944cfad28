//! Go-style durations (`100ms`, `1.5s`, `1m30s`) for `minDuration` and `maxDuration`.

/// Nanoseconds of a Go duration string.
pub fn parse(text: &str) -> Result<u64, String> {
    let bad = || format!("invalid duration {text:?}: use a number with a unit, such as 100ms, 1.5s or 1m30s");
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    if rest == "0" {
        return Ok(0);
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
        let value: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(bad()),
        };
        total += value * scale;
        rest = &rest[unit_len..];
    }
    Ok(total.round() as u64)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test
mod tests {
    use super::parse;

    /// Pins units, fractions, compound durations and the error for a missing unit.
    #[test]
    fn go_durations() {
        assert_eq!(parse("100ms"), Ok(100_000_000));
        assert_eq!(parse("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse("1m30s"), Ok(90_000_000_000));
        assert_eq!(parse("250us"), Ok(250_000));
        assert_eq!(parse("0"), Ok(0));
        assert!(parse("100").unwrap_err().contains("invalid duration"));
        assert!(parse("5 parsecs").is_err());
    }
}
