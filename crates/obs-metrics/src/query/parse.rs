//! Query text to a parsed expression, safely: a lexical bound first (the parser, our evaluator
//! and `Drop` of the tree recurse on nesting), then `promql-parser` with its panics caught
//! (it panics on durations such as `up[1e300]`), with errors worded as Prometheus words them.

use std::panic::{AssertUnwindSafe, catch_unwind};

use obs_contract::query::{LimitError, QueryLimits, scan};
use promql_parser::parser::Expr;

use super::{QueryError, durations};

/// `Err` when `text` is longer, deeper or has more operators than `limits` allow. The shared
/// scan counts every operator character, so each sign of `----up` (a unary operator nesting one
/// level deeper in PromQL) counts.
pub fn check(text: &str, limits: &QueryLimits) -> Result<(), LimitError> {
    scan::check(text, limits).map(|_| ())
}

/// Checks and parses a query, answering parse errors as Prometheus words them.
pub fn parse(query: &str, limits: &QueryLimits) -> Result<Expr, QueryError> {
    if query.trim().is_empty() {
        return Err(QueryError::BadData(
            "invalid parameter \"query\": 1:1: parse error: no expression found in input".into(),
        ));
    }
    check(query, limits)?;
    durations::check(query)?;
    let parsed = catch_unwind(AssertUnwindSafe(|| promql_parser::parser::parse(query)));
    match parsed {
        Ok(Ok(expr)) => Ok(expr),
        Ok(Err(e)) => Err(QueryError::BadData(format!("invalid parameter \"query\": {}", parse_detail(query, &e)))),
        Err(_) => Err(durations::out_of_range("a duration")),
    }
}

/// The parser's message, or Prometheus' position and words for input that stops too early
/// (the parser reports that only as "invalid promql query").
fn parse_detail(query: &str, error: &str) -> String {
    if error == "invalid promql query" && ends_unfinished(query) {
        let line = query.lines().count().max(1);
        let column = query.lines().last().map_or(0, |l| l.chars().count()) + 1;
        format!("{line}:{column}: parse error: unexpected end of input")
    } else {
        format!("parse error: {error}")
    }
}

/// True when the query stops where more must follow (after an operator, an opening bracket or
/// a comma).
fn ends_unfinished(query: &str) -> bool {
    let trimmed = query.trim_end();
    trimmed.ends_with(['+', '-', '*', '/', '%', '^', '=', '<', '>', '(', '{', '[', ',', '~'])
        || ["and", "or", "unless", "by", "without", "on", "ignoring", "bool", "offset"]
            .iter()
            .any(|w| trimmed.rsplit(|c: char| !c.is_ascii_alphanumeric() && c != '_').next() == Some(*w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_data(query: &str) -> String {
        match parse(query, &QueryLimits::default()) {
            Err(QueryError::BadData(m)) => m,
            Err(QueryError::Limit(e)) => QueryError::Limit(e).message(),
            other => panic!("{query:?}: expected bad data, got {other:?}"),
        }
    }

    /// Durations the parser panics on (`Duration::from_secs_f64`) answer bad data naming the
    /// problem instead of killing the connection, whether the lexical check or the caught panic
    /// finds them (a comment before the number hides it from the lexical check).
    #[test]
    fn out_of_range_durations_are_bad_data() {
        for query in ["up[1e300]", "up offset 1e300", "up[5m:1e300]", "rate(up[1e20])", "up offset # a comment\n1e300"]
        {
            assert!(bad_data(query).contains("is out of range"), "{query}");
        }
    }

    /// A run of unary signs counts each sign, so `----…up` cannot nest past the term limit.
    #[test]
    fn unary_runs_count_every_sign() {
        let message = bad_data(&format!("{}up", "-".repeat(20_000)));
        assert!(message.contains("number of operators is 20000, over the limit of 1000"), "{message}");
        assert!(parse("--up", &QueryLimits::default()).is_ok());
    }

    /// The attack shapes of the issue answer bad data naming the limit.
    #[test]
    fn deep_and_long_queries_name_the_limit() {
        let plus = bad_data(&vec!["1"; 5_000].join("+"));
        assert!(plus.contains("number of operators is 4999, over the limit of 1000"), "{plus}");
        let abs = bad_data(&format!("{}1{}", "abs(".repeat(5_000), ")".repeat(5_000)));
        assert!(abs.contains("nesting depth is 5000, over the limit of 64"), "{abs}");
        let parens = bad_data(&format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000)));
        assert!(parens.contains("length in bytes is 200001, over the limit of 65536"), "{parens}");
    }
}
