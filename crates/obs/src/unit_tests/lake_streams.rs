//! Streamed results keep their span open until the stream ends, and parent the caller's span.

use futures::{StreamExt, TryStreamExt};
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{GetResultPayload, ObjectStore, ObjectStoreExt};
use opentelemetry::trace::Status;

use crate::lake::{InstrumentedStore, LakeClient};
use crate::testkit::{Harness, attr};

fn names(h: &Harness) -> Vec<String> {
    h.finished().iter().map(|s| s.name.to_string()).collect()
}

/// A streamed get's span is still open after `get` returns and ends when the stream ends.
#[test]
fn get_span_ends_with_the_stream() {
    let h = Harness::new();
    let lake = InstrumentedStore::new(InMemory::new(), h.lake_metrics());
    let path = Path::from("bars.csv");
    h.block_on(lake.put(&path, vec![1u8; 64].into())).unwrap();
    let result = h.block_on(lake.get(&path)).unwrap();
    assert!(!names(&h).contains(&"lake.get".to_string()), "span ended before the stream was read");
    let GetResultPayload::Stream(stream) = result.payload else { panic!("in-memory gets stream") };
    let chunks: Vec<_> = h.block_on(stream.try_collect::<Vec<_>>()).unwrap();
    assert_eq!(chunks.iter().map(|c| c.len()).sum::<usize>(), 64);
    assert_eq!(attr(&h.span("lake.get"), "lake.bytes").as_deref(), Some("64"));
}

/// A list's span ends when the listing is exhausted, with the object count.
#[test]
fn list_span_ends_with_the_listing() {
    let h = Harness::new();
    let lake = InstrumentedStore::new(InMemory::new(), h.lake_metrics());
    h.block_on(async {
        for i in 0..3 {
            lake.put(&Path::from(format!("p/{i}")), "x".into()).await.unwrap();
        }
    });
    let mut listing = h.run(|| lake.list(Some(&Path::from("p"))));
    let first = h.block_on(listing.next());
    assert!(first.is_some());
    assert!(!names(&h).contains(&"lake.list".to_string()), "span ended before the listing did");
    let rest: Vec<_> = h.block_on(listing.try_collect::<Vec<_>>()).unwrap();
    assert_eq!(rest.len(), 2);
    let span = h.span("lake.list");
    assert_eq!((attr(&span, "lake.prefix"), attr(&span, "lake.object_count")), (Some("p".into()), Some("3".into())));
}

/// An error inside a stream ends the span with error status.
#[test]
fn stream_errors_set_error_status() {
    let h = Harness::new();
    let lake = InstrumentedStore::new(InMemory::new(), h.lake_metrics());
    let bad = futures::stream::iter([Err(object_store::Error::NotImplemented {
        operation: "probe".into(),
        implementer: "test".into(),
    })])
    .boxed();
    let deletes = h.run(|| lake.delete_stream(bad));
    let results: Vec<_> = h.block_on(deletes.collect::<Vec<_>>());
    assert!(results[0].is_err());
    let span = h.span("lake.delete");
    assert!(matches!(span.status, Status::Error { .. }));
    assert_eq!(attr(&span, "error.type").as_deref(), Some("not_implemented"));
}

/// LakeClient operations through instrument_lake parent under the caller's span.
#[test]
fn lake_client_spans_nest_under_the_caller() {
    let h = Harness::new();
    let lake = LakeClient::open("memory://").unwrap().instrumented(h.lake_metrics());
    h.run(|| {
        let outer = tracing::info_span!("load_bars");
        let _entered = outer.enter();
        futures::executor::block_on(async {
            lake.write("bars/ETH.csv", "ts,close\n").await.unwrap();
            assert_eq!(lake.read("bars/ETH.csv").await.unwrap().as_ref(), b"ts,close\n");
            assert!(lake.exists("bars/ETH.csv").await.unwrap());
            assert!(!lake.exists("bars/none.csv").await.unwrap());
            assert_eq!(lake.list(Some("bars")).await.unwrap(), ["bars/ETH.csv"]);
        });
    });
    let outer = h.span("load_bars");
    for name in ["lake.put", "lake.get", "lake.head", "lake.list"] {
        assert_eq!(h.span(name).parent_span_id, outer.span_context.span_id(), "{name}");
    }
    let err = LakeClient::open("s3://bucket").unwrap_err().to_string();
    assert!(err.contains("use file:///absolute/dir or memory://"), "{err}");
}
