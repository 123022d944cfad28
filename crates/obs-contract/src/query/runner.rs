//! The one way a query runs: on the blocking pool (never on the async workers), at most
//! `max_concurrent` at once, with a deadline answered as a timeout, cancelled when the
//! client goes away, and a panic turned into an answer instead of a dead server.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Semaphore;

use super::{Budget, LimitError, QueryLimits};

/// Runs queries for one store's API; clone it freely (the slots are shared).
#[derive(Debug, Clone)]
pub struct QueryRunner {
    slots: Arc<Semaphore>,
    limits: QueryLimits,
}

/// Sets the cancel flag when the request future is dropped (the client went away) or done.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl QueryRunner {
    /// A runner obeying `limits`.
    pub fn new(limits: QueryLimits) -> Self {
        Self { slots: Arc::new(Semaphore::new(limits.max_concurrent.max(1))), limits }
    }

    /// The limits queries obey.
    pub fn limits(&self) -> &QueryLimits {
        &self.limits
    }

    /// Runs `query` on the blocking pool with a fresh [`Budget`]. The outer `Err` is the
    /// runner's (timeout, busy, cancelled, panic); the query's own result is the `Ok` value.
    pub async fn run<T, F>(&self, query: F) -> Result<T, LimitError>
    where
        T: Send + 'static,
        F: FnOnce(&Budget) -> T + Send + 'static,
    {
        let timeout = self.limits.timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        let slot = match tokio::time::timeout_at(deadline, self.slots.clone().acquire_owned()).await {
            Ok(Ok(slot)) => slot,
            Ok(Err(_)) | Err(_) => return Err(LimitError::Busy),
        };
        let cancelled = Arc::new(AtomicBool::new(false));
        let _cancel_on_drop = CancelOnDrop(cancelled.clone());
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let budget = Budget::new(left, self.limits.max_samples, cancelled);
        let task = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            catch_unwind(AssertUnwindSafe(|| query(&budget)))
        });
        match tokio::time::timeout_at(deadline, task).await {
            Ok(Ok(Ok(value))) => Ok(value),
            Ok(Ok(Err(panic))) => Err(LimitError::Internal(panic_message(panic.as_ref()))),
            Ok(Err(join)) => Err(LimitError::Internal(join.to_string())),
            Err(_) => Err(LimitError::Timeout(timeout)),
        }
    }
}

/// The text a panic was raised with.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn limits(timeout: Duration, max_concurrent: usize) -> QueryLimits {
        QueryLimits { timeout, max_concurrent, ..QueryLimits::default() }
    }

    /// A query's value comes back; a panic becomes `Internal` with its message.
    #[tokio::test]
    async fn value_and_panic() {
        let runner = QueryRunner::new(limits(Duration::from_secs(5), 2));
        assert_eq!(runner.run(|_| 7).await, Ok(7));
        let err = runner.run(|_| -> u8 { panic!("boom") }).await;
        assert_eq!(err, Err(LimitError::Internal("boom".into())));
    }

    /// A query past its deadline stops: the runner answers `Timeout`, or the query's own
    /// budget check does when it sees the deadline first.
    #[tokio::test]
    async fn deadline_answers_timeout_and_stops_the_query() {
        let runner = QueryRunner::new(limits(Duration::from_millis(200), 1));
        let answer = runner
            .run(move |budget| {
                loop {
                    if let Err(stop) = budget.check() {
                        return stop;
                    }
                    std::thread::yield_now();
                }
            })
            .await;
        let timeout = LimitError::Timeout(Duration::from_millis(200));
        assert!(answer == Err(timeout.clone()) || matches!(answer, Ok(LimitError::Timeout(_))), "{answer:?}");
    }

    /// With every slot taken until the deadline, a query answers `Busy` without running.
    #[tokio::test]
    async fn busy_when_no_slot_frees() {
        let runner = QueryRunner::new(limits(Duration::from_millis(300), 1));
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let holder = runner.clone();
        let held =
            tokio::spawn(async move { holder.run(move |_| release_rx.recv_timeout(Duration::from_secs(10))).await });
        tokio::task::yield_now().await;
        while runner.slots.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(runner.run(|_| ()).await, Err(LimitError::Busy));
        let _ = release_tx.send(());
        let _ = held.await;
    }
}
