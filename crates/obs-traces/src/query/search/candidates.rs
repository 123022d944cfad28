//! Chooses which spans a query must look at: posting lists when a filter has an indexed
//! condition (string equality on a span attribute or name, any condition on a resource
//! attribute), else every span; walked newest first.

use super::bind::{BCmp, BField, BSet};
use super::eval::Val;
use crate::codec::Record;
use crate::query::traceql::ast::{Attr, Lit, Op, Scope};
use crate::store::{Inner, SpanRec};

/// The spans to visit.
pub enum Candidates<'a> {
    /// Every stored span.
    Scan,
    /// The union of these ascending posting lists.
    Lists(Vec<&'a [u32]>),
}

impl Candidates<'_> {
    fn size(&self) -> usize {
        match self {
            Candidates::Scan => usize::MAX,
            Candidates::Lists(lists) => lists.iter().map(|l| l.len()).sum(),
        }
    }
}

fn smaller<'a>(a: Candidates<'a>, b: Candidates<'a>) -> Candidates<'a> {
    if b.size() < a.size() { b } else { a }
}

fn union<'a>(a: Candidates<'a>, b: Candidates<'a>) -> Candidates<'a> {
    match (a, b) {
        (Candidates::Lists(mut x), Candidates::Lists(y)) => {
            x.extend(y);
            Candidates::Lists(x)
        }
        _ => Candidates::Scan,
    }
}

/// Candidates for a whole query.
pub fn for_set<'a>(set: &BSet, inner: &'a Inner) -> Candidates<'a> {
    match set {
        BSet::Filter(f) => for_field(f, inner),
        BSet::And(items) => fold(items.iter().map(|s| for_set(s, inner)), smaller),
        BSet::Or(items) => fold(items.iter().map(|s| for_set(s, inner)), union),
    }
}

fn for_field<'a>(field: &BField, inner: &'a Inner) -> Candidates<'a> {
    match field {
        BField::True | BField::Not(_) => Candidates::Scan,
        BField::And(items) => fold(items.iter().map(|f| for_field(f, inner)), smaller),
        BField::Or(items) => fold(items.iter().map(|f| for_field(f, inner)), union),
        BField::Cmp(c) => for_cmp(c, inner),
    }
}

/// Combines the candidates of a list's operands (an empty list has none to narrow: a scan).
fn fold<'a>(
    mut items: impl Iterator<Item = Candidates<'a>>,
    combine: fn(Candidates<'a>, Candidates<'a>) -> Candidates<'a>,
) -> Candidates<'a> {
    let first = items.next().unwrap_or(Candidates::Scan);
    items.fold(first, combine)
}

/// Posting lists of the resource groups whose resource satisfies `c` on attribute `key`.
fn groups_matching<'a>(c: &BCmp, key: &str, inner: &'a Inner) -> Vec<&'a [u32]> {
    let regex = c.regex.as_ref();
    inner
        .groups
        .iter()
        .filter(|(_, g)| {
            let kv = g.resource.attributes.iter().find(|kv| kv.key == key);
            let value = kv.and_then(|kv| kv.value.as_ref()?.value.as_ref());
            group_value_matches(value, c, regex)
        })
        .map(|(_, g)| g.postings.as_slice())
        .collect()
}

fn group_value_matches(
    value: Option<&opentelemetry_proto::tonic::common::v1::any_value::Value>,
    c: &BCmp,
    regex: Option<&regex::Regex>,
) -> bool {
    use opentelemetry_proto::tonic::common::v1::any_value::Value as V;
    let val = match value {
        None => return matches!((&c.cmp.lit, c.cmp.op), (Lit::Nil, Op::Eq)),
        Some(V::StringValue(s)) => Val::Str(s),
        Some(V::IntValue(i)) => Val::Int(*i),
        Some(V::DoubleValue(f)) => Val::Float(*f),
        Some(V::BoolValue(b)) => Val::Bool(*b),
        Some(_) => Val::Other,
    };
    match (&c.cmp.lit, c.cmp.op, val) {
        (Lit::Nil, Op::Ne, _) => true,
        (Lit::Nil, _, _) => false,
        (Lit::Str(l), Op::Eq, Val::Str(s)) => s == l,
        (Lit::Str(l), Op::Text, Val::Str(s)) => s == l,
        (Lit::Str(l), Op::Text, v) => v.text() == *l,
        (Lit::Str(_), Op::Re, Val::Str(s)) => regex.is_some_and(|r| r.is_match(s)),
        // Other comparisons on resources are rare: keep every group, the span check decides.
        _ => true,
    }
}

fn for_cmp<'a>(c: &BCmp, inner: &'a Inner) -> Candidates<'a> {
    let eq_text = matches!(c.cmp.op, Op::Eq | Op::Text);
    match (&c.cmp.attr, &c.cmp.lit) {
        (Attr::Named { scope: Scope::Resource, key }, _) => Candidates::Lists(groups_matching(c, key, inner)),
        (Attr::Name, Lit::Str(s)) if eq_text => {
            Candidates::Lists(inner.strings.lookup(s).map(|id| inner.strings.postings(id)).into_iter().collect())
        }
        (Attr::Named { scope, key }, Lit::Str(s)) if eq_text => {
            // `Text` also matches ints and bools by their text: those have no posting list.
            if c.cmp.op == Op::Text && (s.parse::<f64>().is_ok() || s == "true" || s == "false") {
                return Candidates::Scan;
            }
            let mut lists: Vec<&[u32]> = Vec::new();
            if c.key.is_some()
                && let Some(id) = inner.strings.lookup(s)
            {
                lists.push(inner.strings.postings(id));
            }
            if *scope == Scope::Any {
                lists.extend(groups_matching(c, key, inner));
            }
            Candidates::Lists(lists)
        }
        _ => Candidates::Scan,
    }
}

/// One candidate span: sequence number, fixed part, byte record.
pub type Item<'a> = (u32, &'a SpanRec, Record<'a>);

/// Walks candidate spans with sequence numbers below `below`, newest first, without repeats
/// (a search resumes there after it released the lock between chunks).
pub fn newest_first<'a>(c: Candidates<'a>, inner: &'a Inner, below: u32) -> Box<dyn Iterator<Item = Item<'a>> + 'a> {
    let lookup = move |seq: u32| inner.span(seq).map(|(rec, record)| (seq, rec, record));
    let end = |list: &[u32]| list.partition_point(|&s| s < below);
    match c {
        Candidates::Scan => Box::new(inner.seqs_below(below).filter_map(lookup)),
        Candidates::Lists(lists) => {
            let merge = Merge::new(lists.into_iter().map(|l| (l, end(l))).collect());
            Box::new(merge.filter_map(lookup))
        }
    }
}

/// K-way descending merge of ascending lists (a heap: a resource query can match thousands).
struct Merge<'a> {
    cursors: Vec<(&'a [u32], usize)>,
    heap: std::collections::BinaryHeap<(u32, usize)>,
    last: Option<u32>,
}

impl<'a> Merge<'a> {
    fn new(cursors: Vec<(&'a [u32], usize)>) -> Self {
        let heap = cursors
            .iter()
            .enumerate()
            .filter_map(|(i, (list, end))| Some((*list.get(end.checked_sub(1)?)?, i)))
            .collect();
        Self { cursors, heap, last: None }
    }
}

impl Iterator for Merge<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        loop {
            let (value, i) = self.heap.pop()?;
            if let Some((list, end)) = self.cursors.get_mut(i) {
                *end -= 1;
                if let Some(&next) = end.checked_sub(1).and_then(|e| list.get(e)) {
                    self.heap.push((next, i));
                }
            }
            if self.last != Some(value) {
                self.last = Some(value);
                return Some(value);
            }
        }
    }
}
