//! Which spans of one trace a query matches, in time linear in the trace's spans: one pass
//! finds the filters that match some span, the spanset operators then decide which filters
//! count, and a second pass collects the spans those filters match (no per-operator merge or
//! sort, however many `&&`/`||` the query has).

use obs_contract::query::{Budget, LimitError};

use super::bind::{BField, BSet, filters};
use super::eval::SpanCtx;
use crate::TraceStore;
use crate::query::chunks::CHUNK;
use crate::store::Inner;
use crate::store::traces::TraceEntry;

/// The matched spans (ascending), or `None` when the query does not hold for the trace.
/// `leaves` are the query's filters, left to right (see [`super::bind::filters`]). For a trace
/// that fits one chunk: the caller holds the read lock throughout.
pub fn trace_matches(
    set: &BSet,
    leaves: &[&BField],
    inner: &Inner,
    trace: &TraceEntry,
    budget: &Budget,
) -> Result<Option<Vec<u32>>, LimitError> {
    let spans = trace.spans.as_slice();
    let mut found = vec![false; leaves.len()];
    find_filters(leaves, inner, spans, &mut found, budget)?;
    let Some(counted) = counted(set, &found) else { return Ok(None) };
    let mut matched = Vec::new();
    collect(leaves, &counted, inner, spans, &mut matched, budget)?;
    Ok((!matched.is_empty()).then_some(matched))
}

/// [`trace_matches`] for a trace too big for one hold of the lock: its spans `seqs` are
/// visited a chunk at a time (see [`spans_per_hold`]), the lock taken per chunk (spans evicted meanwhile are skipped).
pub fn big_trace_matches(
    store: &TraceStore,
    set: &mut BSet,
    seqs: &[u32],
    budget: &Budget,
) -> Result<Option<Vec<u32>>, LimitError> {
    let mut found = vec![false; filters(set).len()];
    let per_hold = spans_per_hold(found.len());
    for chunk in seqs.chunks(per_hold) {
        budget.check()?;
        let all = store.read(|inner| {
            set.resolve(inner);
            find_filters(&filters(set), inner, chunk, &mut found, budget)
        })?;
        if all {
            break;
        }
    }
    let Some(counted) = counted(set, &found) else { return Ok(None) };
    let mut matched = Vec::new();
    for chunk in seqs.chunks(per_hold) {
        budget.check()?;
        store.read(|inner| {
            set.resolve(inner);
            collect(&filters(set), &counted, inner, chunk, &mut matched, budget)
        })?;
    }
    Ok((!matched.is_empty()).then_some(matched))
}

/// Spans evaluated per hold of the lock: [`CHUNK`] for a query of a few filters, fewer for
/// one of many, so one hold costs about the same (16 × [`CHUNK`] filter evaluations).
pub fn spans_per_hold(filters: usize) -> usize {
    (CHUNK * 16 / filters.max(1)).clamp(64, CHUNK)
}

/// First pass: marks in `found` each filter some span of `seqs` matches; `Ok(true)` once all are.
fn find_filters(
    leaves: &[&BField],
    inner: &Inner,
    seqs: &[u32],
    found: &mut [bool],
    budget: &Budget,
) -> Result<bool, LimitError> {
    let mut missing = found.iter().filter(|f| !**f).count();
    for &seq in seqs {
        if missing == 0 {
            break;
        }
        budget.tick()?;
        let Some((rec, record)) = inner.span(seq) else { continue };
        let ctx = SpanCtx { inner, rec, record };
        for (hit, leaf) in found.iter_mut().zip(leaves) {
            if !*hit && ctx.matches(leaf) {
                *hit = true;
                missing -= 1;
            }
        }
    }
    Ok(missing == 0)
}

/// Which filters bring their spans into the answer, or `None` when the query does not hold.
fn counted(set: &BSet, found: &[bool]) -> Option<Vec<bool>> {
    let mut counted = vec![false; found.len()];
    decide(set, found, &mut counted, &mut 0).then_some(counted)
}

/// Second pass: appends to `matched` the spans of `seqs` that a counted filter matches.
fn collect(
    leaves: &[&BField],
    counted: &[bool],
    inner: &Inner,
    seqs: &[u32],
    matched: &mut Vec<u32>,
    budget: &Budget,
) -> Result<(), LimitError> {
    for &seq in seqs {
        budget.tick()?;
        let Some((rec, record)) = inner.span(seq) else { continue };
        let ctx = SpanCtx { inner, rec, record };
        if leaves.iter().zip(counted).any(|(leaf, &count)| count && ctx.matches(leaf)) {
            matched.push(seq);
        }
    }
    Ok(())
}

/// Whether `set` holds given which filters matched some span (`found`, in leaf order from
/// `*next`); marks in `counted` the filters whose spans belong to the answer (`a && b` brings
/// both sides' spans only when both hold, `a || b` those of each side that holds). Recurses
/// only as deep as the query's brackets.
fn decide(set: &BSet, found: &[bool], counted: &mut [bool], next: &mut usize) -> bool {
    let first = *next;
    let holds = match set {
        BSet::Filter(_) => {
            let i = *next;
            *next += 1;
            let hit = found.get(i).copied().unwrap_or(false);
            if let Some(c) = counted.get_mut(i) {
                *c = hit;
            }
            hit
        }
        // Every operand is decided (no short circuit): each one advances `next` past its filters.
        BSet::And(items) => {
            items.iter().map(|s| decide(s, found, counted, next)).collect::<Vec<_>>().iter().all(|&h| h)
        }
        BSet::Or(items) => items.iter().map(|s| decide(s, found, counted, next)).collect::<Vec<_>>().iter().any(|&h| h),
    };
    if !holds {
        counted.get_mut(first..*next).into_iter().flatten().for_each(|c| *c = false);
    }
    holds
}

#[cfg(test)]
mod tests {
    use super::decide;
    use crate::query::search::bind::{BField, BSet};

    fn leaf() -> BSet {
        BSet::Filter(BField::True)
    }

    /// Pins the spanset operators' rules: `&&` counts both sides only when both hold, `||`
    /// counts each side that holds, nested lists combine alike.
    #[test]
    fn operators_decide_which_filters_count() {
        let mut counted = [false; 3];
        let and = BSet::And(vec![leaf(), leaf(), leaf()]);
        assert!(!decide(&and, &[true, false, true], &mut counted, &mut 0));
        assert_eq!(counted, [false; 3]);
        let or = BSet::Or(vec![leaf(), BSet::And(vec![leaf(), leaf()])]);
        assert!(decide(&or, &[true, true, false], &mut counted, &mut 0));
        assert_eq!(counted, [true, false, false]);
        assert!(decide(&or, &[false, true, true], &mut counted, &mut 0));
        assert_eq!(counted, [false, true, true]);
    }
}
