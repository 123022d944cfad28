//! One problem a check found, worded so the reader knows the file, the key and the fix.

use std::fmt;

/// A problem in one file: where it is, what is wrong, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// File relative to the checked root, such as `ops/observability/prometheus.yml`.
    pub file: String,
    /// Key path inside the file (`service.pipelines.traces.exporters`), or a line/column.
    pub key: String,
    /// What is wrong.
    pub problem: String,
    /// What to do about it.
    pub fix: String,
}

impl Finding {
    /// A finding in `file` at `key`.
    pub fn new(file: &str, key: &str, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { file: file.to_string(), key: key.to_string(), problem: problem.into(), fix: fix.into() }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}; fix: {}", self.file, self.key, self.problem, self.fix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rendered line names file, key, problem and fix in that order.
    #[test]
    fn display_names_file_key_and_fix() {
        let f = Finding::new("a.yaml", "x.y", "is wrong", "set it right");
        assert_eq!(f.to_string(), "a.yaml: x.y: is wrong; fix: set it right");
    }
}
