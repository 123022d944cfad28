//! Log queries: the newest (or oldest) `limit` records in a time range that match a selector
//! and pass the pipeline, found by walking segments in time order and stopping early.

use std::collections::BinaryHeap;

use super::pipeline::{Extracted, Parsed, Pipeline};
use super::view::View;
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
    /// Segment index in the store's queue.
    pub seg: usize,
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
    key: (i64, usize, usize),
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

/// The candidates of a segment for a pipeline: by the trace index, or by one substring search
/// over the segment's arena for a required line literal, or every live record.
pub fn candidates(seg: &Segment, pipeline: &Pipeline) -> Candidates {
    if let Some(prefix) = pipeline.required_trace() {
        return Candidates::List(seg.with_trace(prefix).into_iter());
    }
    if let Some(finder) = pipeline.required_literal() {
        return Candidates::List(with_literal(seg, finder).into_iter());
    }
    Candidates::Range(Inner::live_range(seg))
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

/// Segment indexes overlapping [start, end), in the order a query visits them.
pub fn segment_order(inner: &Inner, start: i64, end: i64, forward: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..inner.segments.len())
        .filter(|&s| {
            let seg = &inner.segments[s];
            seg.head < seg.len() && seg.max_ts >= start && seg.min_ts < end
        })
        .collect();
    if forward {
        order.sort_by_key(|&s| (inner.segments[s].min_ts, s));
    } else {
        order.sort_by_key(|&s| (std::cmp::Reverse(inner.segments[s].max_ts), std::cmp::Reverse(s)));
    }
    order
}

/// Selects the hits of a log query, in answer order.
pub fn select(inner: &Inner, log: &LogExpr, params: LogParams) -> Vec<Hit> {
    let streams = matching_streams(inner, &log.matchers);
    if params.limit == 0 || !streams.contains(&true) {
        return Vec::new();
    }
    let pipeline = Pipeline::compile(inner, log);
    let rank = |ts: i64, s: usize, i: usize| {
        if params.forward { (ts, s, i) } else { (ts.saturating_neg(), usize::MAX - s, usize::MAX - i) }
    };
    let mut heap: BinaryHeap<Ranked> = BinaryHeap::with_capacity(params.limit + 1);
    let mut extracted = Extracted::default();
    for s in segment_order(inner, params.start, params.end, params.forward) {
        let seg = &inner.segments[s];
        if heap.len() >= params.limit
            && let Some(worst) = heap.peek()
        {
            let best_here = rank(if params.forward { seg.min_ts } else { seg.max_ts }, s, 0).0;
            if best_here > worst.key.0 {
                break;
            }
        }
        for i in candidates(seg, &pipeline) {
            let ts = seg.ts[i];
            if ts < params.start || ts >= params.end || !streams[seg.stream[i] as usize] {
                continue;
            }
            let key = rank(ts, s, i);
            if heap.len() >= params.limit && heap.peek().is_some_and(|worst| key >= worst.key) {
                continue;
            }
            let mut view = View::new(inner, seg, i);
            if !pipeline.run(&mut view, &mut extracted) {
                continue;
            }
            heap.push(Ranked {
                key,
                hit: Hit { seg: s, i, ts, parsed: extracted.parsed.clone(), line: extracted.line.clone() },
            });
            if heap.len() > params.limit {
                heap.pop();
            }
        }
    }
    heap.into_sorted_vec().into_iter().map(|r| r.hit).collect()
}
