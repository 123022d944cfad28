//! Full scans in chunks: the one way a query visits every stored span, newest first, taking
//! the store's read lock for [`CHUNK`] spans at a time so ingest and other queries go on.

use obs_contract::query::{Budget, LimitError};

use crate::TraceStore;
use crate::codec::Record;
use crate::store::{Inner, SpanRec};

/// Spans visited per hold of the read lock (a few milliseconds of work).
pub const CHUNK: usize = 4096;

/// Calls `visit` on each stored span, newest first, until it returns `false` or the spans run
/// out; stops with the budget's error past the deadline or when the client went away.
pub fn scan_newest(
    store: &TraceStore,
    budget: &Budget,
    mut visit: impl FnMut(&Inner, &SpanRec, Record<'_>) -> bool,
) -> Result<(), LimitError> {
    let mut below = u32::MAX;
    loop {
        budget.check()?;
        let resume = store.read(|inner| -> Result<Option<u32>, LimitError> {
            for (n, seq) in inner.seqs_below(below).enumerate() {
                if n == CHUNK {
                    return Ok(Some(seq + 1));
                }
                budget.tick()?;
                let Some((rec, record)) = inner.span(seq) else { continue };
                if !visit(inner, rec, record) {
                    return Ok(None);
                }
            }
            Ok(None)
        })?;
        match resume {
            Some(next) => below = next,
            None => return Ok(()),
        }
    }
}
