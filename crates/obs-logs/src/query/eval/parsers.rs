//! `| json` and `| logfmt`: labels extracted from the line, with Loki's key sanitizing,
//! `_extracted` suffix on clashes and `__error__` on lines that do not parse. Labels are added
//! through a hash index, so a line with many fields costs linear time.

use rustc_hash::FxHashMap as FastMap;

use super::pipeline::Parsed;
use super::view::View;
use crate::labels::sanitize;

/// The error label Loki sets when a parser fails.
pub const ERROR_LABEL: &str = "__error__";

/// Parsed labels with a hash index by name, so adding n fields costs O(n), not O(n²).
struct Sink<'p> {
    parsed: &'p mut Parsed,
    index: FastMap<String, usize>,
}

impl<'p> Sink<'p> {
    fn new(parsed: &'p mut Parsed) -> Self {
        let index = parsed.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)).collect();
        Sink { parsed, index }
    }

    /// Adds a parsed label; a name already used by the record gets `_extracted`; a name parsed
    /// twice keeps the last value.
    fn add(&mut self, view: &mut View<'_>, key: &str, value: String) {
        let name = if key != ERROR_LABEL && view.has(key) { format!("{key}_extracted") } else { key.to_owned() };
        match self.index.get(&name) {
            Some(&i) => self.parsed[i].1 = value,
            None => {
                self.index.insert(name.clone(), self.parsed.len());
                self.parsed.push((name, value));
            }
        }
    }
}

/// Extracts a JSON line's fields (nested objects flattened with `_`, arrays skipped).
pub fn json(view: &mut View<'_>, parsed: &mut Parsed, line: &[u8]) {
    let mut sink = Sink::new(parsed);
    match serde_json::from_slice::<serde_json::Value>(line) {
        Ok(serde_json::Value::Object(map)) => {
            for (key, value) in &map {
                flatten(view, &mut sink, &sanitize(key), value);
            }
        }
        Ok(_) | Err(_) => sink.add(view, ERROR_LABEL, "JSONParserErr".to_owned()),
    }
}

/// One JSON value under `prefix`; nesting is bounded by serde_json's recursion limit (128).
fn flatten(view: &mut View<'_>, sink: &mut Sink<'_>, prefix: &str, value: &serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                flatten(view, sink, &format!("{prefix}_{}", sanitize(key)), inner);
            }
        }
        serde_json::Value::Array(_) | serde_json::Value::Null => {}
        serde_json::Value::String(s) => sink.add(view, prefix, s.clone()),
        other => sink.add(view, prefix, other.to_string()),
    }
}

/// Extracts a logfmt line's `key=value` pairs (values may be quoted).
pub fn logfmt(view: &mut View<'_>, parsed: &mut Parsed, line: &str) {
    let mut sink = Sink::new(parsed);
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
                    sink.add(view, ERROR_LABEL, "LogfmtParserErr".to_owned());
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
            sink.add(view, &sanitize(key), value);
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
