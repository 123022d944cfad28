//! Which spans of one trace a query matches, in time linear in the trace's spans: one pass
//! finds the filters that match some span, the spanset operators then decide which filters
//! count, and a second pass collects the spans those filters match (no per-operator merge or
//! sort, however many `&&`/`||` the query has).

use obs_contract::query::{Budget, LimitError};

use super::bind::{BField, BSet};
use super::eval::SpanCtx;
use crate::store::Inner;
use crate::store::traces::TraceEntry;

/// The matched spans (ascending), or `None` when the query does not hold for the trace.
/// `leaves` are the query's filters, left to right (see [`super::bind::filters`]).
pub fn trace_matches(
    set: &BSet,
    leaves: &[&BField],
    inner: &Inner,
    trace: &TraceEntry,
    budget: &Budget,
) -> Result<Option<Vec<u32>>, LimitError> {
    let spans = trace.spans.as_slice();
    let mut found = vec![false; leaves.len()];
    let mut missing = leaves.len();
    for &seq in spans {
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
    let mut counted = vec![false; leaves.len()];
    if !decide(set, &found, &mut counted, &mut 0) {
        return Ok(None);
    }
    let mut matched = Vec::new();
    for &seq in spans {
        budget.tick()?;
        let Some((rec, record)) = inner.span(seq) else { continue };
        let ctx = SpanCtx { inner, rec, record };
        if leaves.iter().zip(&counted).any(|(leaf, &count)| count && ctx.matches(leaf)) {
            matched.push(seq);
        }
    }
    Ok((!matched.is_empty()).then_some(matched))
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
