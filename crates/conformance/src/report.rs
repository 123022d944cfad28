//! What a run prints and writes: the score line, a per-query report, and the known-failures file
//! with the ratchet that compares a run against it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::compare::Verdict;
use crate::run::Outcome;

/// The committed expectations, relative to the workspace root.
pub const KNOWN_FAILURES: &str = "crates/conformance/fixtures/promql-known-failures.txt";
/// The command that rewrites [`KNOWN_FAILURES`] from a fresh run.
pub const UPDATE_COMMAND: &str = "cargo xtask conformance promql --update-known-failures";

/// `PromQL: N of M`.
pub fn score(outcomes: &[Outcome]) -> String {
    let passed = outcomes.iter().filter(|o| o.verdict == Verdict::Pass).count();
    format!("PromQL: {passed} of {}", outcomes.len())
}

/// Failing queries with their reasons, in suite order.
pub fn failures(outcomes: &[Outcome]) -> Vec<(String, String)> {
    outcomes
        .iter()
        .filter_map(|o| match &o.verdict {
            Verdict::Pass => None,
            Verdict::Fail(why) => Some((o.case.query.clone(), why.clone())),
            Verdict::Reference(why) => Some((o.case.query.clone(), format!("reference: {why}"))),
        })
        .collect()
}

/// Every query with PASS or FAIL and its reason, after the score.
pub fn full(outcomes: &[Outcome]) -> String {
    let mut out = format!("{} against real Prometheus\n\n", score(outcomes));
    for o in outcomes {
        let _ = match &o.verdict {
            Verdict::Pass => writeln!(out, "PASS  {}", o.case.query),
            Verdict::Fail(why) => writeln!(out, "FAIL  {}  --  {why}", o.case.query),
            Verdict::Reference(why) => writeln!(out, "REF   {}  --  {why}", o.case.query),
        };
    }
    out
}

/// The known-failures file: a header, then `query<TAB>reason` per failing query.
pub fn known_failures_file(outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "# PromQL compliance queries (prometheus/compliance, expanded) that obs-embedded fails against real\n\
         # Prometheus 2.42 on the harness's data set: `query<TAB>reason`, one per line. The test\n\
         # `promql_failures_match_known_failures` fails on any difference, new failure or new pass.\n",
    );
    let _ = writeln!(out, "# Regenerate with `{UPDATE_COMMAND}`.");
    for (query, why) in failures(outcomes) {
        let _ = writeln!(out, "{query}\t{}", why.replace(['\n', '\t'], " "));
    }
    out
}

/// Parses the known-failures file into query → reason.
pub fn parse_known_failures(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once('\t') {
            Some((q, why)) => (q.to_string(), why.to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

/// The ratchet: `None` when the failing set equals `known`, else a message naming each
/// difference and how to update the file.
pub fn ratchet(outcomes: &[Outcome], known: &BTreeMap<String, String>) -> Option<String> {
    let now: BTreeMap<String, String> = failures(outcomes).into_iter().collect();
    let new_failures: Vec<String> =
        now.iter().filter(|(q, _)| !known.contains_key(*q)).map(|(q, why)| format!("  {q}  --  {why}")).collect();
    let new_passes: Vec<String> = known.keys().filter(|q| !now.contains_key(*q)).map(|q| format!("  {q}")).collect();
    if new_failures.is_empty() && new_passes.is_empty() {
        return None;
    }
    let mut msg = format!("{} differs from {KNOWN_FAILURES}\n", score(outcomes));
    if !new_failures.is_empty() {
        let _ = writeln!(msg, "newly failing ({}):\n{}", new_failures.len(), new_failures.join("\n"));
    }
    if !new_passes.is_empty() {
        let _ = writeln!(msg, "newly passing ({}):\n{}", new_passes.len(), new_passes.join("\n"));
    }
    let _ = write!(msg, "if this change is intended, run `{UPDATE_COMMAND}` and commit the file");
    Some(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::Case;

    fn outcome(query: &str, verdict: Verdict) -> Outcome {
        Outcome { case: Case { index: 0, query: query.into(), skip_comparison: false, should_fail: false }, verdict }
    }

    /// The file written from a run parses back to the same failing set, so the ratchet holds.
    #[test]
    fn known_failures_round_trip() {
        let run =
            vec![outcome("up", Verdict::Pass), outcome("hour()", Verdict::Fail("error on obs-embedded: 422".into()))];
        let known = parse_known_failures(&known_failures_file(&run));
        assert_eq!(known.len(), 1);
        assert_eq!(ratchet(&run, &known), None);
        assert_eq!(score(&run), "PromQL: 1 of 2");
    }

    /// A new failure and a new pass are both named, with the update command.
    #[test]
    fn ratchet_names_both_directions() {
        let known = parse_known_failures("# header\nold_fail\tx\n");
        let run = vec![outcome("old_fail", Verdict::Pass), outcome("new_fail", Verdict::Fail("why".into()))];
        let msg = ratchet(&run, &known).unwrap();
        assert_eq!(
            msg,
            format!(
                "PromQL: 1 of 2 differs from {KNOWN_FAILURES}\nnewly failing (1):\n  new_fail  --  why\n\
                 newly passing (1):\n  old_fail\nif this change is intended, run `{UPDATE_COMMAND}` and commit the file"
            )
        );
    }
}
