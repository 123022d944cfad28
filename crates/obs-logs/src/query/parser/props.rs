//! Property tests for the LogQL front end: arbitrary text, and generated deep and long
//! expressions, always get a bounded answer (a result, or an error naming the problem or the
//! limit) from the lexical bound, the parser and the evaluator; never a panic or a stack
//! overflow. 256 cases by default; `PROPTEST_CASES` sets another count.

use std::time::Duration;

use obs_contract::StoreLimits;
use obs_contract::query::{Budget, QueryLimits, scan};
use proptest::prelude::*;

use super::parse_with;
use crate::LogStore;
use crate::query::QueryError;
use crate::query::ast::Query;
use crate::query::eval::logs::{LogParams, select};
use crate::query::eval::{Grid, eval_metric};

/// 256 cases, unless `PROPTEST_CASES` says otherwise.
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_some() { default } else { ProptestConfig { cases: 256, ..default } }
}

/// What a query handler does: the lexical bound, then parse, then evaluate on an empty store.
fn answer(text: &str) -> Result<(), QueryError> {
    let limits = QueryLimits::default();
    scan::check(text, &limits)?;
    let store = LogStore::new(StoreLimits { max_items: 10, max_bytes: 1 << 20, history: Duration::from_secs(60) });
    let budget = Budget::unlimited();
    match parse_with(text, limits.max_depth)? {
        Query::Log(log) => {
            select(&store, &log, LogParams { start: 0, end: 10, limit: 10, forward: true }, &budget).map(drop)
        }
        Query::Metric(expr) => eval_metric(&store, &expr, &Grid { start: 0, end: 10, step: 1 }, &budget).map(drop),
    }
}

/// A generated metric expression: leaves, operators, brackets, aggregations and signs, nested.
fn metric_expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("1".to_owned()),
        Just("vector(2)".to_owned()),
        Just(r#"count_over_time({a="b"} |= "x" | json | n > 1 [1m])"#.to_owned()),
        Just(r#"rate({a=~"b.+"} | logfmt [5m])"#.to_owned()),
    ];
    leaf.prop_recursive(100, 2_000, 6, |inner| {
        prop_oneof![
            (inner.clone(), prop::sample::select(vec!["+", "-", "*", "/", "%", "^"]), inner.clone())
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|e| format!("({e})")),
            inner.clone().prop_map(|e| format!("-{e}")),
            inner.clone().prop_map(|e| format!("sum by (a) ({e})")),
            inner.prop_map(|e| format!("topk(2, {e})")),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary text: no panic; an error is a parse error or a limit.
    #[test]
    fn arbitrary_text_gets_an_answer(text in "\\PC{0,300}") {
        let _ = answer(&text);
    }

    /// Arbitrary text built from LogQL's own tokens: no panic.
    #[test]
    fn token_soup_gets_an_answer(tokens in prop::collection::vec(
        prop::sample::select(vec!["{", "}", "(", ")", "[", "]", "a", "=", "\"b\"", "|=", "|", "json", "logfmt",
            "sum", "by", "rate", "5m", "1", "+", "^", "-", ",", "and", "or", "vector", "!=", ">", "topk"]),
        0..400,
    )) {
        let _ = answer(&tokens.join(" "));
    }

    /// Generated deep and long expressions: a result, or an error that says what is wrong
    /// (a limit, or a construct the embedded backend does not evaluate).
    #[test]
    fn generated_expressions_get_a_bounded_answer(expr in metric_expr()) {
        if let Err(err) = answer(&expr) {
            let text = err.to_string();
            let limit = matches!(err, QueryError::Limit(_)) && text.contains("over the limit of");
            let named = matches!(err, QueryError::Bad(_) | QueryError::Unsupported(_)) && !text.is_empty();
            prop_assert!(limit || named, "{expr}: {text}");
        }
    }

    /// Brackets and chains far past every limit are refused naming the limit.
    #[test]
    fn huge_nesting_and_chains_are_refused(depth in 65usize..5_000, op in prop::sample::select(vec!["+", "^", "*"])) {
        let nested = format!("{}1{}", "(".repeat(depth), ")".repeat(depth));
        let chain = vec!["vector(1)"; depth.max(1_001) + 1].join(op);
        for text in [nested, chain] {
            let err = answer(&text).err().map(|e| e.to_string()).unwrap_or_default();
            prop_assert!(err.contains("over the limit of"), "{err}");
        }
    }
}
