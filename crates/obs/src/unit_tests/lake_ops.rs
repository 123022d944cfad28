//! Every lake operation on real stores (in-memory and local files): span, attributes, metrics,
//! and failures with error status.

use futures::TryStreamExt;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, WriteMultipart};
use opentelemetry::trace::Status;

use crate::lake::{InstrumentedStore, METRIC_BYTES, METRIC_DURATION};
use crate::testkit::{Harness, attr};

fn store(h: &Harness) -> InstrumentedStore<InMemory> {
    InstrumentedStore::new(InMemory::new(), h.lake_metrics())
}

/// put and get: spans named for the operation with store, path and bytes; metrics by outcome.
#[test]
fn put_and_get_are_traced_and_measured() {
    let h = Harness::new();
    let lake = store(&h);
    let path = Path::from("bars/BTC.csv");
    let body = h.block_on(async {
        lake.put(&path, "ts,close\n1,2\n".into()).await.unwrap();
        lake.get(&path).await.unwrap().bytes().await.unwrap()
    });
    assert_eq!(body.len(), 13);
    let put = h.span("lake.put");
    assert_eq!(attr(&put, "lake.store").as_deref(), Some("InMemory"));
    assert_eq!(attr(&put, "lake.path").as_deref(), Some("bars/BTC.csv"));
    assert_eq!(attr(&put, "lake.bytes").as_deref(), Some("13"));
    assert_eq!(attr(&put, "lake.operation.name").as_deref(), Some("put"));
    let get = h.span("lake.get");
    assert_eq!(attr(&get, "lake.bytes").as_deref(), Some("13"));
    assert_eq!(get.status, Status::Unset);
    assert_eq!(h.counter_sum(METRIC_BYTES, &[("lake.operation.name", "get"), ("lake.outcome", "ok")]), 13);
    assert_eq!(h.counter_sum(METRIC_BYTES, &[("lake.operation.name", "put")]), 13);
    assert_eq!(h.histogram_count(METRIC_DURATION, &[("lake.operation.name", "put"), ("lake.outcome", "ok")]), 1);
}

/// A get of a missing object fails with error status, message and `error.type`, counted as error.
#[test]
fn failures_set_error_status() {
    let h = Harness::new();
    let lake = store(&h);
    let err = h.block_on(lake.get(&Path::from("missing.csv"))).unwrap_err();
    let span = h.span("lake.get");
    assert_eq!(span.status, Status::error(err.to_string()));
    assert_eq!(attr(&span, "error.type").as_deref(), Some("not_found"));
    let filter = [("lake.operation.name", "get"), ("lake.outcome", "error"), ("error.type", "not_found")];
    assert_eq!(h.histogram_count(METRIC_DURATION, &filter), 1);
}

/// head, get_range, get_ranges, copy, rename and delete each get their own span.
#[test]
fn point_operations_have_their_spans() {
    let h = Harness::new();
    let lake = store(&h);
    let (a, b, c) = (Path::from("a.bin"), Path::from("b.bin"), Path::from("c.bin"));
    h.block_on(async {
        lake.put(&a, vec![7u8; 100].into()).await.unwrap();
        assert_eq!(lake.head(&a).await.unwrap().size, 100);
        assert_eq!(lake.get_range(&a, 10..30).await.unwrap().len(), 20);
        assert_eq!(lake.get_ranges(&a, &[0..5, 50..60]).await.unwrap().len(), 2);
        lake.copy(&a, &b).await.unwrap();
        lake.rename(&b, &c).await.unwrap();
        lake.delete(&c).await.unwrap();
    });
    assert_eq!(attr(&h.span("lake.head"), "lake.object_size").as_deref(), Some("100"));
    assert_eq!(attr(&h.span("lake.get_range"), "lake.bytes").as_deref(), Some("20"));
    let ranges = h.span("lake.get_ranges");
    assert_eq!((attr(&ranges, "lake.bytes"), attr(&ranges, "lake.range_count")), (Some("15".into()), Some("2".into())));
    let copy = h.span("lake.copy");
    assert_eq!(
        (attr(&copy, "lake.path"), attr(&copy, "lake.destination")),
        (Some("a.bin".into()), Some("b.bin".into()))
    );
    assert_eq!(attr(&h.span("lake.rename"), "lake.destination").as_deref(), Some("c.bin"));
    assert_eq!(attr(&h.span("lake.delete"), "lake.object_count").as_deref(), Some("1"));
}

/// Copy and rename of a missing source, and a create-only put over an existing object, fail visibly.
#[test]
fn copy_rename_and_conditional_put_failures() {
    let h = Harness::new();
    let lake = store(&h);
    let (a, b) = (Path::from("a"), Path::from("b"));
    h.block_on(async {
        assert!(lake.copy(&a, &b).await.is_err());
        assert!(lake.rename(&a, &b).await.is_err());
        lake.put(&a, "x".into()).await.unwrap();
        let create = PutOptions { mode: PutMode::Create, ..Default::default() };
        assert!(lake.put_opts(&a, "y".into(), create).await.is_err());
    });
    let spans = h.finished();
    let errors: Vec<_> = spans
        .iter()
        .filter(|s| matches!(s.status, Status::Error { .. }))
        .map(|s| (s.name.to_string(), attr(s, "error.type").unwrap_or_default()))
        .collect();
    assert_eq!(
        errors,
        [
            ("lake.copy".into(), "not_found".into()),
            ("lake.rename".into(), "not_found".into()),
            ("lake.put".into(), "already_exists".into())
        ]
    );
}

/// list_with_delimiter counts objects and prefixes.
#[test]
fn list_with_delimiter_counts() {
    let h = Harness::new();
    let lake = store(&h);
    h.block_on(async {
        for name in ["bars/2024/a", "bars/2025/b", "bars/c"] {
            lake.put(&Path::from(name), "1".into()).await.unwrap();
        }
        let listed = lake.list_with_delimiter(Some(&Path::from("bars"))).await.unwrap();
        assert_eq!((listed.objects.len(), listed.common_prefixes.len()), (1, 2));
    });
    let span = h.span("lake.list_with_delimiter");
    assert_eq!((attr(&span, "lake.prefix"), attr(&span, "lake.object_count")), (Some("bars".into()), Some("3".into())));
}

/// A multipart upload is one span from start to complete, with parts and bytes; abort is an error.
#[test]
fn multipart_upload_spans_the_whole_upload() {
    let h = Harness::new();
    let lake = store(&h);
    h.block_on(async {
        let upload = lake.put_multipart(&Path::from("big.bin")).await.unwrap();
        let mut writer = WriteMultipart::new_with_chunk_size(upload, 10);
        writer.write(&[1u8; 25]);
        writer.finish().await.unwrap();
        let mut aborted = lake.put_multipart(&Path::from("gone.bin")).await.unwrap();
        aborted.abort().await.unwrap();
    });
    let spans = h.finished();
    let done = spans.iter().find(|s| attr(s, "lake.path").as_deref() == Some("big.bin")).unwrap();
    assert_eq!(done.name, "lake.put_multipart");
    assert_eq!((attr(done, "lake.bytes"), attr(done, "lake.part_count")), (Some("25".into()), Some("3".into())));
    let gone = spans.iter().find(|s| attr(s, "lake.path").as_deref() == Some("gone.bin")).unwrap();
    assert_eq!(gone.status, Status::error("multipart upload aborted"));
    assert_eq!(h.counter_sum(METRIC_BYTES, &[("lake.operation.name", "put_multipart"), ("lake.outcome", "ok")]), 25);
}

/// Local files: a get returns a file handle, so its span ends at once with the bytes to read.
#[test]
fn local_file_store_is_traced() {
    let h = Harness::new();
    let dir = tempfile::tempdir().unwrap();
    let local = object_store::local::LocalFileSystem::new_with_prefix(dir.path()).unwrap();
    let lake = InstrumentedStore::new(local, h.lake_metrics());
    let listed: Vec<_> = h.block_on(async {
        lake.put(&Path::from("x/y.csv"), "abc".into()).await.unwrap();
        assert_eq!(lake.get(&Path::from("x/y.csv")).await.unwrap().bytes().await.unwrap().as_ref(), b"abc");
        lake.list(None).try_collect().await.unwrap()
    });
    assert_eq!(listed.len(), 1);
    assert_eq!(attr(&h.span("lake.get"), "lake.store").as_deref(), Some("LocalFileSystem"));
    assert_eq!(attr(&h.span("lake.get"), "lake.bytes").as_deref(), Some("3"));
    assert_eq!(attr(&h.span("lake.list"), "lake.object_count").as_deref(), Some("1"));
}

/// An existence probe that finds nothing (`head` → NotFound, what `LakeClient::exists` asks) is
/// not an error span: status unset, `lake.found=false`, no `error.type`, counted as ok.
#[test]
fn head_not_found_is_a_probe_answer_not_an_error() {
    let h = Harness::new();
    let lake = crate::LakeClient::open("memory://").unwrap().instrumented(h.lake_metrics());
    let exists = h.block_on(lake.exists("bars/none.csv")).unwrap();
    assert!(!exists);
    let head = h.span("lake.head");
    assert_eq!(head.status, Status::Unset);
    assert_eq!(attr(&head, "lake.found").as_deref(), Some("false"));
    assert_eq!(attr(&head, "error.type"), None);
    assert_eq!(h.histogram_count(METRIC_DURATION, &[("lake.operation.name", "head"), ("lake.outcome", "ok")]), 1);
}

/// Spans name the lake they used: a `LakeClient`'s URL, or a raw store's description with its root.
#[test]
fn spans_name_the_lake() {
    let h = Harness::new();
    let client = crate::LakeClient::open("memory://").unwrap().instrumented(h.lake_metrics());
    h.block_on(client.write("a.txt", "x")).unwrap();
    assert_eq!(attr(&h.span("lake.put"), "lake.url").as_deref(), Some("memory://"));
    let dir = tempfile::tempdir().unwrap();
    let local = object_store::local::LocalFileSystem::new_with_prefix(dir.path()).unwrap();
    let lake = InstrumentedStore::new(local, h.lake_metrics());
    h.block_on(lake.put(&Path::from("b.txt"), "y".into())).unwrap();
    let spans = h.finished();
    let local_put = spans.iter().find(|s| attr(s, "lake.store").as_deref() == Some("LocalFileSystem")).unwrap();
    let url = attr(local_put, "lake.url").unwrap();
    assert!(url.contains(&dir.path().display().to_string()), "{url}");
}
