//! What a running query checks as it works: its deadline, whether its client is still there,
//! and how many samples it holds.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::LimitError;

/// The budget of one query. Cheap to check: call [`Budget::check`] every few thousand items.
#[derive(Debug)]
pub struct Budget {
    deadline: Instant,
    timeout: Duration,
    cancelled: Arc<AtomicBool>,
    samples: Cell<u64>,
    max_samples: u64,
    ticks: Cell<u32>,
}

/// How many [`Budget::tick`] calls pass between two clock reads.
const TICKS_PER_CHECK: u32 = 1024;

impl Budget {
    /// A budget ending `timeout` from now, holding at most `max_samples`, stopped early when
    /// `cancelled` turns true.
    pub fn new(timeout: Duration, max_samples: u64, cancelled: Arc<AtomicBool>) -> Self {
        let deadline =
            Instant::now().checked_add(timeout).unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400));
        Self { deadline, timeout, cancelled, samples: Cell::new(0), max_samples, ticks: Cell::new(0) }
    }

    /// A budget with no deadline or sample cap, for tests and internal callers.
    pub fn unlimited() -> Self {
        Self::new(Duration::from_secs(86_400 * 365), u64::MAX, Arc::new(AtomicBool::new(false)))
    }

    /// `Err` once the deadline has passed or the client has gone away.
    pub fn check(&self) -> Result<(), LimitError> {
        if self.cancelled.load(Ordering::Relaxed) {
            return Err(LimitError::Cancelled);
        }
        if Instant::now() >= self.deadline {
            return Err(LimitError::Timeout(self.timeout));
        }
        Ok(())
    }

    /// Like [`Budget::check`], but reads the clock only every [`TICKS_PER_CHECK`] calls: for
    /// the innermost loops.
    pub fn tick(&self) -> Result<(), LimitError> {
        let ticks = self.ticks.get().wrapping_add(1);
        self.ticks.set(ticks);
        if ticks.is_multiple_of(TICKS_PER_CHECK) { self.check() } else { Ok(()) }
    }

    /// Counts `n` more samples held by the query; `Err` past the cap.
    pub fn charge(&self, n: u64) -> Result<(), LimitError> {
        let total = self.samples.get().saturating_add(n);
        self.samples.set(total);
        if total > self.max_samples {
            return Err(LimitError::TooManySamples(self.max_samples));
        }
        self.tick()
    }

    /// Returns `n` samples the query no longer holds.
    pub fn release(&self, n: u64) {
        self.samples.set(self.samples.get().saturating_sub(n));
    }

    /// Samples held now.
    pub fn samples(&self) -> u64 {
        self.samples.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample cap refuses the first sample past it, and released samples make room again.
    #[test]
    fn charge_stops_past_the_cap() {
        let budget = Budget::new(Duration::from_secs(60), 10, Arc::new(AtomicBool::new(false)));
        assert_eq!(budget.charge(10), Ok(()));
        assert_eq!(budget.charge(1), Err(LimitError::TooManySamples(10)));
        budget.release(5);
        assert_eq!(budget.charge(4), Ok(()));
    }

    /// A cancelled or expired budget says so on the next check.
    #[test]
    fn check_sees_cancel_and_deadline() {
        let flag = Arc::new(AtomicBool::new(false));
        let budget = Budget::new(Duration::from_secs(60), 10, flag.clone());
        assert_eq!(budget.check(), Ok(()));
        flag.store(true, Ordering::Relaxed);
        assert_eq!(budget.check(), Err(LimitError::Cancelled));
        let expired = Budget::new(Duration::ZERO, 10, Arc::new(AtomicBool::new(false)));
        assert_eq!(expired.check(), Err(LimitError::Timeout(Duration::ZERO)));
    }
}
