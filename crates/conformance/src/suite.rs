//! The compliance suite's query list and its expansion into concrete queries, exactly as
//! prometheus/compliance `promql/testcases/expand.go` does it (same variant values, same order).

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The query list, copied from prometheus/compliance (see the header of the file for its commit).
pub const QUERIES_YAML: &str = include_str!("../fixtures/promql-test-queries.yml");

/// One template of the suite (`test_cases` entry).
#[derive(Debug, Clone, Deserialize)]
pub struct Template {
    /// The query, with `{{.arg}}` placeholders.
    pub query: String,
    /// Which placeholders to vary, outermost first.
    #[serde(default)]
    pub variant_args: Vec<String>,
    /// Run but do not compare the answers.
    #[serde(default)]
    pub skip_comparison: bool,
    /// Both sides must answer with an error.
    #[serde(default)]
    pub should_fail: bool,
}

#[derive(Debug, Deserialize)]
struct File {
    test_cases: Vec<Template>,
}

/// One expanded query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Position in the suite's order.
    pub index: usize,
    /// The concrete PromQL.
    pub query: String,
    /// Run but do not compare the answers.
    pub skip_comparison: bool,
    /// Both sides must answer with an error.
    pub should_fail: bool,
}

/// `testVariantArgs` of expand.go.
const VARIANT_ARGS: &[(&str, &[&str])] = &[
    ("range", &["1s", "15s", "1m", "5m", "15m", "1h"]),
    ("offset", &["1m", "5m", "10m"]),
    ("simpleAggrOp", &["sum", "avg", "max", "min", "count", "stddev", "stdvar"]),
    ("simpleTimeAggrOp", &["sum", "avg", "max", "min", "count", "stddev", "stdvar", "absent", "last"]),
    ("topBottomOp", &["topk", "bottomk"]),
    ("quantile", &["-0.5", "0.1", "0.5", "0.75", "0.95", "0.90", "0.99", "1", "1.5"]),
    ("arithBinOp", &["+", "-", "*", "/", "%", "^"]),
    ("compBinOp", &["==", "!=", "<", ">", "<=", ">="]),
    ("binOp", &["+", "-", "*", "/", "%", "^", "==", "!=", "<", ">", "<=", ">="]),
    ("simpleMathFunc", &["abs", "ceil", "floor", "exp", "sqrt", "ln", "log2", "log10", "round"]),
    ("extrapolatedRateFunc", &["delta", "rate", "increase"]),
    ("clampFunc", &["clamp_min", "clamp_max"]),
    ("instantRateFunc", &["idelta", "irate"]),
    ("dateFunc", &["day_of_month", "day_of_week", "days_in_month", "hour", "minute", "month", "year"]),
    ("smoothingFactor", &["0.1", "0.5", "0.8"]),
    ("trendFactor", &["0.1", "0.5", "0.8"]),
];

/// Parses a query list in the suite's YAML format.
pub fn parse(yaml: &str) -> Result<Vec<Template>> {
    let file: File = serde_yaml_ng::from_str(yaml).context("parse the compliance suite's query list")?;
    Ok(file.test_cases)
}

/// The suite's expanded queries, in the suite's order.
pub fn expanded() -> Result<Vec<Case>> {
    expand(&parse(QUERIES_YAML)?)
}

/// Expands every template (`ExpandTestCases` without the time parameters).
pub fn expand(templates: &[Template]) -> Result<Vec<Case>> {
    let mut out = Vec::new();
    for t in templates {
        let mut args = Vec::new();
        for query in variants(&t.query, &t.variant_args, &mut args)? {
            out.push(Case { index: out.len(), query, skip_comparison: t.skip_comparison, should_fail: t.should_fail });
        }
    }
    Ok(out)
}

/// `getVariants`: the first remaining argument varies slowest; each of its occurrences is
/// removed from the rest.
fn variants(query: &str, remaining: &[String], args: &mut Vec<(String, String)>) -> Result<Vec<String>> {
    let Some(first) = remaining.first() else {
        return render(query, args).map(|q| vec![q]);
    };
    let rest: Vec<String> = remaining.iter().filter(|a| *a != first).cloned().collect();
    let Some((_, values)) = VARIANT_ARGS.iter().find(|(name, _)| name == first) else {
        bail!("unknown variant arg {first:?} in {query:?}");
    };
    let mut out = Vec::new();
    for value in *values {
        args.retain(|(k, _)| k != first);
        args.push((first.clone(), (*value).to_string()));
        out.extend(variants(query, &rest, args)?);
    }
    Ok(out)
}

/// `tprintf`: replaces each `{{.name}}` with its value (the only template action the suite uses).
fn render(template: &str, args: &[(String, String)]) -> Result<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find("}}").with_context(|| format!("unclosed {{{{ in {template:?}"))?;
        let action = after[..close].trim();
        let name =
            action.strip_prefix('.').with_context(|| format!("unsupported action {action:?} in {template:?}"))?;
        let value = args
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .with_context(|| format!("no value for {{{{.{name}}}}} in {template:?}"))?;
        out.push_str(value);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The copied suite expands to 539 queries, as the issue measured with the suite's own tool.
    #[test]
    fn suite_expands_to_539_queries() {
        let cases = expanded().unwrap();
        assert_eq!(cases.len(), 539);
        assert_eq!(cases.iter().filter(|c| c.should_fail).count(), 5);
    }

    /// The first variant argument varies slowest, as getVariants recurses.
    #[test]
    fn first_argument_varies_slowest() {
        let t =
            parse("test_cases:\n- query: 'a_{{.range}}_{{.offset}}'\n  variant_args: ['range', 'offset']\n").unwrap();
        let qs: Vec<String> = expand(&t).unwrap().into_iter().map(|c| c.query).collect();
        assert_eq!(&qs[..4], ["a_1s_1m", "a_1s_5m", "a_1s_10m", "a_15s_1m"]);
        assert_eq!(qs.len(), 18);
    }

    /// A placeholder without a variant value is an error naming it, as text/template would panic.
    #[test]
    fn missing_value_is_an_error() {
        let t = parse("test_cases:\n- query: 'x{{.range}}'\n").unwrap();
        let err = expand(&t).unwrap_err().to_string();
        assert!(err.contains("no value for {{.range}}"), "{err}");
    }
}
