//! Query-string helpers: named parameters, numbers, and Tempo's logfmt `tags`.

use crate::error::Error;

/// The decoded query string.
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// The value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// A positive integer parameter, or its default.
    pub fn positive(&self, name: &str, default: usize) -> Result<usize, Error> {
        match self.get(name) {
            None | Some("") => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| Error::BadRequest(format!("invalid {name} {v:?}: pass a positive integer"))),
        }
    }

    /// A unix-seconds parameter, in nanoseconds.
    pub fn unix_seconds(&self, name: &str) -> Result<Option<u64>, Error> {
        match self.get(name) {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse::<u32>()
                .map(|s| Some(u64::from(s) * 1_000_000_000))
                .map_err(|_| Error::BadRequest(format!("invalid {name} {v:?}: pass unix seconds"))),
        }
    }
}

/// Parses logfmt `key=value key2="value 2"` pairs.
pub fn logfmt(text: &str) -> Result<Vec<(String, String)>, Error> {
    let bad = |why: &str| Error::BadRequest(format!("invalid tags {text:?}: {why}"));
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seen = crate::hash::FxSet::default();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        if chars.next() != Some('=') || key.is_empty() {
            return Err(bad("expected key=value pairs separated by spaces"));
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => value.extend(chars.next()),
                    Some(c) => value.push(c),
                    None => return Err(bad("unterminated quoted value; close it with \"")),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        if !seen.insert(key.clone()) {
            return Err(bad(&format!("tag {key:?} is given twice; give each tag once")));
        }
        out.push((key, value));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test
mod tests {
    use super::logfmt;

    /// Pins bare and quoted values, and errors for a missing `=` and duplicate keys.
    #[test]
    fn logfmt_pairs() {
        let tags = logfmt(r#"service.name=x  http.route="/a b" e="q\"x""#).unwrap();
        let want = [("service.name", "x"), ("http.route", "/a b"), ("e", "q\"x")];
        assert_eq!(tags, want.map(|(k, v)| (k.to_owned(), v.to_owned())).to_vec());
        assert!(logfmt("novalue").is_err());
        assert!(logfmt("a=1 a=2").unwrap_err().to_string().contains("twice"));
        assert_eq!(logfmt("").unwrap(), vec![]);
    }
}
