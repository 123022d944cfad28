//! Float formatting exactly as Prometheus (Go) prints it: the query API uses Go's `'f', -1`
//! (plain shortest digits) and the text exposition uses Go's `'g', -1` (exponent for large and
//! tiny magnitudes, as in `le="1e+06"`).

/// A sample value as the Prometheus query API writes it: `"5"`, `"0.30000000000000004"`, `"NaN"`, `"+Inf"`.
pub fn api_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf".into() } else { "-Inf".into() }
    } else {
        format!("{v}")
    }
}

/// A float as Go's `strconv.FormatFloat(v, 'g', -1, 64)` writes it, with `+Inf`/`-Inf`/`NaN`
/// spelled as the text exposition format wants.
pub fn go_g(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-1.5e-7".
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    if exp < -4 || exp >= eprec(digits.len() as i32, exp) {
        let rest = &digits[1..];
        let frac = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{}{frac}e{esign}{:02}", &digits[..1], exp.abs())
    } else {
        format!("{}", v)
    }
}

/// Go's switch point to `%e` for shortest formatting: 6, lowered to the digit count when the
/// digits all sit before the decimal point.
fn eprec(nd: i32, exp: i32) -> i32 {
    if 6 > nd && nd > exp { nd } else { 6 }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins Go's 'g' formatting for the values histograms and samples commonly carry.
    #[test]
    fn go_g_matches_go() {
        assert_eq!(go_g(0.005), "0.005");
        assert_eq!(go_g(1.0), "1");
        assert_eq!(go_g(100000.0), "100000");
        assert_eq!(go_g(1_000_000.0), "1e+06");
        assert_eq!(go_g(2_500_000.0), "2.5e+06");
        assert_eq!(go_g(1234567.0), "1.234567e+06");
        assert_eq!(go_g(0.0001), "0.0001");
        assert_eq!(go_g(0.00001), "1e-05");
        assert_eq!(go_g(-2.5), "-2.5");
        assert_eq!(go_g(f64::INFINITY), "+Inf");
        assert_eq!(go_g(f64::NAN), "NaN");
    }

    /// Pins the API's value strings, including shortest round-trip digits.
    #[test]
    fn api_value_matches_prometheus() {
        assert_eq!(api_value(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(api_value(2.0), "2");
        assert_eq!(api_value(1e21), "1000000000000000000000");
        assert_eq!(api_value(f64::NEG_INFINITY), "-Inf");
    }
}
