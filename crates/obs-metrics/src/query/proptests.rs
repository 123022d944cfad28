//! Property tests of the whole PromQL path (bound check, parse, instant and range evaluation
//! on a small store) with arbitrary text and generated deep and long expressions: never a
//! panic or a stack overflow, always a result or an error, and limit errors name the limit.
//! Cases default to a CI-sized count; `PROPTEST_CASES` raises it for long runs.
#![allow(clippy::unwrap_used)]

use std::sync::LazyLock;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use obs_contract::query::{Budget, LimitError, QueryLimits};
use proptest::prelude::*;

use super::tests::fixture;
use super::{QueryError, instant_query, parse, range_query};
use crate::store::MetricStore;
use crate::view::StoreView;

static STORE: LazyLock<MetricStore> = LazyLock::new(fixture);

/// The fixture's last sample, in ms.
const AT: i64 = (1_700_000_000 + 120) * 1000;

/// `default` cases unless `PROPTEST_CASES` asks for another count.
fn config(default: u32) -> ProptestConfig {
    let base = ProptestConfig::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() { base.cases } else { default };
    ProptestConfig { cases, failure_persistence: None, ..base }
}

/// Runs `query` through the API's path and checks the answer is bounded.
fn run(query: &str) -> Result<(), TestCaseError> {
    let limits = QueryLimits { max_samples: 100_000, ..QueryLimits::default() };
    let budget = || Budget::new(Duration::from_secs(60), limits.max_samples, AtomicBool::new(false).into());
    let view = StoreView::store_only(&STORE);
    let answers = match parse::parse(query, &limits) {
        Ok(expr) => [
            instant_query(&view, &expr, AT, &budget()).map(|_| ()),
            range_query(&view, &expr, AT - 60_000, AT, 15_000, &budget()).map(|_| ()),
        ],
        Err(e) => [Err(e.clone()), Err(e)],
    };
    for answer in answers {
        match answer {
            Ok(()) => {}
            Err(QueryError::Limit(LimitError::TooBig { actual, limit, .. })) => prop_assert!(actual > limit),
            Err(QueryError::Limit(LimitError::TooManySamples(n))) => prop_assert_eq!(n, limits.max_samples),
            Err(e @ QueryError::Limit(_)) => prop_assert!(false, "unexpected limit: {e}"),
            Err(e) => prop_assert!(!e.message().is_empty()),
        }
    }
    Ok(())
}

/// Leaves of generated expressions: scalars, selectors, range functions.
fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("temp".to_string()),
        Just("http_requests_total{job=\"a\"}".to_string()),
        Just("rate(http_requests_total[1m])".to_string()),
        Just("vector(time())".to_string()),
        any::<f64>().prop_map(|v| format!("{v}")),
        (0u32..100_000).prop_map(|n| format!("temp offset {n}s")),
    ]
}

/// Nested and combined expressions, up to 48 levels deep (deeper generators overflow proptest itself; `deep_or_long` goes deeper).
fn expression() -> impl Strategy<Value = String> {
    let ops = prop::sample::select(vec!["+", "-", "*", "/", "^", "and", "or", "unless", ">", "== bool", "%"]);
    leaf().prop_recursive(48, 400, 4, move |inner| {
        prop_oneof![
            (inner.clone(), ops.clone(), inner.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("abs({a})")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("sum by (job) ({a})")),
            inner.clone().prop_map(|a| format!("topk(2, {a})")),
            prop::collection::vec(inner, 1..8).prop_map(|v| v.join(" + ")),
        ]
    })
}

/// One shape repeated `n` times: nesting (`abs(`, `(`, `-`) or a chain (`temp + ` ...).
fn deep_or_long() -> impl Strategy<Value = String> {
    let opener = prop::sample::select(vec!["abs(", "(", "-", "- ", "sum(", "-(", "rate("]);
    let chain = prop::sample::select(vec!["+", "^", "/", " and ", " or ", "*-"]);
    prop_oneof![
        (1usize..3_000, opener).prop_map(|(n, open)| {
            let close = ")".repeat(open.matches('(').count() * n);
            format!("{}temp{close}", open.repeat(n))
        }),
        (1usize..3_000, chain).prop_map(|(n, op)| vec!["temp"; n].join(op)),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary text never panics and always answers.
    #[test]
    fn arbitrary_text_is_answered(query in any::<String>()) {
        run(&query)?;
    }

    /// Text made of PromQL's own characters never panics and always answers.
    #[test]
    fn promql_like_text_is_answered(query in "[-+*/^()\\[\\]{}a-z0-9_=~!\",.: ]{0,400}") {
        run(&query)?;
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Generated expressions evaluate or answer an error, at any depth the generator reaches.
    #[test]
    fn generated_expressions_are_answered(query in expression()) {
        run(&query)?;
    }

    /// Deep nesting and long chains answer a result or an error naming the limit.
    #[test]
    fn deep_and_long_expressions_are_bounded(query in deep_or_long()) {
        run(&query)?;
    }
}
