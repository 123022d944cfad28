//! Times and durations as the query APIs read them, in one place: RFC 3339 timestamps (each API
//! scales them to its own unit) and Go-style durations (`1m30s`, `250ms`, `1.5h`).

/// A point in time read from RFC 3339 text: whole seconds since 1970 plus a nanosecond part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instant {
    /// Seconds since 1970-01-01T00:00:00Z (negative before it).
    pub secs: i64,
    /// Nanoseconds past `secs`, below one second.
    pub nanos: u32,
}

impl Instant {
    /// Nanoseconds since 1970, or `None` when that overflows an `i64` (after the year 2262).
    pub fn as_nanos(self) -> Option<i64> {
        self.secs.checked_mul(1_000_000_000)?.checked_add(i64::from(self.nanos))
    }

    /// Milliseconds since 1970 (the sub-millisecond part dropped).
    pub fn as_millis(self) -> i64 {
        self.secs * 1000 + i64::from(self.nanos / 1_000_000)
    }
}

/// `YYYY-MM-DD(T|t| )HH:MM:SS[.frac](Z|z|±HH:MM)`; fraction digits past the ninth are ignored.
pub fn parse_rfc3339(raw: &str) -> Option<Instant> {
    let b = raw.as_bytes();
    if !raw.is_ascii() || b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| raw.get(r)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let (nanos, zone) = fraction(&raw[19..])?;
    let offset_secs = zone_offset(zone)?;
    let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(Instant { secs, nanos })
}

/// The optional `.digits` part as nanoseconds, and what follows it.
fn fraction(rest: &str) -> Option<(u32, &str)> {
    let Some(frac) = rest.strip_prefix('.') else { return Some((0, rest)) };
    let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let nanos = format!("{:0<9}", &frac[..digits.min(9)]).parse().ok()?;
    Some((nanos, &frac[digits..]))
}

/// Seconds east of UTC of `Z` or `±HH:MM`.
fn zone_offset(zone: &str) -> Option<i64> {
    match zone {
        "Z" | "z" => Some(0),
        _ if zone.len() == 6 && matches!(&zone[..1], "+" | "-") && &zone[3..4] == ":" => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            Some(sign * (zone[1..3].parse::<i64>().ok()? * 3600 + zone[4..6].parse::<i64>().ok()? * 60))
        }
        _ => None,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Nanoseconds in one Go duration unit (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`).
pub fn go_unit_ns(unit: &str) -> Option<f64> {
    match unit {
        "ns" => Some(1.0),
        "us" | "µs" => Some(1e3),
        "ms" => Some(1e6),
        "s" => Some(1e9),
        "m" => Some(60e9),
        "h" => Some(3600e9),
        _ => None,
    }
}

/// Nanoseconds in one unit as Prometheus and Loki also accept them: the Go units plus `d`, `w`, `y`.
pub fn long_unit_ns(unit: &str) -> Option<f64> {
    match unit {
        "d" => Some(86400e9),
        "w" => Some(7.0 * 86400e9),
        "y" => Some(365.0 * 86400e9),
        _ => go_unit_ns(unit),
    }
}

/// Nanoseconds of an unsigned compound duration (`1h30m`, `1.5s`) whose units `unit_ns` reads;
/// `None` when it is empty, a number lacks its unit, or a unit is unknown.
pub fn compound_duration_ns(text: &str, unit_ns: fn(&str) -> Option<f64>) -> Option<f64> {
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        total += value * unit_ns(&rest[..unit_len])?;
        rest = &rest[unit_len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(raw: &str) -> Option<i64> {
        parse_rfc3339(raw)?.as_nanos()
    }

    /// Pins UTC, offsets, fractions (cut at nine digits) and the two scalings.
    #[test]
    fn rfc3339_instants() {
        assert_eq!(ns("2026-11-24T21:12:00Z"), Some(1_795_554_720_000_000_000));
        assert_eq!(ns("2026-11-24T22:12:00.5+01:00"), Some(1_795_554_720_500_000_000));
        assert_eq!(ns("1970-01-01T00:00:00.1234567891Z"), Some(123_456_789));
        assert_eq!(ns("1969-12-31T23:59:59.5Z"), Some(-500_000_000));
        let at = parse_rfc3339("2023-11-14T23:13:20.25+01:00");
        assert_eq!(at.map(Instant::as_millis), Some(1_700_000_000_250));
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59.5Z").map(Instant::as_millis), Some(-500));
    }

    /// Pins what is refused: bad shapes, fields out of range, bad zones, and ns overflow.
    #[test]
    fn rfc3339_refusals() {
        for bad in [
            "",
            "yesterday",
            "2023-11-14 22:13",
            "2023-13-14T22:13:20Z",
            "2023-11-14T24:13:20Z",
            "2023-11-14T22-13-20Z",
            "2023-11-14T22:13:20.Z",
            "2023-11-14T22:13:20",
            "2023-11-14T22:13:20+0100",
            "2023-11-14T22:13:20x01:00",
            "2023-11-14T22:13:20+1é:0",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(ns("9999-12-31T23:59:59Z"), None);
        assert_eq!(parse_rfc3339("9999-12-31T23:59:59Z").map(Instant::as_millis), Some(253_402_300_799_000));
    }

    /// Pins compound durations, fractions, both unit sets and the refusals.
    #[test]
    fn durations() {
        assert_eq!(compound_duration_ns("1m30s", go_unit_ns), Some(90e9));
        assert_eq!(compound_duration_ns("1.5s", go_unit_ns), Some(1.5e9));
        assert_eq!(compound_duration_ns("250µs", go_unit_ns), Some(250e3));
        assert_eq!(compound_duration_ns("1d", go_unit_ns), None);
        assert_eq!(compound_duration_ns("1w1d", long_unit_ns), Some(8.0 * 86400e9));
        assert_eq!(compound_duration_ns("100", go_unit_ns), None);
        assert_eq!(compound_duration_ns("", go_unit_ns), None);
        assert_eq!(compound_duration_ns("ms", go_unit_ns), None);
        assert_eq!(compound_duration_ns("5 parsecs", long_unit_ns), None);
    }
}
