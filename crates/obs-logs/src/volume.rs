//! Byte volumes per group of streams, as Loki's `index/volume` reports them: streams matching a
//! selector with entries in a time bucket, grouped by the selector's label names (or the target
//! labels), or counted once per label name; line bytes summed, largest first, cut at a limit.

use std::collections::{BTreeMap, HashMap};

use crate::query::ast::Matcher;
use crate::query::eval::logs::matching_streams;
use crate::store::{Decoded, Inner, Stream};

/// What to measure and how to group it.
#[derive(Debug, Clone, Default)]
pub struct VolumeQuery {
    /// The selector's matchers; none selects every stream (`{}`) and groups by all its labels.
    pub matchers: Vec<Matcher>,
    /// Group by these labels instead of the matchers' names; streams must carry each of them.
    pub target_labels: Vec<String>,
    /// `aggregateBy=labels`: one group per label name (value `""`) instead of per label set.
    pub by_label_name: bool,
    /// Most groups kept per bucket.
    pub limit: usize,
}

/// A time bucket: entries with `from <= ts <= to` (ns) count towards it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// First ns counted.
    pub from: i64,
    /// Last ns counted.
    pub to: i64,
}

/// One group's volume in one bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// The group's name as Loki sorts ties: `{a="b", c="d"}`, or the bare label name.
    pub name: String,
    /// Its labels (`{name: ""}` when grouped by label name).
    pub labels: BTreeMap<String, String>,
    /// Line bytes.
    pub bytes: u64,
}

/// For each bucket (sorted, not overlapping), its groups by bytes descending (ties by name),
/// at most `query.limit` of them.
pub fn volumes(inner: &Inner, query: &VolumeQuery, buckets: &[Bucket]) -> Vec<Vec<Volume>> {
    let selected = selected_streams(inner, query);
    let per_stream = stream_bytes(inner, &selected, buckets);
    per_stream
        .into_iter()
        .map(|streams| {
            let mut groups: HashMap<String, Volume> = HashMap::new();
            for (id, bytes) in streams {
                let Some(stream) = inner.streams.get(id as usize) else { continue };
                for labels in group_keys(inner, stream, query) {
                    let name = if query.by_label_name {
                        labels.keys().next().cloned().unwrap_or_default()
                    } else {
                        label_text(&labels)
                    };
                    groups.entry(name.clone()).or_insert_with(|| Volume { name, labels, bytes: 0 }).bytes += bytes;
                }
            }
            let mut out: Vec<Volume> = groups.into_values().collect();
            out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
            out.truncate(query.limit);
            out
        })
        .collect()
}

/// Which streams count: the selector matches and every target label is present.
fn selected_streams(inner: &Inner, query: &VolumeQuery) -> Vec<bool> {
    let mut selected = matching_streams(inner, &query.matchers);
    for (id, stream) in inner.streams.iter().enumerate() {
        let has_targets = query.target_labels.iter().all(|t| !label_value(inner, stream, t).is_empty());
        if !has_targets && let Some(slot) = selected.get_mut(id) {
            *slot = false;
        }
    }
    selected
}

fn label_value<'a>(inner: &'a Inner, stream: &Stream, name: &str) -> &'a str {
    inner
        .interner
        .get(name)
        .and_then(|sym| stream.labels.iter().find(|(k, _)| *k == sym))
        .map_or("", |(_, v)| inner.interner.resolve(*v))
}

/// Per bucket: line bytes of each selected stream with entries in it.
fn stream_bytes(inner: &Inner, selected: &[bool], buckets: &[Bucket]) -> Vec<HashMap<u32, u64>> {
    let mut out: Vec<HashMap<u32, u64>> = vec![HashMap::new(); buckets.len()];
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else { return out };
    for seg in &inner.segments {
        if seg.max_ts < first.from || seg.min_ts > last.to {
            continue;
        }
        for i in Inner::live_range(seg) {
            let (ts, stream) = (seg.ts[i], seg.stream[i]);
            if !selected.get(stream as usize).copied().unwrap_or(false) {
                continue;
            }
            let b = buckets.partition_point(|b| b.to < ts);
            if buckets.get(b).is_some_and(|bucket| bucket.from <= ts) {
                *out[b].entry(stream).or_insert(0) += Decoded::line_of(seg.bytes_of(i)).len() as u64;
            }
        }
    }
    out
}

/// The groups one stream adds its bytes to.
fn group_keys(inner: &Inner, stream: &Stream, query: &VolumeQuery) -> Vec<BTreeMap<String, String>> {
    let labels = stream.labels.iter().map(|(k, v)| (inner.interner.resolve(*k), inner.interner.resolve(*v)));
    let targeted = |name: &str| query.target_labels.iter().any(|t| t == name);
    if query.by_label_name {
        let wanted = |name: &str| query.target_labels.is_empty() || targeted(name);
        return labels
            .filter(|(k, _)| wanted(k))
            .map(|(k, _)| BTreeMap::from([(k.to_owned(), String::new())]))
            .collect();
    }
    let wanted = |name: &str| {
        if query.target_labels.is_empty() {
            query.matchers.is_empty() || query.matchers.iter().any(|m| m.name == name)
        } else {
            targeted(name)
        }
    };
    vec![labels.filter(|(k, _)| wanted(k)).map(|(k, v)| (k.to_owned(), v.to_owned())).collect()]
}

/// `{a="b", c="d"}`, as Prometheus prints a label set.
fn label_text(labels: &BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", pairs.join(", "))
}

#[cfg(test)]
mod tests;
