//! Volume unit tests: grouping by the selector's names, by target labels and by label name,
//! ordering and the limit, and bucket edges.

use obs_contract::StoreLimits;

use super::{Bucket, VolumeQuery, volumes};
use crate::level::Level;
use crate::query::ast::Query;
use crate::store::{Inner, NewEntry};

const T: i64 = 1_800_000_000_000_000_000;

/// `(labels, ts offset, line)`.
type TestEntry<'a> = (&'a [(&'a str, &'a str)], i64, &'a str);

/// A store holding these entries.
fn store(entries: &[TestEntry<'_>]) -> Inner {
    let limits = StoreLimits { max_items: 1000, max_bytes: 1 << 20, history: std::time::Duration::from_secs(3600) };
    let mut inner = Inner::new(limits);
    for (labels, offset, line) in entries {
        let mut owned: Vec<(String, String)> = labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        owned.sort();
        let stream = inner.stream_id(&owned);
        let context = inner.context_id(&[]);
        let entry = NewEntry {
            ts: T + offset,
            observed: None,
            severity_number: 0,
            severity_text: "",
            flags: 0,
            trace_id: None,
            span_id: None,
            line: (*line).into(),
            attrs: Vec::new(),
            level: Level::Unknown,
        };
        inner.append(stream, context, &entry);
    }
    inner
}

fn sample() -> Inner {
    store(&[
        (&[("service_name", "a"), ("env", "prod")], 1, "12345"),
        (&[("service_name", "a"), ("env", "dev")], 2, "123"),
        (&[("service_name", "b"), ("env", "prod")], 3, "1234567890"),
        (&[("service_name", "c")], 4, "1"),
        (&[("service_name", "a"), ("env", "prod")], 500, "outside the bucket"),
    ])
}

fn query(selector: &str) -> VolumeQuery {
    let matchers = match crate::query::parse(selector) {
        Ok(Query::Log(log)) => log.matchers,
        other => panic!("not a selector: {other:?}"),
    };
    VolumeQuery { matchers, limit: 100, ..VolumeQuery::default() }
}

fn summary(inner: &Inner, q: &VolumeQuery) -> Vec<(String, u64)> {
    let bucket = Bucket { from: T, to: T + 100 };
    volumes(inner, q, &[bucket]).remove(0).into_iter().map(|v| (v.name, v.bytes)).collect()
}

/// Streams group by the selector's label names; line bytes add up; largest first.
#[test]
fn groups_by_selector_names() {
    let got = summary(&sample(), &query(r#"{service_name=~".+"}"#));
    let want = [(r#"{service_name="b"}"#, 10), (r#"{service_name="a"}"#, 8), (r#"{service_name="c"}"#, 1)];
    assert_eq!(got, want.map(|(n, b)| (n.to_owned(), b)));
}

/// A selector naming two labels groups by both; streams without a matching value drop out.
#[test]
fn groups_by_every_matcher_name() {
    let got = summary(&sample(), &query(r#"{service_name=~".+", env="prod"}"#));
    let want = [(r#"{env="prod", service_name="b"}"#, 10), (r#"{env="prod", service_name="a"}"#, 5)];
    assert_eq!(got, want.map(|(n, b)| (n.to_owned(), b)));
}

/// Target labels replace the matcher names, and streams lacking one are left out.
#[test]
fn target_labels_regroup() {
    let mut q = query(r#"{service_name=~"a|c"}"#);
    q.target_labels = vec!["env".into()];
    let got = summary(&sample(), &q);
    assert_eq!(got, vec![(r#"{env="prod"}"#.to_owned(), 5), (r#"{env="dev"}"#.to_owned(), 3)]);
}

/// `aggregateBy=labels` counts a stream's bytes once per label name, with empty values.
#[test]
fn by_label_name() {
    let mut q = query(r#"{service_name=~".+"}"#);
    q.by_label_name = true;
    let inner = sample();
    let got = summary(&inner, &q);
    assert_eq!(got, vec![("service_name".to_owned(), 19), ("env".to_owned(), 18)]);
    let first = volumes(&inner, &q, &[Bucket { from: T, to: T + 100 }]).remove(0).remove(0);
    assert_eq!(first.labels.get("service_name").map(String::as_str), Some(""));
}

/// Ties sort by name; the limit keeps the largest groups.
#[test]
fn ties_and_limit() {
    let inner = store(&[(&[("job", "z")], 1, "ab"), (&[("job", "y")], 2, "cd"), (&[("job", "x")], 3, "e")]);
    let mut q = query(r#"{job=~".+"}"#);
    q.limit = 2;
    assert_eq!(summary(&inner, &q), vec![(r#"{job="y"}"#.to_owned(), 2), (r#"{job="z"}"#.to_owned(), 2)]);
}

/// Entries land in the bucket holding their time (edges inclusive); outside all buckets, nowhere.
#[test]
fn buckets_split_by_time() {
    let inner = sample();
    let buckets = [Bucket { from: T, to: T + 2 }, Bucket { from: T + 3, to: T + 10 }];
    let got: Vec<Vec<(String, u64)>> = volumes(&inner, &query(r#"{service_name="a"}"#), &buckets)
        .into_iter()
        .map(|b| b.into_iter().map(|v| (v.name, v.bytes)).collect())
        .collect();
    assert_eq!(got, vec![vec![(r#"{service_name="a"}"#.to_owned(), 8)], vec![]]);
}

/// No matchers (`{}`) selects every stream and groups by all its labels.
#[test]
fn match_all_groups_by_every_label() {
    let q = VolumeQuery { limit: 100, ..VolumeQuery::default() };
    let got = summary(&sample(), &q);
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got[0], (r#"{env="prod", service_name="b"}"#.to_owned(), 10));
}
