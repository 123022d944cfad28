//! Log queries: the newest (or oldest) `limit` records in a time range that match a selector
//! and pass the pipeline, found by walking segments in time order and stopping early.

use std::collections::BinaryHeap;
use std::ops::ControlFlow;

use obs_contract::query::Budget;

use super::pipeline::{Extracted, Parsed, Pipeline};
use super::scan::{Plan, each_segment};
use super::view::View;
use crate::LogStore;
use crate::query::QueryError;
use crate::query::ast::{LogExpr, Matcher};
use crate::store::{Inner, Segment};

/// What a log query asks for.
#[derive(Debug, Clone, Copy)]
pub struct LogParams {
    /// Inclusive start, ns.
    pub start: i64,
    /// Exclusive end, ns.
    pub end: i64,
    /// Most entries returned.
    pub limit: usize,
    /// Oldest first when true.
    pub forward: bool,
}

/// One selected record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The `seq` of its segment.
    pub seq: u64,
    /// Record index in the segment.
    pub i: usize,
    /// Timestamp, ns.
    pub ts: i64,
    /// Labels its parsers extracted.
    pub parsed: Parsed,
    /// The line as `line_format` rewrote it.
    pub line: Option<String>,
}

/// Heap order: the worst kept hit on top.
#[derive(PartialEq, Eq)]
struct Ranked {
    key: (i64, u64, usize),
    hit: Hit,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The records of a segment a query looks at: all live ones, or those the trace index names.
pub enum Candidates {
    /// Every live record.
    Range(std::ops::Range<usize>),
    /// Records with the wanted trace id prefix.
    List(std::vec::IntoIter<usize>),
}

impl Iterator for Candidates {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Candidates::Range(r) => r.next(),
            Candidates::List(l) => l.next(),
        }
    }
}

/// The candidates of a segment for a pipeline among its first `len` records: by the trace
/// index, or by one substring search over the segment's arena for a required line literal, or
/// every live record.
pub fn candidates(seg: &Segment, pipeline: &Pipeline, len: usize) -> Candidates {
    let mut list = if let Some(prefix) = pipeline.required_trace() {
        seg.with_trace(prefix)
    } else if let Some(finder) = pipeline.required_literal() {
        with_literal(seg, finder)
    } else {
        return Candidates::Range(seg.head..len.max(seg.head));
    };
    list.retain(|&i| i < len);
    Candidates::List(list.into_iter())
}

/// Live records whose bytes contain the literal (the pipeline re-checks it is in the line).
fn with_literal(seg: &Segment, finder: &memchr::memmem::Finder<'_>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut pos = if seg.head == 0 { 0 } else { seg.end[seg.head - 1] as usize };
    while let Some(found) = seg.blob.get(pos..).and_then(|rest| finder.find(rest)) {
        let at = pos + found;
        let i = seg.end.partition_point(|&end| (end as usize) <= at);
        if i >= seg.len() {
            break;
        }
        out.push(i);
        pos = seg.end[i] as usize;
    }
    out
}

/// Which streams a selector matches, by stream id.
pub fn matching_streams(inner: &Inner, matchers: &[Matcher]) -> Vec<bool> {
    inner
        .streams
        .iter()
        .map(|stream| {
            stream.live > 0
                && matchers.iter().all(|m| {
                    let value = inner
                        .interner
                        .get(&m.name)
                        .and_then(|sym| stream.labels.iter().find(|(k, _)| *k == sym))
                        .map_or("", |(_, v)| inner.interner.resolve(*v));
                    m.matches(value)
                })
        })
        .collect()
}

/// Selects the hits of a log query, in answer order. The store is read one segment at a time;
/// the budget is checked per record and charged per entry held.
pub fn select(store: &LogStore, log: &LogExpr, params: LogParams, budget: &Budget) -> Result<Vec<Hit>, QueryError> {
    let plan = store.with_inner(|inner| Plan::new(inner, log, params.start, params.end, params.forward));
    if params.limit == 0 || plan.is_empty() {
        return Ok(Vec::new());
    }
    let mut heap: BinaryHeap<Ranked> = BinaryHeap::with_capacity(params.limit + 1);
    let mut extracted = Extracted::default();
    each_segment(store, &plan.order, |inner, seg, len| {
        if heap.len() >= params.limit
            && let Some(worst) = heap.peek()
        {
            let best_here = rank(params.forward, if params.forward { seg.min_ts } else { seg.max_ts }, seg.seq, 0).0;
            if best_here > worst.key.0 {
                return Ok(ControlFlow::Break(()));
            }
        }
        for i in candidates(seg, &plan.pipeline, len) {
            budget.tick()?;
            let ts = seg.ts[i];
            if ts < params.start || ts >= params.end || !plan.matches_stream(seg.stream[i]) {
                continue;
            }
            let key = rank(params.forward, ts, seg.seq, i);
            if heap.len() >= params.limit && heap.peek().is_some_and(|worst| key >= worst.key) {
                continue;
            }
            let mut view = View::new(inner, seg, i);
            if !plan.pipeline.run(&mut view, &mut extracted) {
                continue;
            }
            let hit = Hit { seq: seg.seq, i, ts, parsed: extracted.parsed.clone(), line: extracted.line.clone() };
            budget.charge(1)?;
            heap.push(Ranked { key, hit });
            if heap.len() > params.limit {
                heap.pop();
                budget.release(1);
            }
        }
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(heap.into_sorted_vec().into_iter().map(|r| r.hit).collect())
}

/// The heap key of a record: smaller is better.
fn rank(forward: bool, ts: i64, seq: u64, i: usize) -> (i64, u64, usize) {
    if forward { (ts, seq, i) } else { (ts.saturating_neg(), u64::MAX - seq, usize::MAX - i) }
}
