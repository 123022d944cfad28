//! The store's in-memory tables hash with FxHash (the `rustc-hash` crate): fast and
//! non-cryptographic, which suits keys on a loopback development backend.

use std::hash::BuildHasher;

pub use rustc_hash::{FxBuildHasher as FxBuild, FxHashMap as FxMap, FxHashSet as FxSet};

/// Hash of one value with [`FxBuild`], for the raw tables that store their own hashes.
pub fn hash_of<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    FxBuild.hash_one(value)
}
