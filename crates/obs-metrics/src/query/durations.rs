//! Durations written as plain numbers (`up[1e300]`, `up offset 1e300`, `up[5m:1e300]`) checked
//! before parsing: `promql-parser` turns them into `Duration::from_secs_f64`, which panics when
//! the number is negative, not finite or past `u64::MAX` seconds. The parse catches that panic
//! too; this check answers the common forms without one.

use super::QueryError;

/// Seconds a `Duration` can hold (2^64); numbers from here on panic in `from_secs_f64`.
const MAX_SECS: f64 = 18_446_744_073_709_551_616.0;

/// The answer for a duration the parser cannot hold.
pub fn out_of_range(what: &str) -> QueryError {
    QueryError::BadData(format!(
        "invalid parameter \"query\": parse error: {what} is out of range; a range, offset or subquery \
         step must be a positive, finite number of seconds below 1.8e19 (or a duration such as 5m)"
    ))
}

/// `Err` when a number in a duration position (after `[`, after `:` inside brackets, after
/// `offset`) is out of a `Duration`'s range. Quoted strings are skipped.
pub fn check(text: &str) -> Result<(), QueryError> {
    let bytes = text.as_bytes();
    let (mut i, mut brackets) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' | b'`' => i = string_end(bytes, i),
            b'[' => {
                brackets += 1;
                i = number_after(text, i + 1)?;
                continue;
            }
            b']' => brackets = brackets.saturating_sub(1),
            b':' if brackets > 0 => {
                i = number_after(text, i + 1)?;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let end = word_end(bytes, i);
                let word = &text[i..end];
                i = if word.eq_ignore_ascii_case("offset") { number_after(text, skip_sign(bytes, end))? } else { end };
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Checks the token after `start` (spaces skipped) when it is a plain number; returns where
/// the token ends.
fn number_after(text: &str, start: usize) -> Result<usize, QueryError> {
    let bytes = text.as_bytes();
    let from = skip_spaces(bytes, start);
    let mut end = from;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphanumeric()
            || bytes[end] == b'.'
            || (matches!(bytes[end], b'+' | b'-') && end > from && matches!(bytes[end - 1], b'e' | b'E')))
    {
        end += 1;
    }
    let token = &text[from..end];
    match token.parse::<f64>() {
        Ok(secs) if !(secs.is_finite() && (0.0..MAX_SECS).contains(&secs)) => {
            Err(out_of_range(&format!("the duration {token}")))
        }
        _ => Ok(end),
    }
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// After `offset`: spaces and one sign.
fn skip_sign(bytes: &[u8], i: usize) -> usize {
    let i = skip_spaces(bytes, i);
    if i < bytes.len() && matches!(bytes[i], b'+' | b'-') { i + 1 } else { i }
}

fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b':')) {
        i += 1;
    }
    i
}

/// The index just past the string opening at `start` (or the end of the text).
fn string_end(bytes: &[u8], start: usize) -> usize {
    (obs_contract::query::scan::skip_string(bytes, start) + 1).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Out-of-range numbers in every duration position are refused naming the token; durations
    /// with units, numbers elsewhere and text in strings pass.
    #[test]
    fn refuses_only_out_of_range_durations() {
        for bad in ["up[1e300]", "up offset 1e300", "up offset -1e20", "up[5m:1e300]", "up[inf]", "up[ NaN ]"] {
            let message = check(bad).map_err(|e| e.to_string()).err().unwrap_or_default();
            assert!(message.contains("is out of range"), "{bad}: {message}");
        }
        for good in ["up[5m]", "up[300]", "up offset 5m", "1e300 * up", "{a=\"[1e300]\"}", "job:up:rate5m[1m:30s]"] {
            assert_eq!(check(good), Ok(()), "{good}");
        }
    }
}
