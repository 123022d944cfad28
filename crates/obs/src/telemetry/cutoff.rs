//! The shutdown deadline as every in-flight export sees it. The SDK's export threads do not pass
//! the guard's remaining budget to the exporter (the metrics reader waits a fixed 5 s), so the
//! guard publishes its deadline here and each network export stops when it is reached. The guard
//! also waits until no export runs before it stops the runtime those exports use.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::watch;

/// The deadline (unset until shutdown starts) and the count of exports running.
#[derive(Debug, Clone)]
pub(crate) struct Cutoff {
    deadline: Arc<watch::Sender<Option<Instant>>>,
    in_flight: Arc<AtomicUsize>,
}

impl Default for Cutoff {
    fn default() -> Self {
        Self { deadline: Arc::new(watch::Sender::new(None)), in_flight: Arc::new(AtomicUsize::new(0)) }
    }
}

/// Counts one running export until dropped.
pub(crate) struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Cutoff {
    /// Exports stop at `deadline` (an earlier call is replaced: the guard moves it to "now" at the end).
    pub(crate) fn set(&self, deadline: Instant) {
        self.deadline.send_replace(Some(deadline));
    }

    /// Whether the deadline has passed (no new export may start).
    pub(crate) fn passed(&self) -> bool {
        self.deadline.borrow().is_some_and(|d| Instant::now() >= d)
    }

    /// Marks an export as running.
    pub(crate) fn enter(&self) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self.in_flight.clone())
    }

    /// Completes when the deadline passes, following changes to it.
    pub(crate) async fn reached(&self) {
        let mut rx = self.deadline.subscribe();
        loop {
            let deadline = *rx.borrow_and_update();
            let sleep = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d.into()).await,
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = sleep => return,
                changed = rx.changed() => if changed.is_err() { std::future::pending::<()>().await },
            }
        }
    }

    /// Waits (polling every millisecond) until no export runs, for at most `limit`.
    pub(crate) fn wait_idle(&self, limit: Duration) -> bool {
        let end = Instant::now() + limit;
        while self.in_flight.load(Ordering::SeqCst) > 0 {
            if Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    }
}
