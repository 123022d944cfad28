//! The PromQL ratchet: the set of failing compliance queries must equal the committed list.

use conformance::report;

/// Every expanded compliance query runs against real Prometheus and obs-embedded on the same data,
/// and the failing set equals `fixtures/promql-known-failures.txt` (new failures and new passes
/// both fail, naming the queries and the update command).
#[test]
fn promql_failures_match_known_failures() {
    let outcomes = conformance::run::promql().unwrap();
    assert_eq!(outcomes.len(), 539);
    let path = test_support::workspace_root().join(report::KNOWN_FAILURES);
    let known = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    println!("{}", report::score(&outcomes));
    if let Some(msg) = report::ratchet(&outcomes, &report::parse_known_failures(&known)) {
        panic!("{msg}");
    }
}
