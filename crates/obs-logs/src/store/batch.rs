//! One ingest request in the store's terms, built and checked before the store's lock is
//! taken: streams (index labels), groups sharing metadata (resource and scope), and records.
//! OTLP and Loki push both become a batch, and the store has one way to take a batch.

use obs_contract::IngestOutcome;

use super::intern::STRING_BYTES;
use super::segment::FIXED_RECORD_BYTES;
use super::write::NewEntry;

/// Records of one request, grouped by stream and shared metadata, and what was rejected.
#[derive(Debug, Default)]
pub struct Batch<'a> {
    /// Streams with their records.
    pub streams: Vec<BatchStream<'a>>,
    /// Records rejected while building the batch.
    pub rejected: u64,
    /// The first rejection's reason.
    pub message: Option<String>,
}

/// One stream's records.
#[derive(Debug, Default)]
pub struct BatchStream<'a> {
    /// Index labels, sorted by name.
    pub labels: Vec<(String, String)>,
    /// Records by shared metadata.
    pub groups: Vec<BatchGroup<'a>>,
}

/// Records sharing one metadata set.
#[derive(Debug, Default)]
pub struct BatchGroup<'a> {
    /// Shared metadata (resource and scope), sorted.
    pub metadata: Vec<(String, String)>,
    /// The records.
    pub entries: Vec<NewEntry<'a>>,
}

/// Bytes a pair costs at most beyond its text: both strings newly interned, their varints.
const PAIR_OVERHEAD: u64 = 2 * STRING_BYTES + 16;
/// Bytes a record costs at most beyond its text and pairs: header, observed time, ids,
/// severity text symbol (newly interned), flags and counts.
const RECORD_OVERHEAD: u64 = 64 + STRING_BYTES;

impl Batch<'_> {
    /// Counts a rejected record, keeping the first reason.
    pub fn reject(&mut self, why: String) {
        self.rejected += 1;
        self.message.get_or_insert(why);
    }

    /// Records to store.
    pub fn records(&self) -> u64 {
        self.groups().map(|g| g.entries.len() as u64).sum()
    }

    /// An upper bound of the bytes the batch adds to the store: records as encoded, with every
    /// key and value interned anew, plus its streams and metadata sets as if all were new. A
    /// batch under the cap by this bound never evicts its own records.
    pub fn max_bytes(&self) -> u64 {
        let pairs = |pairs: &[(String, String)]| -> u64 {
            pairs.iter().map(|(k, v)| (k.len() + v.len()) as u64 + PAIR_OVERHEAD).sum()
        };
        let streams: u64 = self.streams.iter().map(|s| super::STREAM_BYTES + pairs(&s.labels)).sum();
        let groups: u64 = self.groups().map(|g| super::CONTEXT_BYTES + pairs(&g.metadata)).sum();
        let records: u64 = self.groups().flat_map(|g| &g.entries).map(NewEntry::max_bytes).sum();
        streams + groups + records
    }

    /// The outcome once `accepted` records were stored.
    pub fn outcome(&self, accepted: u64) -> IngestOutcome {
        IngestOutcome { accepted, rejected: self.rejected, message: self.message.clone() }
    }

    fn groups(&self) -> impl Iterator<Item = &BatchGroup<'_>> {
        self.streams.iter().flat_map(|s| &s.groups)
    }
}

impl NewEntry<'_> {
    /// An upper bound of the record's encoded size.
    pub fn max_bytes(&self) -> u64 {
        let attrs: u64 = self.attrs.iter().map(|(k, v)| (k.len() + v.len()) as u64 + PAIR_OVERHEAD).sum();
        FIXED_RECORD_BYTES + RECORD_OVERHEAD + self.line.len() as u64 + self.severity_text.len() as u64 + attrs
    }
}
