//! Streams that keep their operation's span open until the stream ends (or is dropped), counting
//! bytes or objects as items pass through.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::stream::{BoxStream, Stream};
use object_store::path::Path;
use object_store::{ObjectMeta, Result};

use crate::lake::op::Op;

/// How an item counts toward the operation's totals.
pub(crate) trait Tally {
    /// (bytes, objects) this item adds.
    fn tally(&self) -> (u64, u64);
}

impl Tally for Bytes {
    fn tally(&self) -> (u64, u64) {
        (self.len() as u64, 0)
    }
}

impl Tally for ObjectMeta {
    fn tally(&self) -> (u64, u64) {
        (0, 1)
    }
}

impl Tally for Path {
    fn tally(&self) -> (u64, u64) {
        (0, 1)
    }
}

/// A stream of `Result<T>` whose op finishes at the end, at the first error, or on drop.
pub(crate) struct Traced<T> {
    inner: BoxStream<'static, Result<T>>,
    op: Option<Op>,
    bytes: u64,
    objects: u64,
}

/// A get's byte stream.
pub(crate) type TracedBytes = Traced<Bytes>;
/// A list's object stream.
pub(crate) type TracedList = Traced<ObjectMeta>;
/// A delete's stream of deleted paths.
pub(crate) type TracedDeletes = Traced<Path>;

impl<T: Tally + Send + 'static> Traced<T> {
    pub(crate) fn boxed(inner: BoxStream<'static, Result<T>>, op: Op) -> BoxStream<'static, Result<T>> {
        Box::pin(Self { inner, op: Some(op), bytes: 0, objects: 0 })
    }
}

impl<T> Traced<T> {
    fn finish(&mut self, err: Option<&object_store::Error>) {
        if let Some(op) = self.op.take() {
            if self.objects > 0 {
                op.set_count("lake.object_count", self.objects);
            }
            match err {
                None => op.ok(self.bytes),
                Some(err) => op.fail(err, self.bytes),
            }
        }
    }
}

impl<T: Tally> Stream for Traced<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let polled = match &this.op {
            Some(op) => op.span.in_scope(|| this.inner.as_mut().poll_next(cx)),
            None => this.inner.as_mut().poll_next(cx),
        };
        match &polled {
            Poll::Ready(Some(Ok(item))) => {
                let (bytes, objects) = item.tally();
                this.bytes += bytes;
                this.objects += objects;
            }
            Poll::Ready(Some(Err(err))) => this.finish(Some(err)),
            Poll::Ready(None) => this.finish(None),
            Poll::Pending => {}
        }
        polled
    }
}

impl<T> Drop for Traced<T> {
    fn drop(&mut self) {
        self.finish(None);
    }
}
