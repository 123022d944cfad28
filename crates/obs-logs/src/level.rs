//! Loki's `detected_level`: the level a record is filed under, from its severity, a level-ish
//! field or, failing those, words in the line (Loki 3.4's `discover_log_levels`).

/// A detected level, stored as one byte per record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Level {
    /// Nothing recognisable.
    Unknown = 0,
    /// `trace`.
    Trace,
    /// `debug`.
    Debug,
    /// `info`.
    Info,
    /// `warn`.
    Warn,
    /// `error`.
    Error,
    /// `critical`.
    Critical,
    /// `fatal`.
    Fatal,
}

/// Field names Loki reads a level from.
const LEVEL_FIELDS: [&str; 9] = ["level", "LEVEL", "Level", "severity", "SEVERITY", "Severity", "lvl", "LVL", "Lvl"];

impl Level {
    /// The text Loki stores in `detected_level`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unknown => "unknown",
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Critical => "critical",
            Level::Fatal => "fatal",
        }
    }

    /// The level for a stored byte.
    pub fn from_u8(byte: u8) -> Level {
        match byte {
            1 => Level::Trace,
            2 => Level::Debug,
            3 => Level::Info,
            4 => Level::Warn,
            5 => Level::Error,
            6 => Level::Critical,
            7 => Level::Fatal,
            _ => Level::Unknown,
        }
    }

    /// The level of an OTLP severity number (1-24), if any.
    pub fn from_severity_number(number: i32) -> Option<Level> {
        Some(match number {
            1..=4 => Level::Trace,
            5..=8 => Level::Debug,
            9..=12 => Level::Info,
            13..=16 => Level::Warn,
            17..=20 => Level::Error,
            21..=24 => Level::Fatal,
            _ => return None,
        })
    }

    /// The level a free-form level word names (`WARNING`, `err`, `Info`...), if any.
    pub fn from_word(word: &str) -> Option<Level> {
        let lower = word.trim().to_ascii_lowercase();
        Some(match lower.as_str() {
            "trace" | "trc" => Level::Trace,
            "debug" | "dbg" => Level::Debug,
            "info" | "inf" | "information" | "notice" => Level::Info,
            "warn" | "warning" | "wrn" => Level::Warn,
            "error" | "err" | "eror" => Level::Error,
            "critical" | "crit" => Level::Critical,
            "fatal" | "panic" | "emergency" | "alert" => Level::Fatal,
            _ => return None,
        })
    }
}

/// Detects the level of a record: severity number, then severity text, then level-ish fields,
/// then the line itself.
pub fn detect<'a>(
    severity_number: i32,
    severity_text: &str,
    fields: impl Iterator<Item = (&'a str, &'a str)>,
    line: &str,
) -> Level {
    if let Some(level) = Level::from_severity_number(severity_number) {
        return level;
    }
    if let Some(level) = Level::from_word(severity_text) {
        return level;
    }
    for (key, value) in fields {
        if LEVEL_FIELDS.contains(&key)
            && let Some(level) = Level::from_word(value)
        {
            return level;
        }
    }
    from_line(line)
}

/// Level from a line: a `level=` / `"level":` field, else a level word in the line.
pub fn from_line(line: &str) -> Level {
    if let Some(level) = field_in_line(line) {
        return level;
    }
    const WORDS: [(&str, &str, Level); 7] = [
        ("trace", "TRACE", Level::Trace),
        ("debug", "DEBUG", Level::Debug),
        ("info", "INFO", Level::Info),
        ("warn", "WARN", Level::Warn),
        ("error", "ERROR", Level::Error),
        ("critical", "CRITICAL", Level::Critical),
        ("fatal", "FATAL", Level::Fatal),
    ];
    let mut found = Level::Unknown;
    for (lower, upper, level) in WORDS {
        if line.contains(lower) || line.contains(upper) {
            found = found.max(level);
        }
    }
    found
}

/// A `level=x` (logfmt) or `"level":"x"` (JSON) field in the line.
fn field_in_line(line: &str) -> Option<Level> {
    for key in LEVEL_FIELDS {
        for pattern in [format!("{key}="), format!("\"{key}\":")] {
            if let Some(pos) = line.find(&pattern) {
                let rest = line[pos + pattern.len()..].trim_start().trim_start_matches('"');
                let word: String = rest.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
                if let Some(level) = Level::from_word(&word) {
                    return Some(level);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Severity numbers map to Loki's level names.
    #[test]
    fn severity_numbers() {
        assert_eq!(detect(9, "INFO", std::iter::empty(), "x"), Level::Info);
        assert_eq!(detect(17, "", std::iter::empty(), "x"), Level::Error);
        assert_eq!(detect(0, "Warning", std::iter::empty(), "x"), Level::Warn);
    }

    /// Lines without a level word are unknown, as the fixture's push line.
    #[test]
    fn lines() {
        assert_eq!(from_line("push api line order_id=A-1001 status=done"), Level::Unknown);
        assert_eq!(from_line("ts=1 level=debug msg=x"), Level::Debug);
        assert_eq!(from_line(r#"{"level":"warn","msg":"x"}"#), Level::Warn);
        assert_eq!(from_line("an ERROR happened"), Level::Error);
    }
}
