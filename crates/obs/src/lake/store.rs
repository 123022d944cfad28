//! [`InstrumentedStore`]: an `ObjectStore` that forwards to another one, with a span and metrics
//! per operation.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, GetResultPayload, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};
use tracing::Instrument as _;

use crate::lake::labels::StoreLabels;
use crate::lake::metrics::LakeMetrics;
use crate::lake::op::{Op, lake_span, set_count};
use crate::lake::stream::{TracedBytes, TracedDeletes, TracedList};
use crate::lake::upload::TracedUpload;

/// A store whose every operation is a `lake.<operation>` span plus duration and bytes metrics.
#[derive(Debug)]
pub struct InstrumentedStore<S> {
    inner: S,
    pub(crate) name: Arc<str>,
    pub(crate) url: Arc<str>,
    labels: StoreLabels,
    metrics: LakeMetrics,
}

impl<S: ObjectStore> InstrumentedStore<S> {
    /// Wraps `inner`, recording with `metrics`; spans name the lake by the store's description
    /// (`LocalFileSystem(file:///data/lake/)`).
    pub fn new(inner: S, metrics: LakeMetrics) -> Self {
        let shown = inner.to_string();
        Self::with_url(inner, metrics, shown)
    }

    /// Wraps `inner`, naming the lake `url` (`lake.url` on every span).
    pub fn with_url(inner: S, metrics: LakeMetrics, url: impl Into<String>) -> Self {
        let shown = inner.to_string();
        let name = shown.split(['(', ' ']).next().unwrap_or("object_store").to_string();
        let name: Arc<str> = name.into();
        Self { inner, labels: StoreLabels::new(&name), name, url: url.into().into(), metrics }
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    fn op(&self, span: tracing::Span, operation: &'static str) -> Op {
        Op::new(span, self.labels.of(operation, &self.name), self.metrics.clone())
    }

    /// Awaits `fut` inside the op's span and finishes the op with `bytes_of` the result.
    async fn run<T>(
        &self,
        op: Op,
        fut: impl Future<Output = Result<T>>,
        bytes_of: impl FnOnce(&T) -> u64,
    ) -> Result<T> {
        let result = fut.instrument(op.span.clone()).await;
        match &result {
            Ok(value) => op.ok(bytes_of(value)),
            Err(err) => op.fail(err, 0),
        }
        result
    }
}

impl<S: ObjectStore> fmt::Display for InstrumentedStore<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Instrumented({})", self.inner)
    }
}

#[async_trait]
impl<S: ObjectStore> ObjectStore for InstrumentedStore<S> {
    async fn put_opts(&self, location: &Path, payload: PutPayload, opts: PutOptions) -> Result<PutResult> {
        let span = lake_span!("lake.put", self, path = location.as_ref());
        let bytes = payload.content_length() as u64;
        self.run(self.op(span, "put"), self.inner.put_opts(location, payload, opts), |_| bytes).await
    }

    async fn put_multipart_opts(&self, location: &Path, opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        let span = lake_span!("lake.put_multipart", self, path = location.as_ref());
        let op = self.op(span, "put_multipart");
        match self.inner.put_multipart_opts(location, opts).instrument(op.span.clone()).await {
            Ok(upload) => Ok(Box::new(TracedUpload::new(upload, op))),
            Err(err) => {
                op.fail(&err, 0);
                Err(err)
            }
        }
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        let (span, operation) = if options.head {
            (lake_span!("lake.head", self, path = location.as_ref()), "head")
        } else if options.range.is_some() {
            (lake_span!("lake.get_range", self, path = location.as_ref()), "get_range")
        } else {
            (lake_span!("lake.get", self, path = location.as_ref()), "get")
        };
        let op = self.op(span, operation);
        let result = match self.inner.get_opts(location, options).instrument(op.span.clone()).await {
            Ok(result) => result,
            Err(err @ object_store::Error::NotFound { .. }) if operation == "head" => {
                op.absent();
                return Err(err);
            }
            Err(err) => {
                op.fail(&err, 0);
                return Err(err);
            }
        };
        op.set_count("lake.object_size", result.meta.size);
        if operation == "head" {
            op.ok(0);
            return Ok(result);
        }
        Ok(match result.payload {
            GetResultPayload::Stream(stream) => {
                GetResult { payload: GetResultPayload::Stream(TracedBytes::boxed(stream, op)), ..result }
            }
            file @ GetResultPayload::File(..) => {
                op.ok(result.range.end - result.range.start);
                GetResult { payload: file, ..result }
            }
        })
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        let span = lake_span!("lake.get_ranges", self, path = location.as_ref());
        set_count(&span, "lake.range_count", ranges.len() as u64);
        let fut = self.inner.get_ranges(location, ranges);
        self.run(self.op(span, "get_ranges"), fut, |parts| parts.iter().map(|b| b.len() as u64).sum()).await
    }

    fn delete_stream(&self, locations: BoxStream<'static, Result<Path>>) -> BoxStream<'static, Result<Path>> {
        let span = lake_span!("lake.delete", self);
        let op = self.op(span, "delete");
        let inner = op.span.in_scope(|| self.inner.delete_stream(locations));
        TracedDeletes::boxed(inner, op)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        let span = lake_span!("lake.list", self, prefix = prefix.map_or("", |p| p.as_ref()));
        let op = self.op(span, "list");
        let inner = op.span.in_scope(|| self.inner.list(prefix));
        TracedList::boxed(inner, op)
    }

    fn list_with_offset(&self, prefix: Option<&Path>, offset: &Path) -> BoxStream<'static, Result<ObjectMeta>> {
        let span = lake_span!("lake.list", self, prefix = prefix.map_or("", |p| p.as_ref()));
        let op = self.op(span, "list");
        let inner = op.span.in_scope(|| self.inner.list_with_offset(prefix, offset));
        TracedList::boxed(inner, op)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        let span = lake_span!("lake.list_with_delimiter", self, prefix = prefix.map_or("", |p| p.as_ref()));
        let op = self.op(span, "list_with_delimiter");
        let span = op.span.clone();
        let result = self.run(op, self.inner.list_with_delimiter(prefix), |_| 0).await;
        if let Ok(list) = &result {
            set_count(&span, "lake.object_count", (list.objects.len() + list.common_prefixes.len()) as u64);
        }
        result
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        let span = lake_span!("lake.copy", self, path = from.as_ref());
        span.record("lake.destination", to.as_ref());
        self.run(self.op(span, "copy"), self.inner.copy_opts(from, to, options), |_| 0).await
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> Result<()> {
        let span = lake_span!("lake.rename", self, path = from.as_ref());
        span.record("lake.destination", to.as_ref());
        self.run(self.op(span, "rename"), self.inner.rename_opts(from, to, options), |_| 0).await
    }
}
