//! Property tests: the TraceQL parser and the search parameter decoder take arbitrary text and
//! generated deep or long expressions without a panic, and answer within the limits: a query
//! that passes is shallow and runs; one that does not gets an error naming the limit it broke.
//! 256 cases per property by default; `PROPTEST_CASES` raises it (`cargo xtask fuzz`).

use obs_contract::query::{Budget, QueryLimits, scan};
use obs_traces::TraceStore;
use obs_traces::api::params::Params;
use obs_traces::api::search_params::{QueryText, decode};
use obs_traces::query::search::run;
use obs_traces::query::traceql::ast::{Field, Spanset};
use obs_traces::query::traceql::parse;
use proptest::prelude::*;

use crate::support::{replayed_request, roomy};

/// Proptest's defaults: 256 cases, or `PROPTEST_CASES` when set.
fn config() -> ProptestConfig {
    ProptestConfig::default()
}

/// The deepest tree a query that passed the limits can have (brackets and `!` nest, chains do not).
const MAX_TREE_DEPTH: usize = 2 * QueryLimits::DEFAULT_MAX_DEPTH + 2;

fn set_depth(set: &Spanset) -> usize {
    match set {
        Spanset::Filter(f) => 1 + field_depth(f),
        Spanset::And(items) | Spanset::Or(items) => 1 + items.iter().map(set_depth).max().unwrap_or(0),
    }
}

fn field_depth(field: &Field) -> usize {
    match field {
        Field::True | Field::Cmp(_) => 1,
        Field::Not(inner) => 1 + field_depth(inner),
        Field::And(items) | Field::Or(items) => 1 + items.iter().map(field_depth).max().unwrap_or(0),
    }
}

/// A field expression as text: comparisons joined, negated and bracketed to any depth.
fn field_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("true".to_owned()),
        "[a-z]{1,3}".prop_map(|k| format!(".{k} = \"v\"")),
        (0..100i64).prop_map(|n| format!("span.n >= {n}")),
        Just("duration > 1ms".to_owned()),
        Just("name =~ \"a.*\"".to_owned()),
        Just("status = error".to_owned()),
    ];
    leaf.prop_recursive(48, 40, 6, |inner| {
        prop_oneof![
            inner.clone().prop_map(|f| format!("!{f}")),
            inner.clone().prop_map(|f| format!("({f})")),
            prop::collection::vec(inner.clone(), 2..12).prop_map(|v| v.join(" && ")),
            prop::collection::vec(inner, 2..12).prop_map(|v| v.join(" || ")),
        ]
    })
}

/// A spanset expression as text, possibly deep or long.
fn query_text() -> impl Strategy<Value = String> {
    let filter = field_text().prop_map(|f| format!("{{ {f} }}"));
    filter.prop_recursive(40, 20, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|s| format!("({s})")),
            prop::collection::vec(inner.clone(), 2..8).prop_map(|v| v.join(" && ")),
            prop::collection::vec(inner, 2..8).prop_map(|v| v.join(" || ")),
        ]
    })
}

/// Checks a query the way the API does (scan, then parse); a query that passes runs on a
/// small store; an error names what was wrong.
fn bounded(text: &str, store: &TraceStore) -> Result<(), TestCaseError> {
    if let Err(limit) = scan::check(text, &QueryLimits::default()) {
        prop_assert!(limit.to_string().contains("over the limit"), "{limit}");
        return Ok(());
    }
    match parse(text) {
        Ok(query) => {
            prop_assert!(set_depth(&query) <= MAX_TREE_DEPTH, "depth {}", set_depth(&query));
            let req = obs_traces::query::search::Request {
                query,
                spansets: true,
                limit: 5,
                spss: 3,
                start: None,
                end: None,
                min_duration: None,
                max_duration: None,
            };
            if let Err(e) = run(store, &req, &Budget::unlimited()) {
                prop_assert!(e.to_string().contains("regular expression"), "{e}");
            }
        }
        Err(e) => prop_assert!(!e.message.is_empty()),
    }
    Ok(())
}

fn store() -> TraceStore {
    let store = TraceStore::new(roomy());
    store.ingest(replayed_request().0).expect("ingest the captured request");
    store
}

proptest! {
    #![proptest_config(config())]

    /// Pins that arbitrary text never panics the scan, the parser or the search.
    #[test]
    fn arbitrary_text_is_bounded(text in "\\PC{0,200}") {
        bounded(&text, &store())?;
    }

    /// Pins that text made of TraceQL's own symbols (brackets, operators, words) is bounded.
    #[test]
    fn traceql_symbol_soup_is_bounded(text in "[{}()!&|=~<>. a-z0-9\"]{0,400}") {
        bounded(&text, &store())?;
    }

    /// Pins that generated deep and long expressions are refused naming a limit or run.
    #[test]
    fn generated_expressions_are_bounded(text in query_text()) {
        bounded(&text, &store())?;
    }

    /// Pins that any search parameters (plus a flood of bare ones) decode to a bounded search or
    /// a 400 naming the problem, and that a decoded search parses and runs without a panic.
    #[test]
    fn search_parameters_are_bounded(
        params in prop::collection::vec(
            (prop_oneof![
                Just("q".to_owned()), Just("tags".to_owned()), Just("limit".to_owned()),
                Just("start".to_owned()), Just("end".to_owned()), Just("minDuration".to_owned()),
                Just("maxDuration".to_owned()), Just("spss".to_owned()), "[a-z.]{1,8}",
            ], prop_oneof!["[a-z0-9=\" {}.&|()]{0,12}", "\\PC{0,12}"]),
            0..40,
        ),
        bare in 0..1500usize,
    ) {
        let limits = QueryLimits::default();
        let mut params = params;
        params.extend(std::iter::repeat_n(("a".to_owned(), String::new()), bare));
        match decode(&Params(params), &limits) {
            Ok(spec) => {
                if let QueryText::Tags(tags) = &spec.query {
                    prop_assert!(tags.len() <= limits.max_terms);
                }
                if let Ok(req) = spec.into_request(&limits) {
                    prop_assert!(set_depth(&req.query) <= MAX_TREE_DEPTH);
                    let _ = run(&store(), &req, &Budget::unlimited());
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
