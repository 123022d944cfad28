//! How a query walks the store without holding its lock throughout: a plan made under one
//! short read (matching streams, the compiled pipeline, the segments to visit and how many
//! records each held then), then one short read per segment. Records appended after the plan
//! are not seen; segments evicted meanwhile are skipped, so ingest, health and other queries
//! keep going while a slow query runs.

use std::ops::ControlFlow;

use super::logs::matching_streams;
use super::pipeline::Pipeline;
use crate::LogStore;
use crate::query::QueryError;
use crate::query::ast::LogExpr;
use crate::store::{Inner, Segment};

/// A segment to visit: its number and how many records it held when the plan was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegRef {
    /// The segment's `seq`.
    pub seq: u64,
    /// Records appended before the plan; later ones are not looked at.
    pub len: usize,
}

/// What a query over one log expression needs, fixed at its start.
pub struct Plan {
    /// Which stream ids the selector matches.
    streams: Vec<bool>,
    /// The compiled pipeline.
    pub pipeline: Pipeline,
    /// Segments overlapping the range, in visiting order.
    pub order: Vec<SegRef>,
}

impl Plan {
    /// Plans a walk over records in `[start, end)`, oldest segments first when `forward`.
    pub fn new(inner: &Inner, log: &LogExpr, start: i64, end: i64, forward: bool) -> Plan {
        Plan {
            streams: matching_streams(inner, &log.matchers),
            pipeline: Pipeline::compile(inner, log),
            order: segment_order(inner, start, end, forward),
        }
    }

    /// Whether a record of stream `id` can match.
    pub fn matches_stream(&self, id: u32) -> bool {
        self.streams.get(id as usize).copied().unwrap_or(false)
    }

    /// Whether no stream matches (nothing to walk).
    pub fn is_empty(&self) -> bool {
        !self.streams.contains(&true)
    }
}

/// Segments overlapping [start, end), in the order a query visits them.
pub fn segment_order(inner: &Inner, start: i64, end: i64, forward: bool) -> Vec<SegRef> {
    let mut order: Vec<&Segment> =
        inner.segments.iter().filter(|seg| seg.head < seg.len() && seg.max_ts >= start && seg.min_ts < end).collect();
    if forward {
        order.sort_by_key(|seg| (seg.min_ts, seg.seq));
    } else {
        order.sort_by_key(|seg| (std::cmp::Reverse(seg.max_ts), std::cmp::Reverse(seg.seq)));
    }
    order.into_iter().map(|seg| SegRef { seq: seg.seq, len: seg.len() }).collect()
}

/// Calls `visit` for each planned segment still held, each under its own short read lock.
/// `visit` gets the store, the segment and the record count to stop at; it stops the walk
/// with `ControlFlow::Break` or an error.
pub fn each_segment(
    store: &LogStore,
    order: &[SegRef],
    mut visit: impl FnMut(&Inner, &Segment, usize) -> Result<ControlFlow<()>, QueryError>,
) -> Result<(), QueryError> {
    for seg_ref in order {
        let flow = store.with_inner(|inner| match inner.segment(seg_ref.seq) {
            Some(seg) => visit(inner, seg, seg_ref.len.min(seg.len())),
            None => Ok(ControlFlow::Continue(())),
        })?;
        if flow.is_break() {
            break;
        }
    }
    Ok(())
}
