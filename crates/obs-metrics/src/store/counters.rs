//! The store's sizes and counters as atomics, written after each ingest or eviction, so
//! `stats()` (health, status, the server's own metrics) never waits on the store lock.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use obs_contract::{StoreLimits, StoreStats};

/// Counters readable without the store lock.
#[derive(Debug, Default)]
pub struct Counters {
    items: AtomicU64,
    bytes: AtomicU64,
    ingested: AtomicU64,
    evicted: AtomicU64,
    refused: AtomicU64,
}

impl Counters {
    /// Publishes the sizes after a change (called with the store lock held).
    pub fn set_sizes(&self, items: u64, bytes: u64, evicted: u64) {
        self.items.store(items, Relaxed);
        self.bytes.store(bytes, Relaxed);
        self.evicted.store(evicted, Relaxed);
    }

    /// Counts items accepted and refused by one request.
    pub fn add(&self, ingested: u64, refused: u64) {
        self.ingested.fetch_add(ingested, Relaxed);
        self.refused.fetch_add(refused, Relaxed);
    }

    /// The counters with the store's caps.
    pub fn stats(&self, limits: &StoreLimits) -> StoreStats {
        StoreStats {
            items: self.items.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
            max_items: limits.max_items,
            max_bytes: limits.max_bytes,
            ingested: self.ingested.load(Relaxed),
            evicted: self.evicted.load(Relaxed),
            refused: self.refused.load(Relaxed),
        }
    }
}
