//! Trace search: runs a bound query over the store newest first and collects up to `limit`
//! matching traces with their matched spans (TraceQL spansets) and per-service counts.
//!
//! The walk goes in chunks: each chunk takes the store's read lock, visits at most [`CHUNK`]
//! candidate spans (fewer for a query of many filters) below a cursor and lets the lock go, so ingest, health and other queries
//! keep going while a long search runs; the budget is checked between and within chunks.

pub mod bind;
mod candidates;
pub mod eval;
mod hit;
mod legacy;
mod matching;
pub mod tags;
#[cfg(test)]
mod tests;

use obs_contract::query::Budget;
use opentelemetry_proto::tonic::common::v1::AnyValue;

use crate::TraceStore;
use crate::error::Error;
use crate::hash::FxSet;
use crate::query::chunks::CHUNK;
use crate::query::traceql::ast::Spanset;
use crate::store::Inner;
use crate::store::traces::TraceEntry;
use bind::{BSet, bind, filters};
use eval::SpanCtx;
pub use legacy::legacy_query;

/// What to search for.
pub struct Request {
    /// The query (legacy `tags` searches are turned into one too).
    pub query: Spanset,
    /// Whether to report spansets and service stats (TraceQL `q`).
    pub spansets: bool,
    /// Most traces returned.
    pub limit: usize,
    /// Most spans listed per spanset.
    pub spss: usize,
    /// Only traces overlapping [start, end] (unix ns).
    pub start: Option<u64>,
    /// See `start`.
    pub end: Option<u64>,
    /// Only traces at least this long (ns).
    pub min_duration: Option<u64>,
    /// Only traces at most this long (ns).
    pub max_duration: Option<u64>,
}

/// A matched span of a spanset.
pub struct MatchedSpan {
    /// Span id.
    pub span_id: [u8; 8],
    /// Span name, when the query asked about names.
    pub name: Option<String>,
    /// Start (unix ns).
    pub start: u64,
    /// Duration (ns).
    pub duration: u64,
    /// The queried attributes present on the span (key without scope).
    pub attributes: Vec<(String, AnyValue)>,
}

/// Spans and errors of one service in a trace.
pub struct ServiceStat {
    /// Service name.
    pub service: String,
    /// Spans of the service.
    pub spans: u32,
    /// Of which status error.
    pub errors: u32,
}

/// One matching trace.
pub struct Hit {
    /// Trace id.
    pub trace_id: [u8; 16],
    /// Service of the root span (or a placeholder when it was not received).
    pub root_service: String,
    /// Name of the root span.
    pub root_name: Option<String>,
    /// Earliest start (unix ns).
    pub start: u64,
    /// Trace duration (ns).
    pub duration: u64,
    /// Matched spans, at most `spss`.
    pub spans: Vec<MatchedSpan>,
    /// How many spans matched in total.
    pub matched: usize,
    /// Per-service counts, in first-seen order.
    pub services: Vec<ServiceStat>,
}

/// The search answer.
#[derive(Default)]
pub struct Outcome {
    /// Matching traces, newest start first.
    pub hits: Vec<Hit>,
    /// Traces evaluated.
    pub inspected_traces: u64,
    /// Approximate bytes of the spans looked at.
    pub inspected_bytes: u64,
}

/// Runs a search in chunks under `budget`; fails on an invalid regular expression or a limit.
pub fn run(store: &TraceStore, req: &Request, budget: &Budget) -> Result<Outcome, Error> {
    let mut set = bind(&req.query)?;
    let mut walk = Walk { seen: FxSet::default(), below: u32::MAX, out: Outcome::default(), big: None };
    loop {
        budget.check()?;
        let more = store.read(|inner| walk.chunk(&mut set, inner, req, budget))?;
        if let Some(id) = walk.big.take() {
            walk.big_trace(store, &mut set, id, req, budget)?;
        }
        if !more || walk.out.hits.len() >= req.limit {
            break;
        }
    }
    walk.out.hits.sort_by_key(|h| std::cmp::Reverse(h.start));
    Ok(walk.out)
}

/// A search between chunks: the traces already evaluated (by id: slots are reused after
/// eviction), where to resume, the answer so far, and a trace too big to evaluate inside
/// the chunk that found it.
struct Walk {
    seen: FxSet<[u8; 16]>,
    below: u32,
    out: Outcome,
    big: Option<[u8; 16]>,
}

impl Walk {
    /// Visits up to [`CHUNK`] candidates below the cursor; `Ok(true)` when more may follow.
    fn chunk(&mut self, set: &mut BSet, inner: &Inner, req: &Request, budget: &Budget) -> Result<bool, Error> {
        set.resolve(inner);
        let leaves = filters(set);
        let walk = candidates::newest_first(candidates::for_set(set, inner), inner, self.below);
        let per_hold = matching::spans_per_hold(leaves.len());
        for (visited, (seq, rec, record)) in walk.enumerate() {
            if self.out.hits.len() >= req.limit {
                return Ok(false);
            }
            if visited == per_hold {
                return Ok(true);
            }
            self.below = seq;
            budget.tick()?;
            self.out.inspected_bytes += u64::from(rec.blob_len) + 64;
            // The span check first: a scan for a rare value then costs one record decode per span.
            let ctx = SpanCtx { inner, rec, record };
            if !leaves.iter().any(|f| ctx.matches(f)) {
                continue;
            }
            let Some(trace) = inner.traces.get(rec.trace) else { continue };
            if !self.seen.insert(trace.id) || !in_window(trace, req) {
                continue;
            }
            self.out.inspected_traces += 1;
            if trace.spans.len() > CHUNK {
                self.big = Some(trace.id);
                return Ok(true);
            }
            if let Some(matched) = matching::trace_matches(set, &leaves, inner, trace, budget)? {
                budget.charge(1 + matched.len().min(req.spss) as u64)?;
                self.out.hits.push(hit::hit(inner, trace, &matched, set, req));
            }
        }
        Ok(false)
    }
}

impl Walk {
    /// Evaluates a trace of more than [`CHUNK`] spans a chunk at a time (the lock let go in
    /// between), then builds its hit under one more hold of the lock.
    fn big_trace(
        &mut self,
        store: &TraceStore,
        set: &mut BSet,
        id: [u8; 16],
        req: &Request,
        budget: &Budget,
    ) -> Result<(), Error> {
        let seqs = store.read(|inner| Some(inner.traces.get(inner.traces.find(&id)?)?.spans.as_slice().to_vec()));
        let Some(seqs) = seqs else { return Ok(()) };
        budget.charge(seqs.len() as u64)?;
        let matched = matching::big_trace_matches(store, set, &seqs, budget)?;
        budget.release(seqs.len() as u64);
        let Some(matched) = matched else { return Ok(()) };
        let hit = store.read(|inner| {
            set.resolve(inner);
            let trace = inner.traces.get(inner.traces.find(&id)?)?;
            Some(hit::hit(inner, trace, &matched, set, req))
        });
        if let Some(hit) = hit {
            budget.charge(1 + matched.len().min(req.spss) as u64)?;
            self.out.hits.push(hit);
        }
        Ok(())
    }
}

fn in_window(trace: &TraceEntry, req: &Request) -> bool {
    let duration = trace.end.saturating_sub(trace.start);
    req.start.is_none_or(|s| trace.end >= s)
        && req.end.is_none_or(|e| trace.start <= e)
        && req.min_duration.is_none_or(|d| duration >= d)
        && req.max_duration.is_none_or(|d| duration <= d)
}
