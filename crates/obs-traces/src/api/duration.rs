//! Go-style durations (`100ms`, `1.5s`, `1m30s`) for `minDuration` and `maxDuration`.

use obs_contract::time::{compound_duration_ns, go_unit_ns};

use crate::error::Error;

/// Nanoseconds of a Go duration string.
pub fn parse(text: &str) -> Result<u64, Error> {
    let bad = || {
        Error::BadRequest(format!("invalid duration {text:?}: use a number with a unit, such as 100ms, 1.5s or 1m30s"))
    };
    let rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    if rest == "0" {
        return Ok(0);
    }
    let ns = compound_duration_ns(rest, go_unit_ns).ok_or_else(bad)?;
    Ok(ns.round() as u64)
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
        assert!(parse("100").unwrap_err().to_string().contains("invalid duration"));
        assert!(parse("5 parsecs").is_err());
    }
}
