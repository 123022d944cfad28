//! Loads and parses every YAML and JSON file under `ops/`, so each check works on parsed values
//! and a syntax error is reported once, naming the file and the line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

use super::finding::Finding;

/// Every config file under `ops/`, parsed, keyed by its path relative to the checked root
/// (with `/` separators).
#[derive(Debug, Default)]
pub struct Ops {
    /// Files that parsed.
    pub parsed: BTreeMap<String, Value>,
    /// Raw text of every file read, for checks that need the original spelling.
    pub text: BTreeMap<String, String>,
    /// Files that did not parse (their findings are in the parse check).
    pub broken: BTreeSet<String>,
}

impl Ops {
    /// The parsed file `rel`, or a finding saying why it cannot be checked.
    pub fn require(&self, rel: &str) -> Result<&Value, Finding> {
        if let Some(value) = self.parsed.get(rel) {
            return Ok(value);
        }
        if self.broken.contains(rel) {
            Err(Finding::new(rel, "(file)", "not checked because the file does not parse", "fix the parse error above"))
        } else {
            Err(Finding::new(rel, "(file)", "file is missing", "restore it (`git checkout -- <file>`)"))
        }
    }

    /// Parsed files directly inside the folder `dir` whose names end with one of `exts`.
    pub fn in_dir<'a>(&'a self, dir: &'a str, exts: &'a [&str]) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.parsed.iter().filter_map(move |(rel, value)| {
            let (parent, name) = rel.rsplit_once('/')?;
            (parent == dir && exts.iter().any(|e| name.ends_with(e))).then_some((rel.as_str(), value))
        })
    }
}

/// Whether `name` is a config file this check parses.
fn kind(name: &str) -> Option<Kind> {
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        Some(Kind::Yaml)
    } else if name.ends_with(".json") {
        Some(Kind::Json)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Yaml,
    Json,
}

/// Parses one file's text; the error names the line and column.
fn parse(kind: Kind, text: &str) -> Result<Value, String> {
    match kind {
        Kind::Yaml => serde_yaml_ng::from_str::<Value>(text).map_err(|e| e.to_string()),
        Kind::Json => serde_json::from_str::<Value>(text).map_err(|e| e.to_string()),
    }
}

/// Parses the files given as `(relative path, text)` and returns them with one finding per file
/// that does not parse.
pub fn parse_all(files: Vec<(String, String)>) -> (Ops, Vec<Finding>) {
    let mut ops = Ops::default();
    let mut findings = Vec::new();
    for (rel, text) in files {
        let Some(kind) = kind(&rel) else { continue };
        match parse(kind, &text) {
            Ok(value) => {
                ops.parsed.insert(rel.clone(), value);
            }
            Err(err) => {
                let what = if matches!(kind, Kind::Yaml) { "YAML" } else { "JSON" };
                findings.push(Finding::new(
                    &rel,
                    "(syntax)",
                    format!("invalid {what}: {err}"),
                    "correct the syntax there",
                ));
                ops.broken.insert(rel.clone());
            }
        }
        ops.text.insert(rel, text);
    }
    (ops, findings)
}

/// Reads every YAML and JSON file under `root/ops`, recursively, as `(relative path, text)`.
pub fn read_ops(root: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut stack = vec![root.join("ops")];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).with_context(|| format!("read directory {}", dir.display()))?;
        for entry in entries {
            let path = entry.with_context(|| format!("read an entry of {}", dir.display()))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().and_then(|n| n.to_str()).and_then(kind).is_some() {
                let text = std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
                out.push((relative(root, &path), text));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Good YAML and JSON parse; a broken file becomes one finding naming file and line.
    #[test]
    fn parses_and_reports_syntax_errors() {
        let files = vec![
            ("ops/a.yaml".to_string(), "a: [1, 2".to_string()),
            ("ops/b.json".to_string(), "{\"x\": 1}".to_string()),
            ("ops/c.txt".to_string(), "not config".to_string()),
        ];
        let (ops, findings) = parse_all(files);
        assert_eq!(ops.parsed.keys().collect::<Vec<_>>(), vec!["ops/b.json"]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].file, "ops/a.yaml");
        assert!(findings[0].problem.starts_with("invalid YAML: "), "{}", findings[0].problem);
        assert!(findings[0].problem.contains("line 1"), "{}", findings[0].problem);
        let problem = |rel| ops.require(rel).err().map(|f| f.problem).unwrap_or_default();
        assert!(problem("ops/a.yaml").contains("does not parse"));
        assert!(problem("ops/zz.yaml").contains("missing"));
    }

    /// Only files directly in the folder with a matching extension are listed.
    #[test]
    fn in_dir_filters_folder_and_extension() {
        let files = vec![
            ("d/x.yaml".to_string(), "a: 1".to_string()),
            ("d/sub/y.yaml".to_string(), "a: 1".to_string()),
            ("d/z.json".to_string(), "{}".to_string()),
        ];
        let (ops, _) = parse_all(files);
        let names: Vec<_> = ops.in_dir("d", &[".yaml"]).map(|(n, _)| n).collect();
        assert_eq!(names, vec!["d/x.yaml"]);
    }
}
