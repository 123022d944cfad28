//! `| json` and `| logfmt`: labels extracted from the line, with Loki's key sanitizing,
//! `_extracted` suffix on clashes and `__error__` on lines that do not parse.

use super::pipeline::Parsed;
use super::view::View;
use crate::labels::sanitize;

/// The error label Loki sets when a parser fails.
pub const ERROR_LABEL: &str = "__error__";

/// Extracts a JSON line's fields (nested objects flattened with `_`, arrays skipped).
pub fn json(view: &mut View<'_>, parsed: &mut Parsed, line: &[u8]) {
    match serde_json::from_slice::<serde_json::Value>(line) {
        Ok(serde_json::Value::Object(map)) => {
            for (key, value) in &map {
                flatten(view, parsed, &sanitize(key), value);
            }
        }
        Ok(_) | Err(_) => add(view, parsed, ERROR_LABEL, "JSONParserErr".to_owned()),
    }
}

fn flatten(view: &mut View<'_>, parsed: &mut Parsed, prefix: &str, value: &serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                flatten(view, parsed, &format!("{prefix}_{}", sanitize(key)), inner);
            }
        }
        serde_json::Value::Array(_) | serde_json::Value::Null => {}
        serde_json::Value::String(s) => add(view, parsed, prefix, s.clone()),
        other => add(view, parsed, prefix, other.to_string()),
    }
}

/// Extracts a logfmt line's `key=value` pairs (values may be quoted).
pub fn logfmt(view: &mut View<'_>, parsed: &mut Parsed, line: &str) {
    let mut rest = line;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let key_end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = &rest[key_end..];
        let value = if let Some(after) = rest.strip_prefix('=') {
            match quoted(after) {
                Some(Ok((value, tail))) => {
                    rest = tail;
                    value
                }
                Some(Err(())) => {
                    add(view, parsed, ERROR_LABEL, "LogfmtParserErr".to_owned());
                    return;
                }
                None => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    rest = &after[end..];
                    after[..end].to_owned()
                }
            }
        } else {
            String::new()
        };
        if !key.is_empty() && !value.is_empty() {
            add(view, parsed, &sanitize(key), value);
        }
    }
}

/// A quoted value at the start of `text`: Some(Ok((value, rest))), Some(Err) if unterminated,
/// None if not quoted.
fn quoted(text: &str) -> Option<Result<(String, &str), ()>> {
    let body = text.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some(Ok((out, &body[i + 1..]))),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, other)) => out.push(other),
                None => return Some(Err(())),
            },
            other => out.push(other),
        }
    }
    Some(Err(()))
}

/// Adds a parsed label; a name already used by the record gets `_extracted`.
fn add(view: &mut View<'_>, parsed: &mut Parsed, key: &str, value: String) {
    let name = if key != ERROR_LABEL && view.has(key) { format!("{key}_extracted") } else { key.to_owned() };
    if let Some(slot) = parsed.iter_mut().find(|(k, _)| *k == name) {
        slot.1 = value;
    } else {
        parsed.push((name, value));
    }
}
