//! The store's state behind its lock: series, their indexes, families with the number of
//! series using them, and the byte count; creating, updating, evicting and expiring series.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::convert::{Family, Point};
use super::series::{Labels, Pushed, Series};

/// Bytes counted per family on top of its name, help and unit.
const FAMILY_OVERHEAD: u64 = 96;

/// A family's metadata and how many series use it; it goes with its last series.
#[derive(Debug)]
pub struct FamilyEntry {
    /// Type, help and unit.
    pub family: Family,
    /// Series of this family held now.
    pub series: u64,
}

/// Everything the store lock guards.
#[derive(Default)]
pub struct Inner {
    pub(super) series: HashMap<u64, Series>,
    pub(super) by_labels: HashMap<Arc<Labels>, u64>,
    pub(super) by_name: HashMap<String, BTreeSet<u64>>,
    lru: BTreeSet<(u64, u64)>,
    pub(super) families: BTreeMap<Arc<str>, FamilyEntry>,
    next_id: u64,
    seq: u64,
    pub(super) bytes: u64,
    pub(super) evicted: u64,
}

fn family_bytes(name: &str, family: &Family) -> u64 {
    (name.len() + family.help.len() + family.unit.len()) as u64 + FAMILY_OVERHEAD
}

impl Inner {
    /// Updates the metadata of families already held (new ones arrive with their first series).
    pub fn refresh_families(&mut self, families: &HashMap<Arc<str>, Family>) {
        for (name, family) in families {
            if let Some(entry) = self.families.get_mut(name)
                && entry.family != *family
            {
                let before = family_bytes(name, &entry.family);
                entry.family = family.clone();
                self.bytes = (self.bytes + family_bytes(name, family)).saturating_sub(before);
            }
        }
    }

    /// Stores one sample, creating its series (and family) when new.
    pub fn upsert(&mut self, point: Point, families: &HashMap<Arc<str>, Family>, now: i64, history: i64) -> Pushed {
        let Point { labels, family, ts, value, delta } = point;
        let id = match self.by_labels.get(&labels) {
            Some(id) => *id,
            None => self.create(labels, family, families),
        };
        self.seq += 1;
        let seq = self.seq;
        let Some(series) = self.series.get_mut(&id) else { return Pushed::Stored };
        let before = series.bytes();
        let pushed = series.push(ts, value, delta, history);
        let after = series.bytes();
        self.lru.remove(&(series.touched, id));
        series.touched = seq;
        series.touched_ms = now;
        self.lru.insert((seq, id));
        self.bytes = (self.bytes + after).saturating_sub(before);
        pushed
    }

    fn create(&mut self, labels: Labels, family: Arc<str>, families: &HashMap<Arc<str>, Family>) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let labels = Arc::new(labels);
        let name = labels.iter().find(|(k, _)| k == "__name__").map(|(_, v)| v.clone()).unwrap_or_default();
        self.by_name.entry(name).or_default().insert(id);
        self.by_labels.insert(labels.clone(), id);
        self.add_family_series(&family, families);
        let series = Series::new(labels, family);
        self.bytes += series.bytes();
        self.series.insert(id, series);
        id
    }

    fn add_family_series(&mut self, name: &Arc<str>, families: &HashMap<Arc<str>, Family>) {
        if let Some(entry) = self.families.get_mut(name) {
            entry.series += 1;
            return;
        }
        let family = families.get(name).cloned().unwrap_or_else(Family::untyped);
        self.bytes += family_bytes(name, &family);
        self.families.insert(name.clone(), FamilyEntry { family, series: 1 });
    }

    fn remove(&mut self, id: u64) {
        let Some(series) = self.series.remove(&id) else { return };
        self.bytes = self.bytes.saturating_sub(series.bytes());
        self.lru.remove(&(series.touched, id));
        self.by_labels.remove(&series.labels);
        if let Some((_, name)) = series.labels.iter().find(|(k, _)| k == "__name__")
            && let Some(ids) = self.by_name.get_mut(name)
        {
            ids.remove(&id);
            if ids.is_empty() {
                self.by_name.remove(name);
            }
        }
        if let Some(entry) = self.families.get_mut(&series.family) {
            entry.series = entry.series.saturating_sub(1);
            if entry.series == 0 {
                self.bytes = self.bytes.saturating_sub(family_bytes(&series.family, &entry.family));
                self.families.remove(&series.family);
            }
        }
        self.evicted += 1;
    }

    /// Drops series not updated since `cutoff` ms (older than the history window).
    pub fn expire(&mut self, cutoff: i64) {
        while let Some(&(_, id)) = self.lru.first() {
            match self.series.get(&id) {
                Some(s) if s.touched_ms < cutoff => self.remove(id),
                _ => break,
            }
        }
    }

    /// Evicts least recently updated series until both caps hold.
    pub fn enforce(&mut self, max_series: u64, max_bytes: u64) {
        while (max_series > 0 && self.series.len() as u64 > max_series)
            || (max_bytes > 0 && self.bytes > max_bytes && self.series.len() > 1)
        {
            let Some(&(_, id)) = self.lru.first() else { break };
            self.remove(id);
        }
    }
}
